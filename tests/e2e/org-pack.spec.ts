// The rule inside an organisation's own policy pack: this package packed as `npm pack` packs it, the
// tarball installed into an org pack that has a policy of its own and another name, built, started the
// way the CLI starts a pack (run-policy-pack from the org pack's node_modules), and driven through
// preview, update and `pulumi policy analyze` sequences. Every finding and not-applicable entry of the
// two CIS policies must be exactly what this pack reports on its own for the same requests.
//
// Request sequences (pulumi/pulumi 1b5949891b3c): preview and update as in tests/e2e/published-install.spec.ts
// (ConfigureStack, Configure with a level for every policy, per resource Remediate then Analyze, then
// AnalyzeStack); `pulumi policy analyze` as in tests/e2e/policy-analyze.spec.ts (no ConfigureStack, no
// stack environment; pkg/resource/deploy/analyze_snapshot.go, AnalyzeSnapshot). One pack process per
// deployment: the engine builds a plugin host for each preview or update and closes it with it
// (pkg/engine/update.go, update -> ensureHost in pkg/engine/deployment.go).

import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { nameOfUrn } from "../helpers/expect";
import { AnalyzerInfo, PACK_DIR, PackProcess, POLICY_ANALYZE_ENV, runPolicyPackOf } from "../helpers/pack";
import {
  LIBRARY_NAME,
  ORG_TSCONFIG_NODE16,
  OrgPack,
  orgManifest,
  packLibrary,
  orgTsconfig,
  prepareOrgPack,
  resolveOnly,
  SdkVersions,
} from "../helpers/org-pack";
import { installedPackages } from "../helpers/published";
import { deployment, LEVEL_NAME, LEVEL_NUMBER, Obj, Run } from "../helpers/sequences";
import { StackBuilder } from "../helpers/stack";
import { ResourceSpec } from "../helpers/wire";

const STACK_POLICY = "cis-1-11-no-access-key-with-console-password";
const GUARD = "cis-1-11-block-pair-before-creation";
const CIS = new Set([STACK_POLICY, GUARD]);
const ORG_POLICY = "acme-bucket-team-tag";

/**
 * The oldest and newest SDK versions in the supported range (package.json peerDependencies):
 * @pulumi/policy >=1.20.0 <1.22.0 and @pulumi/pulumi ^3.248.0; the newest as the registry served them
 * on 2026-12-02.
 */
const VARIANTS: Array<{ label: string; sdk: SdkVersions }> = [
  { label: "oldest supported SDK", sdk: { policy: "1.20.0", pulumi: "3.248.0" } },
  { label: "newest supported SDK", sdk: { policy: "1.21.0", pulumi: "3.276.0" } },
];

// The org pack's own entry: its own policy, then this library's, under its own name and pack level.
const ORG_INDEX = `import { PolicyPack } from "@pulumi/policy";
import { cisAws111Policies } from "${LIBRARY_NAME}";

new PolicyPack("acme-security", {
  enforcementLevel: "advisory",
  policies: [
    {
      name: "${ORG_POLICY}",
      description: "Every S3 bucket carries a team tag.",
      enforcementLevel: "mandatory",
      validateResource: (args, reportViolation) => {
        if (args.type !== "aws:s3/bucket:Bucket") return;
        const tags = args.props.tags as Record<string, string> | undefined;
        if (!tags?.team) reportViolation("This bucket has no team tag.");
      },
    },
    ...cisAws111Policies(),
  ],
});
`;

// A second pack in the same repository: only the per-resource policy, advisory.
const GUARD_INDEX = `import { PolicyPack } from "@pulumi/policy";
import { cisAws111Policies, POLICY_NAMES } from "${LIBRARY_NAME}";

new PolicyPack("acme-guard", {
  policies: cisAws111Policies({ only: [POLICY_NAMES.perResource], enforcementLevel: "advisory" }),
});
`;

const POLICY_YAML = "runtime: nodejs\n";

function orgFiles(sdk: SdkVersions, tarball: string): Record<string, string> {
  return {
    "package.json": orgManifest("acme-policies", sdk, tarball),
    "PulumiPolicy.yaml": POLICY_YAML,
    "tsconfig.json": orgTsconfig(["index.ts", "guard/index.ts"]),
    "tsconfig.node16.json": ORG_TSCONFIG_NODE16,
    "index.ts": ORG_INDEX,
    "guard/index.ts": GUARD_INDEX,
    "guard/package.json": `${JSON.stringify({ name: "acme-guard", version: "1.0.0", main: "../bin/guard/index.js" })}\n`,
    "guard/PulumiPolicy.yaml": POLICY_YAML,
  };
}

/** The config file the org passes (`--policy-pack-config`, or `pulumi policy enable --config`). */
const EXEMPTIONS = [
  { users: ["dan"], reason: "SEC-42: shared lab account until the migration", expires: "2099-12-31" },
  { users: ["erin"], reason: "SEC-7: expired", expires: "2020-01-31" },
];
const ORG_CONFIG: Record<string, unknown> = {
  [ORG_POLICY]: "mandatory",
  [STACK_POLICY]: { enforcementLevel: "mandatory", exemptions: EXEMPTIONS },
  [GUARD]: { exemptions: EXEMPTIONS },
};

/** The CIS policies' part of a run, without the pack's name and version (the only fields that differ). */
function cisPart(run: Run): Run {
  const cis = (list: Obj[]) =>
    list
      .filter((d) => CIS.has(String(d.policyname ?? d.policyName)))
      .map(({ policypackname: _n, policypackversion: _v, ...rest }) => rest);
  return {
    analyze: cis(run.analyze),
    analyzeNotApplicable: cis(run.analyzeNotApplicable),
    remediations: run.remediations,
    stack: cis(run.stack),
    stackNotApplicable: cis(run.stackNotApplicable),
  };
}

function summary(list: Obj[]): string[] {
  return list.map(
    (d) => `${d.policyname}:${nameOfUrn(String(d.urn || d.resource))}:${LEVEL_NAME[Number(d.enforcementlevel)]}`,
  );
}

/** The org's stack: its own resources, console users with keys, an exempted and an expired exemption. */
function orgStack(mode: "preview" | "update"): StackBuilder {
  const s = new StackBuilder({ stack: "prod", project: "app", mode });
  s.other("aws:s3/bucket:Bucket", "logs", { bucket: "acme-logs" });
  s.other("aws:s3/bucket:Bucket", "data", { bucket: "acme-data", tags: { team: "data" } });
  for (const name of ["alice", "dan", "erin"]) {
    const u = s.user(name);
    s.loginProfile(`${name}-console`, u.out("name"));
    s.accessKey(`${name}-key`, u.out("name"));
  }
  // frank may create his own key: the readiness sentence of the finding says so.
  const frank = s.user("frank");
  s.resource("aws:iam/userPolicy:UserPolicy", "frank-self-service", {
    user: frank.out("name"),
    policy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "OwnKeys",
          Effect: "Allow",
          Action: "iam:CreateAccessKey",
          Resource: "arn:aws:iam::*:user/${aws:username}",
        },
      ],
    }),
  });
  s.loginProfile("frank-console", frank.out("name"));
  s.accessKey("frank-key", frank.out("name"));
  const bot = s.user("ci-bot");
  s.accessKey("ci-key", bot.out("name"));
  return s;
}

const RUN_ENV = (dryRun: boolean) => ({
  PULUMI_NODEJS_ORGANIZATION: "acme",
  PULUMI_NODEJS_PROJECT: "app",
  PULUMI_NODEJS_STACK: "prod",
  PULUMI_NODEJS_DRY_RUN: String(dryRun),
});

type InfoRun = Run & { info: AnalyzerInfo };

/** Starts a pack, runs one deployment in it and stops it, as the CLI does; with what GetAnalyzerInfo says. */
async function inFreshPack(
  start: () => Promise<PackProcess>,
  specs: ResourceSpec[],
  mode: "preview" | "update" | "analyze",
): Promise<InfoRun> {
  const pack = await start();
  try {
    const run = await deployment(pack, specs, mode, ORG_CONFIG);
    return { ...run, info: await pack.info() };
  } finally {
    await pack.stop();
  }
}

const SEQUENCES = [
  { mode: "preview" as const, env: RUN_ENV(true), stack: () => orgStack("preview").resources },
  { mode: "update" as const, env: RUN_ENV(false), stack: () => orgStack("update").resources },
  { mode: "analyze" as const, env: POLICY_ANALYZE_ENV, stack: () => orgStack("update").resources },
];

describe("the library in an organisation's own policy pack (npm pack, install, build, run)", function () {
  this.timeout(600_000);
  let work: string;
  let tarball: string;
  const orgs = new Map<string, OrgPack>();
  /** What this pack reports on its own, per sequence: the reference. */
  const reference = new Map<string, InfoRun>();
  let referenceInfo: Obj[];

  /** Per variant and sequence, what the org pack reports. */
  const orgRuns = new Map<string, Map<string, InfoRun>>();
  let refused: Promise<{ status: number; output: string }>;

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "cis-org-pack-"));
    tarball = packLibrary(work);
    // Started now, awaited by its test; an error becomes a result that test reports.
    refused = resolveOnly(tarball, orgManifest("acme-old", { policy: "1.15.0", pulumi: "3.248.0" }, tarball)).catch(
      (err) => ({ status: -1, output: String(err) }),
    );
    // Both installs at once: npm spends most of an install waiting on the cache and the disk.
    const prepared = await Promise.all(VARIANTS.map((v) => prepareOrgPack(tarball, orgFiles(v.sdk, tarball))));
    VARIANTS.forEach((v, i) => orgs.set(v.label, prepared[i]));
    // The reference and each variant in parallel (two cores); within each, one deployment after another.
    const sequences = async (start: (env: Record<string, string | undefined>) => Promise<PackProcess>) => {
      const runs = new Map<string, InfoRun>();
      for (const seq of SEQUENCES) runs.set(seq.mode, await inFreshPack(() => start(seq.env), seq.stack(), seq.mode));
      return runs;
    };
    const [ref, ...variants] = await Promise.all([
      sequences((env) => PackProcess.start({ env })),
      ...prepared.map((org) =>
        sequences((env) => PackProcess.start({ packDir: org.dir, runPolicyPack: runPolicyPackOf(org.dir), env })),
      ),
    ]);
    for (const [mode, run] of ref) reference.set(mode, run);
    VARIANTS.forEach((v, i) => orgRuns.set(v.label, variants[i]));
    referenceInfo = reference.get("preview")!.info.policiesList as unknown as Obj[];
  });

  after(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it("ships the library entry with its type declarations, and the pack entry as main", () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(PACK_DIR, "package.json"), "utf8"));
    assert.equal(manifest.main, "bin/index.js", "the CLI starts the pack through main");
    assert.deepEqual(manifest.exports["."], {
      types: "./bin/policies/index.d.ts",
      default: "./bin/policies/index.js",
    });
    assert.equal(manifest.types, "bin/policies/index.d.ts");
    // As installed from the tarball: the published manifest keeps them, and the declarations are there.
    const installed = path.join(orgs.get(VARIANTS[0].label)!.dir, "node_modules", LIBRARY_NAME);
    const published = JSON.parse(fs.readFileSync(path.join(installed, "package.json"), "utf8"));
    assert.deepEqual(
      [published.main, published.types, published.exports],
      [manifest.main, manifest.types, manifest.exports],
    );
    for (const d of ["index", "no-access-key-with-console-password", "block-pair-before-creation"]) {
      assert.ok(fs.existsSync(path.join(installed, "bin", "policies", `${d}.d.ts`)), `${d}.d.ts is shipped`);
    }
  });

  it("the reference runs are not vacuous: this pack reports the pairs it should", () => {
    assert.deepEqual(summary(reference.get("update")!.analyze), [
      `${GUARD}:alice-key:mandatory`,
      `${GUARD}:dan-key:advisory`,
      `${GUARD}:erin-key:mandatory`,
      `${GUARD}:frank-key:mandatory`,
    ]);
    for (const mode of ["preview", "update", "analyze"]) {
      assert.deepEqual(
        summary(reference.get(mode)!.stack),
        [
          `${STACK_POLICY}:alice-key:mandatory`,
          `${STACK_POLICY}:dan-key:advisory`,
          `${STACK_POLICY}:erin-key:mandatory`,
          `${STACK_POLICY}:frank-key:mandatory`,
        ],
        mode,
      );
    }
    const stack = reference.get("update")!.stack;
    assert.match(String(stack[1].message), /^\[exempted\] .*SEC-42/);
    assert.match(String(stack[3].message), /They can create their own key: statement "OwnKeys"/);
    assert.ok(reference.get("preview")!.analyzeNotApplicable.some((n) => n.policyName === GUARD));
  });

  it("is refused by npm, not installed as a second copy, beside an SDK outside the supported range", async () => {
    const run = await refused;
    assert.notEqual(run.status, 0, run.output);
    assert.match(run.output, /ERESOLVE/);
    assert.match(run.output, /peer @pulumi\/policy@">=1\.20\.0 <1\.22\.0" from pulumi-policy-cis-aws-1-11/);
  });

  for (const variant of VARIANTS) {
    describe(`with the ${variant.label} (@pulumi/policy ${variant.sdk.policy}, @pulumi/pulumi ${variant.sdk.pulumi})`, () => {
      let org: OrgPack;
      let runs: Map<string, InfoRun>;
      before(() => {
        org = orgs.get(variant.label)!;
        runs = orgRuns.get(variant.label)!;
      });

      it("installs one copy of @pulumi/policy and of @pulumi/pulumi, the org pack's own", () => {
        const copies = (name: string) =>
          [...installedPackages(org.dir)].filter(([, id]) => id.replace(/@[^@]+$/, "") === name);
        assert.deepEqual(
          copies("@pulumi/policy").map(([loc, id]) => `${loc} ${id}`),
          [`node_modules/@pulumi/policy @pulumi/policy@v${variant.sdk.policy}`],
        );
        assert.deepEqual(
          copies("@pulumi/pulumi").map(([loc, id]) => `${loc} ${id}`),
          [`node_modules/@pulumi/pulumi @pulumi/pulumi@${variant.sdk.pulumi}`],
        );
        assert.deepEqual(
          copies(LIBRARY_NAME).map(([loc]) => loc),
          [`node_modules/${LIBRARY_NAME}`],
        );
      });

      it("type-checks the org pack through the package's exports too (moduleResolution node16)", () => {
        assert.equal(org.node16Check.status, 0, org.node16Check.output);
      });

      // Importing loads the SDK's deserializer (lib/secrets.ts wraps it before the first request is
      // decoded), and with it the SDK's server module, but constructs no PolicyPack, so nothing serves.
      it("imports the library in a plain Node process: no server started, no output", () => {
        const script = [
          `const lib = require(${JSON.stringify(LIBRARY_NAME)});`,
          "const names = lib.cisAws111Policies().map((p) => p.name).join(',');",
          "if (names !== 'cis-1-11-no-access-key-with-console-password,cis-1-11-block-pair-before-creation') process.exit(3);",
        ].join("\n");
        const run = spawnSync(process.execPath, ["-e", script], { cwd: org.dir, encoding: "utf8", timeout: 30_000 });
        // A started server would keep the process alive until the timeout kills it.
        assert.deepEqual(
          { status: run.status, signal: run.signal, stdout: run.stdout, stderr: run.stderr },
          { status: 0, signal: null, stdout: "", stderr: "" },
        );
      });

      it("serves the org pack's name, its own policy and both CIS policies with unchanged metadata and config schema", () => {
        const info = runs.get("preview")!.info;
        assert.equal(info.name, "acme-security");
        assert.equal(info.version, "1.4.0");
        assert.deepEqual(
          info.policiesList.map((p) => p.name),
          [ORG_POLICY, STACK_POLICY, GUARD],
        );
        assert.deepEqual(
          info.policiesList.filter((p) => CIS.has(p.name)),
          referenceInfo,
        );
      });

      for (const seq of SEQUENCES) {
        it(`${seq.mode}: the CIS policies report exactly what this pack reports, and the org's policy still runs`, () => {
          const run = runs.get(seq.mode)!;
          assert.deepEqual(cisPart(run), cisPart(reference.get(seq.mode)!));
          const own = [...run.analyze, ...run.stack].filter((d) => d.policyname === ORG_POLICY);
          assert.deepEqual(summary(own), [`${ORG_POLICY}:logs:mandatory`]);
          for (const d of [...run.analyze, ...run.stack]) assert.equal(d.policypackname, "acme-security");
        });
      }

      describe("a pack with only the per-resource policy", () => {
        const guardDir = () => path.join(org.dir, "guard");
        const startGuard = (env: Record<string, string | undefined>) =>
          PackProcess.start({ packDir: guardDir(), runPolicyPack: runPolicyPackOf(org.dir), env });

        it("serves it alone at its level, and reports each pair once per deployment, also when one process sees several", async () => {
          // The CLI starts one pack process per deployment; without the stack policy the memory is
          // reset when a resource already seen is analyzed again, so repeated deployments in one
          // process report the same, and a removed half is forgotten.
          const update = orgStack("update").resources;
          const pack = await startGuard(RUN_ENV(false));
          try {
            // Alone, at the chosen level, its metadata otherwise unchanged.
            const info = await pack.info();
            assert.equal(info.name, "acme-guard");
            assert.deepEqual(
              info.policiesList.map((p) => [p.name, p.enforcementlevel]),
              [[GUARD, LEVEL_NUMBER.advisory]],
            );
            const ref = referenceInfo.find((p) => p.name === GUARD)!;
            assert.deepEqual({ ...info.policiesList[0], enforcementlevel: 0 }, { ...ref, enforcementlevel: 0 });

            const first = await deployment(pack, update, "update", ORG_CONFIG);
            const expected = cisPart(reference.get("update")!).analyze.map((d) => ({
              ...d,
              enforcementlevel: LEVEL_NUMBER.advisory,
            }));
            assert.deepEqual(cisPart(first).analyze, expected);
            assert.deepEqual(first.stack, []);
            const again = await deployment(pack, update, "update", ORG_CONFIG);
            assert.deepEqual(cisPart(again).analyze, expected);
            const withoutAliceConsole = update.filter((r) => r.name !== "alice-console");
            const third = await deployment(pack, withoutAliceConsole, "update", ORG_CONFIG);
            assert.deepEqual(summary(third.analyze), [
              `${GUARD}:dan-key:advisory`,
              `${GUARD}:erin-key:advisory`,
              `${GUARD}:frank-key:advisory`,
            ]);
          } finally {
            await pack.stop();
          }
        });
      });
    });
  }
});
