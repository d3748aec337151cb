// The per-resource policy's memory, in-process: resources recorded in registration order with the
// inputs the engine would send, through the SDK's own deserializer and unknown-value proxy.

import * as assert from "assert";
import { DeploymentMemory } from "../../lib/deployment-memory";
import { GUARD_CASES } from "../cases/guard-cases";
import { resourceView } from "../helpers/sdk-view";
import { StackBuilder } from "../helpers/stack";
import { unknown } from "../helpers/wire";

function pairsFound(memory: DeploymentMemory, s: StackBuilder) {
  const found: { on: string; level: string }[] = [];
  for (const spec of s.custom) {
    const pair = memory.record(resourceView(spec));
    if (!pair) continue;
    found.push({ on: spec.name, level: pair.keyActive && pair.accountDoubt === undefined ? "mandatory" : "advisory" });
  }
  return found;
}

describe("cis-1-11-block-pair-before-creation (deployment memory)", () => {
  for (const c of GUARD_CASES) {
    it(c.name, () => {
      const s = new StackBuilder({ mode: "update" });
      c.build(s);
      assert.deepStrictEqual(
        pairsFound(new DeploymentMemory(), s),
        c.expect.map((e) => ({ on: e.on, level: e.level })),
      );
    });
  }

  it("ignores a user name that is not known (preview inputs)", () => {
    const s = new StackBuilder({ mode: "preview" });
    s.loginProfile("p", "alice");
    s.accessKey("k", unknown);
    assert.deepStrictEqual(pairsFound(new DeploymentMemory(), s), []);
  });

  it("keeps resources of different stacks apart", () => {
    const memory = new DeploymentMemory();
    const a = new StackBuilder({ stack: "a" });
    a.loginProfile("alice-login", "alice");
    const b = new StackBuilder({ stack: "b" });
    b.accessKey("alice-key", "alice");
    assert.deepStrictEqual([...pairsFound(memory, a), ...pairsFound(memory, b)], []);
  });

  it("starts over when a resource is analyzed again (a new deployment)", () => {
    const memory = new DeploymentMemory();
    const first = new StackBuilder();
    const bob = first.user("bob");
    first.accessKey("bob-key", bob.out("name"));
    assert.deepStrictEqual(pairsFound(memory, first), []);
    // Next deployment: the key was removed and a console password added.
    const second = new StackBuilder();
    const bob2 = second.user("bob");
    second.loginProfile("bob-login", bob2.out("name"));
    assert.deepStrictEqual(pairsFound(memory, second), []);
  });

  it("holds only the IAM resources of the current deployment", () => {
    const memory = new DeploymentMemory();
    const big = new StackBuilder({ stack: "big" });
    for (let i = 0; i < 500; i++) {
      big.user(`u${i}`);
      big.other("aws:s3/bucket:Bucket", `b${i}`);
    }
    pairsFound(memory, big);
    assert.strictEqual(memory.size, 500);
    const next = new StackBuilder({ stack: "next" });
    next.user("only");
    pairsFound(memory, next);
    assert.strictEqual(memory.size, 1);
    memory.reset();
    assert.strictEqual(memory.size, 0);
  });
});
