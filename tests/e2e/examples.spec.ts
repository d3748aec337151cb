// The example programs, run with the SDK's own runtime (mock monitor standing in for the engine)
// and sent through the real pack process as the engine would: in `pulumi preview` and `pulumi up`.

import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { Diagnostic, PackProcess } from "../helpers/pack";
import { assertNoSecretValues } from "../helpers/expect";
import { encode, isUnknown, ResourceSpec, SECRET_SIG, SECRET_SIG_KEY, UNKNOWN_STRING_WIRE } from "../helpers/wire";
import { deploy, Findings, Mode, runProgram, runPrograms, specsOf } from "../programs/harness";
import { assertFindings, describeFindings, Expected, findingsFor, loadExpected } from "../programs/expectations";
import { loadProject, ProgramRecord } from "../programs/project";

const EXAMPLES_DIR = path.resolve(__dirname, "..", "..", "examples");
const MODES: Mode[] = ["preview", "update"];
const MODE_TITLE: Record<Mode, string> = { preview: "in `pulumi preview`", update: "in `pulumi up`" };

// Folder names the docs point at.
const DOCUMENTED = [
  "compliant-console-users",
  "compliant-service-accounts",
  "compliant-mixed-team",
  "compliant-same-name-two-accounts",
  "violating-user-profile-key",
  "violating-secret-user-name",
  "violating-component",
  "violating-computed-names",
  "violating-keys-in-loop",
  "violating-aws-native-inline-profile",
  "compliant-self-service-keys",
  "violating-key-despite-self-service",
];

const examples = fs
  .readdirSync(EXAMPLES_DIR)
  .filter((d) => fs.existsSync(path.join(EXAMPLES_DIR, d, "Pulumi.yaml")))
  .sort();

// Whatever a check below needs, loaded once: program runs (two at a time) and one pack per mode.
const records = new Map<string, ProgramRecord>();
/** Secret values and its own stack config: the program that would show state left by earlier ones. */
const ALONE = "violating-secret-user-name";
const aloneRecords = new Map<Mode, ProgramRecord>();
const packs = new Map<Mode, PackProcess>();
const packPolicies = new Map<Mode, Set<string>>();

function recordOf(example: string, mode: Mode): ProgramRecord {
  const record = records.get(`${example}/${mode}`);
  assert.ok(record, `${example} did not run in ${mode}`);
  return record;
}

function specsByName(example: string, mode: Mode): Map<string, ResourceSpec> {
  return new Map(specsOf(recordOf(example, mode)).map((s) => [s.name, s]));
}

function specNamed(example: string, mode: Mode, name: string): ResourceSpec {
  const spec = specsByName(example, mode).get(name);
  assert.ok(spec, `${example} (${mode}) registered no resource named ${name}`);
  return spec;
}

describe("example programs through the policy pack", function () {
  // Generous: under `npm test` the program runs share the cores with other specs and lint.
  this.timeout(600_000);

  before(async () => {
    const starting = MODES.map(async (mode) => {
      // Newer CLIs tell the pack whether this is a preview; the per-resource policy relies on it.
      const pack = await PackProcess.shared({ env: { PULUMI_NODEJS_DRY_RUN: String(mode === "preview") } });
      packs.set(mode, pack);
      packPolicies.set(mode, new Set((await pack.info()).policiesList.map((p) => p.name)));
    });
    // Every program in two runner processes (one per core), one program after another in each.
    const runs = examples.flatMap((example) => MODES.map((mode) => ({ example, mode })));
    const batched = runPrograms(runs.map(({ example, mode }) => ({ dir: path.join(EXAMPLES_DIR, example), mode })));
    const alone = MODES.map((mode) => runProgram(path.join(EXAMPLES_DIR, ALONE), mode));
    await Promise.all(starting);
    (await batched).forEach((record, i) => records.set(`${runs[i].example}/${runs[i].mode}`, record));
    (await Promise.all(alone)).forEach((record, i) => aloneRecords.set(MODES[i], record));
  });

  // The batch runs programs in one process as the Automation API does; the language host starts one
  // process per program. A program late in a batch (after ten others) must record the same.
  for (const mode of MODES) {
    it(`records ${ALONE} ${MODE_TITLE[mode]} the same in a batch as in a process of its own`, () => {
      assert.deepStrictEqual(recordOf(ALONE, mode), aloneRecords.get(mode));
    });
  }

  after(async () => {
    await Promise.all([...packs.values()].map((p) => p.stop()));
  });

  it("has every documented example as a Node.js Pulumi project with an expected outcome", () => {
    for (const name of DOCUMENTED) {
      const dir = path.join(EXAMPLES_DIR, name);
      assert.ok(examples.includes(name), `examples/${name} is missing`);
      const project = loadProject(dir);
      assert.strictEqual(project.name, name);
      assert.strictEqual(project.runtime, "nodejs");
      assert.ok(fs.existsSync(path.join(dir, "index.ts")), `examples/${name}/index.ts is missing`);
      assert.ok(fs.existsSync(path.join(dir, "expected.json")), `examples/${name}/expected.json is missing`);
    }
  });

  describe("the program harness", () => {
    it("builds URNs as the engine does: the parent type chain without the Stack", () => {
      const key = specNamed("violating-component", "update", "frank-key");
      assert.strictEqual(
        key.urn,
        "urn:pulumi:dev::violating-component::acme:iam:TeamMember$aws:iam/accessKey:AccessKey::frank-key",
      );
      assert.strictEqual(key.parent, "urn:pulumi:dev::violating-component::acme:iam:TeamMember::frank");
      const stack = specNamed("violating-component", "update", "violating-component-dev");
      assert.strictEqual(
        stack.urn,
        "urn:pulumi:dev::violating-component::pulumi:pulumi:Stack::violating-component-dev",
      );
    });

    it("registers a default provider per package before its first resource, configured from stack config", () => {
      const specs = specsOf(recordOf("violating-aws-native-inline-profile", "update"));
      const names = specs.map((s) => s.name);
      const awsVersion = "default_" + packageVersion("aws").replace(/\./g, "_");
      const nativeVersion = "default_" + packageVersion("aws-native").replace(/\./g, "_");
      assert.ok(names.indexOf(awsVersion) >= 0 && names.indexOf(awsVersion) < names.indexOf("lena-key"), names.join());
      assert.ok(
        names.indexOf(nativeVersion) >= 0 && names.indexOf(nativeVersion) < names.indexOf("lena"),
        names.join(),
      );
      const key = specs.find((s) => s.name === "lena-key")!;
      assert.strictEqual(key.provider?.type, "pulumi:providers:aws");
      assert.strictEqual(key.provider?.name, awsVersion);
      assert.strictEqual(key.provider?.props.region, "eu-west-1");
      const lena = specs.find((s) => s.name === "lena")!;
      assert.strictEqual(lena.provider?.type, "pulumi:providers:aws-native");
      assert.strictEqual(lena.provider?.props.region, "eu-west-1");
    });

    it("passes explicit providers with their inputs as the aws SDK encodes them", () => {
      const key = specNamed("compliant-same-name-two-accounts", "preview", "alice-sandbox-key");
      assert.strictEqual(key.provider?.name, "sandbox");
      assert.strictEqual(key.provider?.props.profile, "acme-sandbox");
      // Non-string provider inputs travel JSON-encoded.
      assert.strictEqual(key.provider?.props.skipCredentialsValidation, "false");
    });

    it("two accounts are certain through allowedAccountIds: without them the sandbox key is advisory", async () => {
      for (const mode of MODES) {
        const specs = specsOf(recordOf("compliant-same-name-two-accounts", mode));
        const sandbox = specs.find((s) => s.name === "sandbox")!;
        // The aws SDK sends the list JSON-encoded, as the pack reads it.
        assert.strictEqual(sandbox.inputs.allowedAccountIds, '["222222222222"]');
        const unpinned = specs.map((s) => {
          if (!s.provider) return s;
          const { allowedAccountIds: _dropped, ...props } = s.provider.props;
          return { ...s, provider: { ...s.provider, props } };
        });
        const { analyze, stack } = await deploy(packs.get(mode)!, unpinned);
        const advice = [...analyze, ...stack].filter((d) => d.message.includes("cannot tell"));
        // The per-resource policy skips previews; the stack policy answers in both modes.
        const expected = mode === "preview" ? 1 : 2;
        assert.strictEqual(advice.length, expected, JSON.stringify(advice));
        for (const d of advice) {
          assert.strictEqual(d.enforcementLevel, "advisory");
          assert.ok(d.urn.endsWith("::alice-sandbox-key"), d.urn);
          assert.ok(d.message.includes("`allowedAccountIds`"), d.message);
        }
      }
    });

    it("leaves computed outputs unknown in preview and fills them in update, secrets staying secret", () => {
      const previewKey = specNamed("violating-user-profile-key", "preview", "alice-key");
      const updateKey = specNamed("violating-user-profile-key", "update", "alice-key");
      assert.strictEqual(secretValue(previewKey.outputs.secret), UNKNOWN_STRING_WIRE);
      assert.strictEqual(typeof secretValue(updateKey.outputs.secret), "string");
      assert.strictEqual(previewKey.inputs.user, "alice");
      // A value computed from another resource's output is unknown in preview, known in update.
      assert.ok(isUnknown(specNamed("violating-computed-names", "preview", "henry-key").inputs.user));
      const password = (
        specNamed("violating-aws-native-inline-profile", "preview", "lena").inputs.loginProfile as never
      )["password"];
      assert.strictEqual(typeof secretValue(password), "string");
    });

    it("fills autonamed names as the provider would, the same in preview and update", () => {
      const preview = specNamed("violating-computed-names", "preview", "henry").inputs.name;
      const update = specNamed("violating-computed-names", "update", "henry").inputs.name;
      assert.match(String(preview), /^henry-[0-9a-f]{7}$/);
      assert.strictEqual(preview, update);
      assert.strictEqual(specNamed("violating-computed-names", "update", "henry-key").inputs.user, update);
    });

    it("records property dependencies, which stay known in preview", () => {
      const key = specNamed("violating-computed-names", "preview", "henry-key");
      const profile = specNamed("violating-computed-names", "preview", "henry-console");
      const henry = specNamed("violating-computed-names", "preview", "henry").urn;
      assert.deepStrictEqual(key.propertyDependencies?.user, [henry]);
      assert.deepStrictEqual(profile.propertyDependencies?.user, [henry]);
    });
  });

  for (const example of examples) {
    describe(example, () => {
      const expected: Expected = loadExpected(path.join(EXAMPLES_DIR, example, "expected.json"));

      for (const mode of MODES) {
        describe(MODE_TITLE[mode], () => {
          let findings: Findings;
          let all: Diagnostic[];
          const wanted = findingsFor(expected, mode);

          before(async () => {
            findings = await deploy(packs.get(mode)!, specsOf(recordOf(example, mode)), expected.policyConfig);
            all = [...findings.analyze, ...findings.stack];
          });

          it("registers every resource that expected.json names", () => {
            const names = specsByName(example, mode);
            for (const list of Object.values(wanted)) {
              for (const f of list) assert.ok(names.has(f.resource), `no resource named ${f.resource}`);
            }
          });

          for (const [policy, list] of Object.entries(wanted)) {
            it(`${policy} reports ${describeFindings(list)}`, function () {
              // A policy the pack does not have yet: pending, not passing.
              if (!packPolicies.get(mode)!.has(policy)) this.skip();
              assertFindings(
                policy,
                all.filter((d) => d.policyName === policy),
                list,
              );
            });
          }

          it("prints no value the program marked secret", () => {
            assertNoSecretValues(
              all.map((d) => ({ on: d.urn, message: d.message })),
              specsOf(recordOf(example, mode)),
            );
          });

          it("reports nothing from any other policy", () => {
            const others = all.filter((d) => !(d.policyName in wanted));
            assertFindings("other policies", others, []);
          });
        });
      }
    });
  }
});

/** The value inside a secret, as it goes on the wire; fails when `value` is not a secret. */
function secretValue(value: unknown): unknown {
  const wire = encode(value) as Record<string, unknown>;
  assert.ok(wire !== null && typeof wire === "object" && wire[SECRET_SIG_KEY] === SECRET_SIG, "not a secret");
  return wire.value;
}

function packageVersion(pkg: string): string {
  const file = require.resolve(`@pulumi/${pkg}/package.json`);
  return JSON.parse(fs.readFileSync(file, "utf8")).version;
}
