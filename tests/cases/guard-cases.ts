// The behaviours of the per-resource policy: resources analyzed one by one, in registration order,
// during an update (inputs known). Shared by the unit spec and the end-to-end spec.

import { StackBuilder } from "../helpers/stack";
import { EVIDENCE } from "./evidence";
import { Expected } from "./stack-cases";

export interface GuardCase {
  name: string;
  /** Registers resources in the order the engine would analyze them. */
  build(s: StackBuilder): void;
  expect: Expected[];
}

const deny = (on: string, ...says: string[]): Expected => ({ on, level: "mandatory", says });
const advise = (on: string, ...says: string[]): Expected => ({ on, level: "advisory", says });

export const GUARD_CASES: GuardCase[] = [
  {
    name: "denies the access key when the login profile came first",
    build(s) {
      const u = s.user("alice");
      s.loginProfile("alice-login", u.out("name"));
      s.accessKey("alice-key", u.out("name"));
    },
    expect: [
      deny(
        "alice-key",
        'IAM user "alice"',
        'login profile "alice-login"',
        "analyzed earlier in this deployment; it may already exist",
        "If this finding is mandatory, this step is denied",
      ),
    ],
  },
  {
    name: "denies the login profile when the access key came first",
    build(s) {
      const u = s.user("alice");
      s.accessKey("alice-key", u.out("id"));
      s.loginProfile("alice-login", u.out("name"));
    },
    expect: [deny("alice-login", "console password", 'access key "alice-key"')],
  },
  {
    name: "denies an aws-native user with an inline login profile after that user's key",
    build(s) {
      s.accessKey("hana-key", "hana");
      s.nativeUser("hana", { loginProfile: true });
    },
    expect: [deny("hana", "inline loginProfile")],
  },
  {
    name: "denies an aws-native key after a classic login profile",
    build(s) {
      s.loginProfile("ivan-login", "ivan");
      s.nativeAccessKey("ivan-key", "ivan");
    },
    expect: [deny("ivan-key")],
  },
  {
    name: "allows a service account's keys",
    build(s) {
      const u = s.user("ci-deployer");
      s.accessKey("ci-key-1", u.out("name"));
      s.accessKey("ci-key-2", u.out("name"));
    },
    expect: [],
  },
  {
    name: "allows a console user without keys",
    build(s) {
      const u = s.user("alice");
      s.loginProfile("alice-login", u.out("name"));
      s.nativeUser("bob", { loginProfile: true });
    },
    expect: [],
  },
  // Accounts decided by evidence (lib/accounts.ts): the same stacks and answers as in stack-cases.ts.
  {
    name: "advises when the same user name is behind two providers whose accounts it cannot tell apart",
    build: EVIDENCE.twoProfilesNoAccountIds,
    expect: [advise("alice-b-key", "cannot tell", 'provider "account-a"', "`allowedAccountIds`", "nothing is denied")],
  },
  {
    name: "does not pair the same user name in two accounts each provider states",
    build: EVIDENCE.twoProfilesStatedAccounts,
    expect: [],
  },
  {
    name: "denies a console user's key behind a region-only provider when stack config pins the default provider",
    build: EVIDENCE.pinnedDefaultAndRegionProvider,
    expect: [deny("ops-deploy-key", 'IAM user "ops"')],
  },
  {
    name: "denies a console user's key when the other provider only adds allowedAccountIds",
    build: EVIDENCE.providerOnlyAddsAllowedAccountIds,
    expect: [deny("ops-key")],
  },
  {
    name: "advises when console users are managed through a role and the key uses the default credentials",
    build: EVIDENCE.roleProviderAndDefaultCredentials,
    expect: [advise("pia-key", "cannot tell", 'provider "iam-admin"', "`aws:allowedAccountIds`")],
  },
  {
    name: "denies when the default provider's allowedAccountIds names the account of the role the other assumes",
    build: EVIDENCE.roleProviderAndPinnedDefault,
    expect: [deny("pia-key")],
  },
  {
    name: "does not pair when the role's account and the other provider's allowedAccountIds differ",
    build: EVIDENCE.roleProviderAndOtherAccount,
    expect: [],
  },
  {
    name: "does not pair a key whose user, built from a console user's name and another resource, names another user",
    build: EVIDENCE.robotNamedAfterConsoleUser,
    expect: [],
  },
  {
    name: "denies a key built from a console user's name and another resource when its value names that user",
    build: EVIDENCE.valueNamesConsoleUser,
    expect: [deny("jane-key")],
  },
  // Values marked secret are never printed (lib/secrets.ts).
  {
    name: "prints no user name the program marked secret",
    build: EVIDENCE.secretUserName,
    expect: [deny("sam-key", "an IAM user named by a secret value (not shown)", 'login profile "sam-login"')],
  },
  {
    name: "prints neither the name nor the path inside a secret user ARN",
    build: EVIDENCE.secretUserArn,
    expect: [deny("ops-key", "an IAM user named by a secret value (not shown)")],
  },
  {
    name: "does not print a secret name where another resource repeats it plainly, in any case",
    build: EVIDENCE.secretNameRepeatedPlainly,
    expect: [deny("root-key", "an IAM user named by a secret value (not shown)")],
  },
  {
    name: "names no secret user when the accounts are in doubt",
    build: EVIDENCE.secretNameAccountsInDoubt,
    expect: [advise("kim-b-key", "cannot tell", 'provider "account-a"', "nothing is denied")],
  },
  // One account-and-user decision for both policies (the same stacks are in stack-cases.ts).
  {
    name: "does not pair a key created through another account's provider with the user resource its value comes from",
    build: EVIDENCE.keyThroughOtherAccountsProvider,
    expect: [],
  },
  {
    name: "pairs a key created through another account's provider with that account's console user of the name",
    build: EVIDENCE.keyThroughOtherAccountsProviderForItsConsoleUser,
    expect: [deny("alice-b-login", 'IAM user "alice"', 'access key "alice-b-key"')],
  },
  {
    name: "pairs a classic user and an aws-native user of one name in one account as one user",
    build: EVIDENCE.classicAndNativeUserOfOneName,
    expect: [deny("bob-key", 'IAM user "bob"')],
  },
  {
    name: "pairs user resources whose names differ only in case as one user",
    build: EVIDENCE.usersDifferingInCase,
    expect: [deny("frank-key")],
  },
  {
    name: "pairs the same user name behind providers with the same credentials",
    build(s) {
      const east = s.provider("east", { profile: "prod", region: "us-east-1" });
      const west = s.provider("west", { profile: "prod", region: "eu-west-1" });
      s.loginProfile("erin-login", "erin", { provider: east });
      s.accessKey("erin-key", "erin", { provider: west });
    },
    expect: [deny("erin-key")],
  },
  {
    name: "matches user names regardless of case",
    build(s) {
      s.loginProfile("carol-login", "Carol");
      s.accessKey("carol-key", "carol");
    },
    expect: [deny("carol-key")],
  },
  {
    name: "reports an inactive key after a login profile as advisory",
    build(s) {
      s.loginProfile("dan-login", "dan");
      s.accessKey("dan-key", "dan", { status: "Inactive" });
    },
    expect: [advise("dan-key", "advisory because the access key is Inactive", "this step is not denied")],
  },
  {
    name: "reports a login profile after only inactive keys as advisory",
    build(s) {
      s.accessKey("dan-key", "dan", { status: "Inactive" });
      s.loginProfile("dan-login", "dan");
    },
    expect: [advise("dan-login")],
  },
  {
    name: "denies every key of a console user made in a loop",
    build(s) {
      for (const [name, consoleUser] of [
        ["ana", true],
        ["ben", false],
      ] as const) {
        const u = s.user(name);
        if (consoleUser) s.loginProfile(`${name}-login`, u.out("name"));
        s.accessKey(`${name}-key-1`, u.out("name"));
        s.accessKey(`${name}-key-2`, u.out("id"));
      }
    },
    expect: [deny("ana-key-1"), deny("ana-key-2")],
  },
  {
    name: "denies each resource that completes a pair, whatever the order",
    build(s) {
      s.accessKey("eve-key-1", "eve");
      s.loginProfile("eve-login", "eve");
      s.accessKey("eve-key-2", "eve");
    },
    expect: [deny("eve-login"), deny("eve-key-2")],
  },
  {
    name: "skips values it cannot read without failing",
    build(s) {
      s.loginProfile("odd-login", 42);
      s.accessKey("odd-key", { user: "x" });
      s.accessKey("null-key", null);
      s.nativeUser("odd-native", { userName: 7, loginProfile: "yes" });
      s.other("aws:s3/bucket:Bucket", "bucket", { bucket: "b" });
    },
    expect: [],
  },
];
