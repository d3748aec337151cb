// Audits: `pulumi policy analyze` over a stack's stored state, and an audit policy group's run over
// resources discovered in a cloud account. Nothing is being deployed in either, so no message may
// claim that something is being created, stopped or denied.
//
// The request sequence of `pulumi policy analyze` (pulumi/pulumi 1b5949891b3cefcb9974752b24a5ecef0acc86c8):
// - pkg/cmd/pulumi/policy/policy_analyze.go, newPolicyAnalyzeCmd: loads the packs with
//   engine.LoadLocalPolicyPackAnalyzers(ctx, pctx, packs, nil): nil analyzer options, so
//   plugin.NewPolicyAnalyzer (pkg/resource/plugin/analyzer_plugin.go) sends no ConfigureStack, and the
//   Node language host's proxy (sdk/policy_proxy.go, awaitClient) starts the pack with no stack
//   configuration: PULUMI_NODEJS_DRY_RUN/_STACK/_PROJECT/_ORGANIZATION and PULUMI_CONFIG are unset.
// - pkg/engine/update.go, LoadLocalPolicyPackAnalyzers: GetAnalyzerInfo, then (the pack supports
//   config) Configure with resourceanalyzer.ReconcilePolicyPackConfig(info.Policies, info.InitialConfig,
//   file config): every policy, its own level, and its schema defaults (createConfigWithDefaults,
//   pkg/resource/analyzer/config.go). GetAnalyzerInfo is cached afterwards (analyzer.info).
// - pkg/resource/deploy/analyze_snapshot.go, AnalyzeSnapshot: for each resource not pending deletion,
//   in state order: Remediate on its stored inputs (reported, not applied), then Analyze on the same
//   inputs (analyzeResource with dryRun=true); then one AnalyzeStack on every resource's outputs with
//   parent, dependencies and propertyDependencies (stateToAnalyzerResource: provider from the
//   snapshot, with the provider's inputs).

import * as assert from "assert";
import { NOT_APPLICABLE } from "../../lib/messages";
import { assertNoSecretValues, nameOfUrn } from "../helpers/expect";
import { emptypb, NotApplicable, PackProcess, POLICY_ANALYZE_ENV } from "../helpers/pack";
import { PoliciesInfo, reconciledConfig } from "../helpers/sequences";
import { ACCOUNT_ID, StackBuilder } from "../helpers/stack";
import { ResourceSpec, secret } from "../helpers/wire";

const GUARD = "cis-1-11-block-pair-before-creation";
const STACK_POLICY = "cis-1-11-no-access-key-with-console-password";
// Nothing is deployed in an audit: none of these may appear in any message.
const DEPLOYMENT_CLAIMS =
  /Stopped|stopped|before it is created|being created|being added|this deployment|step is denied|update stops/;

interface Finding {
  policy: string;
  on: string;
  level: string;
  message: string;
}

interface AuditResult {
  perResource: Finding[];
  atEnd: Finding[];
  /** Per resource name: the policies that said they do not apply, with the reason. */
  notApplicable: Map<string, NotApplicable[]>;
  stackNotApplicable: NotApplicable[];
  remediations: number;
}

function findings(diags: { policyName: string; urn: string; enforcementLevel: string; message: string }[]) {
  return diags.map((d) => ({
    policy: d.policyName,
    on: nameOfUrn(d.urn),
    level: d.enforcementLevel,
    message: d.message,
  }));
}

/**
 * The exact sequence of `pulumi policy analyze`: GetAnalyzerInfo, Configure with the reconciled
 * defaults, then per resource Remediate and Analyze on inputs, then AnalyzeStack on outputs.
 */
async function policyAnalyze(pack: PackProcess, state: ResourceSpec[]): Promise<AuditResult> {
  const info = await pack.raw<PoliciesInfo & { getSupportsconfig(): boolean }>("getAnalyzerInfo", new emptypb.Empty());
  assert.ok(info.getSupportsconfig(), "the pack takes config, so the CLI sends Configure");
  await pack.configureExactly(reconciledConfig(info, {}));

  const result: AuditResult = {
    perResource: [],
    atEnd: [],
    notApplicable: new Map(),
    stackNotApplicable: [],
    remediations: 0,
  };
  for (const spec of state) {
    const remediated = await pack.remediate(spec);
    result.remediations += remediated.remediations;
    const { diagnostics, notApplicable } = await pack.analyzeResponse(spec);
    result.perResource.push(...findings(diagnostics));
    result.notApplicable.set(spec.name, notApplicable);
  }
  const stack = await pack.analyzeStackResponse(state);
  result.atEnd = findings(stack.diagnostics);
  result.stackNotApplicable = stack.notApplicable;
  return result;
}

/** A stack's stored state in state order (dependencies first), every output known. */
function storedState(stack: string): StackBuilder {
  const s = new StackBuilder({ stack, mode: "update" });
  s.other("aws:s3/bucket:Bucket", "audit-logs", { bucket: "audit-logs" });
  const alice = s.user("alice");
  s.loginProfile("alice-console", alice.out("name"));
  s.accessKey("alice-key", alice.out("name"));
  const dan = s.user("dan");
  s.accessKey("dan-old-key", dan.out("name"), { status: "Inactive" });
  s.loginProfile("dan-console", dan.out("name"));
  const bot = s.user("ci-bot");
  s.accessKey("ci-key", bot.out("name"));
  return s;
}

describe("`pulumi policy analyze` over a stack's stored state (the CLI's exact request sequence)", function () {
  this.timeout(60_000);
  let pack: PackProcess;
  let audit: AuditResult;
  before(async () => {
    pack = await PackProcess.start({ env: POLICY_ANALYZE_ENV });
    audit = await policyAnalyze(pack, storedState("prod").resources);
  });
  after(async () => {
    await pack?.stop();
  });

  it("remediates nothing", () => {
    assert.strictEqual(audit.remediations, 0);
  });

  it("per resource: reports the second half of each pair in state order, the Inactive key's pair as advisory", () => {
    assert.deepStrictEqual(
      audit.perResource.map((f) => `${f.policy}:${f.on}:${f.level}`),
      [`${GUARD}:alice-key:mandatory`, `${GUARD}:dan-console:advisory`],
    );
    const [alice, dan] = audit.perResource;
    assert.match(
      alice.message,
      /^Access key "alice-key" is for IAM user "alice", and login profile "alice-console", which gives that user a console password, was analyzed earlier in this run\. No deployment is running/,
    );
    assert.match(alice.message, /this check creates and denies nothing and reports on resources that already exist\./);
    assert.match(alice.message, /If no Pulumi program manages the key/);
    assert.match(dan.message, /This finding is advisory because the access key is Inactive/);
  });

  it("at the end: the stack policy reports every active key of a console user, the Inactive one as advisory", () => {
    assert.deepStrictEqual(
      audit.atEnd.map((f) => `${f.policy}:${f.on}:${f.level}`),
      [`${STACK_POLICY}:alice-key:mandatory`, `${STACK_POLICY}:dan-old-key:advisory`],
    );
    assert.match(
      audit.atEnd[0].message,
      /^Access key "alice-key" is set up for IAM user "alice", who has a console password from login profile "alice-console" in this stack\. Remove/,
    );
  });

  it("claims nothing about a deployment in any message", () => {
    for (const f of [...audit.perResource, ...audit.atEnd])
      assert.doesNotMatch(f.message, DEPLOYMENT_CLAIMS, f.message);
  });

  it("says which resources the per-resource policy does not apply to, and why", () => {
    const reasons = Object.fromEntries(
      [...audit.notApplicable].map(([name, na]) => [name, na.map((n) => `${n.policyName}: ${n.reason}`)]),
    );
    const na = (reason: string) => [`${GUARD}: ${reason}`];
    assert.deepStrictEqual(reasons, {
      "app-prod": na(NOT_APPLICABLE.otherType),
      default_7_48_0: na(NOT_APPLICABLE.otherType),
      "audit-logs": na(NOT_APPLICABLE.otherType),
      alice: na(NOT_APPLICABLE.iamUser),
      "alice-console": [],
      "alice-key": [],
      dan: na(NOT_APPLICABLE.iamUser),
      "dan-old-key": [],
      "dan-console": [],
      "ci-bot": na(NOT_APPLICABLE.iamUser),
      "ci-key": [],
    });
    assert.deepStrictEqual(audit.stackNotApplicable, []);
  });

  it("prints no value marked secret (user name, path, ARN) in any message or reason of either policy", async () => {
    const s = new StackBuilder({ stack: "secret-names", mode: "update" });
    const sam = s.user("sam", { userName: secret("sam-admin") });
    for (const io of [sam.spec.inputs, sam.spec.outputs]) io.path = secret("/break-glass/");
    sam.spec.outputs.arn = secret(`arn:aws:iam::${ACCOUNT_ID}:user/break-glass/sam-admin`);
    s.loginProfile("sam-login", sam.out("name"));
    s.accessKey("sam-key", sam.out("arn"));
    // Evidence the readiness sentence names: a policy attached by a secret ARN the stack does not manage.
    s.resource("aws:iam/userPolicyAttachment:UserPolicyAttachment", "sam-keys-attachment", {
      user: sam.out("name"),
      policyArn: secret(`arn:aws:iam::${ACCOUNT_ID}:policy/sam-admin-keys`),
    });
    // And a user policy whose document is secret: its statement id is secret too.
    const ana = s.user("ana");
    s.loginProfile("ana-login", ana.out("name"));
    s.accessKey("ana-key", ana.out("name"));
    s.resource("aws:iam/userPolicy:UserPolicy", "ana-keys", {
      user: ana.out("name"),
      policy: secret(
        JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Sid: "AnaBreakGlassKeys", Effect: "Allow", Action: "iam:CreateAccessKey", Resource: "*" }],
        }),
      ),
    });
    const result = await policyAnalyze(pack, s.resources);
    assert.deepStrictEqual(
      [...result.perResource, ...result.atEnd].map((f) => `${f.policy}:${f.on}:${f.level}`),
      [
        `${GUARD}:sam-key:mandatory`,
        `${GUARD}:ana-key:mandatory`,
        `${STACK_POLICY}:sam-key:mandatory`,
        `${STACK_POLICY}:ana-key:mandatory`,
      ],
    );
    assert.ok(!result.atEnd[1].message.includes("AnaBreakGlassKeys"), result.atEnd[1].message);
    const reasons = [...result.notApplicable].flatMap(([on, na]) => na.map((n) => ({ on, message: n.reason })));
    assertNoSecretValues([...result.perResource, ...result.atEnd, ...reasons], s.resources);
  });

  it("marks the stack policy not applicable on a stack's state without console passwords", async () => {
    const s = new StackBuilder({ stack: "services", mode: "update" });
    const bot = s.user("ci-bot");
    s.accessKey("ci-key", bot.out("name"));
    const result = await policyAnalyze(pack, s.resources);
    assert.deepStrictEqual(result.perResource, []);
    assert.deepStrictEqual(result.atEnd, []);
    assert.deepStrictEqual(result.stackNotApplicable, [
      { policyName: STACK_POLICY, reason: NOT_APPLICABLE.noConsolePassword },
    ]);
  });
});

/**
 * Resources as an audit policy group sees them in a cloud account found by discovery: known values
 * only, no property dependencies, no provider reference, keys with their `createDate`; no stack, so
 * only resource policies run (Analyze calls, no AnalyzeStack).
 */
function discovered(): ResourceSpec[] {
  const urn = (type: string, name: string) => `urn:pulumi:insights::aws-123456789012::${type}::${name}`;
  const res = (type: string, name: string, props: Record<string, unknown>): ResourceSpec => ({
    type,
    name,
    urn: urn(type, name),
    inputs: props,
    outputs: props,
  });
  const arn = (user: string) => `arn:aws:iam::123456789012:user/${user}`;
  return [
    res("aws:iam/user:User", "grace", { name: "grace", arn: arn("grace"), path: "/" }),
    res("aws:iam/accessKey:AccessKey", "AKIAGRACE0000000001", {
      user: "grace",
      status: "Active",
      createDate: "2024-02-01T09:00:00Z",
    }),
    res("aws:iam/userLoginProfile:UserLoginProfile", "grace", { user: "grace", passwordResetRequired: false }),
    res("aws:iam/user:User", "heidi", { name: "heidi", arn: arn("heidi"), path: "/" }),
    res("aws:iam/userLoginProfile:UserLoginProfile", "heidi", { user: "heidi", passwordResetRequired: false }),
    res("aws:iam/accessKey:AccessKey", "AKIAHEIDI0000000001", {
      user: "heidi",
      status: "Inactive",
      createDate: "2023-06-01T09:00:00Z",
    }),
    res("aws:iam/user:User", "etl-bot", { name: "etl-bot", arn: arn("etl-bot"), path: "/service/" }),
    res("aws:iam/accessKey:AccessKey", "AKIAETLBOT000000001", {
      user: "etl-bot",
      status: "Active",
      createDate: "2025-01-01T09:00:00Z",
    }),
    res("aws:s3/bucket:Bucket", "data-lake", { bucket: "data-lake" }),
  ];
}

describe("an audit of resources discovered in a cloud account (only the per-resource policy runs)", function () {
  this.timeout(60_000);
  let pack: PackProcess;
  before(async () => {
    pack = await PackProcess.start({ env: POLICY_ANALYZE_ENV });
    await pack.configure();
  });
  after(async () => {
    await pack?.stop();
  });

  it("pairs a console password and a key by user name, without a provider, and reports without claiming a deployment", async () => {
    const found: Finding[] = [];
    const notApplicable: Record<string, string[]> = {};
    for (const spec of discovered()) {
      const res = await pack.analyzeResponse(spec);
      found.push(...findings(res.diagnostics));
      notApplicable[`${spec.type.slice("aws:".length)}/${spec.name}`] = res.notApplicable.map((n) => n.reason);
    }
    assert.deepStrictEqual(
      found.map((f) => `${f.policy}:${f.on}:${f.level}`),
      [`${GUARD}:grace:mandatory`, `${GUARD}:AKIAHEIDI0000000001:advisory`],
    );
    const [grace, heidi] = found;
    assert.match(
      grace.message,
      /^Login profile "grace" gives IAM user "grace" a console password, and access key "AKIAGRACE0000000001" for that user was analyzed earlier in this run\./,
    );
    assert.match(grace.message, /creates and denies nothing/);
    assert.match(grace.message, /delete it in AWS or have its owner do so\./);
    assert.match(heidi.message, /advisory because the access key is Inactive/);
    for (const f of found) assert.doesNotMatch(f.message, DEPLOYMENT_CLAIMS, f.message);
    assert.deepStrictEqual(notApplicable, {
      "iam/user:User/grace": [NOT_APPLICABLE.iamUser],
      "iam/accessKey:AccessKey/AKIAGRACE0000000001": [],
      "iam/userLoginProfile:UserLoginProfile/grace": [],
      "iam/user:User/heidi": [NOT_APPLICABLE.iamUser],
      "iam/userLoginProfile:UserLoginProfile/heidi": [],
      "iam/accessKey:AccessKey/AKIAHEIDI0000000001": [],
      "iam/user:User/etl-bot": [NOT_APPLICABLE.iamUser],
      "iam/accessKey:AccessKey/AKIAETLBOT000000001": [],
      "s3/bucket:Bucket/data-lake": [NOT_APPLICABLE.otherType],
    });
  });
});
