#!/usr/bin/env node
// Lifecycle build (npm "prepare"): compiles the pack to bin/ so the Pulumi CLI loads JavaScript
// instead of type-checking TypeScript on every run. A published pack ships bin/ without sources;
// there, `npm install` (which the CLI runs after downloading the pack) finds nothing to compile.
"use strict";
const { existsSync } = require("fs");
const { join } = require("path");
const { spawnSync } = require("child_process");

const root = join(__dirname, "..");
if (!existsSync(join(root, "tsconfig.build.json")) || !existsSync(join(root, "index.ts"))) {
  if (!existsSync(join(root, "bin", "index.js"))) {
    console.error("build: no sources and no bin/index.js; this package is incomplete");
    process.exit(1);
  }
  process.exit(0);
}
const tsc = require.resolve("typescript/bin/tsc");
const result = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], {
  cwd: root,
  stdio: "inherit",
});
process.exit(result.status === null ? 1 : result.status);
