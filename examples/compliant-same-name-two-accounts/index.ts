// One program, two AWS accounts. IAM users live in an account, so the "alice" who signs in to
// production and the "alice" service account in the sandbox are two different users: giving
// the sandbox one a key does not give the console user a key.
//
// The pack cannot ask AWS which account a profile reaches. `allowedAccountIds` states it (the
// provider refuses to run in any other account), so with one account id on each provider the pack
// knows these are two accounts and reports nothing. Without it, two different profiles could still
// reach one account: the pack would report the sandbox key as advisory ("cannot tell whether ... are
// the same AWS account"), naming `allowedAccountIds` as what makes it certain.
import * as aws from "@pulumi/aws";

const production = new aws.Provider("production", {
  region: "eu-west-1",
  profile: "acme-production",
  allowedAccountIds: ["111111111111"],
});
const sandbox = new aws.Provider("sandbox", {
  region: "eu-west-1",
  profile: "acme-sandbox",
  allowedAccountIds: ["222222222222"],
});

// Production: a person who uses the console.
const consoleAlice = new aws.iam.User("alice-production", { name: "alice" }, { provider: production });
new aws.iam.UserLoginProfile(
  "alice-production-console",
  { user: consoleAlice.name, passwordResetRequired: true },
  { provider: production },
);

// Sandbox: a service account that happens to have the same name, with a key and no password.
const serviceAlice = new aws.iam.User("alice-sandbox", { name: "alice", path: "/service/" }, { provider: sandbox });
const serviceKey = new aws.iam.AccessKey("alice-sandbox-key", { user: serviceAlice.name }, { provider: sandbox });

export const sandboxAccessKeyId = serviceKey.id;
