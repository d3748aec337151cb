// Shared by the benchmark runner and the profiler.

import * as path from "path";
import { PACK_DIR } from "../tests/helpers/pack";

export const BARE_DIR = path.join(__dirname, "bare-pack");
export const OUT_DIR = path.join(PACK_DIR, ".bench");

export interface Settings {
  /** Rounds of the gRPC measurements; each round starts one fresh process per pack. */
  runs: number;
  /** Cold starts per pack. */
  starts: number;
  sizes: number[];
  /** Sizes of the IAM-dense stacks; empty leaves them out. */
  iamDense: number[];
  /** Cold starts per pack of the published, installed packs; 0 leaves them out. */
  installedStarts: number;
  /** Analyze calls per round, in registration order. */
  analyzeCalls: number;
  profile: boolean;
  /** The hostile-input section (bench/hostile.ts). */
  hostile: boolean;
  hostileTimeoutS: number;
  /** Only these hostile shapes (--shapes a,b). */
  hostileShapes?: string[];
  /** The hostile section alone (--only-hostile). */
  onlyHostile: boolean;
}

export interface PackUnderTest {
  id: "pack" | "bare";
  dir: string;
}

export const PACKS: PackUnderTest[] = [
  { id: "pack", dir: PACK_DIR },
  { id: "bare", dir: BARE_DIR },
];

/** The engine's environment for a pack (constructEnv / RunPlugin). Analyze runs as an update: the guard skips previews. */
export const PACK_ENV = {
  PULUMI_NODEJS_ORGANIZATION: "acme",
  PULUMI_NODEJS_PROJECT: "app",
  PULUMI_NODEJS_STACK: "bench",
  PULUMI_NODEJS_DRY_RUN: "false",
};

export interface Workloads {
  stacks: Array<{
    /** Metric key: the size for the realistic stacks, `iamDense<size>` for the IAM-dense one. */
    key: string;
    /** How the report names it. */
    label: string;
    size: number;
    resources: number;
    bytes: number;
    counts: Record<string, number>;
    request: Buffer;
  }>;
  analyze: Buffer[];
  /** The URN of each Analyze request, for the floor's findings. */
  analyzeUrns: string[];
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Reads `--name value`, `--name=value` from the command line. */
export function flagReader(argv: string[]): (name: string) => string | undefined {
  return (name) => {
    const i = argv.indexOf(`--${name}`);
    if (i >= 0) return argv[i + 1];
    return argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  };
}

/** A positive integer setting, or the fallback when it is not given. */
export function positiveInt(v: string | undefined, fallback: number, what: string): number {
  if (v === undefined || v === "") return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${what} must be a positive integer, got "${v}"`);
  return n;
}
