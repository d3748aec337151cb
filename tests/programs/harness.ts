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

/** Runs `programDir` in preview or update mode; resolves with the engine's record of it. */
export function runProgram(programDir: string, mode: Mode): Promise<ProgramRecord> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cis-program-"));
  const outFile = path.join(tmp, "record.json");
  return new Promise<ProgramRecord>((resolve, reject) => {
    const child = spawn(process.execPath, ["-r", TS_NODE, RUNNER, programDir, mode, outFile], {
      cwd: programDir,
      // The language host sets these; the runner's mocks set the same values in the SDK.
      env: { ...process.env, PULUMI_NODEJS_DRY_RUN: String(mode === "preview") },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout!.on("data", (d) => (output += d));
    child.stderr!.on("data", (d) => (output += d));
    child.on("error", reject);
    child.on("exit", (code) => {
      try {
        if (code !== 0) throw new Error(`${path.basename(programDir)} (${mode}) exited with ${code}:\n${output}`);
        resolve(JSON.parse(fs.readFileSync(outFile, "utf8")) as ProgramRecord);
      } catch (err) {
        reject(err);
      } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
      }
    });
  });
}

/** Runs tasks with at most `limit` in flight (the machines running these have two cores). */
export async function inParallel<T>(tasks: Array<() => Promise<T>>, limit = os.cpus().length || 2): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
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
