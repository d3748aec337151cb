// The readiness evaluator against an independent IAM evaluator (@cloud-copilot/iam-simulate, with
// the Version rule and the request-context worlds applied by the harness, see oracle.ts) on
// generated policy sets. A fixed seed here; `npm run differential -- --cases 10000` for a larger run.

import { strict as assert } from "assert";
import { runDifferential } from "./run";

const SEED = 20261202;
const CASES = 100;
// Cases with more request contexts than this are left to the larger run, to keep `npm test` quick.
const WORLD_LIMIT = 48;

describe("readiness against an independent IAM evaluator (differential)", () => {
  it(`agrees on ${CASES} generated policy sets: never "can" where IAM says no, never a definite "no" where IAM allows`, function () {
    this.timeout(60_000);
    const counts = runDifferential(SEED, CASES, 1, WORLD_LIMIT);
    const detail = JSON.stringify(counts.examples, null, 1);
    assert.ok(counts.skipped <= CASES / 4, `compared ${counts.cases} of ${CASES} cases`);
    assert.equal(counts.dropped, 0, `a finding without a readiness sentence: ${detail}`);
    assert.equal(counts.falseCan, 0, `the pack says "can" where IAM says no: ${detail}`);
    assert.equal(counts.falseNo, 0, `the pack says a definite no where IAM allows: ${detail}`);
    // Open answers where IAM is definite in every context: the harness's worlds are few (a tag may
    // hold any value), so a handful remain; far more would mean the evaluator lost a rule.
    assert.ok(counts.openWhereDefinite <= CASES / 50, `open where IAM is definite: ${detail}`);
  });
});
