// With aws-native, a console password is part of the User itself (`loginProfile`). A classic
// aws.iam.AccessKey for that user still violates CIS 1.11, across the two providers.
import * as aws from "@pulumi/aws";
import * as awsnative from "@pulumi/aws-native";
import * as pulumi from "@pulumi/pulumi";

const config = new pulumi.Config();

const lena = new awsnative.iam.User("lena", {
  userName: "lena",
  loginProfile: {
    password: config.requireSecret("lenaInitialPassword"),
    passwordResetRequired: true,
  },
});

// Fine: a console user and nothing else.
new awsnative.iam.User("mia", {
  userName: "mia",
  loginProfile: { password: config.requireSecret("miaInitialPassword"), passwordResetRequired: true },
});

// An aws-native User's ID is its user name. Violation: a key for lena, who has a console password.
const lenaKey = new aws.iam.AccessKey("lena-key", { user: lena.id });

export const lenaAccessKeyId = lenaKey.id;
