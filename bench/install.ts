// `npm run bench:install [-- --runs N --starts N --warm-cache]`
//
// What every runner of an enforced stack pays for this pack: the published tarball installed the way
// the Pulumi CLI installs it (tests/helpers/published.ts: npm pack, extract, `npm install
// --loglevel=error --production`), then started with its own run-policy-pack. Measured against a bare
// pack (bench/bare-pack: one no-op policy on @pulumi/policy + @pulumi/pulumi at the versions this pack
// pins) packed and installed the same way, alternating the two in one run. Each install gets an empty
// npm cache, as on a fresh CI runner (--warm-cache: share one cache, as on a runner that installed
// before). Writes .bench/install.json.

import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runPolicyPackOf } from "../tests/helpers/pack";
import {
  build,
  cleanCopy,
  extractAsCli,
  installedPackages,
  npmInstallAsCli,
  npmPackAsCli,
  treeBytes,
} from "../tests/helpers/published";
import { BARE_DIR, flagReader, median, OUT_DIR, PACK_ENV, positiveInt } from "./common";
import { RunningPack } from "./launch";

interface Settings {
  runs: number;
  starts: number;
  warmCache: boolean;
}

function parseSettings(argv: string[], env: NodeJS.ProcessEnv): Settings {
  const flag = flagReader(argv);
  const int = positiveInt;
  return {
    runs: int(flag("runs") ?? env.BENCH_RUNS, 3, "--runs / BENCH_RUNS"),
    starts: int(flag("starts") ?? env.BENCH_STARTS, 7, "--starts / BENCH_STARTS"),
    warmCache: argv.includes("--warm-cache"),
  };
}

export interface Candidate {
  id: "pack" | "bare";
  tarball: string;
  name: string;
  version: string;
}

export function packThisPack(work: string): Candidate {
  const checkout = path.join(work, "checkout");
  cleanCopy(checkout);
  build(checkout);
  const run = npmPackAsCli(checkout);
  if (run.status !== 0) throw new Error(`npm pack failed: ${run.stderr}`);
  const pkg = JSON.parse(fs.readFileSync(path.join(checkout, "package.json"), "utf8"));
  return { id: "pack", tarball: path.join(checkout, run.filename), name: "cis-aws-1-11", version: pkg.version };
}

/** The bare pack as a publishable package: the SDK versions this pack's lock pins, the same runtime options. */
export function packBarePack(work: string): Candidate {
  const dir = path.join(work, "bare");
  fs.mkdirSync(dir);
  fs.copyFileSync(path.join(BARE_DIR, "index.js"), path.join(dir, "index.js"));
  const lock = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "package-lock.json"), "utf8"));
  const pinned = (name: string): string => lock.packages[`node_modules/${name}`].version;
  const manifest = {
    name: "bench-bare-pack",
    version: "0.0.0",
    main: "index.js",
    dependencies: { "@pulumi/policy": pinned("@pulumi/policy"), "@pulumi/pulumi": pinned("@pulumi/pulumi") },
  };
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify(manifest, null, 2));
  fs.copyFileSync(path.join(__dirname, "..", "PulumiPolicy.yaml"), path.join(dir, "PulumiPolicy.yaml"));
  const run = npmPackAsCli(dir);
  if (run.status !== 0) throw new Error(`npm pack (bare) failed: ${run.stderr}`);
  return { id: "bare", tarball: path.join(dir, run.filename), name: "bench-bare-pack", version: "0.0.0" };
}

interface Installed {
  dir: string;
  ms: number;
  bytes: number;
  packages: number;
}

function installAsCli(c: Candidate, work: string, round: number, settings: Settings): Installed {
  const policies = path.join(work, `policies-${c.id}-${round}`);
  const dir = extractAsCli(c.tarball, policies, "acme", c.name, c.version);
  const cache = settings.warmCache ? path.join(work, "npm-cache") : fs.mkdtempSync(path.join(work, "npm-cache-"));
  const { ms } = npmInstallAsCli(dir, { cache });
  if (!settings.warmCache) fs.rmSync(cache, { recursive: true, force: true });
  return { dir, ms, bytes: treeBytes(dir), packages: installedPackages(dir).size };
}

async function main(): Promise<void> {
  const settings = parseSettings(process.argv.slice(2), process.env);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "cis-bench-install-"));
  try {
    const candidates = [packThisPack(work), packBarePack(work)];
    const samples: Record<"installMs" | "startMs", Record<Candidate["id"], number[]>> = {
      installMs: { pack: [], bare: [] },
      startMs: { pack: [], bare: [] },
    };
    const last: Partial<Record<Candidate["id"], Installed>> = {};
    if (settings.warmCache) {
      // Fill the shared cache first, so every measured install sees the same warm cache.
      for (const c of candidates) installAsCli(c, work, 0, settings);
    }
    for (let round = 1; round <= settings.runs; round++) {
      for (const c of round % 2 ? candidates : [...candidates].reverse()) {
        const installed = installAsCli(c, work, round, settings);
        samples.installMs[c.id].push(installed.ms);
        if (last[c.id]) fs.rmSync(path.dirname(path.dirname(last[c.id]!.dir)), { recursive: true, force: true });
        last[c.id] = installed;
        console.error(`install ${round}/${settings.runs} ${c.id}: ${Math.round(installed.ms)} ms`);
      }
    }
    for (let i = 0; i < settings.starts; i++) {
      for (const c of i % 2 ? [...candidates].reverse() : candidates) {
        const dir = last[c.id]!.dir;
        const pack = await RunningPack.launch({ packDir: dir, runPolicyPack: runPolicyPackOf(dir), env: PACK_ENV });
        samples.startMs[c.id].push(pack.startMs);
        await pack.stop();
      }
    }
    const mib = (b: number) => b / 1024 / 1024;
    const rows = [
      ["install time (npm install)", median(samples.installMs.pack), median(samples.installMs.bare), "ms", ""],
      ["installed size", mib(last.pack!.bytes), mib(last.bare!.bytes), "MiB", "≤ 1.10x"],
      ["installed packages", last.pack!.packages, last.bare!.packages, "", ""],
      ["cold start (until port)", median(samples.startMs.pack), median(samples.startMs.bare), "ms", "≤ 1.10x"],
    ] as const;
    const results = {
      date: new Date().toISOString(),
      node: process.version,
      npm: execFileSync("npm", ["--version"], { encoding: "utf8" }).trim(),
      settings,
      samples,
      rows: rows.map(([what, pack, bare, unit, target]) => ({ what, pack, bare, unit, ratio: pack / bare, target })),
    };
    fs.mkdirSync(OUT_DIR, { recursive: true });
    fs.writeFileSync(path.join(OUT_DIR, "install.json"), JSON.stringify(results, null, 2));
    const cache = settings.warmCache ? "warm shared npm cache" : "empty npm cache per install";
    console.log(
      `\nPublished pack installed as the CLI does (${cache}), ${settings.runs} installs, ${settings.starts} starts each:\n`,
    );
    console.log("| measurement | this pack | bare pack | ratio | target |");
    console.log("| --- | ---: | ---: | ---: | --- |");
    for (const r of results.rows) {
      const fmt = (v: number) =>
        (r.unit === "MiB" ? v.toFixed(1) : Math.round(v).toString()) + (r.unit ? ` ${r.unit}` : "");
      console.log(`| ${r.what} | ${fmt(r.pack)} | ${fmt(r.bare)} | ${r.ratio.toFixed(2)}x | ${r.target} |`);
    }
    console.log(`\nResults: ${path.relative(process.cwd(), path.join(OUT_DIR, "install.json"))}`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
