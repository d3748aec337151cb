// The per-resource policy through the real pack process: Analyze requests in registration order,
// as the engine sends them before each resource's step in an update (`pulumi up --skip-preview`).

import * as assert from "assert";
import { GUARD_CASES } from "../cases/guard-cases";
import { assertFindings, Found, nameOfUrn } from "../helpers/expect";
import { analyzerpb, Diagnostic, PackProcess, PolicyConfig } from "../helpers/pack";
import { StackBuilder } from "../helpers/stack";
import { unknownObject } from "../helpers/wire";
import { NOT_APPLICABLE } from "../../lib/messages";
import { RELEVANT_TYPES } from "../../lib/types";

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
    pack = await PackProcess.shared({ env: { PULUMI_NODEJS_DRY_RUN: "false" } });
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
        assertFindings(perResource, c.expect, s.resources);
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
    pack = await PackProcess.shared({ env: { PULUMI_NODEJS_DRY_RUN: "true" } });
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

  it("marks itself not applicable on every resource of the preview, saying the stack policy judges", async () => {
    const s = new StackBuilder({ mode: "preview" });
    const u = s.user("alice");
    s.loginProfile("alice-login", u.out("name"));
    s.accessKey("alice-key", u.out("name"));
    s.other("aws:s3/bucket:Bucket", "logs");
    await pack.configure();
    for (const spec of s.resources) {
      const { notApplicable } = await pack.analyzeResponse(spec);
      const mine = notApplicable.filter((n) => n.policyName === POLICY);
      assert.strictEqual(mine.length, 1, `${spec.name}: ${JSON.stringify(notApplicable)}`);
      const expected = RELEVANT_TYPES.has(spec.type) ? NOT_APPLICABLE.preview : NOT_APPLICABLE.otherType;
      assert.strictEqual(mine[0].reason, expected, spec.name);
    }
  });
});

describe(`${POLICY}: not applicable where it does not judge (update)`, () => {
  let pack: PackProcess;
  before(async () => {
    pack = await PackProcess.shared({ env: { PULUMI_NODEJS_DRY_RUN: "false" } });
    await pack.configure();
  });
  after(async () => {
    await pack?.stop();
  });

  /** Each resource's notApplicable reasons for this policy, and what it reported. */
  async function perResource(s: StackBuilder) {
    const out: { on: string; na: string[]; found: string[] }[] = [];
    for (const spec of s.resources) {
      const { diagnostics, notApplicable } = await pack.analyzeResponse(spec);
      out.push({
        on: spec.name,
        na: notApplicable.filter((n) => n.policyName === POLICY).map((n) => n.reason),
        found: diagnostics.filter((d) => d.policyName === POLICY).map((d) => d.enforcementLevel),
      });
    }
    return out;
  }

  it("gives a reason for every resource it does not judge, and none for a half of a possible pair", async () => {
    const s = new StackBuilder({ stack: "na-update" });
    const alice = s.user("alice");
    s.other("aws:s3/bucket:Bucket", "logs", { bucket: "logs" });
    s.loginProfile("alice-login", alice.out("name"));
    s.accessKey("ci-key", "ci-bot");
    s.nativeUser("nate", { loginProfile: false });
    s.nativeUser("olga", { loginProfile: true });
    s.accessKey("odd-key", 42);
    s.accessKey("alice-key", alice.out("name"));
    const NA = NOT_APPLICABLE;
    assert.deepStrictEqual(await perResource(s), [
      { on: "app-na-update", na: [NA.otherType], found: [] },
      { on: "default_7_48_0", na: [NA.otherType], found: [] },
      { on: "alice", na: [NA.iamUser], found: [] },
      { on: "logs", na: [NA.otherType], found: [] },
      { on: "alice-login", na: [], found: [] },
      { on: "ci-key", na: [], found: [] },
      { on: "default_1_79_0", na: [NA.otherType], found: [] },
      { on: "nate", na: [NA.nativeUserWithoutPassword], found: [] },
      { on: "olga", na: [], found: [] },
      { on: "odd-key", na: [NA.ownerNotKnown], found: [] },
      { on: "alice-key", na: [], found: ["mandatory"] },
    ]);
  });

  it("says it cannot tell when an aws-native user's loginProfile is not known", async () => {
    const s = new StackBuilder({ stack: "na-unknown" });
    s.nativeUser("pia", { loginProfile: unknownObject });
    const spec = s.custom[0];
    const { notApplicable } = await pack.analyzeResponse(spec);
    assert.deepStrictEqual(notApplicable, [{ policyName: POLICY, reason: NOT_APPLICABLE.nativeUserPasswordUnknown }]);
  });

  it("is counted as passed, not applicable, or failed as the engine's summary would (summary.go)", async () => {
    // pkg/resource/analyzer/summary.go, newPolicySummary (pulumi/pulumi 1b5949891b3c): a diagnostic
    // makes the policy failed, a notApplicable entry removes it from passed, anything else is passed.
    const s = new StackBuilder({ stack: "na-summary" });
    s.loginProfile("bo-login", "bo");
    s.other("aws:ec2/vpc:Vpc", "main");
    s.accessKey("bo-key", "bo");
    const buckets: Record<string, string[]> = { passed: [], notApplicable: [], failed: [] };
    for (const spec of s.custom) {
      const { diagnostics, notApplicable } = await pack.analyzeResponse(spec);
      const bucket = diagnostics.some((d) => d.policyName === POLICY)
        ? "failed"
        : notApplicable.some((n) => n.policyName === POLICY)
          ? "notApplicable"
          : "passed";
      buckets[bucket].push(spec.name);
    }
    assert.deepStrictEqual(buckets, { passed: ["bo-login"], notApplicable: ["main"], failed: ["bo-key"] });
  });
});

// Only `pulumi policy analyze` leaves PULUMI_NODEJS_DRY_RUN unset: every other run gets it from
// constructEnv (pkg/resource/plugin/analyzer_plugin.go, since 2019) or, from CLI 3.221, from the Node
// language host's policy proxy on ConfigureStack (sdk/nodejs/cmd/pulumi-language-nodejs/main.go, RunPlugin).
describe(`${POLICY} with PULUMI_NODEJS_DRY_RUN unset (no stack configuration: \`pulumi policy analyze\`)`, () => {
  let pack: PackProcess;
  before(async () => {
    pack = await PackProcess.start({ env: { PULUMI_NODEJS_DRY_RUN: undefined } });
  });
  after(async () => {
    await pack?.stop();
  });

  it("reports the second half of a pair as a finding on existing resources, denying nothing", async () => {
    const s = new StackBuilder({ mode: "update" });
    const u = s.user("alice");
    s.loginProfile("alice-login", "alice");
    s.accessKey("alice-key", u.out("name"));
    await pack.configure();
    const found = await analyzeAll(pack, s);
    assert.deepStrictEqual(
      found.map((f) => `${f.on}:${f.level}`),
      ["alice-key:mandatory"],
    );
    assert.match(found[0].message, /analyzed earlier in this run\./);
    assert.match(found[0].message, /creates and denies nothing/);
    assert.doesNotMatch(found[0].message, /this step is denied|Stopped|before it is created|this deployment/);
  });
});

// Every message true in every mode: what each policy says in a preview, in an update (after its
// preview, or without one) for a new pair and for a key added later, at every level.
describe("both policies' messages in previews and updates", () => {
  // Claims that are false for a resource that already exists, or for an advisory finding.
  const FALSE_CLAIMS = /Stopped|stopped|before it is created|would give|never exists/;
  let preview: PackProcess;
  let update: PackProcess;
  before(async () => {
    [preview, update] = await Promise.all([
      PackProcess.shared({ env: { PULUMI_NODEJS_DRY_RUN: "true" } }),
      PackProcess.shared({ env: { PULUMI_NODEJS_DRY_RUN: "false" } }),
    ]);
  });
  after(async () => {
    await Promise.all([preview?.stop(), update?.stop()]);
  });

  /** Configure, Analyze each resource in order, AnalyzeStack: every diagnostic of both policies. */
  async function run(pack: PackProcess, s: StackBuilder, config: Record<string, PolicyConfig> = {}) {
    await pack.configure(config);
    const perResource: Found[] = [];
    for (const spec of s.resources) perResource.push(...found(await pack.analyze(spec)));
    const atEnd = found(await pack.analyzeStack(s.resources), STACK_POLICY);
    for (const f of [...perResource, ...atEnd]) assert.doesNotMatch(f.message, FALSE_CLAIMS, f.message);
    return { perResource, atEnd };
  }

  /** A new console user with a key: the key is registered first, as in the violating example. */
  function newPair(mode: "preview" | "update"): StackBuilder {
    const s = new StackBuilder({ mode });
    const alice = s.user("alice");
    s.accessKey("alice-key", alice.out("name"));
    s.loginProfile("alice-console", alice.out("name"));
    return s;
  }

  /** A key added later to an existing console user; the SDK registers the new key first. */
  function laterKey(mode: "preview" | "update"): StackBuilder {
    const s = new StackBuilder({ mode });
    const alice = s.user("alice", { existing: true });
    s.accessKey("alice-key", alice.out("name"));
    s.loginProfile("alice-console", alice.out("name"), { existing: true });
    return s;
  }

  it("preview of a new pair: only the stack policy reports, saying both are being created", async () => {
    const { perResource, atEnd } = await run(preview, newPair("preview"));
    assert.deepStrictEqual(perResource, []);
    assert.deepStrictEqual(
      atEnd.map((f) => `${f.on}:${f.level}`),
      ["alice-key:mandatory"],
    );
    assert.match(atEnd[0].message, /Both are being created in this deployment\./);
  });

  it("preview of a key added later: the stack policy says the key is being added", async () => {
    const { perResource, atEnd } = await run(preview, laterKey("preview"));
    assert.deepStrictEqual(perResource, []);
    assert.match(atEnd[0].message, /The key is being added for a user who already has a console password\./);
  });

  it("update of a new pair (after its preview, or without one): the second half's step may be denied", async () => {
    const { perResource, atEnd } = await run(update, newPair("update"));
    assert.deepStrictEqual(
      perResource.map((f) => `${f.on}:${f.level}`),
      ["alice-console:mandatory"],
    );
    const message = perResource[0].message;
    assert.match(message, /^Login profile "alice-console" gives IAM user "alice" a console password/);
    assert.match(message, /access key "alice-key" for that user was analyzed earlier in this deployment; it may/);
    assert.match(message, /If this finding is mandatory, this step is denied and the update stops here/);
    assert.match(message, /a resource that already exists is left as it is\. If it is advisory, nothing is denied\./);
    // The stack policy runs at the end only when nothing was denied; it never claims a denial.
    assert.deepStrictEqual(
      atEnd.map((f) => f.on),
      ["alice-key"],
    );
    assert.doesNotMatch(atEnd[0].message, /denied/);
  });

  it("update without preview of a key added later: the new key passes, the existing login profile is reported", async () => {
    // `pulumi up --skip-preview`: the key (new) is analyzed first and created; the unchanged login
    // profile comes second. The message must hold for a login profile that already exists.
    const { perResource } = await run(update, laterKey("update"));
    assert.deepStrictEqual(
      perResource.map((f) => `${f.on}:${f.level}`),
      ["alice-console:mandatory"],
    );
    const message = perResource[0].message;
    assert.match(
      message,
      /access key "alice-key" for that user was analyzed earlier in this deployment; it may already exist\./,
    );
    assert.match(message, /a resource that already exists is left as it is/);
    assert.match(message, /Remove the access key from this stack/);
  });

  it("advisory findings never say a step is denied: Inactive key, exempted user, policy set to advisory", async () => {
    const s = new StackBuilder({ mode: "update" });
    s.loginProfile("dan-login", "dan");
    s.accessKey("dan-key", "dan", { status: "Inactive" });
    s.loginProfile("ops-login", "break-glass-ops");
    s.accessKey("ops-key", "break-glass-ops");
    const exemptions = [{ users: ["break-glass-*"], reason: "SEC-7 emergency access" }];
    const exempt = await run(update, s, { [POLICY]: { exemptions } });
    assert.deepStrictEqual(
      exempt.perResource.map((f) => `${f.on}:${f.level}`),
      ["dan-key:advisory", "ops-key:advisory"],
    );
    assert.match(
      exempt.perResource[0].message,
      /advisory because the access key is Inactive .*, so this step is not denied\./,
    );
    assert.match(exempt.perResource[1].message, /advisory because the user is exempted, so this step is not denied\./);

    const t = new StackBuilder({ mode: "update" });
    t.loginProfile("zoe-login", "zoe");
    t.accessKey("zoe-key", "zoe");
    const advisory = await run(update, t, { [POLICY]: { enforcementLevel: "advisory" } });
    assert.deepStrictEqual(
      advisory.perResource.map((f) => `${f.on}:${f.level}`),
      ["zoe-key:advisory"],
    );
    // The pack cannot see its configured level: the wording holds at both.
    assert.match(
      advisory.perResource[0].message,
      /If this finding is mandatory, .* If it is advisory, nothing is denied\./,
    );
  });
});
