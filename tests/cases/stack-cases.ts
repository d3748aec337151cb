// The behaviours of the stack policy, as a table shared by the in-process unit spec and the
// end-to-end spec that sends the same stacks to the real pack over gRPC.

import { ACCOUNT_ID, combine, list, Mode, StackBuilder } from "../helpers/stack";
import { EVIDENCE } from "./evidence";
import { SECRET_NAME } from "../../lib/messages";
import { secret, unknown, unknownObject } from "../helpers/wire";
import { READINESS_CASES } from "./readiness-cases";

export type Level = "mandatory" | "advisory";

export interface Expected {
  /** Resource name the finding is reported on. */
  on: string;
  level: Level;
  /** Texts the message must contain. */
  says?: string[];
  /** Texts the message must not contain. */
  never?: string[];
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

/** The ready-made self-service policy of the docs: each user manages their own keys. */
export const SELF_SERVICE_POLICY = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "ManageOwnAccessKeys",
      Effect: "Allow",
      Action: ["iam:CreateAccessKey", "iam:DeleteAccessKey", "iam:ListAccessKeys", "iam:UpdateAccessKey"],
      Resource: "arn:aws:iam::*:user/${aws:username}",
    },
  ],
});

const doc = (...statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });

/** A console user "alice" with a key: the finding whose message the readiness cases look at. */
function aliceWithKey(s: StackBuilder, opts: { permissionsBoundary?: unknown } = {}) {
  const u = s.user("alice", opts);
  s.loginProfile("alice-login", u.out("name"));
  s.accessKey("alice-key", u.out("name"));
  return u;
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
  // Values marked secret are never printed (lib/secrets.ts): the user's resource is named instead.
  {
    name: "names the user resource, not a user name the program marked secret",
    build: EVIDENCE.secretUserName,
    expect: [deny("sam-key", 'the IAM user of user resource "sam"', SECRET_NAME, 'login profile "sam-login"')],
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
    expect: [advise("kim-b-key", "cannot tell", 'provider "account-a"')],
  },
  {
    name: "names the user resource, not a secret name, when a key's user may name it or another user",
    build(s) {
      const u = s.user("sam", { userName: secret("sam-admin") });
      s.loginProfile("sam-login", u.out("name"));
      const tag = s.other("random:index/randomId:RandomId", "tag", { byteLength: 2 });
      s.accessKey(
        "tag-key",
        combine(s.mode === "preview" ? unknown : secret("sam-admin-ci"), u.out("name"), tag.out("hex")),
      );
    },
    expect: {
      preview: [advise("tag-key", 'user resource "sam"', "may name that user or another one")],
      update: [],
    },
  },
  // One account-and-user decision for both policies (the same stacks are in guard-cases.ts).
  {
    name: "does not pair a key created through another account's provider with the user resource its value comes from",
    build: EVIDENCE.keyThroughOtherAccountsProvider,
    expect: [],
  },
  {
    name: "pairs a key created through another account's provider with that account's console user of the name",
    build: EVIDENCE.keyThroughOtherAccountsProviderForItsConsoleUser,
    expect: [deny("alice-b-key", 'IAM user "alice"', 'login profile "alice-b-login"')],
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
  {
    name: "says nothing in the stack lets the person create their own key, pointing to the self-service policy",
    build(s) {
      aliceWithKey(s);
    },
    expect: [deny("alice-key", "Nothing in this stack allows them iam:CreateAccessKey", "How the person gets a key")],
  },
  {
    name: "names the inline user policy that lets the person create their own key",
    build(s) {
      const u = aliceWithKey(s);
      s.resource("aws:iam/userPolicy:UserPolicy", "alice-self-keys", {
        user: u.out("name"),
        policy: SELF_SERVICE_POLICY,
      });
    },
    expect: [
      deny(
        "alice-key",
        'They can create their own key: statement "ManageOwnAccessKeys" of user policy "alice-self-keys"',
      ),
    ],
  },
  {
    name: "names a customer managed policy attached to the person's group",
    build(s) {
      const u = aliceWithKey(s);
      const g = s.group("engineers");
      s.resource("aws:iam/groupMembership:GroupMembership", "engineers-members", {
        group: g.out("name"),
        users: list(u.out("name")),
      });
      const p = s.policy("self-service-keys", SELF_SERVICE_POLICY);
      s.resource("aws:iam/groupPolicyAttachment:GroupPolicyAttachment", "engineers-self-service", {
        group: g.out("name"),
        policyArn: p.out("arn"),
      });
    },
    expect: [deny("alice-key", "They can create their own key", 'policy "self-service-keys" of group "engineers"')],
  },
  {
    name: "follows UserGroupMembership to a group's inline policy",
    build(s) {
      const u = aliceWithKey(s);
      const g = s.group("devs");
      s.resource("aws:iam/userGroupMembership:UserGroupMembership", "alice-groups", {
        user: u.out("name"),
        groups: list(g.out("name"), "other-group"),
      });
      s.resource("aws:iam/groupPolicy:GroupPolicy", "devs-keys", { group: g.out("name"), policy: SELF_SERVICE_POLICY });
    },
    expect: [deny("alice-key", "They can create their own key", 'group policy "devs-keys" of group "devs"')],
  },
  {
    name: "reads an aws-native user's groups and a native group's inline policy",
    build(s) {
      const g = s.resource("aws-native:iam:Group", "native-devs", {
        groupName: "native-devs",
        policies: [{ policyName: "own-keys", policyDocument: JSON.parse(SELF_SERVICE_POLICY) }],
      });
      const nu = s.nativeUser("hana", { loginProfile: true, iam: { groups: list(g.out("groupName")) } });
      s.accessKey("hana-key", nu.out("userName"));
    },
    expect: [deny("hana-key", "They can create their own key", 'inline policy "own-keys" of group "native-devs"')],
  },
  {
    name: "reads an aws-native user's own inline policies",
    build(s) {
      const nu = s.nativeUser("ines", {
        loginProfile: true,
        iam: { policies: [{ policyName: "keys", policyDocument: JSON.parse(SELF_SERVICE_POLICY) }] },
      });
      s.accessKey("ines-key", nu.out("userName"));
    },
    expect: [deny("ines-key", 'inline policy "keys" of aws-native user "ines"')],
  },
  {
    name: "knows AWS managed policies by ARN: AdministratorAccess grants, IAMUserChangePassword does not",
    build(s) {
      const u = aliceWithKey(s);
      s.resource("aws:iam/userPolicyAttachment:UserPolicyAttachment", "alice-password", {
        user: u.out("name"),
        policyArn: "arn:aws:iam::aws:policy/IAMUserChangePassword",
      });
      s.loginProfile("bob-login", "bob");
      s.accessKey("bob-key", "bob");
      s.resource("aws:iam/policyAttachment:PolicyAttachment", "admins", {
        users: ["bob"],
        policyArn: "arn:aws:iam::aws:policy/AdministratorAccess",
      });
    },
    expect: [
      deny("alice-key", "Nothing in this stack allows them"),
      deny("bob-key", 'They can create their own key: AWS managed policy "AdministratorAccess"'),
    ],
  },
  {
    name: "cannot tell for a policy ARN the stack does not manage",
    build(s) {
      const u = aliceWithKey(s);
      s.resource("aws:iam/userPolicyAttachment:UserPolicyAttachment", "alice-unlisted", {
        user: u.out("name"),
        policyArn: "arn:aws:iam::aws:policy/NoSuchManagedPolicy",
      });
      s.resource("aws:iam/userPolicyAttachment:UserPolicyAttachment", "alice-elsewhere", {
        user: u.out("name"),
        policyArn: `arn:aws:iam::${ACCOUNT_ID}:policy/managed-elsewhere`,
      });
    },
    expect: [deny("alice-key", "cannot be told", 'AWS managed policy "NoSuchManagedPolicy" is not known to this pack')],
  },
  {
    name: "names the statement that explicitly denies creating a key, whatever allows it",
    build(s) {
      const u = aliceWithKey(s);
      s.resource("aws:iam/userPolicyAttachment:UserPolicyAttachment", "alice-admin", {
        user: u.out("name"),
        policyArn: "arn:aws:iam::aws:policy/AdministratorAccess",
      });
      s.resource("aws:iam/userPolicy:UserPolicy", "alice-no-keys", {
        user: u.out("name"),
        policy: doc({ Sid: "NoKeys", Effect: "Deny", Action: "iam:*AccessKey*", Resource: "*" }),
      });
    },
    expect: [
      deny("alice-key", 'They cannot create their own key: statement "NoKeys" of user policy "alice-no-keys" denies'),
    ],
  },
  {
    name: "names a permissions boundary that does not allow creating a key",
    build(s) {
      const boundary = s.policy("s3-only-boundary", doc({ Effect: "Allow", Action: "s3:*", Resource: "*" }));
      const u = aliceWithKey(s, { permissionsBoundary: boundary.out("arn") });
      s.resource("aws:iam/userPolicy:UserPolicy", "alice-self-keys", {
        user: u.out("name"),
        policy: SELF_SERVICE_POLICY,
      });
    },
    expect: [
      deny("alice-key", "They cannot create their own key", 'permissions boundary policy "s3-only-boundary" does not'),
    ],
  },
  {
    name: "says a service control policy in the stack may block it",
    build(s) {
      const u = aliceWithKey(s);
      s.resource("aws:iam/userPolicy:UserPolicy", "alice-self-keys", {
        user: u.out("name"),
        policy: SELF_SERVICE_POLICY,
      });
      const scp = s.resource(
        "aws:organizations/policy:Policy",
        "no-user-keys",
        {
          name: "no-user-keys",
          type: "SERVICE_CONTROL_POLICY",
          content: doc({ Effect: "Deny", Action: "iam:CreateAccessKey", Resource: "*" }),
        },
        { arn: "arn:aws:organizations::111111111111:policy/o-abc/service_control_policy/p-abc123" },
      );
      s.resource("aws:organizations/policyAttachment:PolicyAttachment", "no-user-keys-root", {
        policyId: scp.out("id"),
        targetId: "r-abcd",
      });
    },
    expect: [deny("alice-key", "They can create their own key", 'service control policy "no-user-keys" may block it')],
  },
  {
    name: "says it depends on a condition it cannot decide",
    build(s) {
      const u = aliceWithKey(s);
      s.resource("aws:iam/userPolicy:UserPolicy", "alice-mfa-keys", {
        user: u.out("name"),
        policy: doc({
          Effect: "Allow",
          Action: "iam:CreateAccessKey",
          Resource: "arn:aws:iam::*:user/${aws:username}",
          Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } },
        }),
      });
    },
    expect: [deny("alice-key", 'depends on a condition in user policy "alice-mfa-keys"')],
  },
  {
    name: "cannot tell yet while a policy document is not known during preview",
    build(s) {
      const u = aliceWithKey(s);
      const bucket = s.other("aws:s3/bucket:Bucket", "artifacts", { bucket: "artifacts" });
      s.resource("aws:iam/userPolicy:UserPolicy", "alice-computed", {
        user: u.out("name"),
        policy: combine(s.mode === "preview" ? unknown : SELF_SERVICE_POLICY, bucket.out("arn")),
      });
    },
    expect: {
      preview: [deny("alice-key", "cannot be told yet", 'user policy "alice-computed"')],
      update: [deny("alice-key", "They can create their own key")],
    },
  },
  {
    name: "does not count a self-service policy that names another user",
    build(s) {
      aliceWithKey(s);
      const bob = s.user("bob");
      s.resource("aws:iam/userPolicy:UserPolicy", "bob-keys", { user: bob.out("name"), policy: SELF_SERVICE_POLICY });
      s.resource("aws:iam/userPolicy:UserPolicy", "alice-bobs-keys", {
        user: "alice",
        policy: doc({ Effect: "Allow", Action: "iam:CreateAccessKey", Resource: "arn:aws:iam::*:user/bob" }),
      });
    },
    expect: [deny("alice-key", "Nothing in this stack allows them")],
  },
  {
    name: "cannot tell yet whether a policy naming the account applies while the user's account is not known",
    build(s) {
      const u = aliceWithKey(s);
      s.resource("aws:iam/userPolicy:UserPolicy", "alice-account-keys", {
        user: u.out("name"),
        policy: doc({
          Effect: "Allow",
          Action: "iam:createaccesskey",
          Resource: `arn:aws:iam::${ACCOUNT_ID}:user/\${aws:username}`,
        }),
      });
    },
    expect: {
      preview: [deny("alice-key", "cannot be told yet")],
      update: [deny("alice-key", 'They can create their own key: user policy "alice-account-keys"')],
    },
  },
  ...READINESS_CASES,
];
