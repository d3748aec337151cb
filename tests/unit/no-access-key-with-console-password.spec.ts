// The stack policy's decisions, in-process: each case's stack goes through the SDK's own
// deserializer and unknown-value proxy, then through the policy's analysis.

import * as assert from "assert";
import { NO_EXEMPTIONS } from "../../lib/exemptions";
import { forgetSecrets } from "../../lib/secrets";
import { analyzeStack } from "../../lib/stack-analysis";
import { expectedFor, STACK_CASES } from "../cases/stack-cases";
import { assertFindings, nameOfUrn } from "../helpers/expect";
import { stackView } from "../helpers/sdk-view";
import { Mode, StackBuilder } from "../helpers/stack";

describe("cis-1-11-no-access-key-with-console-password (decision logic)", () => {
  for (const mode of ["preview", "update"] as Mode[]) {
    describe(`in ${mode}`, () => {
      // As the CLI sets it for the pack (lib/run.ts), and a new deployment's secrets each time.
      const saved = process.env.PULUMI_NODEJS_DRY_RUN;
      before(() => (process.env.PULUMI_NODEJS_DRY_RUN = mode === "preview" ? "true" : "false"));
      after(() =>
        saved === undefined ? delete process.env.PULUMI_NODEJS_DRY_RUN : (process.env.PULUMI_NODEJS_DRY_RUN = saved),
      );
      beforeEach(forgetSecrets);
      for (const c of STACK_CASES) {
        it(c.name, () => {
          const s = new StackBuilder({ mode });
          c.build(s);
          // As the CLI sets PULUMI_NODEJS_DRY_RUN for a preview and an update.
          const reports = analyzeStack(stackView(s.resources), NO_EXEMPTIONS, Date.now(), mode);
          const found = reports.map((r) => ({
            on: nameOfUrn(r.urn),
            level: r.advisory ? "advisory" : "mandatory",
            message: r.message,
          }));
          assertFindings(found, expectedFor(c, mode), s.resources);
        });
      }
    });
  }
});

describe("cis-1-11-no-access-key-with-console-password (resilience)", () => {
  it("reports a resource it could not check as advisory and still checks the rest", () => {
    const s = new StackBuilder();
    s.loginProfile("alice-login", "alice");
    s.accessKey("alice-key", "alice");
    const views = stackView(s.resources);
    // Fails on every kind of access: reading a value, or its property descriptor.
    const fail = () => {
      throw new Error("decoder failure");
    };
    const broken = new Proxy({}, { get: fail, getOwnPropertyDescriptor: fail, has: fail, ownKeys: fail });
    views.push({
      type: "aws:iam/accessKey:AccessKey",
      urn: "urn:pulumi:dev::app::aws:iam/accessKey:AccessKey::broken",
      name: "broken",
      props: broken,
    });
    const reports = analyzeStack(views, NO_EXEMPTIONS, Date.now());
    assert.deepStrictEqual(
      reports.map((r) => [nameOfUrn(r.urn), r.advisory]),
      [
        ["alice-key", false],
        ["broken", true],
      ],
    );
    assert.match(reports[1].message, /Could not check .* "broken" for CIS 1.11: decoder failure/);
  });
});
