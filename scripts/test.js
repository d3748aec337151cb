#!/usr/bin/env node
// `npm test`: build, then lint and every mocha spec at the same time.
//
//   node scripts/test.js                 build, lint (tsc, eslint, prettier) beside mocha --parallel
//   node scripts/test.js FILE...         build, then only these specs (no lint)
//   node scripts/test.js --lint          build and lint only
//   node scripts/test.js --mocha         build and every spec, no lint
//   TEST_JOBS=N                          mocha workers (default: cores + 1: specs wait on child processes
//                                        and the npm registry, so one extra worker fills those gaps)
//
// Mocha's output streams as it comes (CI reads its "N passing" / "N failing" lines); lint's is held
// and printed after it, so the two never interleave. The lint tools keep their caches under
// node_modules/.cache/cis-test, which a fresh clone does not have: they only save time on later runs.
"use strict";
const { spawn, spawnSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

const root = path.join(__dirname, "..");
const CACHE = path.join(root, "node_modules", ".cache", "cis-test");
/** The script behind a package's command (package.json "bin"; subpaths may not be exported). */
function bin(pkg, command = pkg) {
  const manifest = require.resolve(`${pkg}/package.json`, { paths: [root] });
  const field = JSON.parse(fs.readFileSync(manifest, "utf8")).bin;
  return path.join(path.dirname(manifest), typeof field === "string" ? field : field[command]);
}

const args = process.argv.slice(2);
const files = args.filter((a) => !a.startsWith("--"));
const lintOnly = args.includes("--lint");
const runLint = files.length === 0 && !args.includes("--mocha");
const runMocha = !lintOnly;

/** Every spec file, the slowest kinds first so the longest ones do not start last. */
function specFiles() {
  const found = [];
  const visit = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) visit(full);
      else if (e.name.endsWith(".spec.ts")) found.push(path.relative(root, full));
    }
  };
  visit(path.join(root, "tests"));
  // Specs that start processes (e2e: packs, programs, npm) take longest, then property runs, then
  // unit specs; within a kind, the larger file first. A rough order is enough: mocha hands the next
  // file to whichever worker is free.
  const weight = (f) => (f.startsWith("tests/e2e/") ? 0 : f.startsWith("tests/property/") ? 1 : 2);
  const size = (f) => fs.statSync(path.join(root, f)).size;
  return found.sort((a, b) => weight(a) - weight(b) || size(b) - size(a) || (a < b ? -1 : 1));
}

/** Runs a command; resolves with its exit code and (when captured) its output. */
function run(command, commandArgs, { capture = false, nice = 0 } = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, commandArgs, { cwd: root, stdio: capture ? ["ignore", "pipe", "pipe"] : "inherit" });
    if (nice) {
      try {
        os.setPriority(child.pid, nice);
      } catch {
        // Not permitted here: it only changes who waits on a busy machine.
      }
    }
    let output = "";
    if (capture) {
      child.stdout.on("data", (d) => (output += d));
      child.stderr.on("data", (d) => (output += d));
    }
    child.on("exit", (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output }));
  });
}

/** tsc, eslint and prettier one after another; lower priority than mocha, whose specs are the long pole. */
async function lint() {
  fs.mkdirSync(CACHE, { recursive: true });
  const steps = [
    [
      "tsc",
      bin("typescript", "tsc"),
      ["--noEmit", "-p", "tsconfig.json", "--incremental", "--tsBuildInfoFile", path.join(CACHE, "tsc.tsbuildinfo")],
    ],
    ["eslint", bin("eslint"), [".", "--cache", "--cache-location", path.join(CACHE, "eslint")]],
    ["prettier", bin("prettier"), ["--check", ".", "--cache", "--cache-location", path.join(CACHE, "prettier")]],
  ];
  const started = Date.now();
  let output = "";
  let failed = false;
  for (const [name, script, stepArgs] of steps) {
    const result = await run(process.execPath, [script, ...stepArgs], { capture: true, nice: 5 });
    if (result.code !== 0) {
      failed = true;
      output += `\n${name} failed:\n${result.output}`;
    }
  }
  return { failed, output, seconds: (Date.now() - started) / 1000 };
}

async function main() {
  const build = spawnSync(process.execPath, [path.join(__dirname, "build.js")], { cwd: root, stdio: "inherit" });
  if (build.status !== 0) process.exit(build.status ?? 1);

  const linting = runLint ? lint() : Promise.resolve(undefined);
  let mochaCode = 0;
  if (runMocha) {
    const jobs = process.env.TEST_JOBS || String((os.cpus().length || 2) + 1);
    const specs = files.length > 0 ? files : specFiles();
    const parallel = specs.length > 1 ? ["--parallel", "--jobs", jobs] : [];
    mochaCode = (await run(process.execPath, [bin("mocha"), ...parallel, ...specs])).code;
  }
  const linted = await linting;
  if (linted) {
    if (linted.failed) process.stdout.write(`${linted.output}\n`);
    console.log(
      `lint (tsc, eslint, prettier): ${linted.failed ? "FAILED" : "passed"} in ${linted.seconds.toFixed(0)} s`,
    );
  }
  process.exit(mochaCode !== 0 || linted?.failed ? 1 : 0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
