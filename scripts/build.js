#!/usr/bin/env node
// Compiles the pack to bin/ so the Pulumi CLI loads JavaScript instead of type-checking TypeScript on
// every run.
//
//   node scripts/build.js           build (npm "prepare": runs in `npm install` and `npm ci`)
//   node scripts/build.js --check   fail unless bin/ was built from the sources as they are now
//                                   (run by scripts/pack.js in "prepack", before anything is packed)
//
// `pulumi policy publish` starts the compiled bin/ from the local directory and publishes the pack
// name and policies it reports *before* it runs `npm pack` (pulumi/pulumi
// pkg/backend/httpstate/policypack.go, cloudPolicyPack.Publish), so a stale bin/ would publish stale
// metadata. The check makes `npm pack`, and so the publish, fail instead. The published package
// carries no scripts (scripts/pack.js), so none of this runs where the CLI installs it.
"use strict";
const { createHash } = require("crypto");
const { existsSync, readFileSync, rmSync, writeFileSync } = require("fs");
const { join, relative, sep } = require("path");
const { spawnSync } = require("child_process");

const root = join(__dirname, "..");
const STAMP = join(root, "bin", ".build-inputs.sha256");
const check = process.argv.includes("--check");

/** A digest of everything the compiled output depends on: compiler, configs and every input file. */
function inputsDigest() {
  const ts = require("typescript");
  const configPath = join(root, "tsconfig.build.json");
  const parsed = ts.getParsedCommandLineOfConfigFile(
    configPath,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      },
    },
  );
  const files = [join(root, "tsconfig.json"), configPath, ...parsed.fileNames].sort();
  const hash = createHash("sha256").update(`typescript ${ts.version}\n`);
  for (const file of files) {
    hash
      .update(`${relative(root, file).split(sep).join("/")}\n`)
      .update(readFileSync(file))
      .update("\n");
  }
  return hash.digest("hex");
}

if (check) {
  const built = existsSync(STAMP) ? readFileSync(STAMP, "utf8").trim() : "";
  if (built !== inputsDigest()) {
    console.error(
      built
        ? "build check: bin/ is stale, the sources changed since it was built. Run `npm run build`, then publish again."
        : "build check: bin/ was not built from these sources. Run `npm run build`, then publish again.",
    );
    process.exit(1);
  }
  process.exit(0);
}

// A fresh bin/: compiled files of deleted or renamed sources must not be shipped.
rmSync(join(root, "bin"), { recursive: true, force: true });
const digest = inputsDigest();
const tsc = require.resolve("typescript/bin/tsc");
const result = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], {
  cwd: root,
  stdio: "inherit",
});
if (result.status === 0) writeFileSync(STAMP, `${digest}\n`);
process.exit(result.status === null ? 1 : result.status);
