// `npm run bench -- --profile`: where a pack process spends its CPU time. Each step (the Analyze
// calls, then each stack size) runs in a fresh process of each pack under `node --cpu-prof`; the
// profile is split into the pack's own code (any sample with a frame from the pack's bin/ on its
// stack, SDK calls made from it included) and the rest (SDK decoding, gRPC, GC).

import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import * as path from "path";
import { performance } from "perf_hooks";
import { RunningPack } from "./launch";
import { median, OUT_DIR, PACK_ENV, PACKS, Settings, Workloads } from "./common";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** A time span on the monotonic clock, in microseconds: V8's profiler and process.hrtime share it on Linux. */
type Window = [number, number];

const nowUs = (): number => Number(process.hrtime.bigint() / 1000n);

export interface ProfileSummary {
  /** CPU time with something on the stack (idle excluded), within the measured calls, ms. */
  busyMs: number;
  /** Samples with a frame of the pack's own code on the stack, ms. */
  packCodeMs: number;
  gcMs: number;
  /** Per measured call: [busy ms, pack code ms]; the first call runs the pack's code cold, as the engine's one call does. */
  perCall: Array<[number, number]>;
  /** Self time by category, ms. */
  categories: Record<string, number>;
  /** Top functions by self time within the pack's own samples. */
  topPack: Array<{ fn: string; ms: number }>;
  /** Top pack functions by inclusive time. */
  topPackInclusive: Array<{ fn: string; ms: number }>;
}

function category(url: string, packBin: string): string {
  if (url.startsWith(packBin) || url.startsWith(`file://${packBin}`)) return "pack code";
  if (url.includes("@pulumi/policy")) return "@pulumi/policy";
  if (url.includes("google-protobuf")) return "google-protobuf";
  if (url.includes("@grpc")) return "grpc-js";
  if (url.includes("node_modules")) return "other modules";
  if (url.startsWith("node:") || url === "") return "node/V8";
  return "other";
}

/** Summarizes the samples taken while the given calls ran (start-up and idle time left out). */
export function summarizeProfile(profile: CpuProfile, packDir: string, windows: Window[]): ProfileSummary {
  const packBin = path.join(packDir, "bin") + path.sep;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const n of profile.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const name = (f: CallFrame) =>
    `${f.functionName || "(anonymous)"} ${path.relative(packDir, f.url.replace(/^file:\/\//, ""))}:${f.lineNumber + 1}`;

  const categories: Record<string, number> = {};
  const packSelf = new Map<string, number>();
  const packIncl = new Map<string, number>();
  let busyMs = 0;
  let packCodeMs = 0;
  let gcMs = 0;
  const perCall = windows.map((): [number, number] => [0, 0]);
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i];
    const call = windows.findIndex(([from, to]) => at >= from && at <= to);
    if (call < 0) return;
    // timeDeltas[i] is the time since the previous sample: attribute the next delta to this sample.
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const node = byId.get(id)!;
    const fn = node.callFrame.functionName;
    if (fn === "(idle)") return;
    busyMs += ms;
    perCall[call][0] += ms;
    if (fn === "(garbage collector)") gcMs += ms;
    const cat = fn.startsWith("(") ? fn : category(node.callFrame.url, packBin);
    categories[cat] = (categories[cat] ?? 0) + ms;
    // Walk up: is the pack's code on this stack, and which pack functions include this sample?
    const seen = new Set<string>();
    let inPack = false;
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur)!.callFrame;
      if (category(f.url, packBin) === "pack code") {
        inPack = true;
        const key = name(f);
        if (!seen.has(key)) {
          seen.add(key);
          packIncl.set(key, (packIncl.get(key) ?? 0) + ms);
        }
      }
    }
    if (inPack) {
      packCodeMs += ms;
      perCall[call][1] += ms;
      const key = name(node.callFrame);
      packSelf.set(key, (packSelf.get(key) ?? 0) + ms);
    }
  });
  const top = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 12)
      .map(([fn, ms]) => ({ fn, ms }));
  return { busyMs, packCodeMs, gcMs, perCall, categories, topPack: top(packSelf), topPackInclusive: top(packIncl) };
}

interface Step {
  name: string;
  /** Runs the step once; resolves with its wall time in ms. */
  run: (pack: RunningPack) => Promise<number>;
}

async function profileStep(
  packDir: string,
  env: Record<string, string>,
  step: Step,
  dir: string,
): Promise<{ wallMs: number[]; windows: Window[]; profile: CpuProfile }> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const preload = path.join(__dirname, "exit-on-signal.js");
  const pack = await RunningPack.launch({
    packDir,
    env,
    nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${dir}`, "--require", preload],
  });
  await pack.configureAsEngine(false);
  const wallMs: number[] = [];
  const windows: Window[] = [];
  // A few repetitions: the first includes JIT warm-up, as the engine's single call does.
  for (let i = 0; i < 3; i++) {
    const from = nowUs();
    wallMs.push(await step.run(pack));
    windows.push([from, nowUs()]);
  }
  await pack.stop();
  const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
  if (!file) throw new Error(`no CPU profile written in ${dir}`);
  return { wallMs, windows, profile: JSON.parse(readFileSync(path.join(dir, file), "utf8")) };
}

export async function profileAll(
  settings: Settings,
  work: Workloads,
  envFor: (id: "pack" | "bare", step: string) => Record<string, string> = () => PACK_ENV,
): Promise<void> {
  const steps: Step[] = [
    {
      name: "analyze",
      run: async (pack) => {
        const t0 = performance.now();
        for (const req of work.analyze) await pack.callRaw("Analyze", req);
        return performance.now() - t0;
      },
    },
    ...work.stacks.map((s): Step => ({
      name: `stack${s.key}`,
      run: async (pack) => (await pack.callRaw("AnalyzeStack", s.request)).ms,
    })),
  ];
  const report: Record<string, unknown> = {};
  for (const step of steps) {
    for (const p of PACKS) {
      const dir = path.join(OUT_DIR, "profiles", `${p.id}-${step.name}`);
      const { wallMs, windows, profile } = await profileStep(p.dir, envFor(p.id, step.name), step, dir);
      const s = summarizeProfile(profile, p.dir, windows);
      report[`${p.id} ${step.name}`] = { wallMs, windows, ...s };
      const cats = Object.entries(s.categories)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 6)
        .map(([c, ms]) => `${c} ${ms.toFixed(0)}`)
        .join(", ");
      console.log(
        `\n${p.id} ${step.name}: wall ${wallMs.map((w) => w.toFixed(0)).join("/")} ms (median ${median(wallMs).toFixed(0)}), ` +
          `pack busy ${s.busyMs.toFixed(0)} ms in the calls, of which pack code ${s.packCodeMs.toFixed(0)} ms, GC ${s.gcMs.toFixed(0)} ms`,
      );
      console.log(`  self time by category (ms): ${cats}`);
      const calls = s.perCall.map(([busy, own]) => `${own.toFixed(0)}/${busy.toFixed(0)}`).join(", ");
      if (p.id === "pack") console.log(`  pack code / busy per call (ms): ${calls}`);
      if (p.id === "pack" && s.packCodeMs > 0) {
        console.log("  pack functions, inclusive ms:");
        for (const t of s.topPackInclusive.slice(0, 8)) console.log(`    ${t.ms.toFixed(1).padStart(8)}  ${t.fn}`);
        console.log("  self time under pack code, ms:");
        for (const t of s.topPack.slice(0, 8)) console.log(`    ${t.ms.toFixed(1).padStart(8)}  ${t.fn}`);
      }
    }
  }
  const file = path.join(OUT_DIR, "profile.json");
  writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), settings, report }, null, 2) + "\n");
  console.log(`\nprofiles: ${path.relative(process.cwd(), path.join(OUT_DIR, "profiles"))}, summary: ${file}`);
}
