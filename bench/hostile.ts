// `npm run bench -- --hostile` (after the main run) or `--only-hostile`, `[--hostile-timeout S] [--shapes a,b]`: inputs built to make a
// policy pack slow (issue 17), each sent to this pack and to the floor pack (bench/bare-pack) reporting
// the same findings. Per shape: one deployment as an update (Configure, Analyze per resource in
// order, AnalyzeStack), each call timed. A call that does not answer within the timeout is reported
// as "no answer in N s" and its process killed, so one hanging shape does not stop the others. The
// pack's answers are checked on the way: no "Could not check" caused by another resource or a config
// entry, and the longest message.
//
// Then the readiness shapes of tests/cases/readiness-shapes.ts (the ones the protocol test runs),
// in-process: the stack analysis alone, in preview and update, each in a fresh process under the same
// timeout, against the same stack without its IAM policy resources (the same findings, nothing for
// the readiness answer to read). This isolates the readiness cost from the SDK's decoding, which the
// gRPC shapes include. Shape names `readiness-N` (or `readiness` for all) select them with --shapes.

import { spawnSync } from "child_process";
import { mkdirSync, writeFileSync } from "fs";
import * as path from "path";
import { performance } from "perf_hooks";
import { analyzerpb, analyzeRequest, stackResource } from "../tests/helpers/pack";
import { Handle, list, Mode, StackBuilder } from "../tests/helpers/stack";
import { ResourceSpec } from "../tests/helpers/wire";
import { OUT_DIR, PACK_ENV, PACKS } from "./common";
import { FloorFindings, findingsOf, RunningPack } from "./launch";
import { SHAPES as READINESS_SHAPES } from "../tests/cases/readiness-shapes";

export interface HostileShape {
  name: string;
  what: string;
  build(): { resources: ResourceSpec[]; config?: Record<string, unknown> };
}

const doc = (statements: unknown[], version = "2012-10-17") =>
  JSON.stringify({ Version: version, Statement: statements });
const allow = (Action: unknown, Resource: unknown = "*") => ({ Effect: "Allow", Action, Resource });

/** A console user with an access key: a finding, whose readiness sentence reads the IAM policies. */
function consoleUserWithKey(
  b: StackBuilder,
  name: string,
  opts: { provider?: ReturnType<StackBuilder["provider"]> } = {},
): Handle {
  const u = b.user(name, { existing: true, ...opts });
  b.loginProfile(`${name}-login`, u.out("name"), { existing: true, ...opts });
  b.accessKey(`${name}-key`, u.out("name"), { existing: true, ...opts });
  return u;
}

const userPolicy = (b: StackBuilder, name: string, user: Handle, policy: string) =>
  b.resource("aws:iam/userPolicy:UserPolicy", name, { user: user.out("name"), policy }, {}, { existing: true });

export const SHAPES: HostileShape[] = [
  {
    name: "resource-wildcards-6",
    what: 'identity policy Resource "arn:aws:iam::*:user/*a*a*a*a*a*a*b" vs a 64-character user name',
    build() {
      const b = new StackBuilder({ mode: "update" });
      const u = consoleUserWithKey(b, "a".repeat(64));
      userPolicy(b, "wild", u, doc([allow("iam:CreateAccessKey", `arn:aws:iam::*:user/${"*a".repeat(6)}*b`)]));
      return { resources: b.resources };
    },
  },
  {
    name: "resource-wildcards-24",
    what: "the same Resource with 24 `*a` wildcards",
    build() {
      const b = new StackBuilder({ mode: "update" });
      const u = consoleUserWithKey(b, "a".repeat(64));
      userPolicy(b, "wild", u, doc([allow("iam:CreateAccessKey", `arn:aws:iam::*:user/${"*a".repeat(24)}*b`)]));
      return { resources: b.resources };
    },
  },
  {
    name: "action-stars",
    what: 'Action "iam:" + 22 stars + "X"',
    build() {
      const b = new StackBuilder({ mode: "update" });
      const u = consoleUserWithKey(b, "alice");
      userPolicy(b, "stars", u, doc([allow(`iam:${"*".repeat(22)}X`)]));
      return { resources: b.resources };
    },
  },
  {
    name: "exemption-users-stars",
    what: 'exemption users ["<50 stars>Z"], 64-character user name',
    build() {
      const b = new StackBuilder({ mode: "update" });
      consoleUserWithKey(b, "a".repeat(64));
      return {
        resources: b.resources,
        config: { exemptions: [{ users: [`${"*".repeat(50)}Z`], reason: "bench" }] },
      };
    },
  },
  {
    name: "exemption-stacks-stars",
    what: 'exemption stacks ["<50 stars>Z"]',
    build() {
      const b = new StackBuilder({ mode: "update", stack: "s".repeat(64) });
      consoleUserWithKey(b, "alice");
      return {
        resources: b.resources,
        config: { exemptions: [{ users: ["alice"], stacks: [`${"*".repeat(50)}Z`], reason: "bench" }] },
      };
    },
  },
  {
    name: "resource-400kb-dollar-brace",
    what: 'a 400 KB Resource of "${" without "}"',
    build() {
      const b = new StackBuilder({ mode: "update" });
      const u = consoleUserWithKey(b, "alice");
      userPolicy(b, "braces", u, doc([allow("iam:CreateAccessKey", `arn:aws:iam::*:user/${"${".repeat(200_000)}`)]));
      return { resources: b.resources };
    },
  },
  {
    name: "group-1000-users-10x110",
    what: "1,000 console users with keys in one group with 10 managed policies of 110 actions",
    build() {
      const b = new StackBuilder({ mode: "update" });
      const group = b.group("everyone", { existing: true });
      const users: Handle[] = [];
      for (let i = 0; i < 1000; i++) users.push(consoleUserWithKey(b, `user${i}`));
      b.resource(
        "aws:iam/groupMembership:GroupMembership",
        "everyone-members",
        { group: group.out("name"), users: list(...users.map((u) => u.out("name"))) },
        {},
        { existing: true },
      );
      for (let p = 0; p < 10; p++) {
        const actions = Array.from({ length: 110 }, (_, a) => `iam:Action${p}x${a}*`);
        const policy = b.policy(`managed${p}`, doc([allow(actions)]), { existing: true });
        b.resource(
          "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
          `everyone-managed${p}`,
          { group: group.out("name"), policyArn: policy.out("arn") },
          {},
          { existing: true },
        );
      }
      return { resources: b.resources };
    },
  },
  {
    name: "scps-100-users-200",
    what: "100 console users with keys, 200 attached service control policies",
    build() {
      const b = new StackBuilder({ mode: "update" });
      for (let i = 0; i < 100; i++) {
        const u = consoleUserWithKey(b, `user${i}`);
        userPolicy(b, `user${i}-self`, u, doc([allow("iam:CreateAccessKey", "arn:aws:iam::*:user/${aws:username}")]));
      }
      for (let s = 0; s < 200; s++) {
        const scp = b.resource(
          "aws:organizations/policy:Policy",
          `scp${s}`,
          { name: `scp${s}`, type: "SERVICE_CONTROL_POLICY", content: doc([allow(["iam:*", `s3:Get${s}*`])]) },
          { arn: `arn:aws:organizations::111111111111:policy/o-abc/service_control_policy/p-${s}`, id: `p-${s}` },
          { existing: true },
        );
        b.resource(
          "aws:organizations/policyAttachment:PolicyAttachment",
          `scp${s}-attach`,
          { policyId: scp.out("id"), targetId: "123456789012" },
          {},
          { existing: true },
        );
      }
      return { resources: b.resources };
    },
  },
  {
    name: "computed-memberships-1000x20x50",
    what: "1,000 console users with keys, 20 group memberships each computed from a non-IAM resource, 50 group policies",
    build() {
      const b = new StackBuilder({ mode: "update" });
      const groups: Handle[] = [];
      for (let g = 0; g < 50; g++) {
        const group = b.group(`group${g}`, { existing: true });
        groups.push(group);
        b.resource(
          "aws:iam/groupPolicy:GroupPolicy",
          `group${g}-policy`,
          { group: group.out("name"), policy: doc([allow(`iam:Get${g}*`)]) },
          {},
          { existing: true },
        );
      }
      // Group names that come out of something else (a lookup table, a random suffix...).
      const source = b.other("random:index/randomPet:RandomPet", "names", { length: 2 }, { existing: true });
      for (let i = 0; i < 1000; i++) {
        const u = consoleUserWithKey(b, `user${i}`);
        for (let m = 0; m < 20; m++) {
          const ref = source.out("id");
          b.resource(
            "aws:iam/userGroupMembership:UserGroupMembership",
            `user${i}-m${m}`,
            { user: u.out("name"), groups: { ...ref, value: [`group${(i + m) % 50}`] } },
            {},
            { existing: true },
          );
        }
      }
      return { resources: b.resources };
    },
  },
  {
    name: "alice-10000-accounts",
    what: "one user name `alice` (console password and key) in 10,000 accounts",
    build() {
      const b = new StackBuilder({ mode: "update" });
      for (let a = 0; a < 10_000; a++) {
        const account = String(100000000000 + a);
        const provider = b.provider(`acct${a}`, { region: "eu-west-1", allowedAccountIds: [account] });
        const u = b.user(`alice-${a}`, { existing: true, provider, userName: "alice" });
        b.loginProfile(`alice-${a}-login`, u.out("name"), { existing: true, provider });
        b.accessKey(`alice-${a}-key`, u.out("name"), { existing: true, provider });
      }
      return { resources: b.resources };
    },
  },
  {
    name: "exemptions-10000-bad-dates-pairs-500",
    what: '10,000 exemption entries expiring "2030-02-30" (passes the schema, not a date), 500 console users with keys',
    build() {
      const b = new StackBuilder({ mode: "update" });
      for (let i = 0; i < 500; i++) consoleUserWithKey(b, `user${i}`);
      const exemptions = Array.from({ length: 10_000 }, (_, i) => ({
        users: [`svc-${i}`],
        reason: "ticket",
        expires: "2030-02-30",
      }));
      return { resources: b.resources, config: { exemptions } };
    },
  },
  {
    name: "exemption-40kb-stacks-pattern-pairs-500",
    what: "one exemption of every user whose stacks pattern is 40 KB of `*a`, 500 console users with keys",
    build() {
      const b = new StackBuilder({ mode: "update" });
      for (let i = 0; i < 500; i++) consoleUserWithKey(b, `user${i}`);
      return {
        resources: b.resources,
        config: { exemptions: [{ users: ["*"], reason: "all", stacks: ["*a".repeat(20_000)] }] },
      };
    },
  },
  {
    name: "assume-roles-nested-3000",
    what: "a provider's assumeRoles nested 3,000 levels: one pair through it, one login profile through it and a key elsewhere",
    build() {
      const b = new StackBuilder({ mode: "update" });
      const deep = b.provider("deep", { assumeRoles: "[".repeat(3000) + "]".repeat(3000) });
      const u = b.user("alice", { existing: true, provider: deep });
      b.loginProfile("alice-login", u.out("name"), { existing: true, provider: deep });
      b.accessKey("alice-key", u.out("name"), { existing: true, provider: deep });
      b.loginProfile("bob-login", "bob", { existing: true, provider: deep });
      b.accessKey("bob-key", "bob", { existing: true });
      return { resources: b.resources };
    },
  },
  {
    name: "exemptions-10000-pairs-500",
    what: "10,000 exemption entries, 500 console users with keys",
    build() {
      const b = new StackBuilder({ mode: "update" });
      for (let i = 0; i < 500; i++) consoleUserWithKey(b, `user${i}`);
      const exemptions = Array.from({ length: 10_000 }, (_, i) => ({
        users: [i % 2 ? `user${i}` : `team${i}-*`],
        reason: `ticket ${i}`,
        expires: "2099-12-31",
      }));
      return { resources: b.resources, config: { exemptions } };
    },
  },
  {
    name: "computed-memberships-1000x200x200",
    what:
      "the protocol test's readiness shape: 1,000 console users with keys, 200 GroupMemberships listing all of them " +
      "and 200 group policies, groups and user lists computed from a non-IAM resource",
    build() {
      const b = new StackBuilder({ mode: "update" });
      const shape = READINESS_SHAPES.find((r) =>
        r.name.startsWith("1000 users x 200 memberships x 200 group policies"),
      );
      if (!shape) throw new Error("tests/cases/readiness-shapes.ts has no 1000 x 200 x 200 memberships shape");
      shape.build(b);
      return { resources: b.resources };
    },
  },
];

interface CallResult {
  ms?: number;
  /** CPU time of the pack process over the calls (less sensitive to a busy machine than wall time). */
  cpuMs?: number;
  timedOut: boolean;
  diagnostics: number;
  /** Messages saying "Could not check": none is expected on any shape. */
  couldNotCheck: number;
  longestMessage: number;
}

async function timed<T>(what: Promise<T>, timeoutMs: number): Promise<T | "timeout"> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutMs)));
  try {
    return await Promise.race([what, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

interface Deployment {
  analyze: CallResult;
  stack: CallResult;
  findings: FloorFindings;
  error?: string;
}

/**
 * A shape on one pack: Configure, then the Analyze calls in order; and, in a second fresh process (so a
 * hung Analyze does not hide it), Configure and AnalyzeStack. Each under the timeout.
 */
async function deploy(
  packDir: string,
  env: Record<string, string>,
  work: { analyze: Array<{ urn: string; request: Buffer }>; stack: Buffer; config?: Record<string, unknown> },
  timeoutMs: number,
  isPack: boolean,
): Promise<Deployment> {
  const findings: FloorFindings = { analyze: {}, stack: { findings: [], notApplicable: false } };
  const fresh = (): CallResult => ({ timedOut: false, diagnostics: 0, couldNotCheck: 0, longestMessage: 0 });
  const result: Deployment = { analyze: fresh(), stack: fresh(), findings };
  const checkMessages = (response: Buffer, into: CallResult) => {
    for (const d of analyzerpb.AnalyzeResponse.deserializeBinary(response).getDiagnosticsList()) {
      const message: string = d.getMessage();
      if (message.includes("Could not check")) into.couldNotCheck++;
      into.longestMessage = Math.max(into.longestMessage, message.length);
    }
  };
  const errors: string[] = [];
  const inProcess = async (run: (pack: RunningPack) => Promise<void>) => {
    const pack = await RunningPack.launch({ packDir, env });
    try {
      // The floor has no config schema; only the pack gets the shape's config.
      await pack.configureAsEngine(false, isPack ? work.config : undefined);
      await run(pack);
    } catch (err) {
      errors.push(err instanceof Error ? err.message : String(err));
    } finally {
      await pack.stop(true);
    }
  };
  await inProcess(async (pack) => {
    const t0 = performance.now();
    const cpu0 = pack.cpuMs();
    const responses: Array<{ urn: string; response: Buffer }> = [];
    const sequence = (async () => {
      for (const a of work.analyze) {
        responses.push({ urn: a.urn, response: (await pack.callRaw("Analyze", a.request)).response });
      }
    })();
    sequence.catch(() => undefined); // a killed process fails the call after the timeout; nothing waits for it
    if ((await timed(sequence, timeoutMs)) === "timeout") {
      result.analyze.timedOut = true;
      return;
    }
    result.analyze.ms = performance.now() - t0;
    result.analyze.cpuMs = pack.cpuMs() - cpu0;
    for (const { urn, response } of responses) {
      checkMessages(response, result.analyze);
      const f = findingsOf(response);
      result.analyze.diagnostics += f.findings.length;
      if (f.findings.length > 0 || f.notApplicable) {
        findings.analyze[urn] = { levels: f.findings.map((x) => x.level), notApplicable: f.notApplicable };
      }
    }
  });
  await inProcess(async (pack) => {
    const cpu0 = pack.cpuMs();
    const call = pack.callRaw("AnalyzeStack", work.stack);
    call.catch(() => undefined);
    const stack = await timed(call, timeoutMs);
    if (stack === "timeout") {
      result.stack.timedOut = true;
      return;
    }
    result.stack.ms = stack.ms;
    result.stack.cpuMs = pack.cpuMs() - cpu0;
    checkMessages(stack.response, result.stack);
    findings.stack = findingsOf(stack.response);
    result.stack.diagnostics = findings.stack.findings.length;
  });
  if (errors.length > 0) result.error = errors.join("; ");
  return result;
}

export interface HostileSettings {
  timeoutS: number;
  shapes?: string[];
}

export async function runHostile(settings: HostileSettings): Promise<Record<string, unknown>> {
  const dir = path.join(OUT_DIR, "hostile");
  mkdirSync(dir, { recursive: true });
  const [packUnder, floor] = PACKS;
  const report: Record<string, unknown> = {};
  const timeoutMs = settings.timeoutS * 1000;
  console.log(`\nhostile inputs (one update deployment each; timeout ${settings.timeoutS} s per call sequence):`);
  const fmt = (c: CallResult, n: string) =>
    c.timedOut
      ? `no answer in ${settings.timeoutS} s`
      : c.ms === undefined
        ? "-"
        : `${c.ms.toFixed(0)} ms (CPU ${c.cpuMs?.toFixed(0) ?? "-"} ms)${n}`;
  const checked = (c: CallResult) =>
    c.ms === undefined ? "" : `, ${c.couldNotCheck} "Could not check", longest message ${c.longestMessage} chars`;
  for (const shape of SHAPES) {
    if (settings.shapes && !settings.shapes.includes(shape.name)) continue;
    const { resources, config } = shape.build();
    const req = new analyzerpb.AnalyzeStackRequest();
    req.setResourcesList(resources.map(stackResource));
    const work = {
      analyze: resources.map((spec) => ({
        urn: spec.urn,
        request: Buffer.from((analyzeRequest(spec) as { serializeBinary(): Uint8Array }).serializeBinary()),
      })),
      stack: Buffer.from(req.serializeBinary()),
      config,
    };
    const mine = await deploy(packUnder.dir, PACK_ENV, work, timeoutMs, true);
    const file = path.join(dir, `${shape.name}.json`);
    writeFileSync(file, JSON.stringify(mine.findings));
    const base = await deploy(floor.dir, { ...PACK_ENV, BENCH_FLOOR_FINDINGS: file }, work, timeoutMs, false);
    const ratio = (a: CallResult, b: CallResult) =>
      a.ms !== undefined && b.ms !== undefined ? `${(a.ms / b.ms).toFixed(2)}x` : "-";
    console.log(`  ${shape.name}: ${shape.what} (${resources.length} resources)`);
    console.log(
      `    Analyze x${work.analyze.length}: pack ${fmt(mine.analyze, `, ${mine.analyze.diagnostics} findings${checked(mine.analyze)}`)}, ` +
        `floor ${fmt(base.analyze, "")}, ratio ${ratio(mine.analyze, base.analyze)}`,
    );
    console.log(
      `    AnalyzeStack: pack ${fmt(mine.stack, `, ${mine.stack.diagnostics} findings${checked(mine.stack)}`)}, ` +
        `floor ${fmt(base.stack, "")}, ratio ${ratio(mine.stack, base.stack)}` +
        (mine.error ? ` (pack error: ${mine.error})` : "") +
        (base.error ? ` (floor error: ${base.error})` : ""),
    );
    report[shape.name] = {
      what: shape.what,
      resources: resources.length,
      pack: { analyze: mine.analyze, stack: mine.stack, error: mine.error },
      floor: { analyze: base.analyze, stack: base.stack, error: base.error },
    };
  }
  const wanted = (id: string) =>
    !settings.shapes || settings.shapes.includes(id) || settings.shapes.includes("readiness");
  if (READINESS_SHAPES.some((_, i) => wanted(`readiness-${i}`))) {
    report.readiness = runReadinessInProcess(settings.timeoutS, wanted);
  }
  return report;
}

/**
 * The pack's own modules, loaded only in the in-process child: the benchmark runner itself must not
 * load them (lib/secrets.ts hooks into the SDK copies it finds).
 */
function packModules() {
  /* eslint-disable @typescript-eslint/no-require-imports */
  return {
    ...(require("../lib/exemptions") as typeof import("../lib/exemptions")),
    ...(require("../lib/stack-analysis") as typeof import("../lib/stack-analysis")),
    ...(require("../lib/types") as typeof import("../lib/types")),
    ...(require("../tests/helpers/sdk-view") as typeof import("../tests/helpers/sdk-view")),
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
}

/** Loads and warms the readiness code (required on a stack's first finding) outside the timing. */
function warmUp(mode: Mode): void {
  const { analyzeStack, NO_EXEMPTIONS, stackView } = packModules();
  const s = new StackBuilder({ mode });
  const u = s.user("warm");
  s.loginProfile("warm-login", u.out("name"));
  s.accessKey("warm-key", u.out("name"));
  s.resource("aws:iam/userPolicyAttachment:UserPolicyAttachment", "warm-admin", {
    user: u.out("name"),
    policyArn: "arn:aws:iam::aws:policy/AdministratorAccess",
  });
  analyzeStack(stackView(s.resources), NO_EXEMPTIONS, Date.now(), mode);
}

interface InProcessResult {
  ms: number;
  floorMs: number;
  findings: number;
  /** Findings whose readiness sentence is not the one the shape expects. */
  wrong: number;
  ok: boolean;
}

/** In a child process: one readiness shape in one mode, timed; prints the result as JSON. */
function readinessChild(index: number, mode: Mode): void {
  const { analyzeStack, IAM_POLICY_TYPES, NO_EXEMPTIONS, stackView } = packModules();
  const shape = READINESS_SHAPES[index];
  const s = new StackBuilder({ mode });
  shape.build(s);
  const views = stackView(s.resources);
  warmUp(mode);
  const time = (v: typeof views) => {
    const started = performance.now();
    const reports = analyzeStack(v, NO_EXEMPTIONS, Date.now(), mode);
    return { ms: performance.now() - started, reports };
  };
  const iamTypes: ReadonlySet<string> = new Set(Object.values(IAM_POLICY_TYPES));
  const floor = time(views.filter((v) => !iamTypes.has(v.type))).ms;
  const { ms, reports } = time(views);
  const keys = reports.filter((r) => r.urn.endsWith("-key"));
  const wrong = keys.filter((r) => !r.message.includes(shape.says[mode])).length;
  const result: InProcessResult = {
    ms: Math.round(ms),
    floorMs: Math.round(floor),
    findings: keys.length,
    wrong,
    ok: keys.length === shape.findings && wrong === 0,
  };
  console.log(JSON.stringify(result));
}

function runReadinessInProcess(timeoutS: number, wanted: (id: string) => boolean): Record<string, unknown> {
  console.log(
    `\nreadiness shapes in-process (tests/cases/readiness-shapes.ts; the stack analysis alone, floor: the same stack ` +
      `without its IAM policy resources; timeout ${timeoutS} s):`,
  );
  const report: Record<string, unknown> = {};
  READINESS_SHAPES.forEach((shape, i) => {
    const id = `readiness-${i}`;
    if (!wanted(id)) return;
    for (const mode of ["preview", "update"] as Mode[]) {
      const r = spawnSync(
        process.execPath,
        ["-r", "ts-node/register/transpile-only", __filename, "--readiness-child", String(i), "--mode", mode],
        { encoding: "utf8", timeout: timeoutS * 1000, maxBuffer: 64 * 1024 * 1024 },
      );
      const line = r.stdout?.trim().split("\n").pop() ?? "";
      const result = r.error || r.status !== 0 ? undefined : (JSON.parse(line) as InProcessResult);
      report[`${id}-${mode}`] = result ?? { timedOut: true };
      console.log(
        `  ${id} ${shape.name} [${mode}]: ` +
          (result
            ? `${result.ms} ms, floor ${result.floorMs} ms, ${result.findings} findings` +
              (result.ok ? "" : ` (WRONG: ${result.wrong} sentences not as expected)`)
            : `no answer in ${timeoutS} s`),
      );
    }
  });
  return report;
}

if (require.main === module) {
  const at = process.argv.indexOf("--readiness-child");
  if (at < 0) throw new Error("bench/hostile.ts runs from `npm run bench -- --only-hostile`");
  readinessChild(Number(process.argv[at + 1]), process.argv[process.argv.indexOf("--mode") + 1] as Mode);
}
