// `npm run bench [-- --runs N --starts N --sizes 1000,10000,50000 --iam-dense 8001 --analyze N --profile]`
//
// Compares this pack with a bare pack (one no-op stack policy, same installed SDK) in one run,
// alternating the two so a noisy machine slows both alike. Prints medians, ratios to the bare pack
// and the targets of issue 5, and writes everything to .bench/results.json.

import { spawnSync } from "child_process";
import { mkdirSync, readdirSync, statSync, writeFileSync } from "fs";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import { analyzerpb, analyzeRequest, PACK_DIR, stackResource } from "../tests/helpers/pack";
import { diagnosticCount, RunningPack } from "./launch";
import {
  flagReader,
  median,
  OUT_DIR,
  PACK_ENV,
  PACKS,
  PackUnderTest,
  positiveInt,
  Settings,
  Workloads,
} from "./common";
import { profileAll } from "./profile";
import { generateIamDenseStack, generateStack } from "./stacks";

function parseSettings(argv: string[], env: NodeJS.ProcessEnv): Settings {
  const flag = flagReader(argv);
  const int = positiveInt;
  const runs = int(flag("runs") ?? env.BENCH_RUNS, 7, "--runs / BENCH_RUNS");
  const sizesText = flag("sizes") ?? env.BENCH_SIZES;
  return {
    runs,
    // Starts are cheap: twice the rounds, at least 7 for a stable median.
    starts: int(flag("starts") ?? env.BENCH_STARTS, Math.max(7, 2 * runs), "--starts / BENCH_STARTS"),
    sizes: sizesText ? sizesText.split(",").map((s) => int(s.trim(), 0, "--sizes")) : [1000, 10000, 50000],
    analyzeCalls: int(flag("analyze") ?? env.BENCH_ANALYZE, 3000, "--analyze / BENCH_ANALYZE"),
    // 0 leaves the IAM-dense stack out.
    iamDense:
      (flag("iam-dense") ?? env.BENCH_IAM_DENSE) === "0"
        ? 0
        : int(flag("iam-dense") ?? env.BENCH_IAM_DENSE, 8001, "--iam-dense / BENCH_IAM_DENSE"),
    profile: argv.includes("--profile") || env.BENCH_PROFILE === "1",
  };
}

function buildWorkloads(settings: Settings): Workloads {
  const encode = (key: string, name: string, size: number, generated: ReturnType<typeof generateStack>) => {
    const { resources, counts } = generated;
    const req = new analyzerpb.AnalyzeStackRequest();
    req.setResourcesList(resources.map(stackResource));
    // Encoded once and reused: every round sends exactly the same bytes.
    const request = Buffer.from(req.serializeBinary());
    return { key, label: name, size, resources: resources.length, bytes: request.length, counts, request };
  };
  const stacks = settings.sizes.map((size) => encode(String(size), label(size), size, generateStack(size, "preview")));
  if (settings.iamDense > 0) {
    const size = settings.iamDense;
    stacks.push(encode(`iamDense${size}`, `IAM-dense ${label(size)}`, size, generateIamDenseStack(size, "preview")));
  }
  // Per-resource analysis sees inputs in registration order, here as in an update (all inputs known).
  const { resources } = generateStack(settings.analyzeCalls, "update", 2);
  const analyze = resources
    .slice(0, settings.analyzeCalls)
    .map((spec) => Buffer.from((analyzeRequest(spec) as { serializeBinary(): Uint8Array }).serializeBinary()));
  return { stacks, analyze };
}

/** Alternates which pack goes first, so neither always runs on the warmer/colder machine. */
function ordered(i: number): PackUnderTest[] {
  return i % 2 === 0 ? PACKS : [...PACKS].reverse();
}

type Samples = Record<string, { pack: number[]; bare: number[] }>;

function sample(samples: Samples, metric: string, id: PackUnderTest["id"], value: number): void {
  (samples[metric] ??= { pack: [], bare: [] })[id].push(value);
}

/** Warns when bin/ is older than the sources: the benchmark runs what the CLI would run, bin/index.js. */
function staleBuildWarning(): string | undefined {
  const newest = (dir: string): number => {
    let t = 0;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) t = Math.max(t, newest(p));
      else if (e.name.endsWith(".ts")) t = Math.max(t, statSync(p).mtimeMs);
    }
    return t;
  };
  const sources = Math.max(
    statSync(path.join(PACK_DIR, "index.ts")).mtimeMs,
    newest(path.join(PACK_DIR, "lib")),
    newest(path.join(PACK_DIR, "policies")),
  );
  let built = 0;
  try {
    built = statSync(path.join(PACK_DIR, "bin", "index.js")).mtimeMs;
  } catch {
    return "bin/index.js is missing: run `npm run build` first";
  }
  return built < sources
    ? "bin/ is older than the sources: run `npm run build` to measure the current code"
    : undefined;
}

async function coldStarts(settings: Settings, samples: Samples): Promise<void> {
  for (let i = 0; i < settings.starts; i++) {
    for (const p of ordered(i)) {
      const pack = await RunningPack.launch({ packDir: p.dir, env: PACK_ENV });
      sample(samples, "coldStartMs", p.id, pack.startMs);
      sample(samples, "startPeakRssMiB", p.id, pack.peakRssMiB());
      await pack.stop();
    }
    process.stdout.write(".");
  }
}

async function analyzeThroughput(
  pack: RunningPack,
  requests: Buffer[],
): Promise<{ perSec: number; diagnostics: number }> {
  const responses: Buffer[] = [];
  const t0 = performance.now();
  // One at a time, as the engine sends a resource's Analyze before its step.
  for (const req of requests) responses.push((await pack.callRaw("Analyze", req)).response);
  const perSec = requests.length / ((performance.now() - t0) / 1000);
  // Decoded after the clock stopped: proof the guard did its work, at no cost to the measurement.
  return { perSec, diagnostics: responses.reduce((n, r) => n + diagnosticCount(r), 0) };
}

/**
 * One fresh process per pack and step, as the engine starts one pack process per deployment: the
 * Analyze calls, then one AnalyzeStack per stack size. Within a step the packs take turns, and which
 * goes first alternates from step to step.
 */
async function rounds(settings: Settings, work: Workloads, samples: Samples, diagnostics: Record<string, number>) {
  let turn = 0;
  const step = async (run: (pack: RunningPack, id: PackUnderTest["id"]) => Promise<void>) => {
    for (const p of ordered(turn++)) {
      const pack = await RunningPack.launch({ packDir: p.dir, env: PACK_ENV });
      try {
        await pack.configureAsEngine(false);
        await run(pack, p.id);
      } finally {
        await pack.stop();
      }
    }
  };
  for (let round = 0; round < settings.runs; round++) {
    turn = round;
    await step(async (pack, id) => {
      const { perSec, diagnostics: found } = await analyzeThroughput(pack, work.analyze);
      sample(samples, "analyzePerSec", id, perSec);
      diagnostics[`${id} analyze`] = found;
      sample(samples, "analyzePeakRssMiB", id, pack.peakRssMiB());
    });
    for (const s of work.stacks) {
      await step(async (pack, id) => {
        const cpu0 = pack.cpuMs();
        const { ms, response } = await pack.callRaw("AnalyzeStack", s.request);
        sample(samples, `analyzeStack${s.key}Ms`, id, ms);
        sample(samples, `analyzeStack${s.key}CpuMs`, id, pack.cpuMs() - cpu0);
        sample(samples, `peakRss${s.key}MiB`, id, pack.peakRssMiB());
        diagnostics[`${id} ${s.key}`] = diagnosticCount(response);
      });
    }
    process.stdout.write(".");
  }
}

interface Row {
  key: string;
  metric: string;
  unit: string;
  pack: number;
  bare: number;
  /** Ratio of the medians. */
  ratio: number;
  /** Median of the per-round pack/bare ratios: the two ran back to back, so drift cancels out. */
  paired: number;
  spread: string;
}

interface Target {
  name: string;
  value: number;
  limit: number;
  met: boolean;
}

function label(size: number): string {
  return size >= 1000 && size % 1000 === 0 ? `${size / 1000}k` : String(size);
}

function summarize(settings: Settings, work: Workloads, samples: Samples): { rows: Row[]; targets: Target[] } {
  const metrics: Array<[string, string, string]> = [
    ["coldStartMs", "cold start", "ms"],
    ...work.stacks.map((s): [string, string, string] => [`analyzeStack${s.key}Ms`, `AnalyzeStack ${s.label}`, "ms"]),
    ...work.stacks.map((s): [string, string, string] => [
      `analyzeStack${s.key}CpuMs`,
      `AnalyzeStack ${s.label}, CPU`,
      "ms",
    ]),
    ["analyzePerSec", `Analyze x${settings.analyzeCalls}`, "req/s"],
    ["startPeakRssMiB", "VmHWM after start", "MiB"],
    ["analyzePeakRssMiB", "VmHWM after Analyze", "MiB"],
    ...work.stacks.map((s): [string, string, string] => [`peakRss${s.key}MiB`, `VmHWM AnalyzeStack ${s.label}`, "MiB"]),
  ];
  const range = (xs: number[]) => `${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)}`;
  const rows = metrics
    .filter(([key]) => samples[key])
    .map(([key, metric, unit]): Row => {
      const { pack, bare } = samples[key];
      return {
        key,
        metric,
        unit,
        pack: median(pack),
        bare: median(bare),
        ratio: median(pack) / median(bare),
        paired: median(pack.map((x, i) => x / bare[i])),
        spread: `${range(pack)} / ${range(bare)}`,
      };
    });
  const row = (key: string) => rows.find((r) => r.key === key);
  const targets: Target[] = [];
  const add = (name: string, value: number, limit: number) => targets.push({ name, value, limit, met: value <= limit });
  const cold = row("coldStartMs");
  if (cold) add("cold start, pack/bare", cold.ratio, 1.1);
  const s10 = row("analyzeStack10000Ms");
  if (s10) add("AnalyzeStack 10k, pack/bare", s10.ratio, 1.1);
  const s50 = row("analyzeStack50000Ms");
  if (s10 && s50) add("AnalyzeStack 50k/10k, pack", s50.pack / s10.pack, 5.5);
  const dense = row(`analyzeStackiamDense${settings.iamDense}Ms`);
  if (dense) add(`AnalyzeStack IAM-dense ${label(settings.iamDense)}, pack/bare`, dense.ratio, 1.05);
  const denseCpu = row(`analyzeStackiamDense${settings.iamDense}CpuMs`);
  if (denseCpu) add(`AnalyzeStack IAM-dense ${label(settings.iamDense)} CPU time, pack/bare`, denseCpu.ratio, 1.05);
  // Every process kind counts: the worst pack/bare ratio of VmHWM.
  const mem = rows.filter((r) => r.unit === "MiB").sort((a, b) => b.ratio - a.ratio)[0];
  if (mem) add(`peak memory, pack/bare (worst: ${mem.metric})`, mem.ratio, 1.2);
  return { rows, targets };
}

function printTable(rows: Row[], targets: Target[]): void {
  const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));
  const lines = [
    ["metric", "unit", "pack", "bare", "pack/bare", "paired", "min-max pack / bare"],
    ...rows.map((r) => [
      r.metric,
      r.unit,
      fmt(r.pack),
      fmt(r.bare),
      `${r.ratio.toFixed(2)}x`,
      `${r.paired.toFixed(2)}x`,
      r.spread,
    ]),
  ];
  const widths = lines[0].map((_, c) => Math.max(...lines.map((l) => l[c].length)));
  for (const l of lines) {
    console.log(l.map((cell, c) => (c >= 2 && c <= 5 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join("  "));
  }
  const s10 = rows.find((r) => r.key === "analyzeStack10000Ms");
  const s50 = rows.find((r) => r.key === "analyzeStack50000Ms");
  if (s10 && s50) {
    console.log(
      `\nAnalyzeStack 50k/10k: pack ${(s50.pack / s10.pack).toFixed(2)}x, bare ${(s50.bare / s10.bare).toFixed(2)}x ` +
        "(5.0x is linear; the bare figure is the SDK's own growth)",
    );
  }
  console.log("\ntargets (ratios of medians):");
  for (const t of targets) {
    console.log(
      `  ${t.met ? "MET   " : "MISSED"} ${t.name}: ${t.value.toFixed(2)}x (target <= ${t.limit.toFixed(2)}x)`,
    );
  }
}

/** Which code was measured: bin/ is built from the working tree, which may differ from HEAD. */
function gitState(): { head: string; dirtyFiles: number } | null {
  const git = (...args: string[]) => spawnSync("git", args, { cwd: PACK_DIR, encoding: "utf8" });
  const head = git("rev-parse", "--short", "HEAD");
  if (head.status !== 0) return null;
  const status = git("status", "--porcelain");
  return { head: head.stdout.trim(), dirtyFiles: status.stdout.split("\n").filter(Boolean).length };
}

async function main(): Promise<void> {
  const settings = parseSettings(process.argv.slice(2), process.env);
  const stale = staleBuildWarning();
  if (stale) console.warn(`warning: ${stale}`);
  mkdirSync(OUT_DIR, { recursive: true });

  console.log(
    `bench: ${settings.runs} rounds, ${settings.starts} cold starts per pack, stacks ${settings.sizes.join("/")}, ` +
      `${settings.analyzeCalls} Analyze calls; node ${process.version}, ${os.cpus().length} cores, ` +
      `load ${os.loadavg()[0].toFixed(2)}`,
  );
  if (os.loadavg()[0] > os.cpus().length) {
    console.warn("warning: the machine is already busy; expect spread of 10% or more between runs");
  }
  const work = buildWorkloads(settings);
  for (const s of work.stacks) {
    const mix = Object.entries(s.counts)
      .map(([k, v]) => `${v} ${k}`)
      .join(", ");
    console.log(`  stack ${s.label}: ${s.resources} resources, ${(s.bytes / 1048576).toFixed(1)} MiB (${mix})`);
  }

  if (settings.profile) {
    await profileAll(settings, work);
    return;
  }

  const samples: Samples = {};
  const diagnostics: Record<string, number> = {};
  process.stdout.write("cold starts ");
  await coldStarts(settings, samples);
  process.stdout.write("\nrounds ");
  await rounds(settings, work, samples, diagnostics);
  process.stdout.write("\n\n");

  const { rows, targets } = summarize(settings, work, samples);
  printTable(rows, targets);
  const diag = work.stacks.map((s) => `AnalyzeStack ${s.label}: ${diagnostics[`pack ${s.key}`]}`).join(", ");
  console.log(`\ndiagnostics from the pack (bare: none): Analyze: ${diagnostics["pack analyze"]}, ${diag}`);

  const results = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    loadavg: os.loadavg(),
    settings,
    staleBuild: stale ?? null,
    git: gitState(),
    workloads: work.stacks.map(({ request: _r, ...s }) => s),
    analyzeCalls: work.analyze.length,
    diagnostics,
    medians: rows,
    targets,
    samples,
  };
  const file = path.join(OUT_DIR, "results.json");
  writeFileSync(file, JSON.stringify(results, null, 2) + "\n");
  console.log(`results: ${path.relative(process.cwd(), file)}`);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
