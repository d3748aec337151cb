// Onboarding a new engineer: a console login and, "to save a ticket later", an access key.
// CIS AWS 1.11 forbids exactly this: the key is set up together with the console password,
// before anyone knows whether she needs programmatic access at all.
import * as aws from "@pulumi/aws";

const alice = new aws.iam.User("alice", {
  name: "alice",
  tags: { team: "data-platform" },
});

// Console access. AWS generates the initial password; she must change it at first sign-in.
const aliceConsole = new aws.iam.UserLoginProfile("alice-console", {
  user: alice.name,
  passwordResetRequired: true,
});

// Violation: an access key for the same user, created in the same deployment.
const aliceKey = new aws.iam.AccessKey("alice-key", { user: alice.name });

export const initialPassword = aliceConsole.password; // a secret output
export const accessKeyId = aliceKey.id;
