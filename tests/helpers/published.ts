// The way from a clean checkout to a pack installed on a runner, step by step as the Pulumi CLI takes
// it. Shared by tests/e2e/published-install.spec.ts and bench/install.ts. Sources read in
// pulumi/pulumi at commit 1b5949891b3cefcb9974752b24a5ecef0acc86c8:
// - sdk/nodejs/npm/npm.go, npmManager.Pack: `npm pack --loglevel=error` in the pack directory, file name
//   = strings.TrimSpace(stdout);
// - pkg/backend/httpstate/policypack.go, installRequiredPolicy: extract into a temp dir beside
//   `<policies>/<org>/pulumi-analyzer-<name>-v<version>` (workspace.GetPolicyPath), rename its
//   `package/` into place, then InstallDependencies in it;
// - sdk/nodejs/cmd/pulumi-language-nodejs/main.go, InstallDependencies/parseOptions, and npm.go
//   npmManager.installCmd: `npm install --loglevel=error`, plus `--production` when PulumiPolicy.yaml has
//   runtime.options.production: true (CLI >= 3.252, pulumi/pulumi#23849).

import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { performance } from "perf_hooks";
import { PACK_DIR } from "./pack";

// js-yaml ships with @pulumi/pulumi (it reads Pulumi.yaml files itself).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const yaml: { load(text: string): unknown } = require("js-yaml");

export const NPM = process.platform === "win32" ? "npm.cmd" : "npm";

/**
 * A copy of the files a commit of the working tree would hold (tracked, plus untracked files git does
 * not ignore), as a fresh clone has them: no bin/, no node_modules. The repository's node_modules is
 * linked in for the build tools, as `npm install` would have installed them.
 */
export function cleanCopy(dest: string, from = PACK_DIR): void {
  const listed = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: from,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  for (const file of listed.split("\0").filter(Boolean)) {
    const source = path.join(from, file);
    if (!fs.existsSync(source)) continue; // deleted in the working tree
    fs.mkdirSync(path.dirname(path.join(dest, file)), { recursive: true });
    fs.copyFileSync(source, path.join(dest, file));
  }
  fs.symlinkSync(path.join(from, "node_modules"), path.join(dest, "node_modules"), "dir");
}

/**
 * What `npm install` runs after installing: the "prepare" script, i.e. the build. A copy whose build
 * inputs are identical to this checkout's (same digest as bin/'s stamp) takes this checkout's unchanged
 * bin/ instead of compiling the same files again (scripts/build.js --reuse).
 */
export function build(dir: string): void {
  const reuse = path.resolve(dir) === PACK_DIR ? [] : ["--reuse", PACK_DIR];
  execFileSync(process.execPath, ["scripts/build.js", ...reuse], { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
}

export interface PackRun {
  status: number | null;
  stdout: string;
  stderr: string;
  /** strings.TrimSpace(stdout), as npmManager.Pack takes it. */
  filename: string;
}

/** `npm pack --loglevel=error` in dir, with stdout and stderr apart (npmManager.Pack). */
export function npmPackAsCli(dir: string): PackRun {
  const run = spawnSync(NPM, ["pack", "--loglevel=error"], { cwd: dir, encoding: "utf8" });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, filename: run.stdout.trim() };
}

/**
 * installRequiredPolicy's unpacking: a temp dir named after the final one, the tarball extracted into
 * it, its `package/` renamed to `<policies>/<org>/pulumi-analyzer-<name>-v<version>`.
 */
export function extractAsCli(tarball: string, policiesDir: string, org: string, name: string, version: string): string {
  const finalDir = path.join(policiesDir, org, `pulumi-analyzer-${name}-v${version}`);
  fs.mkdirSync(path.dirname(finalDir), { recursive: true });
  const tempDir = fs.mkdtempSync(`${finalDir}.tmp`);
  try {
    execFileSync("tar", ["-xzf", tarball, "-C", tempDir]);
    fs.renameSync(path.join(tempDir, "package"), finalDir);
  } finally {
    fs.rmSync(tempDir, { recursive: true, force: true });
  }
  return finalDir;
}

/** PulumiPolicy.yaml `runtime.options.production`, read as parseOptions reads it (a boolean or absent). */
export function productionOption(dir: string): boolean {
  const project = yaml.load(fs.readFileSync(path.join(dir, "PulumiPolicy.yaml"), "utf8")) as {
    runtime?: string | { name?: string; options?: Record<string, unknown> };
  };
  const options = typeof project.runtime === "object" ? (project.runtime.options ?? {}) : {};
  if (options.production === undefined) return false;
  if (typeof options.production !== "boolean") throw new Error("production option must be a boolean");
  return options.production;
}

export interface InstallRun {
  args: string[];
  ms: number;
  stdout: string;
  stderr: string;
}

/**
 * The language host's install in the unpacked pack: `npm install --loglevel=error [--production]`.
 * `cache` points npm at another cache directory (the benchmark's empty one, like a fresh runner).
 */
export function npmInstallAsCli(dir: string, options: { cache?: string; production?: boolean } = {}): InstallRun {
  const production = options.production ?? productionOption(dir);
  const args = ["install", "--loglevel=error", ...(production ? ["--production"] : [])];
  const env = { ...process.env, ...(options.cache ? { npm_config_cache: options.cache } : {}) };
  const t0 = performance.now();
  const run = spawnSync(NPM, args, { cwd: dir, encoding: "utf8", env, maxBuffer: 64 * 1024 * 1024 });
  const ms = performance.now() - t0;
  if (run.status !== 0) throw new Error(`npm ${args.join(" ")} failed in ${dir}: ${run.stderr}`);
  return { args, ms, stdout: run.stdout, stderr: run.stderr };
}

/** Every package installed under dir/node_modules, at any depth: location -> name@version. */
export function installedPackages(dir: string): Map<string, string> {
  const found = new Map<string, string>();
  const visit = (modules: string): void => {
    if (!fs.existsSync(modules)) return;
    for (const entry of fs.readdirSync(modules)) {
      if (entry.startsWith(".")) continue;
      const names = entry.startsWith("@")
        ? fs.readdirSync(path.join(modules, entry)).map((n) => `${entry}/${n}`)
        : [entry];
      for (const name of names) {
        const location = path.join(modules, name);
        const manifest = path.join(location, "package.json");
        if (!fs.existsSync(manifest)) continue;
        const pkg = JSON.parse(fs.readFileSync(manifest, "utf8"));
        found.set(path.relative(dir, location).split(path.sep).join("/"), `${pkg.name}@${pkg.version}`);
        visit(path.join(location, "node_modules"));
      }
    }
  };
  visit(path.join(dir, "node_modules"));
  return found;
}

/** Bytes of every regular file under dir (apparent size; symlinks not followed). */
export function treeBytes(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += treeBytes(full);
    else if (entry.isFile()) total += fs.statSync(full).size;
  }
  return total;
}
