// Machine users: each has an access key and no console password, which CIS 1.11 allows.
import * as aws from "@pulumi/aws";

// The CI system deploys with this key.
const deployer = new aws.iam.User("ci-deployer", { name: "ci-deployer", path: "/service/" });
new aws.iam.UserPolicyAttachment("ci-deployer-power-user", {
  user: deployer.name,
  policyArn: "arn:aws:iam::aws:policy/PowerUserAccess",
});
const deployerKey = new aws.iam.AccessKey("ci-deployer-key", { user: deployer.name });

// The backup agent's secret is encrypted to the ops team's PGP key, never stored in plain text.
const backup = new aws.iam.User("backup-agent", { name: "backup-agent", path: "/service/" });
const backupKey = new aws.iam.AccessKey("backup-agent-key", {
  user: backup.name,
  pgpKey: "keybase:acme_ops",
});

export const deployerAccessKeyId = deployerKey.id;
export const deployerSecret = deployerKey.secret; // a secret output
export const backupEncryptedSecret = backupKey.encryptedSecret;
