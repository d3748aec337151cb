// The login profile and the access key name their user through computed values instead of
// `user.name`. The user name is generated (no `name` given), so nothing here spells it out;
// the pack follows the values back to the user resource they come from.
import * as aws from "@pulumi/aws";

const henry = new aws.iam.User("henry", { path: "/engineering/" });

// The last segment of the user's ARN is the user name.
new aws.iam.UserLoginProfile("henry-console", {
  user: henry.arn.apply((arn) => arn.split("/").pop()!),
  passwordResetRequired: true,
});

// An aws.iam.User's ID is its user name. Violation: a key for the console user above.
const henryKey = new aws.iam.AccessKey("henry-key", { user: henry.id });

export const userArn = henry.arn;
export const accessKeyId = henryKey.id;
