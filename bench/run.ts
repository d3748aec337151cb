// `npm run bench [-- --runs N --starts N --installed-starts N --sizes 1000,10000,50000
//                    --iam-dense 8001,10000,50000 --analyze N --profile --hostile]`
//
// Compares this pack with the floor (bench/bare-pack: the same SDK, the same policy shape, reading the
// same resources and reporting the same findings as this pack with constant texts) in one run,
// alternating the two so a noisy machine slows both alike. A reference run of this pack first records
// what it reports for each workload; the floor replays that. Prints medians with the floor beside each,
// ratios and the targets of issue 19, and writes everything to .bench/results.json.

import { spawnSync } from "child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "fs";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import { analyzerpb, analyzeRequest, PACK_DIR, runPolicyPackOf, stackResource } from "../tests/helpers/pack";
import { extractAsCli, npmInstallAsCli } from "../tests/helpers/published";
import { diagnosticCount, FloorFindings, findingsOf, RunningPack } from "./launch";
import {
  BARE_DIR,
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
import { runHostile } from "./hostile";
import { Candidate, packBarePack, packThisPack } from "./install";
import { profileAll } from "./profile";
import { generateIamDenseStack, generateStack } from "./stacks";

/** "8001,10000" -> sizes; "0" -> none. */
function sizeList(text: string | undefined, fallback: number[], what: string): number[] {
  if (text === undefined || text === "") return fallback;
  if (text.trim() === "0") return [];
  return text.split(",").map((x) => positiveInt(x.trim(), 0, what));
}

function parseSettings(argv: string[], env: NodeJS.ProcessEnv): Settings {
  const flag = flagReader(argv);
  const int = positiveInt;
  const runs = int(flag("runs") ?? env.BENCH_RUNS, 7, "--runs / BENCH_RUNS");
  return {
    runs,
    // Starts are cheap: twice the rounds, at least 7 for a stable median.
    starts: int(flag("starts") ?? env.BENCH_STARTS, Math.max(7, 2 * runs), "--starts / BENCH_STARTS"),
    // "0" leaves the realistic stacks out (a profile of the IAM-dense stack alone, say).
    sizes: sizeList(flag("sizes") ?? env.BENCH_SIZES, [1000, 10000, 50000], "--sizes"),
    analyzeCalls: int(flag("analyze") ?? env.BENCH_ANALYZE, 3000, "--analyze / BENCH_ANALYZE"),
    // 0 leaves the IAM-dense stacks out. 8,001 resources hold 1,000 findings; 10k and 50k give its growth.
    iamDense: sizeList(flag("iam-dense") ?? env.BENCH_IAM_DENSE, [8001, 10000, 50000], "--iam-dense"),
    installedStarts:
      (flag("installed-starts") ?? env.BENCH_INSTALLED_STARTS) === "0"
        ? 0
        : int(flag("installed-starts") ?? env.BENCH_INSTALLED_STARTS, Math.max(7, 2 * runs), "--installed-starts"),
    profile: argv.includes("--profile") || env.BENCH_PROFILE === "1",
    hostile: argv.includes("--hostile") || argv.includes("--only-hostile") || env.BENCH_HOSTILE === "1",
    hostileTimeoutS: int(flag("hostile-timeout") ?? env.BENCH_HOSTILE_TIMEOUT, 30, "--hostile-timeout"),
    hostileShapes: flag("shapes")?.split(","),
    onlyHostile: argv.includes("--only-hostile"),
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
  for (const size of settings.iamDense) {
    stacks.push(encode(`iamDense${size}`, `IAM-dense ${label(size)}`, size, generateIamDenseStack(size, "preview")));
  }
  // Per-resource analysis sees inputs in registration order, here as in an update (all inputs known).
  const { resources } = generateStack(settings.analyzeCalls, "update", 2);
  const specs = resources.slice(0, settings.analyzeCalls);
  const analyze = specs.map((spec) =>
    Buffer.from((analyzeRequest(spec) as { serializeBinary(): Uint8Array }).serializeBinary()),
  );
  return { stacks, analyze, analyzeUrns: specs.map((spec) => spec.urn) };
}

/**
 * Who runs in a round: the pack, the floor, and on the IAM-dense stacks the floor sending the pack's
 * own texts ("texts"), which splits the pack's cost into the SDK's cost of its texts and its own work.
 */
type RunnerId = PackUnderTest["id"] | "texts";
interface Runner {
  id: RunnerId;
  dir: string;
}
const TEXTS_FLOOR: Runner = { id: "texts", dir: BARE_DIR };

/** Rotates which runs first, so none always runs on the warmer/colder machine. */
function ordered(i: number, list: readonly Runner[] = PACKS): Runner[] {
  const k = i % list.length;
  return [...list.slice(k), ...list.slice(0, k)];
}

type Samples = Record<string, { pack: number[]; bare: number[]; texts?: number[] }>;

function sample(samples: Samples, metric: string, id: RunnerId, value: number): void {
  ((samples[metric] ??= { pack: [], bare: [] })[id] ??= []).push(value);
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

// Per run: two benchmark runs at once (a profile beside a measurement) must not replace each other's files.
const FLOOR_DIR = path.join(OUT_DIR, `floor-${process.pid}`);
const floorFile = (step: string) => path.join(FLOOR_DIR, `${step}.json`);

/**
 * The reference run: this pack's answers to every workload, written where the floor pack reads them
 * (one file per step, named by BENCH_FLOOR_FINDINGS when the floor starts for that step).
 */
async function recordFloorFindings(work: Workloads): Promise<void> {
  rmSync(FLOOR_DIR, { recursive: true, force: true });
  mkdirSync(FLOOR_DIR, { recursive: true });
  const pack = await RunningPack.launch({ packDir: PACK_DIR, env: PACK_ENV });
  try {
    await pack.configureAsEngine(false);
    const analyze: FloorFindings["analyze"] = {};
    for (let i = 0; i < work.analyze.length; i++) {
      const f = findingsOf((await pack.callRaw("Analyze", work.analyze[i])).response);
      if (f.findings.length > 0 || f.notApplicable) {
        analyze[work.analyzeUrns[i]] = { levels: f.findings.map((x) => x.level), notApplicable: f.notApplicable };
      }
    }
    const none = { findings: [], notApplicable: false };
    writeFileSync(floorFile("analyze"), JSON.stringify({ analyze, stack: none }));
    for (const s of work.stacks) {
      const stack = findingsOf((await pack.callRaw("AnalyzeStack", s.request)).response);
      writeFileSync(floorFile(`stack${s.key}`), JSON.stringify({ analyze: {}, stack }));
    }
  } finally {
    await pack.stop();
  }
}

/** The environment a pack starts with for a step: the floor also gets the findings to report. */
function envFor(id: RunnerId, step: string): Record<string, string> {
  if (id === "pack") return PACK_ENV;
  const env: Record<string, string> = { ...PACK_ENV, BENCH_FLOOR_FINDINGS: floorFile(step) };
  if (id === "texts") env.BENCH_FLOOR_TEXTS = "1";
  return env;
}

/**
 * Cold starts as on a runner of an enforced stack: both packs packed as `pulumi policy publish` packs
 * them, extracted and installed as the CLI installs them (tests/helpers/published.ts; the machine's
 * npm cache, warm after the first install), then started with their own run-policy-pack.
 */
async function installedColdStarts(settings: Settings, samples: Samples): Promise<void> {
  const work = mkdtempSync(path.join(os.tmpdir(), "cis-bench-installed-"));
  try {
    const dirs: Record<string, string> = {};
    for (const c of [packThisPack(work), packBarePack(work)] as Candidate[]) {
      const dir = extractAsCli(c.tarball, path.join(work, `policies-${c.id}`), "acme", c.name, c.version);
      npmInstallAsCli(dir);
      dirs[c.id] = dir;
    }
    for (let i = 0; i < settings.installedStarts; i++) {
      for (const p of ordered(i)) {
        const dir = dirs[p.id];
        const pack = await RunningPack.launch({ packDir: dir, runPolicyPack: runPolicyPackOf(dir), env: PACK_ENV });
        sample(samples, "installedColdStartMs", p.id, pack.startMs);
        sample(samples, "installedStartPeakRssMiB", p.id, pack.peakRssMiB());
        await pack.stop();
      }
      process.stdout.write(".");
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
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
  const step = async (
    name: string,
    run: (pack: RunningPack, id: RunnerId) => Promise<void>,
    runners: readonly Runner[] = PACKS,
  ) => {
    for (const p of ordered(turn++, runners)) {
      const pack = await RunningPack.launch({ packDir: p.dir, env: envFor(p.id, name) });
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
    await step("analyze", async (pack, id) => {
      const { perSec, diagnostics: found } = await analyzeThroughput(pack, work.analyze);
      sample(samples, "analyzePerSec", id, perSec);
      diagnostics[`${id} analyze`] = found;
      sample(samples, "analyzePeakRssMiB", id, pack.peakRssMiB());
    });
    for (const s of work.stacks) {
      const runners = s.key.startsWith("iamDense") ? [...PACKS, TEXTS_FLOOR] : PACKS;
      await step(
        `stack${s.key}`,
        async (pack, id) => {
          const cpu0 = pack.cpuMs();
          const { ms, response } = await pack.callRaw("AnalyzeStack", s.request);
          sample(samples, `analyzeStack${s.key}Ms`, id, ms);
          sample(samples, `analyzeStack${s.key}CpuMs`, id, pack.cpuMs() - cpu0);
          sample(samples, `peakRss${s.key}MiB`, id, pack.peakRssMiB());
          diagnostics[`${id} ${s.key}`] = diagnosticCount(response);
        },
        runners,
      );
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
  /** Lowest and highest per-round ratio: how far one round can be from the median (the noise). */
  pairedRange: [number, number];
  spread: string;
  /** The floor sending the pack's texts (IAM-dense stacks): its median. */
  texts?: number;
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
    ["coldStartMs", "cold start from this repository", "ms"],
    ["installedColdStartMs", "cold start, published and installed", "ms"],
    ...work.stacks.map((s): [string, string, string] => [`analyzeStack${s.key}Ms`, `AnalyzeStack ${s.label}`, "ms"]),
    ...work.stacks.map((s): [string, string, string] => [
      `analyzeStack${s.key}CpuMs`,
      `AnalyzeStack ${s.label}, CPU`,
      "ms",
    ]),
    ["analyzePerSec", `Analyze x${settings.analyzeCalls}`, "req/s"],
    ["startPeakRssMiB", "VmHWM after start", "MiB"],
    ["installedStartPeakRssMiB", "VmHWM after start, installed", "MiB"],
    ["analyzePeakRssMiB", "VmHWM after Analyze", "MiB"],
    ...work.stacks.map((s): [string, string, string] => [`peakRss${s.key}MiB`, `VmHWM AnalyzeStack ${s.label}`, "MiB"]),
  ];
  const range = (xs: number[]) => `${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)}`;
  const rows = metrics
    .filter(([key]) => samples[key])
    .map(([key, metric, unit]): Row => {
      const { pack, bare, texts } = samples[key];
      const perRound = pack.map((x, i) => x / bare[i]);
      return {
        key,
        metric,
        unit,
        pack: median(pack),
        bare: median(bare),
        ratio: median(pack) / median(bare),
        paired: median(perRound),
        pairedRange: [Math.min(...perRound), Math.max(...perRound)],
        spread: `${range(pack)} / ${range(bare)}`,
        texts: texts && texts.length > 0 ? median(texts) : undefined,
      };
    });
  const row = (key: string) => rows.find((r) => r.key === key);
  const targets: Target[] = [];
  const add = (name: string, value: number, limit: number) => targets.push({ name, value, limit, met: value <= limit });
  const cold = row("coldStartMs");
  if (cold) add("cold start from this repository, pack/floor", cold.ratio, 1.02);
  const installed = row("installedColdStartMs");
  if (installed) add("cold start, published and installed, pack/floor", installed.ratio, 1.02);
  // Realistic stacks from 10k up: smaller calls are too short for a 2% difference to stand out of the noise.
  for (const size of settings.sizes.filter((n) => n >= 10000)) {
    const r = row(`analyzeStack${size}Ms`);
    if (r) add(`AnalyzeStack ${label(size)}, pack/floor`, r.ratio, 1.02);
  }
  if (settings.iamDense.length > 0) {
    const headline = settings.iamDense[0];
    const dense = row(`analyzeStackiamDense${headline}Ms`);
    if (dense) add(`AnalyzeStack IAM-dense ${label(headline)}, pack/floor`, dense.ratio, 1.05);
    const denseCpu = row(`analyzeStackiamDense${headline}CpuMs`);
    if (denseCpu) add(`AnalyzeStack IAM-dense ${label(headline)} CPU time, pack/floor`, denseCpu.ratio, 1.05);
  }
  // Growth from 10k to 50k: the pack's own ratio over the floor's.
  for (const [prefix, name] of [
    ["", "realistic"],
    ["iamDense", "IAM-dense"],
  ]) {
    const s10 = row(`analyzeStack${prefix}10000Ms`);
    const s50 = row(`analyzeStack${prefix}50000Ms`);
    if (s10 && s50)
      add(`${name} 50k/10k growth, pack's over floor's`, s50.pack / s10.pack / (s50.bare / s10.bare), 1.05);
  }
  // Every process kind counts: the worst pack/floor ratio of VmHWM.
  const mem = rows.filter((r) => r.unit === "MiB").sort((a, b) => b.ratio - a.ratio)[0];
  if (mem) add(`peak memory, pack/floor (worst: ${mem.metric})`, mem.ratio, 1.05);
  return { rows, targets };
}

function printTable(rows: Row[], targets: Target[]): void {
  const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));
  const x = (n: number) => `${n.toFixed(2)}x`;
  const lines = [
    ["metric", "unit", "pack", "floor", "pack/floor", "paired", "per-round ratios", "min-max pack / floor"],
    ...rows.map((r) => [
      r.metric,
      r.unit,
      fmt(r.pack),
      fmt(r.bare),
      x(r.ratio),
      x(r.paired),
      `${x(r.pairedRange[0])}-${x(r.pairedRange[1])}`,
      r.spread,
    ]),
  ];
  const widths = lines[0].map((_, c) => Math.max(...lines.map((l) => l[c].length)));
  for (const l of lines) {
    console.log(l.map((cell, c) => (c >= 2 && c <= 5 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join("  "));
  }
  // The IAM-dense stacks' 1,000+ findings, split: what the SDK pays to send the pack's texts (the floor
  // with them over the floor with constant ones), and what is left for the pack's own work.
  const split = rows.filter((r) => r.texts !== undefined);
  if (split.length > 0) {
    console.log("\nthe floor sending the pack's own texts (messages and description):");
    for (const r of split) {
      console.log(
        `  ${r.metric}: floor with texts ${fmt(r.texts!)} ${r.unit}; texts in the SDK ${x(r.texts! / r.bare)}, ` +
          `pack over the floor with its texts ${x(r.pack / r.texts!)}`,
      );
    }
  }
  for (const [prefix, name] of [
    ["", "realistic"],
    ["iamDense", "IAM-dense"],
  ]) {
    const s10 = rows.find((r) => r.key === `analyzeStack${prefix}10000Ms`);
    const s50 = rows.find((r) => r.key === `analyzeStack${prefix}50000Ms`);
    if (s10 && s50) {
      console.log(
        `AnalyzeStack ${name} 50k/10k: pack ${(s50.pack / s10.pack).toFixed(2)}x, floor ${(s50.bare / s10.bare).toFixed(2)}x ` +
          "(5.0x is linear)",
      );
    }
  }
  console.log("\ntargets (ratios of medians):");
  for (const t of targets) {
    console.log(
      `  ${t.met ? "MET   " : "MISSED"} ${t.name}: ${t.value.toFixed(2)}x (target <= ${t.limit.toFixed(2)}x)`,
    );
  }
  // A target within the rounds' own spread is not told apart by this run: say how wide the spread was.
  const timed = rows.filter((r) => r.unit === "ms");
  if (timed.length > 0) {
    const widest = timed.reduce((a, b) =>
      b.pairedRange[1] - b.pairedRange[0] > a.pairedRange[1] - a.pairedRange[0] ? b : a,
    );
    console.log(
      `spread: per-round pack/floor ratios of the timings ranged up to ${x(widest.pairedRange[0])}-${x(widest.pairedRange[1])} ` +
        `(${widest.metric}); a difference smaller than its round's spread is noise in this run`,
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

  if (settings.onlyHostile) {
    await runHostile({ timeoutS: settings.hostileTimeoutS, shapes: settings.hostileShapes });
    return;
  }
  if (settings.profile) {
    await recordFloorFindings(work);
    await profileAll(settings, work, envFor);
    rmSync(FLOOR_DIR, { recursive: true, force: true });
    return;
  }

  const samples: Samples = {};
  const diagnostics: Record<string, number> = {};
  process.stdout.write("reference run of the pack (the floor's findings)\n");
  await recordFloorFindings(work);
  process.stdout.write("cold starts ");
  await coldStarts(settings, samples);
  if (settings.installedStarts > 0) {
    process.stdout.write("\npacking and installing both as the CLI does, then cold starts ");
    await installedColdStarts(settings, samples);
  }
  process.stdout.write("\nrounds ");
  await rounds(settings, work, samples, diagnostics);
  process.stdout.write("\n\n");

  const { rows, targets } = summarize(settings, work, samples);
  printTable(rows, targets);
  const steps = ["analyze", ...work.stacks.map((s) => s.key)];
  const diag = steps.map((k) => `${k}: ${diagnostics[`pack ${k}`]}/${diagnostics[`bare ${k}`]}`).join(", ");
  console.log(`\ndiagnostics, pack/floor: ${diag}`);
  const differing = steps.filter(
    (k) =>
      diagnostics[`pack ${k}`] !== diagnostics[`bare ${k}`] ||
      (diagnostics[`texts ${k}`] !== undefined && diagnostics[`texts ${k}`] !== diagnostics[`pack ${k}`]),
  );
  if (differing.length > 0)
    console.warn(`warning: the floor did not report what the pack did: ${differing.join(", ")}`);
  const hostile = settings.hostile
    ? await runHostile({ timeoutS: settings.hostileTimeoutS, shapes: settings.hostileShapes })
    : undefined;

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
    hostile,
  };
  rmSync(FLOOR_DIR, { recursive: true, force: true });
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
