// What `pulumi policy publish` would upload: it runs `npm pack`, so the npm file list is the
// published pack. It must hold the compiled pack and nothing from the development tree.

import { strict as assert } from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as ts from "typescript";
import { PACK_DIR, PackProcess } from "../helpers/pack";

interface PackResult {
  name: string;
  version: string;
  filename: string;
  files: Array<{ path: string }>;
}

const NPM = process.platform === "win32" ? "npm.cmd" : "npm";

function npmPack(args: string[]): PackResult {
  // npm prints lifecycle output (the `prepare` build) and warnings on stderr; JSON on stdout.
  const out = execFileSync(NPM, ["pack", "--json", ...args], {
    cwd: PACK_DIR,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    maxBuffer: 16 * 1024 * 1024,
  });
  const results = JSON.parse(out) as PackResult[];
  assert.equal(results.length, 1);
  return results[0];
}

/** The pack's runtime sources, as the build compiles them (tsconfig.build.json). */
function runtimeSources(): string[] {
  const configPath = path.join(PACK_DIR, "tsconfig.build.json");
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
  assert.ok(parsed, "tsconfig.build.json could not be read");
  return parsed.fileNames.map((f) => path.relative(PACK_DIR, f).split(path.sep).join("/"));
}

const FIXED_FILES = ["package.json", "PulumiPolicy.yaml", "README.md", "LICENSE", "CHANGELOG.md", "scripts/build.js"];

describe("published package contents", function () {
  this.timeout(120_000);

  let packed: string[];
  let sources: string[];

  before(() => {
    // Runs `prepare` like a real publish, so bin/ is fresh.
    const result = npmPack(["--dry-run"]);
    packed = result.files.map((f) => f.path).sort();
    sources = runtimeSources();
  });

  it("compiles every runtime source and nothing else into the build", () => {
    assert.ok(sources.includes("index.ts"), `index.ts is not a build input: ${sources.join(", ")}`);
    for (const s of sources) {
      assert.match(s, /^(index\.ts|policies\/.+\.ts|lib\/.+\.ts)$/, `unexpected build input ${s}`);
    }
  });

  it("ships exactly the compiled pack, its manifest, metadata files and the build script", () => {
    const expected = new Set([...FIXED_FILES, ...sources.map((s) => `bin/${s.replace(/\.ts$/, ".js")}`)]);
    // Source maps are optional: allowed beside a shipped JavaScript file, never required.
    const extra = packed.filter((f) => !expected.has(f) && !(f.endsWith(".js.map") && expected.has(f.slice(0, -4))));
    const missing = [...expected].filter((f) => !packed.includes(f));
    assert.deepEqual({ extra, missing }, { extra: [], missing: [] });
  });

  it("ships no TypeScript sources, tests, examples, benchmarks, docs or tooling config", () => {
    const forbidden = packed.filter(
      (f) =>
        (f.endsWith(".ts") && !f.endsWith(".d.ts")) ||
        /^(tests|examples|bench|docs|policy-config|node_modules|\.ci|\.bench)\//.test(f) ||
        /(^|\/)(tsconfig.*\.json|\.mocharc\.json|eslint\.config\.mjs|\.prettier\w*|package-lock\.json)$/.test(f) ||
        f.endsWith(".tgz"),
    );
    assert.deepEqual(forbidden, []);
  });

  it("points main at shipped JavaScript and is publishable", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(PACK_DIR, "package.json"), "utf8"));
    assert.equal(pkg.private, undefined, "a private package cannot be published");
    assert.equal(pkg.main, "bin/index.js");
    assert.ok(packed.includes(pkg.main));
    assert.match(pkg.version, /^\d+\.\d+\.\d+/);
    assert.equal(pkg.license, "Apache-2.0");
    assert.ok(pkg.engines?.node, "engines.node is required");
    // No invented addresses: homepage, bugs, repository and author are left out until the pack has a real home.
    for (const field of ["homepage", "bugs", "repository", "author"]) {
      assert.equal(pkg[field], undefined, `${field} must point at a real place, or be absent`);
    }
    assert.doesNotMatch(JSON.stringify(pkg), /acme|\.example\b/, "no placeholder organisation or domain");
    assert.ok(pkg.dependencies?.["@pulumi/pulumi"], "the CLI needs @pulumi/pulumi installed with the pack");
    assert.ok(pkg.dependencies?.["@pulumi/policy"]);
    assert.match(pkg.scripts?.prepare ?? "", /scripts\/build\.js/);
    const yaml = fs.readFileSync(path.join(PACK_DIR, "PulumiPolicy.yaml"), "utf8");
    assert.match(yaml, /^runtime:\s*nodejs\s*$/m);
    const license = fs.readFileSync(path.join(PACK_DIR, "LICENSE"), "utf8");
    assert.match(license, /Apache License\s+Version 2\.0, January 2004/);
  });

  describe("the unpacked package, as the CLI installs it", () => {
    let dir: string;

    before(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "cis-pack-"));
      // `prepare` already ran in the outer before().
      const result = npmPack(["--ignore-scripts", "--pack-destination", dir]);
      execFileSync("tar", ["-xzf", path.join(dir, result.filename), "-C", dir]);
      // Stand-in for the `npm install` the CLI runs: the pack's own dependencies.
      fs.symlinkSync(path.join(PACK_DIR, "node_modules"), path.join(dir, "package", "node_modules"), "dir");
    });

    after(() => {
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it("has a prepare script that does nothing without sources", () => {
      const pkgDir = path.join(dir, "package");
      const before = fs.readdirSync(path.join(pkgDir, "bin"), { recursive: true }).sort();
      const run = spawnSync(process.execPath, ["scripts/build.js"], { cwd: pkgDir, encoding: "utf8" });
      assert.equal(run.status, 0, run.stderr);
      assert.deepEqual(fs.readdirSync(path.join(pkgDir, "bin"), { recursive: true }).sort(), before);
    });

    it("starts and serves every policy of the source tree", async () => {
      const pack = await PackProcess.start({ packDir: path.join(dir, "package") });
      try {
        const info = await pack.info();
        assert.equal(info.name, "cis-aws-1-11");
        const reference = await PackProcess.start();
        try {
          const expected = (await reference.info()).policiesList.map((p) => p.name).sort();
          assert.deepEqual(info.policiesList.map((p) => p.name).sort(), expected);
        } finally {
          await reference.stop();
        }
      } finally {
        await pack.stop();
      }
    });
  });
});
