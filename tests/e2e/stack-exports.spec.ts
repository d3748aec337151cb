// Auditing existing stacks from their `pulumi stack export` files, the way
// `pulumi policy analyze --policy-pack <dir> --stack <stack>` runs a pack over a stack's state:
// per resource (snapshot order, inputs) Analyze, then one AnalyzeStack over every resource's
// outputs, each resource's provider resolved from its `provider` reference within the same state.

import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { Diagnostic, PackProcess, POLICY_ANALYZE_ENV } from "../helpers/pack";
import { encode, ResourceSpec, SECRET_SIG, SECRET_SIG_KEY } from "../helpers/wire";
import { assertFindings, describeFindings, findingsFor, loadExpected } from "../programs/expectations";
import { deploy } from "../programs/harness";
import { OPAQUE_SECRET, toSpecs } from "../programs/specs";
import { readStackExport, registrationsOf } from "../programs/stack-export";

const FIXTURES = path.resolve(__dirname, "..", "fixtures", "stack-exports");
const MODE = "audit";

const fixtures = fs
  .readdirSync(FIXTURES)
  .filter((f) => f.endsWith(".json") && !f.endsWith(".expected.json"))
  .map((f) => f.slice(0, -".json".length))
  .sort();

function specsOf(fixture: string): ResourceSpec[] {
  return toSpecs(registrationsOf(readStackExport(path.join(FIXTURES, `${fixture}.json`))));
}

describe("auditing stack exports with the policy pack", function () {
  this.timeout(120_000);
  let pack: PackProcess;
  let packPolicies: Set<string>;

  before(async () => {
    // `pulumi policy analyze` sends no ConfigureStack: the pack runs with no PULUMI_NODEJS_* variables.
    pack = await PackProcess.start({ env: POLICY_ANALYZE_ENV });
    packPolicies = new Set((await pack.info()).policiesList.map((p) => p.name));
  });

  after(async () => {
    await pack?.stop();
  });

  it("has a violating, a compliant and a two-account export", () => {
    for (const name of ["violating-console-user-with-key", "compliant-mixed-team", "two-accounts"]) {
      assert.ok(fixtures.includes(name), `${name}.json is missing`);
    }
  });

  describe("reading an export", () => {
    it("resolves each resource's provider from its reference to a provider resource in the same state", () => {
      const specs = specsOf("two-accounts");
      const key = specs.find((s) => s.name === "oscar-key")!;
      const nina = specs.find((s) => s.name === "nina-security")!;
      assert.strictEqual(key.provider?.urn, "urn:pulumi:dev::identity-platform::pulumi:providers:aws::workloads");
      assert.strictEqual(key.provider?.name, "workloads");
      assert.match(String(key.provider?.props.assumeRoles), /555566667777/);
      assert.match(String(nina.provider?.props.assumeRoles), /222233334444/);
    });

    it("keeps encrypted secrets as present, opaque secrets", () => {
      const key = specsOf("violating-console-user-with-key").find((s) => s.name === "alice-key")!;
      const wire = encode(key.outputs.secret) as Record<string, unknown>;
      assert.strictEqual(wire[SECRET_SIG_KEY], SECRET_SIG);
      assert.strictEqual(wire.value, OPAQUE_SECRET);
    });

    it("skips resources pending deletion", () => {
      const file = path.join(FIXTURES, "violating-console-user-with-key.json");
      const data = readStackExport(file);
      const key = data.deployment.resources!.find((r) => r.urn.endsWith("::alice-key"))!;
      key.delete = true;
      const names = registrationsOf(data).map((r) => r.name);
      assert.ok(!names.includes("alice-key"));
      assert.ok(names.includes("alice-console"));
    });
  });

  for (const fixture of fixtures) {
    describe(`${fixture}.json`, () => {
      const expected = loadExpected(path.join(FIXTURES, `${fixture}.expected.json`));
      const wanted = findingsFor(expected, MODE);
      let all: Diagnostic[];

      before(async () => {
        const findings = await deploy(pack, specsOf(fixture), expected.policyConfig);
        all = [...findings.analyze, ...findings.stack];
      });

      for (const [policy, list] of Object.entries(wanted)) {
        it(`${policy} reports ${describeFindings(list)}`, function () {
          if (!packPolicies.has(policy)) this.skip();
          assertFindings(
            policy,
            all.filter((d) => d.policyName === policy),
            list,
          );
        });
      }

      it("reports nothing from any other policy", () => {
        assertFindings(
          "other policies",
          all.filter((d) => !(d.policyName in wanted)),
          [],
        );
      });
    });
  }
});
