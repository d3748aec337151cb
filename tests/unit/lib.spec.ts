// Shared modules, one behaviour at a time: accounts, exemptions, safe reading, owners.

import * as assert from "assert";
import { accountOf, compareAccounts } from "../../lib/accounts";
import { findExemption, parseExemptions, scopeOfUrn } from "../../lib/exemptions";
import { TYPES } from "../../lib/types";
import { parseUserName } from "../../lib/users";
import { read, readString, UNKNOWN } from "../../lib/values";
import { stackView } from "../helpers/sdk-view";
import { StackBuilder } from "../helpers/stack";
import { secret, unknown } from "../helpers/wire";

/** A provider as a stack policy sees it, built through the SDK's deserializer. */
function providerView(props: Record<string, unknown>, name = "p") {
  const s = new StackBuilder();
  const p = s.provider(name, props);
  return stackView([s.resources.find((r) => r.urn === p.urn)!])[0];
}

describe("accounts: which AWS account a provider reaches", () => {
  const cases: Array<{ name: string; a: Record<string, unknown>; b: Record<string, unknown>; expect: string }> = [
    {
      name: "same profile, different regions: same account",
      a: { profile: "p", region: "us-east-1" },
      b: { profile: "p", region: "eu-west-1" },
      expect: "same",
    },
    { name: "different profiles: different accounts", a: { profile: "a" }, b: { profile: "b" }, expect: "different" },
    {
      name: "no credential settings on either: same ambient account",
      a: { region: "us-east-1" },
      b: { region: "us-west-2" },
      expect: "same",
    },
    {
      name: "roles to assume decide, JSON-encoded as the aws provider sends them",
      a: { assumeRoles: '[{"roleArn":"arn:aws:iam::1:role/x","sessionName":"a"}]' },
      b: { assumeRoles: [{ roleArn: "arn:aws:iam::1:role/x", sessionName: "b" }] },
      expect: "same",
    },
    {
      name: "different roles: different accounts",
      a: { assumeRoles: '[{"roleArn":"arn:aws:iam::1:role/x"}]' },
      b: { assumeRoles: '[{"roleArn":"arn:aws:iam::2:role/x"}]' },
      expect: "different",
    },
    {
      name: "aws-native roleArn equals aws assumeRoles",
      a: { roleArn: "arn:aws:iam::1:role/x" },
      b: { assumeRoles: '[{"roleArn":"arn:aws:iam::1:role/x"}]' },
      expect: "same",
    },
    {
      name: "allowed account ids in any order",
      a: { allowedAccountIds: '["2","1"]' },
      b: { allowedAccountIds: ["1", "2"] },
      expect: "same",
    },
    {
      name: "static keys, secret on the wire, compared without being kept",
      a: { accessKey: secret("AKIA1") },
      b: { accessKey: "AKIA1" },
      expect: "same",
    },
    { name: "different static keys", a: { accessKey: "AKIA1" }, b: { accessKey: "AKIA2" }, expect: "different" },
    { name: "an unknown setting: cannot tell", a: { profile: unknown }, b: { profile: "p" }, expect: "unknown" },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const a = accountOf(providerView(c.a, "a"));
      const b = accountOf(providerView(c.b, "b"));
      assert.strictEqual(compareAccounts(a, b), c.expect);
    });
  }

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
