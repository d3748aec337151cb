// An administrator whose user name the team keeps out of logs: the program marks it secret. The
// policy findings must not print it either; they name the user resource ("sam") instead.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

const sam = new aws.iam.User("sam", {
  name: pulumi.secret("sam-admin"),
  path: "/break-glass/",
});

const samConsole = new aws.iam.UserLoginProfile("sam-console", {
  user: sam.name,
  passwordResetRequired: true,
});

// Violation: an access key for the same console user.
const samKey = new aws.iam.AccessKey("sam-key", { user: sam.name });

export const initialPassword = samConsole.password; // a secret output
export const accessKeyId = samKey.id;
