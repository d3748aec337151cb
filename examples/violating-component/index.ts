// A platform team's reusable component. Its `programmaticAccess` switch hands out an access key
// in the same deployment as the console password, which CIS 1.11 forbids for console users.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

interface TeamMemberArgs {
  userName: string;
  /** Give the person a console password. */
  console: boolean;
  /** Also create an access key. */
  programmaticAccess?: boolean;
}

class TeamMember extends pulumi.ComponentResource {
  readonly userName: pulumi.Output<string>;
  readonly accessKeyId?: pulumi.Output<string>;

  constructor(name: string, args: TeamMemberArgs, opts?: pulumi.ComponentResourceOptions) {
    super("acme:iam:TeamMember", name, {}, opts);
    const user = new aws.iam.User(`${name}-user`, { name: args.userName }, { parent: this });
    if (args.console) {
      new aws.iam.UserLoginProfile(
        `${name}-console`,
        { user: user.name, passwordResetRequired: true },
        { parent: this },
      );
    }
    if (args.programmaticAccess) {
      const key = new aws.iam.AccessKey(`${name}-key`, { user: user.name }, { parent: this });
      this.accessKeyId = key.id;
    }
    this.userName = user.name;
    this.registerOutputs({ userName: this.userName, accessKeyId: this.accessKeyId });
  }
}

// Violation: console password and access key for the same person.
const frank = new TeamMember("frank", { userName: "frank", console: true, programmaticAccess: true });

// Fine: console only.
new TeamMember("grace", { userName: "grace", console: true });

export const frankAccessKeyId = frank.accessKeyId;
