// The stack policy through the real pack process and the Analyzer protocol, as the engine drives it
// at the end of a preview (unknowns, secrets on the wire) and of an update (known outputs).

import * as assert from "assert";
import { expectedFor, STACK_CASES } from "../cases/stack-cases";
import { assertFindings, assertNoSecrets, Found, nameOfUrn } from "../helpers/expect";
import { analyzerpb, Diagnostic, PackProcess, PolicyConfig } from "../helpers/pack";
import { Mode, StackBuilder } from "../helpers/stack";
import { unknownObject } from "../helpers/wire";
import { NOT_APPLICABLE } from "../../lib/messages";

const POLICY = "cis-1-11-no-access-key-with-console-password";

function found(diags: Diagnostic[]): Found[] {
  return diags
    .filter((d) => d.policyName === POLICY)
    .map((d) => ({ on: nameOfUrn(d.urn), level: d.enforcementLevel, message: d.message }));
}

/** A stack with one console user and one key for them: the basic violation. */
function violatingStack(opts: { stack?: string; userName?: string; mode?: Mode } = {}): StackBuilder {
  const s = new StackBuilder({ stack: opts.stack, mode: opts.mode });
  const u = s.user(opts.userName ?? "alice");
  s.loginProfile("console-login", u.out("name"));
  s.accessKey("console-key", u.out("name"));
  return s;
}

describe(`${POLICY} (end to end over gRPC)`, () => {
  // As the CLI starts a pack for a preview and for an update (PULUMI_NODEJS_DRY_RUN, see lib/run.ts).
  let pack: PackProcess;
  let previewPack: PackProcess;
  before(async () => {
    [pack, previewPack] = await Promise.all([
      PackProcess.shared({ env: { PULUMI_NODEJS_DRY_RUN: "false" } }),
      PackProcess.shared({ env: { PULUMI_NODEJS_DRY_RUN: "true" } }),
    ]);
  });
  after(async () => {
    await Promise.all([pack?.stop(), previewPack?.stop()]);
  });

  async function run(s: StackBuilder, config: Record<string, PolicyConfig> = {}): Promise<Found[]> {
    const p = s.mode === "preview" ? previewPack : pack;
    await p.configure(config);
    return found(await p.analyzeStack(s.resources));
  }

  describe("describes itself to the engine", () => {
    it("declares the pack, the policy, its default level and its compliance metadata", async () => {
      const info = await pack.info();
      assert.strictEqual(info.name, "cis-aws-1-11");
      assert.match(info.displayname, /CIS AWS Foundations Benchmark 1\.11/);
      assert.ok(info.supportsconfig);
      const policy = info.policiesList.find((p) => p.name === POLICY);
      assert.ok(policy, "policy is served");
      assert.strictEqual(policy.enforcementlevel, analyzerpb.EnforcementLevel.MANDATORY);
      assert.strictEqual(policy.severity, analyzerpb.PolicySeverity.POLICY_SEVERITY_MEDIUM);
      assert.deepStrictEqual(
        { name: policy.framework?.name, version: policy.framework?.version, reference: policy.framework?.reference },
        { name: "CIS Amazon Web Services Foundations Benchmark", version: "3.0.0", reference: "1.11" },
      );
      assert.match(policy.remediationSteps, /iam:CreateAccessKey/);
      assert.match(policy.url, /^https:\/\//);
      assert.match(policy.description, /console password/);
    });

    it("publishes a config schema for exemptions", async () => {
      const info = await pack.info();
      const policy = info.policiesList.find((p) => p.name === POLICY)!;
      const schema = JSON.stringify(policy.configschema);
      for (const field of ["exemptions", "users", "reason", "expires", "stacks", "projects"]) {
        assert.ok(schema.includes(field), `schema mentions ${field}`);
      }
    });
  });

  for (const mode of ["preview", "update"] as Mode[]) {
    describe(`at the end of ${mode === "preview" ? "a preview" : "an update"}`, () => {
      for (const c of STACK_CASES) {
        it(c.name, async () => {
          const s = new StackBuilder({ mode });
          c.build(s);
          assertFindings(await run(s), expectedFor(c, mode), s.resources);
        });
      }
    });
  }

  describe("enforcement levels from policy config", () => {
    const cases: Array<{ name: string; level: PolicyConfig["enforcementLevel"]; expect: string[] }> = [
      { name: "reports at advisory level during an advisory rollout", level: "advisory", expect: ["advisory"] },
      { name: "blocks at mandatory level when enforced", level: "mandatory", expect: ["mandatory"] },
      {
        name: "treats remediate as mandatory (stack policies cannot remediate)",
        level: "remediate",
        expect: ["mandatory"],
      },
      { name: "reports nothing when disabled", level: "disabled", expect: [] },
    ];
    for (const c of cases) {
      it(c.name, async () => {
        const result = await run(violatingStack(), { [POLICY]: { enforcementLevel: c.level } });
        assert.deepStrictEqual(
          result.map((f) => f.level),
          c.expect,
        );
      });
    }
  });

  describe("exemptions from policy config", () => {
    const future = "2999-12-31";
    const past = "2000-01-31";
    const cases: Array<{
      name: string;
      exemptions: unknown;
      stack?: string;
      user?: string;
      level: string;
      says: string[];
    }> = [
      {
        name: "reports an exempted user's key as advisory, with the reason",
        exemptions: [{ users: ["alice"], reason: "SEC-42 break-glass account", expires: future }],
        level: "advisory",
        says: ["[exempted]", '"SEC-42 break-glass account"', `until ${future}`],
      },
      {
        name: "matches exemption patterns, regardless of case",
        exemptions: [{ users: ["Break-Glass-*"], reason: "SEC-7 emergency access" }],
        user: "break-glass-ops",
        level: "advisory",
        says: ["[exempted]", "SEC-7"],
      },
      {
        name: "enforces again after an exemption expired, and says so",
        exemptions: [{ users: ["alice"], reason: "SEC-1 migration", expires: past }],
        level: "mandatory",
        says: [`expired on ${past}`, "SEC-1 migration"],
      },
      {
        name: "applies an exemption limited to a stack only in that stack",
        exemptions: [{ users: ["alice"], reason: "SEC-9 staging only", stacks: ["staging"] }],
        stack: "prod",
        level: "mandatory",
        says: [],
      },
      {
        name: "applies an exemption limited to a stack in that stack",
        exemptions: [{ users: ["alice"], reason: "SEC-9 staging only", stacks: ["staging"], projects: ["app"] }],
        stack: "staging",
        level: "advisory",
        says: ["SEC-9"],
      },
      {
        name: "does not exempt other users",
        exemptions: [{ users: ["bob"], reason: "SEC-3 vendor access" }],
        level: "mandatory",
        says: [],
      },
    ];
    for (const c of cases) {
      it(c.name, async () => {
        const s = violatingStack({ stack: c.stack, userName: c.user });
        const result = await run(s, { [POLICY]: { exemptions: c.exemptions } });
        assert.strictEqual(result.length, 1, JSON.stringify(result));
        assert.strictEqual(result[0].level, c.level);
        for (const text of c.says) assert.ok(result[0].message.includes(text), result[0].message);
      });
    }

    // The engine validates config against the schema; these reach the pack only if something
    // bypasses it. They must not exempt anything, and must be reported rather than crash.
    const malformed: Array<{ name: string; exemptions: unknown; problem: string }> = [
      { name: "without a reason", exemptions: [{ users: ["alice"] }], problem: "reason" },
      { name: "with a blank reason", exemptions: [{ users: ["alice"], reason: "   " }], problem: "reason" },
      {
        name: "with an impossible date",
        exemptions: [{ users: ["alice"], reason: "x", expires: "2027-02-30" }],
        problem: "not a date",
      },
      {
        name: "with a badly written date",
        exemptions: [{ users: ["alice"], reason: "x", expires: "31/12/2027" }],
        problem: "expires",
      },
      {
        name: "with an unknown field",
        exemptions: [{ users: ["alice"], reason: "x", user: "alice" }],
        problem: "additional",
      },
      { name: "that is not a list", exemptions: { users: ["alice"], reason: "x" }, problem: "must be a list" },
    ];
    for (const c of malformed) {
      it(`ignores and reports an exemption ${c.name}`, async () => {
        const result = await run(violatingStack(), { [POLICY]: { exemptions: c.exemptions } });
        const key = result.find((f) => f.on === "console-key");
        assert.strictEqual(key?.level, "mandatory", "the finding is not exempted");
        const problem = result.find((f) => f.on === "");
        assert.ok(problem, "the config problem is reported");
        assert.strictEqual(problem.level, "advisory");
        assert.ok(problem.message.includes(c.problem), problem.message);
      });
    }
  });

  describe("not applicable where there is nothing to judge", () => {
    async function response(s: StackBuilder, config: Record<string, PolicyConfig> = {}) {
      await pack.configure(config);
      const { diagnostics, notApplicable } = await pack.analyzeStackResponse(s.resources);
      return {
        found: found(diagnostics).map((f) => `${f.on}:${f.level}`),
        na: notApplicable.filter((n) => n.policyName === POLICY).map((n) => n.reason),
      };
    }

    it("marks a stack without any IAM resource not applicable, with a reason", async () => {
      const s = new StackBuilder({ stack: "no-iam" });
      s.other("aws:s3/bucket:Bucket", "logs");
      s.other("aws:lambda/function:Function", "fn");
      assert.deepStrictEqual(await response(s), { found: [], na: [NOT_APPLICABLE.noConsolePassword] });
    });

    it("marks a stack with keys but no console password not applicable", async () => {
      const s = new StackBuilder({ stack: "service-only" });
      const bot = s.user("ci-bot");
      s.accessKey("ci-key", bot.out("name"));
      s.nativeUser("svc", { loginProfile: false });
      assert.deepStrictEqual(await response(s), { found: [], na: [NOT_APPLICABLE.noConsolePassword] });
    });

    it("marks a stack with console passwords but no access key not applicable", async () => {
      const s = new StackBuilder({ stack: "console-only" });
      const erin = s.user("erin");
      s.loginProfile("erin-login", erin.out("name"));
      assert.deepStrictEqual(await response(s), { found: [], na: [NOT_APPLICABLE.noAccessKey] });
    });

    it("judges a stack with both, even when no pair is found: passed, not 'not applicable'", async () => {
      const s = new StackBuilder({ stack: "mixed" });
      const erin = s.user("erin");
      s.loginProfile("erin-login", erin.out("name"));
      const bot = s.user("ci-bot");
      s.accessKey("ci-key", bot.out("name"));
      assert.deepStrictEqual(await response(s), { found: [], na: [] });
    });

    it("counts an aws-native user whose loginProfile is not known yet as a possible console password", async () => {
      const s = new StackBuilder({ stack: "native-unknown", mode: "preview" });
      s.nativeUser("pia", { loginProfile: unknownObject });
      assert.deepStrictEqual(await response(s), { found: [], na: [NOT_APPLICABLE.noAccessKey] });
    });

    it("still reports config problems in a stack it does not apply to, and marks it not applicable", async () => {
      // Both reach the engine: a diagnostic makes summary.go count the policy failed for this stack
      // (a broken config needs fixing), and the notApplicable entry carries the reason.
      const s = new StackBuilder({ stack: "no-iam-bad-config" });
      s.other("aws:s3/bucket:Bucket", "logs");
      assert.deepStrictEqual(await response(s, { [POLICY]: { exemption: [] } }), {
        found: [":advisory"],
        na: [NOT_APPLICABLE.noConsolePassword],
      });
    });

    it("reports a pair and is not marked not applicable", async () => {
      assert.deepStrictEqual(await response(violatingStack({ stack: "pair" })), {
        found: ["console-key:mandatory"],
        na: [],
      });
    });
  });

  it("reports a misspelt config property instead of silently exempting nothing", async () => {
    const result = await run(violatingStack(), {
      [POLICY]: { exemption: [{ users: ["alice"], reason: "typo in the property name" }] },
    });
    assert.deepStrictEqual(result.map((f) => `${f.on}:${f.level}`).sort(), [":advisory", "console-key:mandatory"]);
    assert.match(result.find((f) => f.on === "")!.message, /unknown property `exemption` was ignored/);
  });

  describe("bad input", () => {
    it("answers an empty stack", async () => {
      assert.deepStrictEqual(await run(new StackBuilder()), []);
    });

    it("answers resources with no properties, odd providers and broken provider settings", async () => {
      const s = new StackBuilder();
      const broken = s.provider("broken", {
        assumeRoles: "[not json",
        allowedAccountIds: 12,
        profile: { nested: true },
      });
      s.loginProfile("x-login", "x", { provider: broken });
      s.accessKey("x-key", "x", { provider: broken });
      // A console password behind the default provider, whose account a key with no provider shares.
      s.loginProfile("y-login", "y");
      s.resources.push({
        type: "aws:iam/accessKey:AccessKey",
        name: "bare",
        urn: "urn:pulumi:dev::app::aws:iam/accessKey:AccessKey::bare",
        inputs: {},
        outputs: {},
      });
      s.resources.push({ type: "", name: "", urn: "", inputs: {}, outputs: {} });
      const result = await run(s);
      assert.deepStrictEqual(result.map((f) => `${f.on}:${f.level}`).sort(), ["bare:advisory", "x-key:mandatory"]);
    });

    it("never puts secret values in messages, even when names come from secrets", async () => {
      const s = violatingStack({ mode: "update" });
      const creds = s.provider("static", { accessKey: "AKIAEXAMPLESTATIC01", secretKey: "static/Secret/Key/Value" });
      s.loginProfile("static-login", "static-user", { provider: creds });
      s.accessKey("static-key", "static-user", { provider: creds });
      const result = await run(s);
      assert.strictEqual(result.length, 2);
      assertNoSecrets(result, ["AKIAEXAMPLESTATIC01", "static/Secret/Key/Value"]);
    });

    it("keeps serving after a request it cannot decode as a stack", async () => {
      const req = new analyzerpb.AnalyzeStackRequest();
      const r = new analyzerpb.AnalyzerResource();
      r.setType("aws:iam/accessKey:AccessKey");
      r.setUrn("urn:pulumi:dev::app::aws:iam/accessKey:AccessKey::no-options");
      req.setResourcesList([r]);
      // No options: the SDK rejects this as coming from a too old CLI; the process must survive.
      await assert.rejects(pack.raw("analyzeStack", req));
      assert.deepStrictEqual(await run(new StackBuilder()), []);
    });
  });
});
