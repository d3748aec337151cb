// Times and answers of the hostile shapes of issues 16/17 that this branch handles, for one pack
// directory against the bare pack (the floor: same SDK, no work). Not part of `npm test`.
//
//   npx ts-node --transpile-only bench/issue-17-shapes.ts [--pack DIR] [--accounts N] [--pairs N]
//     [--entries N] [--only shape,shape]

import { ChildProcess } from "child_process";
import { readFileSync } from "fs";
import * as path from "path";
import { Diagnostic, PackProcess } from "../tests/helpers/pack";
import { StackBuilder } from "../tests/helpers/stack";
import { ResourceSpec } from "../tests/helpers/wire";
import { BARE_DIR, PACK_ENV } from "./common";

const args = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const PACK = flag("pack", path.resolve(__dirname, ".."));
const ACCOUNTS = Number(flag("accounts", "10000"));
const PAIRS = Number(flag("pairs", "500"));
const ENTRIES = Number(flag("entries", "10000"));
const ONLY = flag("only", "").split(",").filter(Boolean);

const STACK_POLICY = "cis-1-11-no-access-key-with-console-password";
const GUARD = "cis-1-11-block-pair-before-creation";

interface Shape {
  name: string;
  stack(): StackBuilder;
  config?: Record<string, unknown>;
  /** Analyze every resource (per-resource policy) or only AnalyzeStack. */
  analyze: boolean;
}

function accountId(i: number): string {
  return String(100000000000 + i);
}

const SHAPES: Shape[] = [
  {
    name: `alice in ${ACCOUNTS} accounts (AnalyzeStack)`,
    analyze: false,
    stack: () => aliceEverywhere(ACCOUNTS),
  },
  {
    name: `alice in ${ACCOUNTS} accounts (Analyze each)`,
    analyze: true,
    stack: () => aliceEverywhere(ACCOUNTS),
  },
  {
    name: `${PAIRS} pairs, ${ENTRIES} exemption entries (Analyze each)`,
    analyze: true,
    stack: () => pairs(PAIRS),
    config: { exemptions: exemptions(ENTRIES, (i) => ({ users: [`svc-${i}`], reason: "ticket" })) },
  },
  {
    name: `${PAIRS} pairs, ${ENTRIES} entries with expires 2030-02-30 (Analyze each + AnalyzeStack)`,
    analyze: true,
    stack: () => pairs(PAIRS),
    config: {
      exemptions: exemptions(ENTRIES, (i) => ({ users: [`svc-${i}`], reason: "ticket", expires: "2030-02-30" })),
    },
  },
  {
    name: `${PAIRS} pairs, one exemption with a 40 KB stacks pattern (Analyze each + AnalyzeStack)`,
    analyze: true,
    stack: () => pairs(PAIRS),
    config: { exemptions: [{ users: ["*"], reason: "all", stacks: ["*a".repeat(20_000)] }] },
  },
  {
    name: "assumeRoles nested 3,000 levels on the login profile's provider (Analyze each + AnalyzeStack)",
    analyze: true,
    stack: () => {
      const s = new StackBuilder({ stack: "bench", mode: "update" });
      const deep = s.provider("deep", { assumeRoles: "[".repeat(3000) + "]".repeat(3000) });
      const u = s.user("alice", { provider: deep });
      s.loginProfile("alice-login", u.out("name"), { provider: deep });
      s.accessKey("alice-key", u.out("name"), { provider: deep });
      s.loginProfile("bob-login", "bob", { provider: deep });
      s.accessKey("bob-key", "bob");
      return s;
    },
  },
];

function aliceEverywhere(n: number): StackBuilder {
  const s = new StackBuilder({ stack: "bench", mode: "update" });
  for (let i = 0; i < n; i++) {
    const p = s.provider(`acct-${i}`, { allowedAccountIds: JSON.stringify([accountId(i)]) });
    const u = s.user(`alice-${i}`, { userName: "alice", provider: p });
    s.loginProfile(`alice-${i}-login`, u.out("name"), { provider: p });
    s.accessKey(`alice-${i}-key`, u.out("name"), { provider: p });
  }
  return s;
}

function pairs(n: number): StackBuilder {
  const s = new StackBuilder({ stack: "bench", mode: "update" });
  for (let i = 0; i < n; i++) {
    const u = s.user(`user-${i}`);
    s.loginProfile(`user-${i}-login`, u.out("name"));
    s.accessKey(`user-${i}-key`, u.out("name"));
  }
  return s;
}

function exemptions(n: number, entry: (i: number) => Record<string, unknown>): unknown[] {
  return Array.from({ length: n }, (_, i) => entry(i));
}

interface Outcome {
  ms: number;
  /** CPU time of the pack process (user + system): less sensitive to a busy machine. */
  cpuMs: number;
  findings: Record<string, number>;
  couldNotCheck: number;
  maxMessage: number;
  messages: number;
}

async function measure(dir: string, shape: Shape, specs: ResourceSpec[]): Promise<Outcome> {
  const pack = await PackProcess.start({ packDir: dir, env: PACK_ENV });
  try {
    const config = shape.config ? { [STACK_POLICY]: shape.config, [GUARD]: shape.config } : {};
    const info = await pack.info();
    const names = new Set(info.policiesList.map((p) => p.name));
    await pack.configure(Object.fromEntries(Object.entries(config).filter(([k]) => names.has(k))));
    const diags: Diagnostic[] = [];
    const cpu0 = cpuMs(pack);
    const start = process.hrtime.bigint();
    if (shape.analyze) for (const spec of specs) diags.push(...(await pack.analyze(spec)));
    diags.push(...(await pack.analyzeStack(specs)));
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const cpu = cpuMs(pack) - cpu0;
    const findings: Record<string, number> = {};
    for (const d of diags) {
      const key = `${d.policyName === GUARD ? "guard" : "stack"}:${d.enforcementLevel}`;
      findings[key] = (findings[key] ?? 0) + 1;
    }
    return {
      ms,
      cpuMs: cpu,
      findings,
      couldNotCheck: diags.filter((d) => d.message.includes("Could not check")).length,
      maxMessage: Math.max(0, ...diags.map((d) => d.message.length)),
      messages: diags.length,
    };
  } finally {
    await pack.stop();
  }
}

/** User + system CPU of the pack process, from /proc/<pid>/stat (fields 14 and 15, clock ticks). */
function cpuMs(pack: PackProcess): number {
  const pid = (pack as unknown as { child: ChildProcess }).child.pid;
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function main(): Promise<void> {
  console.log(`pack: ${PACK}`);
  for (const shape of SHAPES) {
    if (ONLY.length > 0 && !ONLY.some((o) => shape.name.includes(o))) continue;
    const specs = shape.stack().resources;
    const floor = await measure(BARE_DIR, shape, specs);
    const pack = await measure(PACK, shape, specs);
    console.log(
      `${shape.name}\n  wall: pack ${(pack.ms / 1000).toFixed(2)} s, floor ${(floor.ms / 1000).toFixed(2)} s ` +
        `(${(pack.ms / floor.ms).toFixed(2)}x); pack CPU: ${(pack.cpuMs / 1000).toFixed(2)} s, floor ` +
        `${(floor.cpuMs / 1000).toFixed(2)} s (${(pack.cpuMs / floor.cpuMs).toFixed(2)}x)\n  ` +
        `findings ${JSON.stringify(pack.findings)}; ` +
        `"Could not check" ${pack.couldNotCheck}; longest message ${pack.maxMessage} chars; ${pack.messages} messages`,
    );
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
