// Fern is in the engineers group, whose self-service policy already lets her create her own key
// after she signs in. Setting one up with her console password anyway breaks CIS AWS 1.11; the
// stack policy says so and names the policy that gives her the way to get a key herself.
import * as aws from "@pulumi/aws";

const engineers = new aws.iam.Group("engineers", { name: "engineers" });

const selfServiceKeys = new aws.iam.Policy("self-service-keys", {
  name: "self-service-keys",
  policy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ManageOwnAccessKeys",
        Effect: "Allow",
        Action: ["iam:CreateAccessKey", "iam:DeleteAccessKey", "iam:ListAccessKeys", "iam:UpdateAccessKey"],
        Resource: "arn:aws:iam::*:user/${aws:username}",
      },
    ],
  }),
});

new aws.iam.GroupPolicyAttachment("engineers-self-service-keys", {
  group: engineers.name,
  policyArn: selfServiceKeys.arn,
});

const fern = new aws.iam.User("fern", { name: "fern" });
new aws.iam.UserLoginProfile("fern-console", { user: fern.name, passwordResetRequired: true });
new aws.iam.UserGroupMembership("fern-groups", { user: fern.name, groups: [engineers.name] });

// Violation: not needed, she can create it herself when she needs it.
new aws.iam.AccessKey("fern-key", { user: fern.name });
