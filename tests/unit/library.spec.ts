// The library entry (policies/index.ts) that organisations spread into their own PolicyPack, and the
// published lock pinning its peer dependencies for the pack's own install.

import { strict as assert } from "assert";
import {
  blockPairBeforeCreation,
  cisAws111Policies,
  noAccessKeyWithConsolePassword,
  PACK_INFO,
  PACK_NAME,
  POLICY_NAMES,
} from "../../policies";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { publishedManifest, runtimeLock } = require("../../scripts/pack.js");

describe("library entry", () => {
  it("returns both policies, stack policy first, as copies with names, metadata and config schema unchanged", () => {
    const policies = cisAws111Policies();
    assert.deepEqual(
      policies.map((p) => p.name),
      [POLICY_NAMES.stack, POLICY_NAMES.perResource],
    );
    assert.deepEqual(policies, [noAccessKeyWithConsolePassword, blockPairBeforeCreation]);
    assert.notEqual(policies[0], noAccessKeyWithConsolePassword, "a copy: changing it changes no other pack");
    policies[0].enforcementLevel = "disabled";
    assert.equal(noAccessKeyWithConsolePassword.enforcementLevel, "mandatory");
  });

  it("sets the chosen enforcement level on each policy, nothing else", () => {
    const policies = cisAws111Policies({ enforcementLevel: "advisory" });
    assert.deepEqual(
      policies.map((p) => p.enforcementLevel),
      ["advisory", "advisory"],
    );
    assert.deepEqual(
      { ...policies[1], enforcementLevel: "mandatory" },
      { ...blockPairBeforeCreation, enforcementLevel: "mandatory" },
    );
  });

  it("takes only the policies named in `only`", () => {
    assert.deepEqual(
      cisAws111Policies({ only: [POLICY_NAMES.perResource] }).map((p) => p.name),
      [POLICY_NAMES.perResource],
    );
    assert.deepEqual(
      cisAws111Policies({ only: [POLICY_NAMES.stack] }).map((p) => p.name),
      [POLICY_NAMES.stack],
    );
    assert.deepEqual(cisAws111Policies({ only: [] }), []);
  });

  it("refuses a policy name it does not have, rather than leaving it out silently", () => {
    assert.throws(
      () => cisAws111Policies({ only: ["cis-1-11-no-such-policy" as never] }),
      /unknown policy cis-1-11-no-such-policy/,
    );
  });

  it("describes this pack as its entry publishes it", () => {
    assert.equal(PACK_NAME, "cis-aws-1-11");
    assert.equal(PACK_INFO.enforcementLevel, "mandatory");
    assert.ok(PACK_INFO.description?.includes("1.11"));
  });
});

describe("scripts/pack.js with peer dependencies", () => {
  const manifest = {
    name: "p",
    version: "1.0.0",
    dependencies: { a: "^1.0.0" },
    peerDependencies: { sdk: ">=1.20.0 <1.22.0" },
    devDependencies: { t: "^5.0.0" },
  };

  it("pins the peers the development lock installed, so the pack's own install stays exact", () => {
    const lock = {
      lockfileVersion: 3,
      packages: {
        "": { name: "p", dependencies: manifest.dependencies, peerDependencies: manifest.peerDependencies },
        "node_modules/a": { version: "1.2.3" },
        "node_modules/sdk": { version: "1.21.0", peer: true },
        "node_modules/t": { version: "5.9.3", dev: true },
      },
    };
    const runtime = runtimeLock(lock, publishedManifest(manifest));
    assert.deepEqual(Object.keys(runtime.packages), ["", "node_modules/a", "node_modules/sdk"]);
  });

  it("refuses a lock that does not hold a peer", () => {
    const lock = { lockfileVersion: 3, packages: { "": { name: "p" }, "node_modules/a": { version: "1.2.3" } } };
    assert.throws(() => runtimeLock(lock, publishedManifest(manifest)), /does not hold sdk@>=1\.20\.0 <1\.22\.0/);
  });
});
