// Organisation-wide enforcement, end to end: `pulumi policy publish` from a clean checkout, then the
// install every runner of an enforced stack performs, then the installed pack in a preview. Each step
// copies the Pulumi CLI source it names (pulumi/pulumi 1b5949891b3cefcb9974752b24a5ecef0acc86c8; see
// tests/helpers/published.ts). Runs a real `npm install` against the npm registry.

import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as ts from "typescript";
import { nameOfUrn } from "../helpers/expect";
import { PACK_DIR, PackProcess, runPolicyPackOf, spawnPack } from "../helpers/pack";
import {
  build,
  cleanCopy,
  extractAsCli,
  installedPackages,
  InstallRun,
  npmInstallAsCli,
  npmPackAsCli,
  PackRun,
  productionOption,
} from "../helpers/published";
import { StackBuilder } from "../helpers/stack";

const STACK_POLICY = "cis-1-11-no-access-key-with-console-password";
/** Never on a runner: the dev toolchain, and the provider SDKs only tests and examples use. */
const DEV_ONLY = [
  "@pulumi/aws",
  "@pulumi/aws-native",
  "mocha",
  "eslint",
  "prettier",
  "fast-check",
  "typescript",
  "ts-node",
  "typescript-eslint",
  // AGPL-3.0, the differential test's IAM oracle: test-only, never published.
  "@cloud-copilot/iam-simulate",
  "@cloud-copilot/iam-policy",
  "@cloud-copilot/iam-utils",
];

interface LockEntry {
  version?: string;
  integrity?: string;
  dev?: boolean;
  devOptional?: boolean;
  hasInstallScript?: boolean;
}

/** The pack's runtime sources, as the build compiles them (tsconfig.build.json). */
function runtimeSources(root: string): string[] {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    path.join(root, "tsconfig.build.json"),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      },
    },
  );
  assert.ok(parsed, "tsconfig.build.json could not be read");
  return parsed.fileNames.map((f) => path.relative(root, f).split(path.sep).join("/"));
}

/** What the published package holds besides the compiled sources. */
const FIXED_FILES = [
  "package.json",
  "npm-shrinkwrap.json",
  "PulumiPolicy.yaml",
  "README.md",
  "LICENSE",
  "CHANGELOG.md",
];

function readJson<T = Record<string, unknown>>(file: string): T {
  return JSON.parse(fs.readFileSync(file, "utf8")) as T;
}

describe("published pack, installed the way the Pulumi CLI installs it", function () {
  // npm pack and a real npm install; under npm test they share the cores with other specs and lint.
  this.timeout(900_000);

  let work: string;
  let copy: string;
  let packRun: PackRun;
  let repoManifest: {
    name: string;
    version: string;
    dependencies: Record<string, string>;
    peerDependencies?: Record<string, string>;
  };
  /** What a runner must install with the pack: its dependencies and its peers (the SDK). */
  const runtimeNames = () => Object.keys({ ...repoManifest.dependencies, ...repoManifest.peerDependencies });
  let published: { name: string; version: string; main: string; devDependencies?: unknown; scripts?: unknown };
  let publishInfo: { name: string; version: string };
  let installDir: string;
  let install: InstallRun;
  let packed: string[];

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "cis-published-"));
    copy = path.join(work, "checkout");
    cleanCopy(copy);
    build(copy);
    repoManifest = readJson(path.join(copy, "package.json"));

    // cloudPolicyPack.Publish (policypack.go): start the pack from the local directory and take name and
    // version from GetAnalyzerInfo ...
    const local = await PackProcess.start({ packDir: copy });
    try {
      const info = await local.info();
      publishInfo = { name: info.name, version: info.version };
    } finally {
      await local.stop();
    }
    // ... then npm.Pack -> npmManager.Pack: `npm pack --loglevel=error`, the file name from stdout.
    packRun = npmPackAsCli(copy);
    assert.equal(packRun.status, 0, `npm pack failed: ${packRun.stderr}`);
    packed = execFileSync("tar", ["-tzf", path.join(copy, packRun.filename)], { encoding: "utf8" })
      .split("\n")
      .filter(Boolean)
      .map((f) => f.replace(/^package\//, ""))
      .sort();

    // installRequiredPolicy: the Cloud stores the pack under the published name and version, and every
    // runner unpacks it to ~/.pulumi/policies/<org>/pulumi-analyzer-<name>-v<version>.
    installDir = extractAsCli(
      path.join(copy, packRun.filename),
      path.join(work, "policies"),
      "acme",
      publishInfo.name,
      publishInfo.version,
    );
    published = readJson(path.join(installDir, "package.json"));
    install = npmInstallAsCli(installDir);
  });

  after(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  describe("pulumi policy publish", () => {
    it("gets exactly the tarball's file name from `npm pack --loglevel=error` on stdout", () => {
      assert.equal(packRun.stdout, `${packRun.filename}\n`, "stdout holds nothing but the file name");
      assert.equal(packRun.filename, `${repoManifest.name}-${repoManifest.version}.tgz`);
      assert.ok(fs.statSync(path.join(copy, packRun.filename)).isFile());
    });

    it("leaves the checkout as it was: development manifest back, no shrinkwrap or staging left", () => {
      assert.deepEqual(readJson(path.join(copy, "package.json")), readJson(path.join(PACK_DIR, "package.json")));
      assert.ok(!fs.existsSync(path.join(copy, "npm-shrinkwrap.json")));
      assert.ok(!fs.existsSync(path.join(copy, ".pack")));
    });

    it("compiles every runtime source and nothing else into the build", () => {
      const sources = runtimeSources(copy);
      assert.ok(sources.includes("index.ts"), `index.ts is not a build input: ${sources.join(", ")}`);
      for (const s of sources) {
        assert.match(s, /^(index\.ts|policies\/.+\.ts|lib\/.+\.ts)$/, `unexpected build input ${s}`);
      }
    });

    it("ships exactly the compiled pack, its manifest and lock, and metadata files", () => {
      const expected = new Set([
        ...FIXED_FILES,
        // A hand-written declaration (lib/exemption-validate.d.ts) stands for the generated JavaScript
        // beside it, which the build copies into bin/.
        ...runtimeSources(copy).map((s) => `bin/${s.replace(/(\.d)?\.ts$/, ".js")}`),
      ]);
      // Source maps are optional: allowed beside a shipped JavaScript file, never required. Type
      // declarations of the library entry too (tests/e2e/org-pack.spec.ts requires those).
      const beside = (f: string) =>
        (f.endsWith(".js.map") && expected.has(f.slice(0, -4))) ||
        (f.endsWith(".d.ts") && expected.has(`${f.slice(0, -5)}.js`));
      const extra = packed.filter((f) => !expected.has(f) && !beside(f));
      const missing = [...expected].filter((f) => !packed.includes(f));
      assert.deepEqual({ extra, missing }, { extra: [], missing: [] });
    });

    it("ships no TypeScript sources, tests, examples, benchmarks, docs, scripts or tooling config", () => {
      const forbidden = packed.filter(
        (f) =>
          (f.endsWith(".ts") && !f.endsWith(".d.ts")) ||
          /^(tests|examples|bench|docs|policy-config|scripts|node_modules|\.ci|\.bench|\.pack)\//.test(f) ||
          /(^|\/)(tsconfig.*\.json|\.mocharc\.json|eslint\.config\.mjs|\.prettier\w*|\.npmrc|package-lock\.json)$/.test(
            f,
          ) ||
          f.endsWith(".tgz"),
      );
      assert.deepEqual(forbidden, []);
    });

    it("points main at shipped JavaScript and is publishable", () => {
      assert.equal((published as { private?: boolean }).private, undefined, "a private package cannot be published");
      assert.equal(published.main, "bin/index.js");
      assert.ok(packed.includes(published.main));
      assert.match(published.version, /^\d+\.\d+\.\d+/);
      const pkg = published as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      assert.equal(pkg.license, "Apache-2.0");
      assert.ok(pkg.engines?.node, "engines.node is required");
      // No invented addresses: homepage, bugs, repository and author stay out until the pack has a real home.
      for (const field of ["homepage", "bugs", "repository", "author"]) {
        assert.equal(pkg[field], undefined, `${field} must point at a real place, or be absent`);
      }
      assert.doesNotMatch(JSON.stringify(pkg), /acme|\.example\b/, "no placeholder organisation or domain");
      // Peers, so that an org pack that imports the library keeps one copy (tests/e2e/org-pack.spec.ts).
      const needed = { ...pkg.dependencies, ...pkg.peerDependencies };
      assert.ok(needed["@pulumi/pulumi"], "the CLI needs @pulumi/pulumi installed with the pack");
      assert.ok(needed["@pulumi/policy"]);
      const license = fs.readFileSync(path.join(installDir, "LICENSE"), "utf8");
      assert.match(license, /Apache License\s+Version 2\.0, January 2004/);
    });

    it("packs the build of the sources it was packed from", () => {
      const shipped = fs
        .readdirSync(path.join(installDir, "bin"), { recursive: true, encoding: "utf8" })
        .filter((f) => f.endsWith(".js"))
        .sort();
      assert.ok(shipped.includes("index.js"));
      for (const file of shipped) {
        assert.equal(
          fs.readFileSync(path.join(installDir, "bin", file), "utf8"),
          fs.readFileSync(path.join(copy, "bin", file), "utf8"),
          `bin/${file} differs from a build of these sources`,
        );
      }
    });

    it("publishes a manifest without devDependencies or scripts, and a shrinkwrap of the runtime tree", () => {
      assert.equal(published.devDependencies, undefined);
      assert.equal(published.scripts, undefined);
      const { devDependencies: _dev, scripts: _scripts, ...runtimePart } = repoManifest as Record<string, unknown>;
      assert.deepEqual(published, runtimePart, "otherwise the same manifest");
      const lock = readJson<{ packages: Record<string, LockEntry> }>(path.join(PACK_DIR, "package-lock.json"));
      const shrinkwrap = readJson<{ packages: Record<string, LockEntry> }>(
        path.join(installDir, "npm-shrinkwrap.json"),
      );
      for (const [location, entry] of Object.entries(shrinkwrap.packages)) {
        if (location === "") continue;
        assert.ok(!entry.dev && !entry.devOptional, `${location} is dev-only`);
        assert.equal(entry.version, lock.packages[location]?.version, `${location}: version as in package-lock.json`);
        assert.equal(entry.integrity, lock.packages[location]?.integrity, `${location}: integrity as in the lock`);
      }
      for (const name of runtimeNames()) {
        assert.ok(shrinkwrap.packages[`node_modules/${name}`], `${name} is pinned`);
      }
    });

    it("fails, saying why on stderr and nothing on stdout, when bin/ is older than the sources", () => {
      const source = path.join(copy, "lib", "messages.ts");
      const original = fs.readFileSync(source, "utf8");
      fs.writeFileSync(source, `${original}\n// edited after the build\n`);
      try {
        const stale = npmPackAsCli(copy);
        assert.notEqual(stale.status, 0, "a stale build must not be packed");
        assert.equal(stale.stdout, "");
        assert.match(stale.stderr, /bin\/ is stale.*npm run build/);
        assert.deepEqual(readJson(path.join(copy, "package.json")), repoManifest, "the manifest is untouched");
        assert.ok(!fs.existsSync(path.join(copy, "npm-shrinkwrap.json")));
      } finally {
        fs.writeFileSync(source, original);
      }
    });
  });

  describe("installing the enforced pack on a runner", () => {
    it("installs with --production, as PulumiPolicy.yaml asks (CLI >= 3.252)", () => {
      assert.equal(productionOption(installDir), true);
      assert.deepEqual(install.args, ["install", "--loglevel=error", "--production"]);
    });

    it("installs no devDependency, no provider SDK and no dev toolchain", () => {
      const names = new Set([...installedPackages(installDir).values()].map((id) => id.replace(/@[^@]+$/, "")));
      assert.deepEqual(
        DEV_ONLY.filter((n) => names.has(n)),
        [],
      );
      for (const name of runtimeNames()) assert.ok(names.has(name), `${name} is installed`);
    });

    it("installs exactly the shrinkwrap's packages, at its versions", () => {
      const shrinkwrap = readJson<{ packages: Record<string, LockEntry> }>(
        path.join(installDir, "npm-shrinkwrap.json"),
      );
      const expected = new Map(
        Object.entries(shrinkwrap.packages)
          .filter(([location]) => location !== "")
          .map(([location, entry]) => [location, entry.version]),
      );
      // @pulumi/policy's own package.json says "v1.21.0"; npm records the clean semver.
      const actual = new Map(
        [...installedPackages(installDir)].map(([location, id]) => [location, id.split("@").pop()?.replace(/^v/, "")]),
      );
      const differences = [...new Set([...expected.keys(), ...actual.keys()])]
        .filter((location) => expected.get(location) !== actual.get(location))
        .map((location) => `${location}: pinned ${expected.get(location)}, installed ${actual.get(location)}`);
      assert.deepEqual(differences, []);
    });

    it("runs no install script that reaches for the Pulumi CLI or a provider plugin", () => {
      for (const location of installedPackages(installDir).keys()) {
        const scripts = readJson<{ scripts?: Record<string, string> }>(
          path.join(installDir, location, "package.json"),
        ).scripts;
        for (const hook of ["preinstall", "install", "postinstall"]) {
          assert.doesNotMatch(scripts?.[hook] ?? "", /pulumi|plugin/i, `${location} ${hook}: ${scripts?.[hook]}`);
        }
      }
    });
  });

  describe("the installed pack in a preview", () => {
    let pack: PackProcess;
    before(async () => {
      // The language host starts `@pulumi/pulumi/cmd/run-policy-pack` resolved from the pack directory
      // (main.go, RunPlugin -> locateModule), so from the installed pack's own node_modules. The engine's
      // stack context reaches the pack as PULUMI_NODEJS_* variables: constructEnv
      // (pkg/resource/plugin/analyzer_plugin.go, since 2019) or, from 3.221, RunPlugin's policy proxy on
      // ConfigureStack.
      pack = await PackProcess.start({
        packDir: installDir,
        runPolicyPack: runPolicyPackOf(installDir),
        env: {
          PULUMI_NODEJS_ORGANIZATION: "acme",
          PULUMI_NODEJS_PROJECT: "app",
          PULUMI_NODEJS_STACK: "dev",
          PULUMI_NODEJS_DRY_RUN: "true",
        },
      });
    });
    after(async () => {
      await pack?.stop();
    });

    it("starts from its own node_modules", () => {
      assert.ok(runPolicyPackOf(installDir).startsWith(path.join(installDir, "node_modules") + path.sep));
    });

    it("also starts as CLIs before 3.221 started it, with the runtime options as flags", async () => {
      // Before RunPlugin (pulumi/pulumi#21684, 3.221) the CLI ran the `pulumi-analyzer-policy` shim with
      // `<engine> . -<option>=<value>` for each runtime option (analyzer_plugin.go, NewPolicyAnalyzer), and
      // the shim passed them on to run-policy-pack: `-production=true` must not stop the pack.
      const legacy = await spawnPack(installDir, {
        runPolicyPack: runPolicyPackOf(installDir),
        extraArgs: ["-production=true"],
      });
      try {
        assert.ok(legacy.port > 0);
      } finally {
        const exited = new Promise((resolve) => legacy.child.once("exit", resolve));
        legacy.child.kill();
        await exited;
      }
    });

    it("reports the name it was published under and its package.json version", async () => {
      const info = await pack.info();
      // The CLI compares no npm package name: it publishes and installs under the GetAnalyzerInfo name
      // and version (Publish; cloudRequiredPolicy.policyPath -> workspace.GetPolicyPath). The SDK reads
      // the version from package.json in the pack directory (@pulumi/policy PolicyPack constructor).
      assert.equal(info.version, published.version);
      assert.deepEqual({ name: info.name, version: info.version }, publishInfo);
      assert.equal(path.basename(installDir), `pulumi-analyzer-${info.name}-v${info.version}`);
      // The npm package is named after the pack, with the "pulumi-policy-" prefix npm packs use.
      assert.equal(published.name, `pulumi-policy-${info.name}`);
    });

    it("serves every policy of the source tree", async () => {
      const reference = await PackProcess.start();
      try {
        const expected = (await reference.info()).policiesList.map((p) => p.name).sort();
        assert.deepEqual((await pack.info()).policiesList.map((p) => p.name).sort(), expected);
      } finally {
        await reference.stop();
      }
    });

    it("denies a console-password/access-key pair at the end of the preview", async () => {
      // analyzer_plugin.go, NewPolicyAnalyzer: ConfigureStack first, with DryRun in a preview.
      await pack.configureStack("dev", "app", true);
      await pack.configure();
      const s = new StackBuilder({ mode: "preview" });
      const u = s.user("alice");
      s.loginProfile("alice-login", u.out("name"));
      s.accessKey("alice-key", u.out("name"));
      const perResource = [];
      for (const spec of s.resources) perResource.push(...(await pack.analyze(spec)));
      assert.deepEqual(perResource, [], "the per-resource policy leaves previews to the stack policy");
      const atEnd = await pack.analyzeStack(s.resources);
      assert.deepEqual(
        atEnd.map((d) => `${d.policyName}:${nameOfUrn(d.urn)}:${d.enforcementLevel}`),
        [`${STACK_POLICY}:alice-key:mandatory`],
      );
    });
  });
});
