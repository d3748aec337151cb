// One team, two kinds of identity, kept apart: people get console passwords, services get keys.
import * as aws from "@pulumi/aws";

// A person: console access only.
const erin = new aws.iam.User("erin", { name: "erin", tags: { kind: "human" } });
new aws.iam.UserLoginProfile("erin-console", { user: erin.name, passwordResetRequired: true });

// A service: an access key only. It runs outside AWS, so it cannot use an instance role.
const exporter = new aws.iam.User("metrics-exporter", {
  name: "metrics-exporter",
  path: "/service/",
  tags: { kind: "service" },
});
new aws.iam.UserPolicyAttachment("metrics-exporter-cloudwatch", {
  user: exporter.name,
  policyArn: "arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess",
});
const exporterKey = new aws.iam.AccessKey("metrics-exporter-key", { user: exporter.name });

export const exporterAccessKeyId = exporterKey.id;
