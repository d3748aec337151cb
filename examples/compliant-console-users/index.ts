// People who work in the AWS console: each gets a login profile and nothing else. If one of
// them later needs programmatic access, they create their own key after signing in.
import * as aws from "@pulumi/aws";

const readOnly = new aws.iam.Group("console-readers", { name: "console-readers" });

new aws.iam.GroupPolicyAttachment("console-readers-policy", {
  group: readOnly.name,
  policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess",
});

for (const name of ["carol", "dave"]) {
  const user = new aws.iam.User(name, { name, forceDestroy: true });
  new aws.iam.UserLoginProfile(`${name}-console`, { user: user.name, passwordResetRequired: true });
  new aws.iam.UserGroupMembership(`${name}-groups`, { user: user.name, groups: [readOnly.name] });
}
