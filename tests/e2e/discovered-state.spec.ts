// `pulumi policy analyze --file` on cloud state found by Pulumi's resource discovery and exported in
// state format (pulumi/pulumi#23664, CLI >= 3.249): resources marked `external`, outputs only (no
// inputs), no dependencies, and a provider reference whose provider resource the file may not hold.
//
// What the CLI sends for such a file (pulumi/pulumi 1b5949891b3c):
// - pkg/cmd/pulumi/policy/policy_analyze.go, newPolicyAnalyzeCmd: the file is an apitype.UntypedDeployment
//   read with stack.DeserializeUntypedDeployment, without an integrity check, so dangling provider
//   references are accepted; undecryptable secrets become the string "[secret]"; the packs are loaded with
//   no analyzer options (no ConfigureStack, no PULUMI_NODEJS_* environment).
// - pkg/resource/deploy/analyze_snapshot.go, AnalyzeSnapshot: per resource not pending deletion, Remediate
//   then Analyze on its stored *inputs* (empty for a discovered resource), then one AnalyzeStack on every
//   resource's *outputs*; stateToAnalyzerResource sends a provider only when the snapshot holds the provider
//   resource the reference names. `external` reaches no policy: the Analyzer protocol has no such field.
//
// Decided behaviour: the per-resource policy is not applicable to discovered resources (their inputs
// name no user, so it cannot pair them) and reports nothing; the stack policy judges the outputs and
// reports each key of a console user, pairing by user name within one account, the same with or without
// the provider resource in the file.

import * as assert from "assert";
import * as path from "path";
import { NOT_APPLICABLE } from "../../lib/messages";
import { assertNoSecrets, nameOfUrn } from "../helpers/expect";
import { PackProcess, POLICY_ANALYZE_ENV } from "../helpers/pack";
import { deployment, LEVEL_NAME, Run } from "../helpers/sequences";
import { ResourceSpec } from "../helpers/wire";
import { toSpecs } from "../programs/specs";
import { readStackExport, registrationsOf } from "../programs/stack-export";

const FIXTURE = path.resolve(__dirname, "..", "fixtures", "discovered-state", "aws-account.json");
const GUARD = "cis-1-11-block-pair-before-creation";
const STACK_POLICY = "cis-1-11-no-access-key-with-console-password";
// Nothing is deployed in an audit: no message may claim that something is being created or denied.
const DEPLOYMENT_CLAIMS = /before it is created|being created|being added|this deployment|step is denied|update stops/;

/** The file's resources as AnalyzeSnapshot sends them: providers resolved only within the file. */
function discovered(options: { withProvider: boolean }): ResourceSpec[] {
  const data = readStackExport(FIXTURE);
  const resources = data.deployment.resources!;
  for (const r of resources) {
    assert.equal(r.external, true, `${r.urn} is discovered state`);
    assert.equal(r.inputs, undefined, `${r.urn} has outputs only`);
  }
  if (options.withProvider) {
    // The same export with the provider resource its references name, as some exports include it.
    const ref = resources[0].provider!;
    resources.unshift({
      urn: ref.slice(0, ref.lastIndexOf("::")),
      custom: true,
      id: ref.slice(ref.lastIndexOf("::") + 2),
      type: "pulumi:providers:aws",
      inputs: { region: "us-east-1", version: "7.48.0" },
      outputs: { region: "us-east-1", version: "7.48.0" },
    });
  }
  return toSpecs(registrationsOf(data));
}

const findings = (list: Record<string, unknown>[]) =>
  list.map((d) => `${d.policyname}:${nameOfUrn(String(d.urn))}:${LEVEL_NAME[Number(d.enforcementlevel)]}`);

for (const withProvider of [false, true]) {
  describe(`pulumi policy analyze --file on discovered state (${withProvider ? "provider resource in the file" : "dangling provider references"})`, function () {
    this.timeout(60_000);
    let specs: ResourceSpec[];
    let run: Run;
    before(async () => {
      specs = discovered({ withProvider });
      const pack = await PackProcess.start({ env: POLICY_ANALYZE_ENV });
      try {
        run = await deployment(pack, specs, "analyze", {});
      } finally {
        await pack.stop();
      }
    });

    it("sends the provider exactly when the file holds it", () => {
      const key = specs.find((s) => s.name === "AKIAALICE00000000001")!;
      assert.equal(key.provider?.name, withProvider ? "default_7_48_0" : undefined);
      assert.deepEqual(key.inputs, {});
      assert.deepEqual(key.dependencies, []);
    });

    it("per resource: nothing reported, nothing remediated; the per-resource policy says why it does not apply", () => {
      assert.deepEqual(run.analyze, []);
      assert.equal(run.remediations, 0);
      const reasons: Record<string, string[]> = {};
      for (const n of run.analyzeNotApplicable) {
        assert.equal(n.policyName, GUARD);
        (reasons[String(n.urn)] ??= []).push(String(n.reason));
      }
      const iam = (type: string) => specs.filter((s) => s.type === type).map((s) => s.urn);
      for (const name of iam("aws:iam/user:User")) assert.deepEqual(reasons[name], [NOT_APPLICABLE.iamUser], name);
      for (const name of [...iam("aws:iam/userLoginProfile:UserLoginProfile"), ...iam("aws:iam/accessKey:AccessKey")]) {
        assert.deepEqual(reasons[name], [NOT_APPLICABLE.ownerNotKnown], name);
      }
      for (const name of iam("aws:s3/bucket:Bucket")) assert.deepEqual(reasons[name], [NOT_APPLICABLE.otherType], name);
    });

    it("at the end: the stack policy reports the active key of a console user, the Inactive one as advisory", () => {
      assert.deepEqual(findings(run.stack), [
        `${STACK_POLICY}:AKIAALICE00000000001:mandatory`,
        `${STACK_POLICY}:AKIAHEIDI00000000001:advisory`,
      ]);
      assert.match(
        String(run.stack[0].message),
        /^Access key "AKIAALICE00000000001" is set up for IAM user "alice", who has a console password from login profile "alice"/,
      );
      assert.deepEqual(run.stackNotApplicable, []);
    });

    it("claims nothing about a deployment and quotes no property value", () => {
      for (const d of run.stack) assert.doesNotMatch(String(d.message), DEPLOYMENT_CLAIMS);
      assertNoSecrets(
        run.stack.map((d) => ({ on: nameOfUrn(String(d.urn)), level: "", message: String(d.message) })),
        ["2025-02-03T10:00:00Z", "AIDAALICEEXAMPLE", "arn:aws:iam::123456789012:user/alice"],
      );
    });
  });
}
