// Unusual but accepted input through the real pack (issue 17): each case must come back with the
// right answer — every console user's key reported at its level, nothing "Could not check" because
// of another resource or a config entry, and messages that stay short. No timing is asserted here;
// bench/hostile.ts (`npm run bench -- --only-hostile`) measures the same shapes, larger, against the floor pack.

import * as assert from "assert";
import { Diagnostic, PackProcess, PolicyConfig } from "../helpers/pack";
import { StackBuilder } from "../helpers/stack";

const STACK_POLICY = "cis-1-11-no-access-key-with-console-password";
const GUARD = "cis-1-11-block-pair-before-creation";
/** Longer than any message the pack builds from a finding; a config can no longer inflate one. */
const SHORT = 2_000;

interface Said {
  on: string;
  level: string;
  message: string;
}

function said(diags: Diagnostic[], policy: string): Said[] {
  return diags
    .filter((d) => d.policyName === policy)
    .map((d) => ({ on: d.urn.slice(d.urn.lastIndexOf("::") + 2), level: d.enforcementLevel, message: d.message }));
}

function levels(found: Said[]): string[] {
  return found.map((f) => `${f.on}:${f.level}`).sort();
}

/** A deep JSON array, as a provider input holding nested `assumeRoles` would send it. */
function nested(depth: number): string {
  return "[".repeat(depth) + "]".repeat(depth);
}

/** `n` console users, each with a key: `n` pairs. */
function pairs(s: StackBuilder, n: number): string[] {
  const keys: string[] = [];
  for (let i = 0; i < n; i++) {
    const u = s.user(`user-${i}`);
    s.loginProfile(`user-${i}-login`, u.out("name"));
    s.accessKey(`user-${i}-key`, u.out("name"));
    keys.push(`user-${i}-key`);
  }
  return keys;
}

describe("hostile and huge input: answers that come back right and short (over gRPC)", function () {
  this.timeout(60_000);
  let pack: PackProcess;
  before(async () => {
    pack = await PackProcess.shared({ env: { PULUMI_NODEJS_DRY_RUN: "false" } });
  });
  after(async () => {
    await pack?.stop();
  });

  /** One update: Configure, Analyze per resource, AnalyzeStack; both policies' findings. */
  async function deploy(s: StackBuilder, config: PolicyConfig = {}): Promise<{ guard: Said[]; stack: Said[] }> {
    await pack.configure({ [GUARD]: config, [STACK_POLICY]: config });
    const guard: Said[] = [];
    for (const spec of s.resources) guard.push(...said(await pack.analyze(spec), GUARD));
    const stack = said(await pack.analyzeStack(s.resources), STACK_POLICY);
    for (const f of [...guard, ...stack]) {
      assert.ok(!f.message.includes("Could not check"), `on ${f.on}: ${f.message.slice(0, 300)}`);
      assert.ok(f.message.length < SHORT, `on ${f.on}: a message of ${f.message.length} characters`);
    }
    return { guard, stack };
  }

  it("reports every key of one user name held in many accounts, in each account (generated: 120 accounts)", async () => {
    const s = new StackBuilder({ stack: "landing-zone" });
    const keys: string[] = [];
    for (let i = 0; i < 120; i++) {
      const p = s.provider(`acct-${i}`, { allowedAccountIds: JSON.stringify([String(100000000000 + i)]) });
      const u = s.user(`alice-${i}`, { userName: "alice", provider: p });
      s.loginProfile(`alice-${i}-login`, u.out("name"), { provider: p });
      // Every third account's alice is a service user: a key, no console password... in that account.
      if (i % 3 === 0) s.accessKey(`alice-${i}-key`, u.out("name"), { provider: p });
      keys.push(`alice-${i}-key`);
    }
    // And one account without a console user whose key names "alice": nobody to pair with there.
    const lone = s.provider("acct-lone", { allowedAccountIds: JSON.stringify(["999999999999"]) });
    s.accessKey("alice-lone-key", "alice", { provider: lone });
    const { guard, stack } = await deploy(s);
    const expected = keys.filter((_, i) => i % 3 === 0).map((k) => `${k}:mandatory`);
    assert.deepStrictEqual(levels(stack), expected.sort());
    assert.deepStrictEqual(levels(guard), expected.sort());
  });

  describe("a provider setting nested 3,000 levels deep (6 KB of `assumeRoles`)", () => {
    it("still denies a pair made through that one provider, in both policies", async () => {
      const s = new StackBuilder({ stack: "deep-same" });
      const deep = s.provider("deep", { assumeRoles: nested(3000) });
      const u = s.user("alice", { provider: deep });
      s.loginProfile("alice-login", u.out("name"), { provider: deep });
      s.accessKey("alice-key", u.out("name"), { provider: deep });
      const { guard, stack } = await deploy(s);
      assert.deepStrictEqual(levels(stack), ["alice-key:mandatory"]);
      assert.deepStrictEqual(levels(guard), ["alice-key:mandatory"]);
    });

    it("says it could not read that setting, advisory, when it is the login profile's provider and the key's is another", async () => {
      const s = new StackBuilder({ stack: "deep-other" });
      const deep = s.provider("deep", { assumeRoles: nested(3000) });
      s.loginProfile("bob-login", "bob", { provider: deep });
      s.accessKey("bob-key", "bob");
      // The rest of the stack decides as without it.
      pairs(s, 2);
      const { guard, stack } = await deploy(s);
      const expected = ["bob-key:advisory", "user-0-key:mandatory", "user-1-key:mandatory"];
      assert.deepStrictEqual(levels(stack), expected);
      assert.deepStrictEqual(levels(guard), expected);
      for (const f of [...guard, ...stack].filter((x) => x.on === "bob-key")) {
        assert.match(f.message, /could not read `assumeRoles` of provider "deep"/);
      }
    });
  });

  describe("exemptions config", () => {
    it("a 40 KB stacks pattern exempts nothing and is reported once, short", async () => {
      const s = new StackBuilder({ stack: "prod" });
      const keys = pairs(s, 5);
      const { guard, stack } = await deploy(s, {
        exemptions: [{ users: ["*"], reason: "everyone", stacks: ["*a".repeat(20_000)] }],
      });
      const mandatory = keys.map((k) => `${k}:mandatory`).sort();
      assert.deepStrictEqual(levels(guard), mandatory);
      assert.deepStrictEqual(levels(stack), [":advisory", ...mandatory]);
      const problem = stack.find((f) => f.on === "")!;
      assert.match(problem.message, /exemptions\[0\] was ignored: \/stacks\/0 must NOT have more than 200 characters/);
      // Said with the first per-resource finding of the deployment only.
      assert.deepStrictEqual(
        guard.map((f) => f.message.includes("Policy config problems")),
        [true, false, false, false, false],
      );
    });

    // 2,000 entries: the protobuf Struct conversion of a larger config costs seconds in the test and
    // the SDK alone; bench/hostile.ts runs 10,000.
    it("2,000 entries with an impossible date: all ignored, reported once in one short message", async () => {
      const s = new StackBuilder({ stack: "prod" });
      const keys = pairs(s, 5);
      const exemptions = Array.from({ length: 2_000 }, (_, i) => ({
        users: [`user-${i % 7}`],
        reason: "ticket",
        expires: "2030-02-30",
      }));
      const { guard, stack } = await deploy(s, { exemptions });
      const mandatory = keys.map((k) => `${k}:mandatory`).sort();
      assert.deepStrictEqual(levels(guard), mandatory);
      assert.deepStrictEqual(levels(stack), [":advisory", ...mandatory]);
      assert.match(stack.find((f) => f.on === "")!.message, /is not a date; .*and 1997 more \(2000 in all\)/);
    });

    it("2,000 valid entries: the last one still exempts its user, the others change nothing", async () => {
      const s = new StackBuilder({ stack: "prod" });
      const keys = pairs(s, 20);
      const exemptions = [
        ...Array.from({ length: 2_000 }, (_, i) => ({ users: [`svc-${i}`], reason: "service" })),
        { users: ["user-7"], reason: "SEC-1 break-glass" },
      ];
      const { guard, stack } = await deploy(s, { exemptions });
      const expected = keys.map((k) => `${k}:${k === "user-7-key" ? "advisory" : "mandatory"}`).sort();
      assert.deepStrictEqual(levels(guard), expected);
      assert.deepStrictEqual(levels(stack), expected);
    });

    it("reports config keys named after Object's own properties as unknown", async () => {
      const s = new StackBuilder({ stack: "prod" });
      pairs(s, 1);
      const { stack } = await deploy(s, { constructor: "x", toString: "y" });
      const problem = stack.find((f) => f.on === "")!;
      assert.match(problem.message, /unknown property `constructor`/);
      assert.match(problem.message, /unknown property `toString`/);
    });
  });
});
