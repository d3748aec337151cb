// The README shows config files and policy names; they must not drift from the real ones.

import * as assert from "assert";
import { readFileSync } from "fs";
import * as path from "path";
import { blockPairBeforeCreation } from "../../policies/block-pair-before-creation";
import { noAccessKeyWithConsolePassword } from "../../policies/no-access-key-with-console-password";

const ROOT = path.resolve(__dirname, "..", "..");
const README = readFileSync(path.join(ROOT, "README.md"), "utf8");

describe("README", () => {
  it("shows each embedded config file exactly as it is in the repository", () => {
    const embedded = [...README.matchAll(/<!-- file: (\S+) -->\n```json\n([\s\S]*?)\n```/g)];
    assert.ok(embedded.length >= 2, "config files are embedded");
    for (const [, file, body] of embedded) {
      assert.strictEqual(body.trim(), readFileSync(path.join(ROOT, file), "utf8").trim(), `${file} drifted`);
    }
  });

  it("names every policy of the pack in its rules table, with its default level", () => {
    const table = README.slice(README.indexOf("<!-- rules-table -->"), README.indexOf("<!-- /rules-table -->"));
    for (const policy of [noAccessKeyWithConsolePassword, blockPairBeforeCreation]) {
      const row = table.split("\n").find((line) => line.includes(`\`${policy.name}\``));
      assert.ok(row, `${policy.name} is in the rules table`);
      assert.ok(row.includes(String(policy.enforcementLevel)), `${policy.name} row gives its level`);
    }
  });

  it("gives the two commands: install-and-build, then test", () => {
    assert.match(README, /npm install[^\n]*# installs and builds/);
    assert.match(README, /npm test/);
  });
});
