// CIS AWS 1.11, checked over the whole stack at the end of a preview or update.

import { StackValidationPolicy } from "@pulumi/policy";
import { deploymentMemory } from "../lib/deployment-memory";
import { exemptionsFromConfig, report, RULE_METADATA } from "../lib/rule";
import { forgetSecrets } from "../lib/secrets";
import { analyzeStack, notApplicableReason } from "../lib/stack-analysis";
import { currentRun } from "../lib/run";

export const noAccessKeyWithConsolePassword: StackValidationPolicy = {
  name: "cis-1-11-no-access-key-with-console-password",
  displayName: "No access key for an IAM user with a console password (CIS 1.11)",
  description:
    "Checks that the stack does not manage an active IAM access key for a user who also has a console password " +
    "(an aws.iam.UserLoginProfile, or an aws-native User with loginProfile). The user is matched through the " +
    "user resource both values come from, or by name within the same AWS account.",
  ...RULE_METADATA,
  validateStack: (args, reportViolation) => {
    const exemptions = exemptionsFromConfig(args.getConfig());
    // Config problems are reported even when there is nothing to judge: the config is broken either way.
    const run = currentRun();
    for (const r of analyzeStack(args.resources, exemptions, Date.now(), run)) {
      report(reportViolation, r.message, r.urn, r.advisory);
    }
    // The deployment is over: the per-resource policy starts the next one with an empty memory, and
    // the values marked secret in this one are forgotten (each request records its own again).
    deploymentMemory.reset();
    forgetSecrets();
    // A stack without a console password or without an access key has nothing to judge; this throws
    // (the SDK's way), after what was reported above, which the SDK keeps.
    const reason = notApplicableReason(args.resources);
    if (reason !== undefined) args.notApplicable(reason);
  },
};
