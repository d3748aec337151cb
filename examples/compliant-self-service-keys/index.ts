// People sign in to the console and create their own access key if and when they need one (CIS
// AWS 1.11). The engineers group carries a self-service policy: each person may manage the keys of
// their own IAM user, and nobody else's. No access key is set up here.
import * as aws from "@pulumi/aws";

const engineers = new aws.iam.Group("engineers", { name: "engineers" });

// ${aws:username} is the name of the user making the request: their own user only.
const selfServiceKeys = new aws.iam.Policy("self-service-keys", {
  name: "self-service-keys",
  description: "Each user manages their own access keys",
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

const people = ["dana", "eli"].map((name) => {
  const user = new aws.iam.User(name, { name, tags: { kind: "human" } });
  new aws.iam.UserLoginProfile(`${name}-console`, { user: user.name, passwordResetRequired: true });
  return user;
});

new aws.iam.GroupMembership("engineers-members", {
  group: engineers.name,
  users: people.map((u) => u.name),
});
