// The policy pack: assembles the policies, nothing else.

import { PolicyPack } from "@pulumi/policy";
import { blockPairBeforeCreation } from "./policies/block-pair-before-creation";
import { noAccessKeyWithConsolePassword } from "./policies/no-access-key-with-console-password";

new PolicyPack("cis-aws-1-11", {
  displayName: "CIS AWS Foundations Benchmark 1.11: no access keys at console user setup",
  provider: "aws",
  tags: ["cis-aws-3.0.0", "iam", "credentials"],
  description:
    "CIS AWS Foundations Benchmark v3.0.0, 1.11: do not set up access keys together with an IAM user's console password.",
  enforcementLevel: "mandatory",
  policies: [noAccessKeyWithConsolePassword, blockPairBeforeCreation],
});
