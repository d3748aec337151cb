// Stacks for the account model and for property dependencies as evidence, shared by the stack
// policy's table (stack-cases.ts) and the per-resource policy's table (guard-cases.ts), so both
// policies are held to the same answer: "same", "cannot tell" (advisory) or "different".

import { combine, StackBuilder } from "../helpers/stack";
import { secret, unknown } from "../helpers/wire";

const ROLE_ACCOUNT = "123456789012";
const OTHER_ACCOUNT = "210987654321";
const assumeRoles = (account: string) => JSON.stringify([{ roleArn: `arn:aws:iam::${account}:role/iam-admin` }]);

export const EVIDENCE = {
  /** Stack config pins the default provider; a module adds a provider for another region only. */
  pinnedDefaultAndRegionProvider(s: StackBuilder): void {
    s.config("aws", { allowedAccountIds: JSON.stringify([ROLE_ACCOUNT]) });
    const usw2 = s.provider("usw2", { region: "us-west-2" });
    s.loginProfile("ops-login", "ops");
    s.accessKey("ops-deploy-key", "ops", { provider: usw2 });
  },

  /** An explicit provider that only adds `allowedAccountIds` to the default credentials. */
  providerOnlyAddsAllowedAccountIds(s: StackBuilder): void {
    const pinned = s.provider("pinned", { allowedAccountIds: JSON.stringify([ROLE_ACCOUNT]) });
    s.loginProfile("ops-login", "ops", { provider: pinned });
    s.accessKey("ops-key", "ops");
  },

  /** Console users managed through a role in a known account; the key uses the default credentials. */
  roleProviderAndDefaultCredentials(s: StackBuilder): void {
    const admin = s.provider("iam-admin", { assumeRoles: assumeRoles(ROLE_ACCOUNT) });
    const u = s.user("pia", { provider: admin });
    s.loginProfile("pia-login", u.out("name"), { provider: admin });
    s.accessKey("pia-key", "pia");
  },

  /** The same, with the default provider pinned to the role's account by stack config. */
  roleProviderAndPinnedDefault(s: StackBuilder, account = ROLE_ACCOUNT): void {
    s.config("aws", { allowedAccountIds: JSON.stringify([account]) });
    const admin = s.provider("iam-admin", { assumeRoles: assumeRoles(ROLE_ACCOUNT) });
    const u = s.user("pia", { provider: admin });
    s.loginProfile("pia-login", u.out("name"), { provider: admin });
    s.accessKey("pia-key", "pia");
  },

  /** The default provider pinned to another account than the role's. */
  roleProviderAndOtherAccount(s: StackBuilder): void {
    EVIDENCE.roleProviderAndPinnedDefault(s, OTHER_ACCOUNT);
  },

  /** Two providers with different credentials and no stated account ids. */
  twoProfilesNoAccountIds(s: StackBuilder): void {
    const a = s.provider("account-a", { profile: "team-a" });
    const b = s.provider("account-b", { profile: "team-b" });
    s.loginProfile("alice-a-login", "alice", { provider: a });
    s.accessKey("alice-b-key", "alice", { provider: b });
  },

  /** The same two providers, each stating its account: different accounts. */
  twoProfilesStatedAccounts(s: StackBuilder): void {
    const a = s.provider("account-a", { profile: "team-a", allowedAccountIds: JSON.stringify([ROLE_ACCOUNT]) });
    const b = s.provider("account-b", { profile: "team-b", allowedAccountIds: JSON.stringify([OTHER_ACCOUNT]) });
    s.loginProfile("alice-a-login", "alice", { provider: a });
    s.accessKey("alice-b-key", "alice", { provider: b });
  },

  /**
   * jane's CI robot is named `${jane.name}-ci-${suffix.hex}`: the key's `user` depends on jane's user
   * resource and on a random suffix. Unknown in a preview, "jane-ci-1a2b" in an update.
   */
  robotNamedAfterConsoleUser(s: StackBuilder): void {
    const jane = s.user("jane");
    s.loginProfile("jane-login", jane.out("name"));
    const suffix = s.other("random:index/randomId:RandomId", "suffix", { byteLength: 2 });
    const robotName = () =>
      combine(s.mode === "preview" ? unknown : "jane-ci-1a2b", jane.out("name"), suffix.out("hex"));
    s.user("jane-ci", { userName: robotName() });
    s.accessKey("jane-ci-key", robotName());
  },

  /** A value built from the console user's name and another resource, whose known value names that user. */
  valueNamesConsoleUser(s: StackBuilder): void {
    const jane = s.user("jane");
    s.loginProfile("jane-login", jane.out("name"));
    const tag = s.other("random:index/randomId:RandomId", "tag", { byteLength: 2 }, { existing: true });
    s.accessKey("jane-key", combine("jane", jane.out("name"), tag.out("hex")));
  },

  /** A classic user "bob" and an aws-native User "bob" with loginProfile: one IAM user. */
  classicAndNativeUserOfOneName(s: StackBuilder): void {
    const bob = s.user("bob");
    s.nativeUser("bob-console", { userName: "bob", loginProfile: true });
    s.accessKey("bob-key", bob.out("name"));
  },

  /** Two user resources "FRANK" and "frank": one IAM user, as IAM ignores case. */
  usersDifferingInCase(s: StackBuilder): void {
    const upper = s.user("frank-console", { userName: "FRANK" });
    s.loginProfile("frank-login", upper.out("name"));
    const lower = s.user("frank-robot", { userName: "frank" });
    s.accessKey("frank-key", lower.out("name"));
  },

  /** A user whose name the program marked secret (`name: pulumi.secret("sam-admin")`), with a password and a key. */
  secretUserName(s: StackBuilder): void {
    const u = s.user("sam", { userName: secret("sam-admin") });
    s.loginProfile("sam-login", u.out("name"));
    s.accessKey("sam-key", u.out("name"));
  },

  /** A key whose `user` is a secret user ARN (name and path inside it), for a console user named plainly. */
  secretUserArn(s: StackBuilder): void {
    s.loginProfile("ops-login", "sam-ops");
    s.accessKey("ops-key", secret(`arn:aws:iam::${ROLE_ACCOUNT}:user/ops-team/sam-ops`));
  },

  /** The name is secret on the login profile only, in other case: the key repeats it plainly. */
  secretNameRepeatedPlainly(s: StackBuilder): void {
    s.loginProfile("root-login", secret("SAM-ROOT"));
    s.accessKey("root-key", "sam-root");
  },

  /** Secret names behind two providers the pack cannot tell apart: the doubt names no user. */
  secretNameAccountsInDoubt(s: StackBuilder): void {
    const a = s.provider("account-a", { profile: "team-a" });
    const b = s.provider("account-b", { profile: "team-b" });
    s.loginProfile("kim-a-login", secret("kim-ops"), { provider: a });
    s.accessKey("kim-b-key", secret("kim-ops"), { provider: b });
  },

  /**
   * A key created through account B's provider whose `user` comes from a user resource of account A
   * (both accounts stated): AWS creates it for B's user of that name, not for A's console user.
   */
  keyThroughOtherAccountsProvider(s: StackBuilder): void {
    const a = s.provider("account-a", { allowedAccountIds: JSON.stringify([ROLE_ACCOUNT]) });
    const b = s.provider("account-b", { allowedAccountIds: JSON.stringify([OTHER_ACCOUNT]) });
    const u = s.user("alice-a", { userName: "alice", provider: a });
    s.loginProfile("alice-a-login", u.out("name"), { provider: a });
    s.accessKey("alice-b-key", u.out("name"), { provider: b });
  },

  /** The same, and account B has a console user of that name: the key is theirs. */
  keyThroughOtherAccountsProviderForItsConsoleUser(s: StackBuilder): void {
    EVIDENCE.keyThroughOtherAccountsProvider(s);
    const b = s.resources.find((r) => r.name === "account-b")!;
    const provider = { type: b.type, name: b.name, urn: b.urn, props: b.inputs };
    s.loginProfile("alice-b-login", "alice", { provider });
  },
};
