// Runs example programs in child processes (the SDK runtime's state is global, one program per
// process as with the language host) and drives a pack with what the engine would send.

import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Diagnostic, PackProcess, PolicyConfig } from "../helpers/pack";
import { ResourceSpec } from "../helpers/wire";
import { ProgramRecord } from "./project";
import { toSpecs } from "./specs";

export type Mode = "preview" | "update";

const RUNNER = path.join(__dirname, "runner.ts");
const TS_NODE = require.resolve("ts-node/register/transpile-only");

/** Runs `programDir` in preview or update mode in a process of its own, as the language host does. */
export async function runProgram(programDir: string, mode: Mode): Promise<ProgramRecord> {
  return (await runBatch([{ dir: programDir, mode }]))[0];
}

export interface ProgramRun {
  dir: string;
  mode: Mode;
}

/**
 * Runs programs in `processes` runner processes, one after another in each (see runner.ts: each in a
 * fresh SDK state). Resolves with the records in the order of `runs`.
 */
export async function runPrograms(runs: ProgramRun[], processes = os.cpus().length || 2): Promise<ProgramRecord[]> {
  const batches: number[][] = Array.from({ length: Math.min(processes, runs.length) }, () => []);
  runs.forEach((_, i) => batches[i % batches.length].push(i));
  const results: ProgramRecord[] = new Array(runs.length);
  await Promise.all(
    batches.map(async (batch) => {
      const records = await runBatch(batch.map((i) => runs[i]));
      batch.forEach((i, j) => (results[i] = records[j]));
    }),
  );
  return results;
}

/** One runner process for `runs`, in order. */
function runBatch(runs: ProgramRun[]): Promise<ProgramRecord[]> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cis-program-"));
  const jobs = runs.map((r, i) => ({
    dir: path.resolve(r.dir),
    mode: r.mode,
    out: path.join(tmp, `record-${i}.json`),
  }));
  const jobsFile = path.join(tmp, "jobs.json");
  fs.writeFileSync(jobsFile, JSON.stringify(jobs));
  const names = runs.map((r) => `${path.basename(r.dir)} (${r.mode})`).join(", ");
  return new Promise<ProgramRecord[]>((resolve, reject) => {
    const child = spawn(process.execPath, ["-r", TS_NODE, RUNNER, "--jobs", jobsFile], {
      cwd: jobs[0].dir,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout!.on("data", (d) => (output += d));
    child.stderr!.on("data", (d) => (output += d));
    child.on("error", reject);
    child.on("exit", (code) => {
      try {
        if (code !== 0) throw new Error(`the runner of ${names} exited with ${code}:\n${output}`);
        resolve(
          jobs.map((job, i) => {
            if (!fs.existsSync(job.out)) throw new Error(`${names}: no record of ${runs[i].dir}:\n${output}`);
            const record = JSON.parse(fs.readFileSync(job.out, "utf8")) as ProgramRecord & { error?: string };
            if (record.error) {
              throw new Error(`${path.basename(job.dir)} (${job.mode}) failed:\n${record.error}\n${output}`);
            }
            return record;
          }),
        );
      } catch (err) {
        reject(err);
      } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
      }
    });
  });
}

export interface Findings {
  /** From per-resource Analyze calls; each on the URN of the resource being analyzed. */
  analyze: Diagnostic[];
  /** From the final AnalyzeStack call. */
  stack: Diagnostic[];
}

/**
 * One deployment's policy calls, in the engine's order: Configure, Analyze per resource in
 * registration order (inputs), then AnalyzeStack (outputs of every resource).
 */
export async function deploy(
  pack: PackProcess,
  specs: ResourceSpec[],
  config: Record<string, PolicyConfig> = {},
): Promise<Findings> {
  await pack.configure(config);
  const analyze: Diagnostic[] = [];
  for (const spec of specs) {
    // The engine reports a resource policy's diagnostics against the resource it analyzed.
    for (const d of await pack.analyze(spec)) analyze.push({ ...d, urn: spec.urn });
  }
  const stack = await pack.analyzeStack(specs);
  return { analyze, stack };
}

/** A program run turned into the specs the engine sends. */
export function specsOf(record: ProgramRecord): ResourceSpec[] {
  return toSpecs(record.registrations);
}
