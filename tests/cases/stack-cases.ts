// The behaviours of the stack policy, as a table shared by the in-process unit spec and the
// end-to-end spec that sends the same stacks to the real pack over gRPC.

import { combine, Mode, StackBuilder } from "../helpers/stack";
import { EVIDENCE } from "./evidence";
import { secret, unknown, unknownObject } from "../helpers/wire";

export type Level = "mandatory" | "advisory";

export interface Expected {
  /** Resource name the finding is reported on. */
  on: string;
  level: Level;
  /** Texts the message must contain. */
  says?: string[];
}

export interface StackCase {
  name: string;
  build(s: StackBuilder): void;
  /** Findings in both modes, or per mode. */
  expect: Expected[] | Record<Mode, Expected[]>;
}

export function expectedFor(c: StackCase, mode: Mode): Expected[] {
  return Array.isArray(c.expect) ? c.expect : c.expect[mode];
}

const deny = (on: string, ...says: string[]): Expected => ({ on, level: "mandatory", says });
const advise = (on: string, ...says: string[]): Expected => ({ on, level: "advisory", says });

export const STACK_CASES: StackCase[] = [
  {
    name: "denies a key created with a console user's login profile",
    build(s) {
      const u = s.user("alice");
      s.loginProfile("alice-login", u.out("name"));
      s.accessKey("alice-key", u.out("name"));
    },
    expect: {
      preview: [deny("alice-key", 'IAM user "alice"', 'login profile "alice-login"', "Both are being created")],
      update: [deny("alice-key", 'IAM user "alice"', 'login profile "alice-login"')],
    },
  },
  {
    name: "denies a key whose user is the user's computed id, unknown during preview",
    build(s) {
      const u = s.user("alice");
      s.loginProfile("alice-login", u.out("name"));
      s.accessKey("alice-key", u.out("id"));
    },
    expect: [deny("alice-key", 'IAM user "alice"')],
  },
  {
    name: "denies a key whose user is derived from the user's ARN",
    build(s) {
      const u = s.user("alice");
      s.loginProfile("alice-login", u.out("id"));
      const arn = u.out("arn");
      s.accessKey("alice-key", combine(s.mode === "preview" ? unknown : "alice", arn));
    },
    expect: [deny("alice-key", 'IAM user "alice"')],
  },
  {
    name: "denies a key for an existing console user (key added later)",
    build(s) {
      const u = s.user("alice", { existing: true });
      s.loginProfile("alice-login", u.out("name"), { existing: true });
      s.accessKey("alice-key", u.out("name"));
    },
    expect: {
      preview: [deny("alice-key", "already has a console password")],
      update: [deny("alice-key")],
    },
  },
  {
    name: "denies a console password added for a user who already has a key",
    build(s) {
      const u = s.user("alice", { existing: true });
      s.accessKey("alice-key", u.out("name"), { existing: true });
      s.loginProfile("alice-login", u.out("name"));
    },
    expect: {
      preview: [deny("alice-key", "console password is being added")],
      update: [deny("alice-key")],
    },
  },
  {
    name: "denies a key that names the console user with a literal string",
    build(s) {
      const u = s.user("alice");
      s.loginProfile("alice-login", u.out("name"));
      s.accessKey("alice-key", "alice");
    },
    expect: [deny("alice-key", 'IAM user "alice"')],
  },
  {
    name: "denies a key and a login profile for a user managed outside the stack",
    build(s) {
      s.loginProfile("bob-login", "bob");
      s.accessKey("bob-key", "bob");
    },
    expect: [deny("bob-key", 'IAM user "bob"')],
  },
  {
    name: "matches user names regardless of case, as IAM does",
    build(s) {
      s.loginProfile("carol-login", "Carol");
      s.accessKey("carol-key", "carol");
    },
    expect: [deny("carol-key")],
  },
  {
    name: "denies a key whose user is given as a user ARN",
    build(s) {
      const u = s.user("alice");
      s.loginProfile("alice-login", u.out("name"));
      s.accessKey("alice-key", "arn:aws:iam::123456789012:user/engineering/alice");
    },
    expect: [deny("alice-key", 'IAM user "alice"')],
  },
  {
    name: "denies a key whose user name is a secret",
    build(s) {
      s.loginProfile("dana-login", "dana");
      s.accessKey("dana-key", secret("dana"));
    },
    expect: [deny("dana-key")],
  },
  {
    name: "does not pair a key for another user whose name is derived from a console user's name",
    build(s) {
      const u = s.user("alice");
      s.loginProfile("alice-login", u.out("name"));
      s.accessKey("alice-svc-key", combine("alice-svc", u.out("name")));
    },
    expect: [],
  },
  {
    name: "allows a service account's key (no console password)",
    build(s) {
      const svc = s.user("ci-deployer");
      s.accessKey("ci-deployer-key", svc.out("name"));
    },
    expect: [],
  },
  {
    name: "allows a console user without access keys",
    build(s) {
      const u = s.user("alice");
      s.loginProfile("alice-login", u.out("name"));
    },
    expect: [],
  },
  {
    name: "allows console users and service accounts side by side",
    build(s) {
      const alice = s.user("alice");
      s.loginProfile("alice-login", alice.out("name"));
      const svc = s.user("ci-deployer");
      s.accessKey("ci-deployer-key", svc.out("name"));
      s.other("aws:s3/bucket:Bucket", "artifacts", { bucket: "artifacts" });
    },
    expect: [],
  },
  {
    name: "reports an inactive key of a console user as advisory",
    build(s) {
      const u = s.user("alice");
      s.loginProfile("alice-login", u.out("name"));
      s.accessKey("alice-key", u.out("name"), { status: "Inactive" });
    },
    expect: [advise("alice-key", "Inactive")],
  },
  {
    name: "treats a key whose status is unknown as active",
    build(s) {
      const u = s.user("alice");
      s.loginProfile("alice-login", u.out("name"));
      s.accessKey("alice-key", u.out("name"), { status: s.mode === "preview" ? unknown : "Active" });
    },
    expect: [deny("alice-key")],
  },
  {
    name: "advises when the same user name is behind two providers whose accounts it cannot tell apart",
    build(s) {
      const a = s.provider("account-a", { profile: "team-a" });
      const b = s.provider("account-b", { profile: "team-b" });
      const aliceA = s.user("alice-a", { userName: "alice", provider: a });
      s.loginProfile("alice-a-login", aliceA.out("name"), { provider: a });
      const aliceB = s.user("alice-b", { userName: "alice", provider: b });
      s.accessKey("alice-b-key", aliceB.out("name"), { provider: b });
      s.accessKey("alice-b-key-literal", "alice", { provider: b });
    },
    expect: [
      advise("alice-b-key", "cannot tell", 'provider "account-a"', 'provider "account-b"', "`allowedAccountIds`"),
      advise("alice-b-key-literal", "cannot tell", "`allowedAccountIds`"),
    ],
  },
  {
    name: "pairs names behind two providers with the same credentials in different regions",
    build(s) {
      const east = s.provider("east", { profile: "prod", region: "us-east-1" });
      const west = s.provider("west", { profile: "prod", region: "eu-west-1" });
      s.loginProfile("erin-login", "erin", { provider: east });
      s.accessKey("erin-key", "erin", { provider: west });
    },
    expect: [deny("erin-key")],
  },
  {
    name: "tells accounts apart by the role the provider assumes",
    build(s) {
      const roleArns = (arn: string) => JSON.stringify([{ roleArn: arn }]);
      const prod = s.provider("prod", { assumeRoles: roleArns("arn:aws:iam::111111111111:role/deploy") });
      const dev = s.provider("dev", { assumeRoles: roleArns("arn:aws:iam::222222222222:role/deploy") });
      const prod2 = s.provider("prod-again", { assumeRoles: roleArns("arn:aws:iam::111111111111:role/deploy") });
      s.loginProfile("frank-login", "frank", { provider: prod });
      s.accessKey("frank-dev-key", "frank", { provider: dev });
      s.accessKey("frank-prod-key", "frank", { provider: prod2 });
    },
    expect: [deny("frank-prod-key")],
  },
  {
    name: "advises when a provider's credentials are not known during preview",
    build(s) {
      const computed = s.provider("computed", { profile: s.mode === "preview" ? unknown : "other" });
      s.loginProfile("gil-login", "gil");
      s.accessKey("gil-key", "gil", { provider: computed });
    },
    expect: {
      preview: [advise("gil-key", 'settings of provider "computed" are not known yet', "accounts may differ")],
      update: [advise("gil-key", "cannot tell", "use different credential settings")],
    },
  },
  {
    name: "pairs a classic key with an aws-native user's inline login profile",
    build(s) {
      const nu = s.nativeUser("hana", { loginProfile: true });
      s.accessKey("hana-key", nu.out("userName"));
    },
    expect: [deny("hana-key", "inline loginProfile", 'aws-native user "hana"')],
  },
  {
    name: "pairs an aws-native key with a classic login profile",
    build(s) {
      s.loginProfile("ivan-login", "ivan");
      s.nativeAccessKey("ivan-native-key", "ivan");
    },
    expect: [deny("ivan-native-key", "aws-native access key")],
  },
  {
    name: "allows an aws-native user without a login profile to have a key",
    build(s) {
      const nu = s.nativeUser("robot");
      s.accessKey("robot-key", nu.out("userName"));
    },
    expect: [],
  },
  {
    name: "advises when an aws-native user's loginProfile is not known yet",
    build(s) {
      const nu = s.nativeUser("jo", { loginProfile: s.mode === "preview" ? unknownObject : true });
      s.accessKey("jo-key", nu.out("userName"));
    },
    expect: { preview: [advise("jo-key", "not known yet")], update: [deny("jo-key")] },
  },
  {
    name: "pairs through the user resource when the aws-native user name is computed",
    build(s) {
      const nu = s.nativeUser("kim", { userName: s.mode === "preview" ? unknown : "kim-1a2b3c", loginProfile: true });
      s.accessKey("kim-key", nu.out("userName"));
    },
    expect: [deny("kim-key")],
  },
  {
    name: "advises when a key's user cannot be resolved and a console password exists",
    build(s) {
      s.loginProfile("lee-login", "lee");
      const pet = s.other("random:index/randomPet:RandomPet", "pet", { length: 2 });
      s.accessKey("mystery-key", combine(s.mode === "preview" ? unknown : "quiet-otter", pet.out("id")));
    },
    expect: { preview: [advise("mystery-key", "cannot be determined", "computed")], update: [] },
  },
  {
    name: "stays silent about unresolvable keys when the stack has no console password",
    build(s) {
      const pet = s.other("random:index/randomPet:RandomPet", "pet", { length: 2 });
      s.accessKey("mystery-key", combine(s.mode === "preview" ? unknown : "quiet-otter", pet.out("id")));
    },
    expect: [],
  },
  {
    name: "advises when a login profile's user cannot be resolved",
    build(s) {
      const pet = s.other("random:index/randomPet:RandomPet", "pet", { length: 2 });
      s.loginProfile("mystery-login", combine(s.mode === "preview" ? unknown : "quiet-otter", pet.out("id")));
      s.accessKey("otto-key", "otto");
    },
    expect: { preview: [advise("otto-key", "mystery-login", "cannot be determined")], update: [] },
  },
  {
    name: "checks resources inside components",
    build(s) {
      const team = s.component("platform", "acme:index:Team");
      const member = s.component("platform-nina", "acme:index:Member", { parent: team });
      const u = s.user("nina", { parent: member });
      s.loginProfile("nina-login", u.out("name"), { parent: member });
      s.accessKey("nina-key", u.out("id"), { parent: member });
    },
    expect: [deny("nina-key")],
  },
  {
    name: "reports one finding per key of console users created in a loop",
    build(s) {
      for (const [name, consoleUser] of [
        ["ana", true],
        ["ben", false],
        ["cy", true],
      ] as const) {
        const u = s.user(name);
        if (consoleUser) s.loginProfile(`${name}-login`, u.out("name"));
        s.accessKey(`${name}-key-1`, u.out("name"));
        s.accessKey(`${name}-key-2`, u.out("id"));
      }
    },
    expect: [deny("ana-key-1"), deny("ana-key-2"), deny("cy-key-1"), deny("cy-key-2")],
  },
  {
    name: "reports a key once even when the user has two console passwords",
    build(s) {
      const nu = s.nativeUser("pat", { loginProfile: true });
      s.loginProfile("pat-login", nu.out("userName"));
      s.accessKey("pat-key", nu.out("userName"));
    },
    expect: [deny("pat-key", "and 1 more")],
  },
  {
    name: "falls back to the value when it was built from two users' outputs",
    build(s) {
      const a = s.user("quinn");
      const b = s.user("rae");
      s.loginProfile("quinn-login", a.out("name"));
      s.accessKey("pick-key", combine("quinn", a.out("name"), b.out("name")));
    },
    expect: [deny("pick-key", 'IAM user "quinn"')],
  },
  {
    name: "keeps answering on odd property values",
    build(s) {
      s.loginProfile("sam-login", "sam");
      s.accessKey("number-key", 42);
      s.accessKey("object-key", { name: "sam" });
      s.accessKey("empty-key", "");
      s.accessKey("null-key", null);
      s.loginProfile("array-login", ["sam"]);
      s.user("numeric-user", { userName: 7 });
      s.accessKey("odd-status-key", "sam", { status: 5 });
    },
    expect: [
      advise("number-key", "not a user name"),
      advise("object-key", "not a user name"),
      advise("empty-key", "no `user` value"),
      advise("null-key", "no `user` value"),
      deny("odd-status-key"),
    ],
  },
  // Accounts decided by evidence (lib/accounts.ts); the same stacks are in guard-cases.ts.
  {
    name: "denies a console user's key behind a region-only provider when stack config pins the default provider",
    build: EVIDENCE.pinnedDefaultAndRegionProvider,
    expect: [deny("ops-deploy-key", 'IAM user "ops"', 'login profile "ops-login"')],
  },
  {
    name: "denies a console user's key when the other provider only adds allowedAccountIds",
    build: EVIDENCE.providerOnlyAddsAllowedAccountIds,
    expect: [deny("ops-key", 'IAM user "ops"')],
  },
  {
    name: "advises when console users are managed through a role and the key uses the default credentials",
    build: EVIDENCE.roleProviderAndDefaultCredentials,
    expect: [
      advise(
        "pia-key",
        "cannot tell",
        'provider "iam-admin"',
        "the default aws provider",
        "`allowedAccountIds`",
        "`aws:allowedAccountIds`",
      ),
    ],
  },
  {
    name: "denies when the default provider's allowedAccountIds names the account of the role the other assumes",
    build: EVIDENCE.roleProviderAndPinnedDefault,
    expect: [deny("pia-key", 'IAM user "pia"')],
  },
  {
    name: "does not pair when the role's account and the other provider's allowedAccountIds differ",
    build: EVIDENCE.roleProviderAndOtherAccount,
    expect: [],
  },
  {
    name: "does not pair the same user name in two accounts each provider states",
    build: EVIDENCE.twoProfilesStatedAccounts,
    expect: [],
  },
  {
    name: "advises, not denies, a key whose unknown user is built from a console user's name and another resource",
    build: EVIDENCE.robotNamedAfterConsoleUser,
    expect: {
      preview: [advise("jane-ci-key", 'IAM user "jane"', '"suffix"', "may name that user or another one")],
      update: [],
    },
  },
  {
    name: "denies a key built from a console user's name and another resource when its value names that user",
    build: EVIDENCE.valueNamesConsoleUser,
    expect: [deny("jane-key", 'IAM user "jane"')],
  },
  {
    name: "pairs a classic user and an aws-native user of one name in one account as one user",
    build: EVIDENCE.classicAndNativeUserOfOneName,
    expect: [deny("bob-key", 'IAM user "bob"', 'inline loginProfile of aws-native user "bob-console"')],
  },
  {
    name: "pairs user resources whose names differ only in case as one user",
    build: EVIDENCE.usersDifferingInCase,
    expect: [deny("frank-key", 'login profile "frank-login"')],
  },
  {
    name: "ignores resources of other providers and types",
    build(s) {
      s.other("gcp:serviceaccount/key:Key", "gcp-key", { serviceAccountId: "alice" });
      s.other("azuread:index/user:User", "alice-ad", { userPrincipalName: "alice", password: secret("x") });
      s.other("aws:iam/role:Role", "role", { name: "alice" });
      s.loginProfile("alice-login", "alice");
    },
    expect: [],
  },
];
