// The large and hostile readiness shapes (tests/cases/readiness-shapes.ts) through the real pack over
// gRPC: every console user's key is reported, with the readiness sentence the shape expects, and the
// answer comes back (no timing is asserted; bench/hostile.ts measures them, `npm run bench -- --only-hostile`).

import { strict as assert } from "assert";
import { SHAPES } from "../cases/readiness-shapes";
import { nameOfUrn } from "../helpers/expect";
import { PackProcess } from "../helpers/pack";
import { Mode, StackBuilder } from "../helpers/stack";

const POLICY = "cis-1-11-no-access-key-with-console-password";

// In preview only the shapes whose answer differs from the update's, or that are small: the
// 1,000-user stacks cost seconds each to encode, and the update runs them all.
const inPreview = (name: string, findings: number) => findings < 1000 || name.includes(" x 20 memberships");

for (const mode of ["preview", "update"] as Mode[]) {
  describe(`readiness on large and hostile input, at the end of ${mode === "preview" ? "a preview" : "an update"} (gRPC)`, () => {
    let pack: PackProcess;
    before(async () => {
      pack = await PackProcess.shared({ env: { PULUMI_NODEJS_DRY_RUN: mode === "preview" ? "true" : "false" } });
      await pack.configure({});
    });
    after(async () => {
      await pack?.stop();
    });

    for (const shape of SHAPES.filter((x) => mode === "update" || inPreview(x.name, x.findings))) {
      it(`${shape.name}: every key reported, saying "${shape.says[mode].slice(0, 60)}"`, async function () {
        this.timeout(120_000);
        const s = new StackBuilder({ mode });
        shape.build(s);
        const keys = (await pack.analyzeStack(s.resources)).filter(
          (d) => d.policyName === POLICY && nameOfUrn(d.urn).endsWith("-key"),
        );
        assert.equal(keys.length, shape.findings);
        const wrong = keys.filter((d) => !d.message.includes(shape.says[mode]));
        assert.deepEqual(
          wrong.slice(0, 1).map((d) => d.message),
          [],
        );
      });
    }
  });
}
