// scripts/pack.js: what the published package's manifest and lock hold, and putting the development
// manifest back after a pack (also after one that was killed between prepack and postpack).

import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PACK_DIR } from "../helpers/pack";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { publishedManifest, runtimeLock } = require("../../scripts/pack.js");

const DEV_MANIFEST = {
  name: "p",
  version: "1.0.0",
  main: "bin/index.js",
  dependencies: { a: "^1.0.0" },
  devDependencies: { t: "^5.0.0" },
  scripts: { prepare: "node scripts/build.js" },
};

function lockOf(packages: Record<string, object>, lockfileVersion = 3) {
  return { name: "p", version: "1.0.0", lockfileVersion, requires: true, packages };
}

describe("scripts/pack.js", () => {
  it("publishes the manifest without devDependencies and scripts, everything else unchanged", () => {
    const { devDependencies: _d, scripts: _s, ...rest } = DEV_MANIFEST;
    assert.deepEqual(publishedManifest(DEV_MANIFEST), rest);
  });

  it("keeps runtime and runtime-optional lock entries, drops dev and devOptional ones", () => {
    const lock = lockOf({
      "": { name: "p", version: "1.0.0", dependencies: { a: "^1.0.0" }, devDependencies: { t: "^5.0.0" } },
      "node_modules/a": { version: "1.2.3", integrity: "sha512-a" },
      "node_modules/a-native": { version: "2.0.0", optional: true },
      "node_modules/t": { version: "5.9.3", devOptional: true },
      "node_modules/lint": { version: "9.0.0", dev: true },
    });
    const runtime = runtimeLock(lock, publishedManifest(DEV_MANIFEST));
    assert.deepEqual(Object.keys(runtime.packages), ["", "node_modules/a", "node_modules/a-native"]);
    assert.deepEqual(runtime.packages[""], { name: "p", version: "1.0.0", dependencies: { a: "^1.0.0" } });
    assert.deepEqual(runtime.packages["node_modules/a"], lock.packages["node_modules/a"]);
    assert.equal(runtime.lockfileVersion, 3);
  });

  it("refuses a lock without a runtime dependency, or of another lockfile version", () => {
    const missing = lockOf({ "": { name: "p" } });
    assert.throws(() => runtimeLock(missing, publishedManifest(DEV_MANIFEST)), /does not hold a@\^1\.0\.0/);
    const v2 = lockOf({ "": { name: "p" }, "node_modules/a": { version: "1.0.0" } }, 2);
    assert.throws(() => runtimeLock(v2, publishedManifest(DEV_MANIFEST)), /lockfileVersion 3/);
  });

  describe("restore", () => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "cis-pack-script-"));
      fs.mkdirSync(path.join(dir, "scripts"));
      fs.copyFileSync(path.join(PACK_DIR, "scripts", "pack.js"), path.join(dir, "scripts", "pack.js"));
      fs.mkdirSync(path.join(dir, ".pack"));
      fs.writeFileSync(path.join(dir, ".pack", "package.json"), JSON.stringify(DEV_MANIFEST));
      fs.writeFileSync(path.join(dir, "npm-shrinkwrap.json"), "{}");
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    const restore = () =>
      spawnSync(process.execPath, [path.join(dir, "scripts", "pack.js"), "restore"], { encoding: "utf8" });

    it("puts the development manifest back over the published one and removes the shrinkwrap", () => {
      fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify(publishedManifest(DEV_MANIFEST)));
      const run = restore();
      assert.equal(run.status, 0, run.stderr);
      assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")), DEV_MANIFEST);
      assert.ok(!fs.existsSync(path.join(dir, ".pack")));
      assert.ok(!fs.existsSync(path.join(dir, "npm-shrinkwrap.json")));
    });

    it("does not overwrite a package.json changed since an interrupted pack, and says what to do", () => {
      const edited = { ...publishedManifest(DEV_MANIFEST), version: "1.0.1" };
      fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify(edited));
      const run = restore();
      assert.equal(run.status, 1);
      assert.match(run.stderr, /interrupted pack.*Check package\.json, then delete \.pack\//);
      assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")), edited);
    });
  });
});
