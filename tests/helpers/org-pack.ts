// What a platform team does with this package: `npm pack` it, install the tarball into its own policy
// pack next to the @pulumi/policy and @pulumi/pulumi versions it pins, and build that pack. Installs are
// cached under the temp dir, keyed by everything that decides their content, so repeated test runs
// install nothing.

import { execFileSync, spawn } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PACK_DIR } from "./pack";
import { cleanCopy, NPM, npmPackAsCli } from "./published";

export const LIBRARY_NAME = "pulumi-policy-cis-aws-1-11";
/** The TypeScript compiler of this repository (typescript@5), used to build the org packs. */
const TSC = require.resolve("typescript/bin/tsc", { paths: [PACK_DIR] });

export interface SdkVersions {
  policy: string;
  pulumi: string;
}

/**
 * The tarball `pulumi policy publish` and `npm publish` would upload, packed from a clean copy of the
 * working tree. The compiled bin/ of this checkout is reused: the package's prepack check
 * (scripts/build.js --check) refuses it unless it was built from these sources (run `npm run build`).
 */
export function packLibrary(work: string): string {
  const copy = path.join(work, "checkout");
  cleanCopy(copy);
  fs.cpSync(path.join(PACK_DIR, "bin"), path.join(copy, "bin"), { recursive: true });
  const run = npmPackAsCli(copy);
  if (run.status !== 0) throw new Error(`npm pack failed: ${run.stderr}`);
  return path.join(copy, run.filename);
}

/** A file of an org pack: its path inside the pack directory and its text. */
export type OrgFiles = Record<string, string>;

export interface OrgPack {
  dir: string;
  /** `tsc --noEmit` with `moduleResolution: node16` (package `exports`), as ts-node under run-policy-pack resolves. */
  node16Check: { status: number; output: string };
  cached: boolean;
}

async function run(cmd: string, args: string[], cwd: string): Promise<{ status: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ status: code ?? 1, output }));
  });
}

/**
 * An org pack with `files` (package.json, index.ts, tsconfig.json ...) plus the library tarball under
 * vendor/, installed with `npm install` and built with `tsc`. The install is reused from the cache while
 * the tarball, package.json, Node and npm are the same; the build while the files are the same too.
 */
export async function prepareOrgPack(tarball: string, files: OrgFiles): Promise<OrgPack> {
  const npmVersion = execFileSync(NPM, ["--version"], { encoding: "utf8" }).trim();
  const digest = (...parts: Array<string | Buffer>) => {
    const hash = createHash("sha256");
    for (const p of parts) hash.update(p).update("\0");
    return hash.digest("hex").slice(0, 20);
  };
  const installKey = digest(fs.readFileSync(tarball), files["package.json"], process.version, npmVersion);
  const cacheRoot = path.join(os.tmpdir(), "cis-org-pack-cache");
  const dir = path.join(cacheRoot, installKey);
  pruneCache(cacheRoot, dir);
  let cached = true;
  if (!fs.existsSync(path.join(dir, ".installed"))) {
    cached = false;
    fs.mkdirSync(cacheRoot, { recursive: true });
    // Installed beside the final place and renamed into it: an interrupted run leaves no half install.
    const tmp = fs.mkdtempSync(`${dir}.tmp`);
    try {
      fs.writeFileSync(path.join(tmp, "package.json"), files["package.json"]);
      fs.mkdirSync(path.join(tmp, "vendor"));
      fs.copyFileSync(tarball, path.join(tmp, "vendor", path.basename(tarball)));
      const install = await run(NPM, ["install", "--no-audit", "--no-fund", "--loglevel=error"], tmp);
      if (install.status !== 0) throw new Error(`npm install failed in the org pack: ${install.output}`);
      fs.writeFileSync(path.join(tmp, ".installed"), "");
      fs.writeFileSync(path.join(tmp, ".used"), "");
      fs.rmSync(dir, { recursive: true, force: true });
      fs.renameSync(tmp, dir);
    } catch (err) {
      fs.rmSync(tmp, { recursive: true, force: true });
      throw err;
    }
  }
  const built = path.join(dir, `.built-${digest(JSON.stringify(files), fs.readFileSync(TSC))}.json`);
  if (fs.existsSync(built)) return { dir, cached, ...JSON.parse(fs.readFileSync(built, "utf8")) };
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  fs.rmSync(path.join(dir, "bin"), { recursive: true, force: true });
  const build = await run(process.execPath, [TSC, "-p", "tsconfig.json"], dir);
  if (build.status !== 0) throw new Error(`tsc failed in the org pack: ${build.output}`);
  const node16Check = await run(process.execPath, [TSC, "-p", "tsconfig.node16.json"], dir);
  fs.writeFileSync(built, JSON.stringify({ node16Check }));
  return { dir, cached: false, node16Check };
}

/** Entries unused for a day go (each is a full install, ~90 MB); other checkouts may share the cache. */
const CACHE_TTL_MS = 24 * 60 * 60 * 1000;

function pruneCache(cacheRoot: string, keep: string): void {
  if (!fs.existsSync(cacheRoot)) return;
  const now = Date.now();
  for (const entry of fs.readdirSync(cacheRoot)) {
    const dir = path.join(cacheRoot, entry);
    if (dir === keep) continue;
    const used = path.join(dir, ".used");
    const last = fs.existsSync(used) ? fs.statSync(used).mtimeMs : fs.statSync(dir).mtimeMs;
    if (now - last > CACHE_TTL_MS) fs.rmSync(dir, { recursive: true, force: true });
  }
  if (fs.existsSync(keep)) fs.writeFileSync(path.join(keep, ".used"), "");
}

/**
 * What npm answers an org pack that pins the SDK outside the library's peer range: the resolution only
 * (`npm install --dry-run`), nothing written.
 */
export async function resolveOnly(tarball: string, manifest: string): Promise<{ status: number; output: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cis-org-resolve-"));
  try {
    fs.writeFileSync(path.join(dir, "package.json"), manifest);
    fs.mkdirSync(path.join(dir, "vendor"));
    fs.copyFileSync(tarball, path.join(dir, "vendor", path.basename(tarball)));
    return await run(NPM, ["install", "--dry-run", "--no-audit", "--no-fund", "--loglevel=error"], dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** package.json of an org pack that pins the SDK and depends on the library tarball in vendor/. */
export function orgManifest(name: string, sdk: SdkVersions, tarball: string): string {
  return `${JSON.stringify(
    {
      name,
      version: "1.4.0",
      main: "bin/index.js",
      dependencies: {
        "@pulumi/policy": sdk.policy,
        "@pulumi/pulumi": sdk.pulumi,
        [LIBRARY_NAME]: `file:vendor/${path.basename(tarball)}`,
      },
    },
    null,
    2,
  )}\n`;
}

/** A policy pack's usual tsconfig.json (CommonJS, Node module resolution), compiling `files` to bin/. */
export function orgTsconfig(files: string[]): string {
  const compilerOptions = {
    strict: true,
    outDir: "bin",
    rootDir: ".",
    target: "es2020",
    module: "commonjs",
    moduleResolution: "node",
    noImplicitReturns: true,
    forceConsistentCasingInFileNames: true,
    // @pulumi/policy 1.21.0's index.d.ts re-exports names its proxy.d.ts lacks: packs on it need this.
    skipLibCheck: true,
  };
  return `${JSON.stringify({ compilerOptions, files }, null, 2)}\n`;
}

/** A type check as run-policy-pack's ts-node resolves on TypeScript >= 4.7: node16, through `exports`. */
export const ORG_TSCONFIG_NODE16 = `${JSON.stringify(
  {
    extends: "./tsconfig.json",
    compilerOptions: { module: "node16", moduleResolution: "node16", noEmit: true },
  },
  null,
  2,
)}\n`;
