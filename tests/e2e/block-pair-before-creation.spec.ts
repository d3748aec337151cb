// The per-resource policy through the real pack process: Analyze requests in registration order,
// as the engine sends them before each resource's step in an update (`pulumi up --skip-preview`).

import * as assert from "assert";
import { GUARD_CASES } from "../cases/guard-cases";
import { assertFindings, Found, nameOfUrn } from "../helpers/expect";
import { analyzerpb, Diagnostic, PackProcess, PolicyConfig } from "../helpers/pack";
import { StackBuilder } from "../helpers/stack";

const POLICY = "cis-1-11-block-pair-before-creation";
const STACK_POLICY = "cis-1-11-no-access-key-with-console-password";

function found(diags: Diagnostic[], policy = POLICY): Found[] {
  return diags
    .filter((d) => d.policyName === policy)
    .map((d) => ({ on: nameOfUrn(d.urn), level: d.enforcementLevel, message: d.message }));
}

/** Analyzes every resource in order, as the engine does; returns what each call reported. */
async function analyzeAll(pack: PackProcess, s: StackBuilder): Promise<Found[]> {
  const out: Found[] = [];
  for (const spec of s.resources) out.push(...found(await pack.analyze(spec)));
  return out;
}

describe(`${POLICY} (end to end over gRPC)`, () => {
  let pack: PackProcess;
  before(async () => {
    pack = await PackProcess.start({ env: { PULUMI_NODEJS_DRY_RUN: "false" } });
  });
  after(async () => {
    await pack?.stop();
  });

  /** One deployment: Configure, then Analyze per resource; ends with AnalyzeStack like the engine. */
  async function deploy(s: StackBuilder, config: Record<string, PolicyConfig> = {}) {
    await pack.configure(config);
    const perResource = await analyzeAll(pack, s);
    const atEnd = await pack.analyzeStack(s.resources);
    return { perResource, atEnd };
  }

  it("is served as a resource policy with the rule's metadata", async () => {
    const info = await pack.info();
    const policy = info.policiesList.find((p) => p.name === POLICY);
    assert.ok(policy);
    assert.strictEqual(policy.enforcementlevel, analyzerpb.EnforcementLevel.MANDATORY);
    assert.strictEqual(policy.framework?.reference, "1.11");
    assert.match(policy.remediationSteps, /iam:CreateAccessKey/);
  });

  describe("in an update, resource by resource", () => {
    for (const c of GUARD_CASES) {
      it(c.name, async () => {
        const s = new StackBuilder({ mode: "update" });
        c.build(s);
        const { perResource } = await deploy(s);
        assertFindings(perResource, c.expect);
      });
    }
  });

  it("denies the second half before the stack policy runs at the end", async () => {
    const s = new StackBuilder({ mode: "update" });
    const u = s.user("alice");
    s.loginProfile("alice-login", u.out("name"));
    const key = s.accessKey("alice-key", u.out("name"));
    await pack.configure();
    const before = await analyzeAll(pack, s);
    assert.deepStrictEqual(
      before.map((f) => `${f.on}:${f.level}`),
      ["alice-key:mandatory"],
    );
    // Had the engine gone on (advisory level), the stack policy would report the same key.
    const atEnd = found(await pack.analyzeStack(s.resources), STACK_POLICY);
    assert.deepStrictEqual(
      atEnd.map((f) => f.on),
      [key.spec.name],
    );
  });

  it("keeps stacks apart when one process analyzes several", async () => {
    const a = new StackBuilder({ stack: "team-a" });
    a.loginProfile("alice-login", "alice");
    const b = new StackBuilder({ stack: "team-b" });
    b.accessKey("alice-key", "alice");
    await pack.configure();
    assert.deepStrictEqual([...(await analyzeAll(pack, a)), ...(await analyzeAll(pack, b))], []);
  });

  it("forgets the previous deployment: a removed key does not pair with a new login profile", async () => {
    const first = new StackBuilder();
    first.accessKey("bob-key", "bob");
    assert.deepStrictEqual((await deploy(first)).perResource, []);
    const second = new StackBuilder();
    second.loginProfile("bob-login", "bob");
    assert.deepStrictEqual((await deploy(second)).perResource, []);
  });

  it("forgets the previous deployment even when the stack policy is disabled", async () => {
    const config = { [STACK_POLICY]: { enforcementLevel: "disabled" as const } };
    const first = new StackBuilder();
    const bob = first.user("bob");
    first.accessKey("bob-key", bob.out("name"));
    assert.deepStrictEqual((await deploy(first, config)).perResource, []);
    const second = new StackBuilder();
    const bob2 = second.user("bob");
    second.loginProfile("bob-login", bob2.out("name"));
    assert.deepStrictEqual((await deploy(second, config)).perResource, []);
  });

  it("honours exemptions from its policy config, reporting them as advisory", async () => {
    const s = new StackBuilder();
    s.loginProfile("ops-login", "break-glass-ops");
    s.accessKey("ops-key", "break-glass-ops");
    const exemptions = [{ users: ["break-glass-*"], reason: "SEC-7 emergency access", expires: "2999-01-01" }];
    const { perResource } = await deploy(s, { [POLICY]: { exemptions } });
    assert.deepStrictEqual(
      perResource.map((f) => `${f.on}:${f.level}`),
      ["ops-key:advisory"],
    );
    assert.match(perResource[0].message, /^\[exempted\].*SEC-7 emergency access/);
  });

  it("says why an exemption did not apply when its config entry is malformed", async () => {
    const s = new StackBuilder();
    s.loginProfile("ops-login", "break-glass-ops");
    s.accessKey("ops-key", "break-glass-ops");
    const exemptions = [{ users: ["break-glass-*"] }];
    const { perResource } = await deploy(s, { [POLICY]: { exemptions } });
    assert.deepStrictEqual(
      perResource.map((f) => `${f.on}:${f.level}`),
      ["ops-key:mandatory"],
    );
    assert.match(perResource[0].message, /Policy config problems: exemptions\[0\] was ignored: .*reason/);
  });

  it("takes its level from policy config", async () => {
    const s = new StackBuilder();
    s.loginProfile("p", "zoe");
    s.accessKey("k", "zoe");
    const advisory = await deploy(s, { [POLICY]: { enforcementLevel: "advisory" } });
    assert.deepStrictEqual(
      advisory.perResource.map((f) => f.level),
      ["advisory"],
    );
    const disabled = await deploy(s, { [POLICY]: { enforcementLevel: "disabled" } });
    assert.deepStrictEqual(disabled.perResource, []);
  });
});

describe(`${POLICY} during a preview (PULUMI_NODEJS_DRY_RUN=true)`, () => {
  let pack: PackProcess;
  before(async () => {
    pack = await PackProcess.start({ env: { PULUMI_NODEJS_DRY_RUN: "true" } });
  });
  after(async () => {
    await pack?.stop();
  });

  it("stays silent and leaves the finding to the stack policy, so it is reported once", async () => {
    const s = new StackBuilder({ mode: "preview" });
    const u = s.user("alice");
    s.loginProfile("alice-login", u.out("name"));
    s.accessKey("alice-key", u.out("name"));
    await pack.configure();
    const diags: Diagnostic[] = [];
    for (const spec of s.resources) diags.push(...(await pack.analyze(spec)));
    diags.push(...(await pack.analyzeStack(s.resources)));
    assert.deepStrictEqual(
      diags.map((d) => `${d.policyName}:${nameOfUrn(d.urn)}:${d.enforcementLevel}`),
      [`${STACK_POLICY}:alice-key:mandatory`],
    );
  });
});

// Only `pulumi policy analyze` leaves PULUMI_NODEJS_DRY_RUN unset: every other run gets it from
// constructEnv (pkg/resource/plugin/analyzer_plugin.go, since 2019) or, from CLI 3.221, from the Node
// language host's policy proxy on ConfigureStack (sdk/nodejs/cmd/pulumi-language-nodejs/main.go, RunPlugin).
describe(`${POLICY} when the CLI does not say whether it is a preview (pulumi policy analyze)`, () => {
  let pack: PackProcess;
  before(async () => {
    pack = await PackProcess.start({ env: { PULUMI_NODEJS_DRY_RUN: undefined } });
  });
  after(async () => {
    await pack?.stop();
  });

  it("denies the second half of a pair, since it may be an update without preview", async () => {
    const s = new StackBuilder({ mode: "preview" });
    const u = s.user("alice");
    s.loginProfile("alice-login", "alice");
    s.accessKey("alice-key", u.out("name"));
    await pack.configure();
    assert.deepStrictEqual(
      (await analyzeAll(pack, s)).map((f) => `${f.on}:${f.level}`),
      ["alice-key:mandatory"],
    );
  });
});
