#!/usr/bin/env node
// Compiles the pack to bin/ so the Pulumi CLI loads JavaScript instead of type-checking TypeScript on
// every run.
//
//   node scripts/build.js           build (npm "prepare": runs in `npm install` and `npm ci`); skipped
//                                   when bin/ was built from these inputs and is unchanged since
//   node scripts/build.js --force   build even then
//   node scripts/build.js --reuse D take D/bin when it was built from identical inputs (a clean copy of
//                                   this checkout, as the published-install test makes), else build
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
const { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } = require("fs");
const { join, relative, sep } = require("path");
const { spawnSync } = require("child_process");

const root = join(__dirname, "..");
const STAMP_NAME = ".build-inputs.sha256";
const STAMP = join(root, "bin", STAMP_NAME);
const check = process.argv.includes("--check");
const force = process.argv.includes("--force");
const reuseAt = process.argv.indexOf("--reuse");
const reuseFrom = reuseAt >= 0 ? process.argv[reuseAt + 1] : undefined;

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

/** A digest of every file a build left in binDir (the stamp excepted): tells a hand-edited bin/ apart. */
function outputsDigest(binDir) {
  const hash = createHash("sha256");
  const visit = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = join(dir, e.name);
      if (e.isDirectory()) visit(full);
      else if (full !== join(binDir, STAMP_NAME)) {
        hash
          .update(`${relative(binDir, full).split(sep).join("/")}\n`)
          .update(readFileSync(full))
          .update("\n");
      }
    }
  };
  visit(binDir);
  return hash.digest("hex");
}

/** The stamp of binDir: [inputs digest, outputs digest]; empty strings when there is none. */
function readStamp(binDir) {
  const file = join(binDir, STAMP_NAME);
  const [inputs = "", outputs = ""] = existsSync(file) ? readFileSync(file, "utf8").trim().split("\n") : [];
  return { inputs, outputs };
}

/** Whether binDir holds, unchanged, the build of the given inputs digest. */
function builtFrom(binDir, digest) {
  const stamp = readStamp(binDir);
  return stamp.inputs === digest && stamp.outputs !== "" && stamp.outputs === outputsDigest(binDir);
}

if (check) {
  const built = readStamp(join(root, "bin")).inputs;
  if (built !== inputsDigest()) {
    console.error(
      built
        ? "build check: bin/ is stale, the sources changed since it was built. Run `npm run build`, then publish again."
        : "build check: bin/ was not built from these sources. Run `npm run build`, then publish again.",
    );
    process.exit(1);
  }
  if (!builtFrom(join(root, "bin"), built)) {
    console.error("build check: bin/ was changed after it was built. Run `npm run build`, then publish again.");
    process.exit(1);
  }
  process.exit(0);
}

const digest = inputsDigest();
// Same inputs, same compiler, untouched output: compiling again would write the same files. `npm ci`
// builds in "prepare", so `npm test` right after it does not compile a second time.
if (!force && existsSync(STAMP) && builtFrom(join(root, "bin"), digest)) process.exit(0);
if (reuseFrom && builtFrom(join(reuseFrom, "bin"), digest)) {
  rmSync(join(root, "bin"), { recursive: true, force: true });
  cpSync(join(reuseFrom, "bin"), join(root, "bin"), { recursive: true });
  process.exit(0);
}

// A fresh bin/: compiled files of deleted or renamed sources must not be shipped.
rmSync(join(root, "bin"), { recursive: true, force: true });
const tsc = require.resolve("typescript/bin/tsc");
const result = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], {
  cwd: root,
  stdio: "inherit",
});
if (result.status === 0) writeFileSync(STAMP, `${digest}\n${outputsDigest(join(root, "bin"))}\n`);
process.exit(result.status === null ? 1 : result.status);
