// Team members declared as data and created by a helper. Two console users were also given keys
// when the list was edited: those two keys violate CIS 1.11; the bot's key is fine.
import * as aws from "@pulumi/aws";

interface Member {
  name: string;
  console: boolean;
  accessKey: boolean;
}

const team: Member[] = [
  { name: "ivan", console: true, accessKey: false },
  { name: "judy", console: true, accessKey: true }, // violation
  { name: "release-bot", console: false, accessKey: true },
  { name: "karl", console: true, accessKey: true }, // violation
];

function createMember(member: Member): aws.iam.User {
  const user = new aws.iam.User(member.name, { name: member.name, tags: { managedBy: "team-list" } });
  if (member.console) {
    new aws.iam.UserLoginProfile(`${member.name}-console`, { user: user.name, passwordResetRequired: true });
  }
  if (member.accessKey) {
    new aws.iam.AccessKey(`${member.name}-key`, { user: user.name });
  }
  return user;
}

export const userArns = team.map((member) => createMember(member).arn);
