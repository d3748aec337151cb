#!/usr/bin/env node
// npm prepack/postpack: the published package holds a runtime-only manifest and lock.
//
//   node scripts/pack.js stage     (prepack)  check bin/ is current, then write the published
//                                             package.json and npm-shrinkwrap.json
//   node scripts/pack.js restore   (postpack) put the development package.json back
//
// The Pulumi CLI installs a published pack by extracting it and running `npm install --loglevel=error`
// in it (pulumi/pulumi pkg/backend/httpstate/policypack.go, installRequiredPolicy), adding
// `--production` only from CLI 3.252 on and only when PulumiPolicy.yaml asks for it
// (sdk/nodejs/cmd/pulumi-language-nodejs/main.go, parseOptions). Even with `--production`, npm keeps
// packages a lock file marks devOptional: typescript and ts-node are devDependencies here and
// optional peers of @pulumi/pulumi, so the development lock would install them on every runner.
// So the tarball gets a package.json without devDependencies or scripts, and an npm-shrinkwrap.json
// (the lock npm honours in a published package) holding exactly the runtime tree of package-lock.json,
// versions and integrity hashes unchanged. Every CLI version then installs the same pinned runtime
// packages and nothing else. The same pattern as `pinst`: swap in prepack, restore in postpack.
"use strict";
const { spawnSync } = require("child_process");
const { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } = require("fs");
const { join } = require("path");

const root = join(__dirname, "..");
const MANIFEST = join(root, "package.json");
const LOCK = join(root, "package-lock.json");
const SHRINKWRAP = join(root, "npm-shrinkwrap.json");
const SAVED = join(root, ".pack", "package.json");

/** The published manifest: what the installed pack needs, nothing that builds or tests it. */
function publishedManifest(dev) {
  const published = { ...dev };
  delete published.devDependencies;
  delete published.scripts;
  return published;
}

/** The runtime part of a lockfileVersion 3 lock: root without devDependencies, no dev-only entries. */
function runtimeLock(lock, manifest) {
  if (lock.lockfileVersion !== 3 || !lock.packages?.[""]) {
    throw new Error(`package-lock.json: expected lockfileVersion 3, got ${lock.lockfileVersion}`);
  }
  const packages = {};
  for (const [location, entry] of Object.entries(lock.packages)) {
    if (location === "") {
      const rootEntry = { ...entry };
      delete rootEntry.devDependencies;
      packages[location] = rootEntry;
    } else if (!entry.dev && !entry.devOptional) {
      packages[location] = entry;
    }
  }
  // Peer dependencies (@pulumi/policy, @pulumi/pulumi) are pinned too: npm installs a package's peers
  // with it when it is the root, as on a runner, so the pack's own install stays exactly as locked.
  for (const [name, range] of Object.entries({ ...manifest.dependencies, ...manifest.peerDependencies })) {
    if (!packages[`node_modules/${name}`]) throw new Error(`package-lock.json does not hold ${name}@${range}`);
  }
  return { ...lock, packages };
}

/** Puts the development manifest back, only over the published one this script wrote from it. */
function restore() {
  if (existsSync(SAVED)) {
    const saved = JSON.parse(readFileSync(SAVED, "utf8"));
    const current = JSON.parse(readFileSync(MANIFEST, "utf8"));
    if (JSON.stringify(current) !== JSON.stringify(publishedManifest(saved))) {
      console.error(
        "pack: .pack/package.json is left from an interrupted pack, but package.json was changed since. " +
          "Check package.json, then delete .pack/.",
      );
      process.exit(1);
    }
    copyFileSync(SAVED, MANIFEST);
    rmSync(join(root, ".pack"), { recursive: true, force: true });
  }
  rmSync(SHRINKWRAP, { force: true });
}

function stage() {
  // A pack that died between prepack and postpack left the published manifest in place.
  restore();
  const check = spawnSync(process.execPath, [join(__dirname, "build.js"), "--check"], { stdio: "inherit" });
  if (check.status !== 0) process.exit(check.status ?? 1);
  const dev = JSON.parse(readFileSync(MANIFEST, "utf8"));
  const lock = JSON.parse(readFileSync(LOCK, "utf8"));
  if (lock.version !== dev.version) {
    throw new Error(
      `package-lock.json is for version ${lock.version}, package.json is ${dev.version}: run npm install`,
    );
  }
  const published = publishedManifest(dev);
  const shrinkwrap = runtimeLock(lock, published);
  mkdirSync(join(root, ".pack"), { recursive: true });
  copyFileSync(MANIFEST, SAVED);
  writeFileSync(SHRINKWRAP, `${JSON.stringify(shrinkwrap, null, 2)}\n`);
  writeFileSync(MANIFEST, `${JSON.stringify(published, null, 2)}\n`);
}

module.exports = { publishedManifest, runtimeLock };

if (require.main === module) {
  const command = process.argv[2];
  if (command === "stage") stage();
  else if (command === "restore") restore();
  else {
    console.error("usage: node scripts/pack.js stage|restore");
    process.exit(2);
  }
}
