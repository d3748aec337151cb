// Shared modules, one behaviour at a time: accounts, exemptions, safe reading, owners.

import * as assert from "assert";
import Ajv from "ajv";
import { EXEMPTION_SCHEMA } from "../../lib/exemption-schema";
import generatedValidator from "../../lib/exemption-validate";
import { accountDoubt, accountOf, compareAccounts } from "../../lib/accounts";
import { findExemption, parseExemptions, scopeOfUrn } from "../../lib/exemptions";
import { TYPES } from "../../lib/types";
import { parseUserName } from "../../lib/users";
import { read, readString, UNKNOWN } from "../../lib/values";
import { modulesLoadedBy } from "../helpers/fresh-process";
import { stackView } from "../helpers/sdk-view";
import { StackBuilder } from "../helpers/stack";
import { secret, unknown, UNKNOWN_OBJECT_WIRE } from "../helpers/wire";

/** A provider as a stack policy sees it, built through the SDK's deserializer. */
function providerView(props: Record<string, unknown>, name = "p") {
  const s = new StackBuilder();
  const p = s.provider(name, props);
  return stackView([s.resources.find((r) => r.urn === p.urn)!])[0];
}

describe("accounts: which AWS account a provider reaches", () => {
  const ids = (...list: string[]) => JSON.stringify(list);
  const roles = (...accounts: string[]) =>
    JSON.stringify(accounts.map((a) => ({ roleArn: `arn:aws:iam::${a}:role/x` })));
  const [A1, A2, A3] = ["111111111111", "222222222222", "333333333333"];
  const cases: Array<{ name: string; a: Record<string, unknown>; b: Record<string, unknown>; expect: string }> = [
    // Credential source: the settings that choose credentials.
    {
      name: "same profile, different regions: same account",
      a: { profile: "p", region: "us-east-1" },
      b: { profile: "p", region: "eu-west-1" },
      expect: "same",
    },
    {
      name: "no credential settings on either: same ambient account",
      a: { region: "us-east-1" },
      b: { region: "us-west-2" },
      expect: "same",
    },
    {
      name: "allowedAccountIds on one side only chooses no credentials: same account",
      a: { allowedAccountIds: ids(A1) },
      b: { region: "us-west-2" },
      expect: "same",
    },
    {
      name: "endpoints, tags, version and skip flags choose no credentials: same account",
      a: { profile: "p", endpoints: '[{"iam":"http://localhost"}]', defaultTags: '{"tags":{"a":"b"}}' },
      b: { profile: "p", skipCredentialsValidation: "true", version: "6.0.0" },
      expect: "same",
    },
    {
      name: "roles to assume decide, JSON-encoded as the aws provider sends them",
      a: { assumeRoles: '[{"roleArn":"arn:aws:iam::111111111111:role/x","sessionName":"a"}]' },
      b: { assumeRoles: [{ roleArn: "arn:aws:iam::111111111111:role/x", sessionName: "b" }] },
      expect: "same",
    },
    {
      name: "aws-native roleArn equals aws assumeRoles",
      a: { roleArn: "arn:aws:iam::111111111111:role/x" },
      b: { assumeRoles: '[{"roleArn":"arn:aws:iam::111111111111:role/x"}]' },
      expect: "same",
    },
    {
      name: "static keys, secret on the wire, compared without being kept",
      a: { accessKey: secret("AKIA1") },
      b: { accessKey: "AKIA1" },
      expect: "same",
    },
    {
      name: "same shared credentials file, written as a list or as one string",
      a: { sharedCredentialsFiles: '["/ci/creds"]' },
      b: { sharedCredentialsFile: "/ci/creds" },
      expect: "same",
    },
    // Different credential sources without stated account ids: no evidence either way.
    { name: "different profiles: cannot tell", a: { profile: "a" }, b: { profile: "b" }, expect: "unknown" },
    {
      name: "different static keys: cannot tell",
      a: { accessKey: "AKIA1" },
      b: { accessKey: "AKIA2" },
      expect: "unknown",
    },
    {
      name: "a role in a known account against ambient credentials: cannot tell",
      a: { assumeRoles: roles(A1) },
      b: {},
      expect: "unknown",
    },
    {
      name: "several allowed ids that overlap: cannot tell",
      a: { profile: "a", allowedAccountIds: ids(A1, A2) },
      b: { profile: "b", allowedAccountIds: ids(A2, A3) },
      expect: "unknown",
    },
    // Stated account ids.
    {
      name: "different role accounts: different accounts",
      a: { assumeRoles: roles(A1) },
      b: { assumeRoles: roles(A2) },
      expect: "different",
    },
    {
      name: "the last role of a chain decides",
      a: { assumeRoles: roles(A2, A1) },
      b: { profile: "x", allowedAccountIds: ids(A1) },
      expect: "same",
    },
    {
      name: "web identity's role when no role is chained on it",
      a: { assumeRoleWithWebIdentity: JSON.stringify({ roleArn: `arn:aws:iam::${A1}:role/ci` }) },
      b: { assumeRoleWithWebIdentity: JSON.stringify({ roleArn: `arn:aws:iam::${A2}:role/ci` }) },
      expect: "different",
    },
    {
      name: "one allowed id on each side, equal, different credentials: same account",
      a: { profile: "a", allowedAccountIds: ids(A1) },
      b: { profile: "b", allowedAccountIds: [A1] },
      expect: "same",
    },
    {
      name: "one allowed id on each side, different: different accounts",
      a: { allowedAccountIds: ids(A1) },
      b: { allowedAccountIds: ids(A2) },
      expect: "different",
    },
    {
      name: "allowed id lists with no id in common: different accounts",
      a: { profile: "a", allowedAccountIds: ids(A1, A2) },
      b: { profile: "b", allowedAccountIds: ids(A3) },
      expect: "different",
    },
    {
      name: "a role's account the other provider forbids: different accounts",
      a: { assumeRoles: roles(A1) },
      b: { forbiddenAccountIds: ids(A1) },
      expect: "different",
    },
    {
      name: "forbiddenAccountIds alone proves nothing",
      a: { profile: "a", forbiddenAccountIds: ids(A1) },
      b: { profile: "b" },
      expect: "unknown",
    },
    {
      name: "a role's account equal to the other's allowed id: same account",
      a: { assumeRoles: roles(A1) },
      b: { allowedAccountIds: ids(A1) },
      expect: "same",
    },
    {
      name: "an id written as a YAML number keeps its leading zero",
      a: { allowedAccountIds: "[12345678901]" },
      b: { profile: "b", allowedAccountIds: ids("012345678901") },
      expect: "same",
    },
    // Unknown settings (preview) are no evidence.
    {
      name: "an unknown credential setting: cannot tell",
      a: { profile: unknown },
      b: { profile: "p" },
      expect: "unknown",
    },
    {
      name: "an unknown credential setting, account ids stated and equal: same account",
      a: { profile: unknown, allowedAccountIds: ids(A1) },
      b: { profile: "p", allowedAccountIds: ids(A1) },
      expect: "same",
    },
    {
      name: "unknown allowedAccountIds, same credentials: same account",
      a: { profile: "p", allowedAccountIds: unknown },
      b: { profile: "p", allowedAccountIds: ids(A2) },
      expect: "same",
    },
    {
      name: "unknown allowedAccountIds, different credentials: cannot tell",
      a: { profile: "a", allowedAccountIds: unknown },
      b: { profile: "b", allowedAccountIds: ids(A2) },
      expect: "unknown",
    },
    {
      name: "an odd allowedAccountIds is no evidence",
      a: { profile: "a", allowedAccountIds: '{"x":1}' },
      b: { profile: "b", allowedAccountIds: ids(A2) },
      expect: "unknown",
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const a = accountOf(providerView(c.a, "a"));
      const b = accountOf(providerView(c.b, "b"));
      assert.strictEqual(compareAccounts(a, b), c.expect);
    });
  }

  it("says why it cannot tell and what would make it certain", () => {
    const a = accountOf(providerView({ profile: "a" }, "a"));
    const b = accountOf(providerView({}, "default_7_48_0"));
    const doubt = accountDoubt(a, b);
    assert.match(doubt, /provider "a" and the default aws provider use different credential settings/);
    assert.match(doubt, /`allowedAccountIds`.*both providers/);
    const c = accountOf(providerView({ profile: unknown }, "c"));
    assert.match(
      accountDoubt(c, b, "preview"),
      /settings of provider "c" are not known yet \(the update will know them\)/,
    );
    // Unknown values in an update or an audit are not said to be known later.
    for (const run of ["update", "analysis"] as const) {
      assert.match(accountDoubt(c, b, run), /settings of provider "c" are unknown in this run, so/);
    }
  });

  it("reads a provider whose whole settings are unknown as unknown, not as one with no settings", () => {
    const whole = accountOf({ type: "pulumi:providers:aws", urn: "urn:a", name: "a", props: UNKNOWN_OBJECT_WIRE });
    const none = accountOf(providerView({}, "b"));
    assert.strictEqual(compareAccounts(whole, none), "unknown");
  });

  it("treats one provider resource as one account even when its settings are unknown", () => {
    const p = providerView({ profile: unknown });
    assert.strictEqual(compareAccounts(accountOf(p), accountOf(p)), "same");
  });

  it("names explicit and default providers in messages", () => {
    assert.strictEqual(accountOf(providerView({}, "prod")).label, 'the account of provider "prod"');
    assert.match(accountOf(providerView({}, "default_7_48_0")).label, /default aws provider/);
    assert.match(accountOf(undefined).label, /default provider/);
  });
});

describe("exemptions: parsing, matching, expiry", () => {
  const now = Date.UTC(2026, 10, 22, 12);
  const scope = { stack: "prod", project: "billing" };

  it("reads the stack and project from a URN", () => {
    assert.deepStrictEqual(scopeOfUrn("urn:pulumi:prod::billing::aws:iam/accessKey:AccessKey::k"), scope);
    assert.deepStrictEqual(scopeOfUrn("garbage"), { stack: "", project: "" });
  });

  const cases: Array<{
    name: string;
    entry: Record<string, unknown>;
    user: string;
    expect: "active" | "expired" | "none";
  }> = [
    { name: "an exact name applies", entry: { users: ["alice"], reason: "r" }, user: "alice", expect: "active" },
    {
      name: "names match regardless of case",
      entry: { users: ["ALICE"], reason: "r" },
      user: "alice",
      expect: "active",
    },
    {
      name: "* matches any run of characters",
      entry: { users: ["svc-*"], reason: "r" },
      user: "svc-build",
      expect: "active",
    },
    { name: "? matches exactly one character", entry: { users: ["ops?"], reason: "r" }, user: "ops12", expect: "none" },
    {
      name: "a pattern is anchored at both ends",
      entry: { users: ["ali"], reason: "r" },
      user: "alice",
      expect: "none",
    },
    { name: "dots in names are literal", entry: { users: ["a.b"], reason: "r" }, user: "axb", expect: "none" },
    {
      name: "applies through the whole expiry day (UTC)",
      entry: { users: ["alice"], reason: "r", expires: "2026-11-22" },
      user: "alice",
      expect: "active",
    },
    {
      name: "stops the day after expiry",
      entry: { users: ["alice"], reason: "r", expires: "2026-11-21" },
      user: "alice",
      expect: "expired",
    },
    {
      name: "limited to another stack, does not apply",
      entry: { users: ["alice"], reason: "r", stacks: ["dev"] },
      user: "alice",
      expect: "none",
    },
    {
      name: "limited to this project and stack pattern, applies",
      entry: { users: ["alice"], reason: "r", projects: ["billing"], stacks: ["pr*"] },
      user: "alice",
      expect: "active",
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const parsed = parseExemptions([c.entry]);
      assert.deepStrictEqual(parsed.problems, []);
      const match = findExemption(parsed, c.user, scope, now);
      assert.strictEqual(match.active ? "active" : match.expired ? "expired" : "none", c.expect);
    });
  }

  it("prefers an exemption in force over an expired one", () => {
    const parsed = parseExemptions([
      { users: ["alice"], reason: "old", expires: "2020-01-01" },
      { users: ["alice"], reason: "new", expires: "2030-01-01" },
    ]);
    assert.strictEqual(findExemption(parsed, "alice", scope, now).active?.reason, "new");
  });

  it("cannot exempt a user whose name is not known", () => {
    const parsed = parseExemptions([{ users: ["*"], reason: "all" }]);
    assert.deepStrictEqual(findExemption(parsed, undefined, scope, now), {});
  });

  it("reports each malformed entry and keeps the valid ones", () => {
    const parsed = parseExemptions([
      { users: ["ok"], reason: "fine" },
      { users: [], reason: "no users" },
      { users: ["bad name!"], reason: "x" },
      "not an object",
    ]);
    assert.strictEqual(parsed.entries.length, 1);
    assert.deepStrictEqual(
      parsed.problems.map((p) => p.slice(0, 14)),
      ["exemptions[1] ", "exemptions[2] ", "exemptions[3] "],
    );
  });

  it("treats absent config as no exemptions", () => {
    assert.deepStrictEqual(parseExemptions(undefined), { entries: [], problems: [] });
    assert.deepStrictEqual(parseExemptions([]), { entries: [], problems: [] });
  });
  it("reports problems in the words of ajv's own compiler (the build compiled the schema ahead of time)", () => {
    const bad: unknown[] = [
      { users: [], reason: "no users" },
      { users: ["bad name!", "ok"], reason: " " },
      { users: ["a"], reason: "r", expires: "2030-13-01", stacks: ["x".repeat(201)], projects: [""] },
      { users: ["a"], reason: "r", extra: 1 },
      { reason: 5 },
      "not an object",
      { users: ["\u00e9".repeat(64)], reason: "x".repeat(501) },
    ];
    const compiled = new Ajv({ allErrors: true }).compile(EXEMPTION_SCHEMA);
    for (const entry of bad) {
      assert.strictEqual(generatedValidator(entry), compiled(entry), JSON.stringify(entry));
      assert.deepStrictEqual(generatedValidator.errors, compiled.errors, JSON.stringify(entry));
    }
  });

  it("checks entries without loading ajv's compiler", function () {
    this.timeout(180_000); // a fresh ts-node process; slow when npm test shares a busy machine
    const loaded = modulesLoadedBy(`
      const { parseExemptions } = require("./lib/exemptions");
      const parsed = parseExemptions([{ users: ["alice"], reason: "r" }, { users: [], reason: "r" }]);
      if (parsed.entries.length !== 1 || parsed.problems.length !== 1) throw new Error(JSON.stringify(parsed));`);
    assert.ok(loaded.includes("lib/exemption-validate.js"), "the generated validator");
    const ajv = loaded.filter((f) => f.startsWith("node_modules/ajv/"));
    assert.deepStrictEqual(
      ajv.filter((f) => !f.startsWith("node_modules/ajv/dist/runtime/")),
      [],
      "only ajv's small runtime helpers",
    );
  });
});

describe("values: reading properties without tripping on unknowns", () => {
  const [view] = stackView([
    {
      type: TYPES.accessKey,
      name: "k",
      urn: "urn:pulumi:dev::app::aws:iam/accessKey:AccessKey::k",
      inputs: {},
      outputs: { user: unknown, status: secret("Active"), nested: { deep: unknown }, n: 3, empty: "" },
    },
  ]);

  it("returns UNKNOWN instead of throwing the SDK's UnknownValueError", () => {
    assert.throws(() => (view.props as Record<string, unknown>).user, /can't be known during preview/);
    assert.strictEqual(read(view.props, "user"), UNKNOWN);
    assert.strictEqual(read(read(view.props, "nested"), "deep"), UNKNOWN);
  });

  it("unwraps secrets and rejects non-strings and empty strings as names", () => {
    assert.strictEqual(readString(view.props, "status"), "Active");
    assert.strictEqual(readString(view.props, "n"), undefined);
    assert.strictEqual(readString(view.props, "empty"), undefined);
    assert.strictEqual(readString(view.props, "missing"), undefined);
    assert.strictEqual(read(null, "x"), undefined);
  });

  it("reads user names from ARNs with paths", () => {
    assert.strictEqual(parseUserName("arn:aws:iam::123456789012:user/division/team/alice"), "alice");
    assert.strictEqual(parseUserName("arn:aws-us-gov:iam::123456789012:user/bob"), "bob");
    assert.strictEqual(parseUserName("carol"), "carol");
  });
});

describe("types: the tokens the pack matches are the providers' own", () => {
  it("matches @pulumi/aws and @pulumi/aws-native resource classes", () => {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const aws = require("@pulumi/aws");
    const native = require("@pulumi/aws-native");
    /* eslint-enable @typescript-eslint/no-require-imports */
    assert.strictEqual(aws.iam.User.__pulumiType, TYPES.user);
    assert.strictEqual(aws.iam.UserLoginProfile.__pulumiType, TYPES.loginProfile);
    assert.strictEqual(aws.iam.AccessKey.__pulumiType, TYPES.accessKey);
    assert.strictEqual(native.iam.User.__pulumiType, TYPES.nativeUser);
  });
});
