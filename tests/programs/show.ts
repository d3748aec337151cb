// Prints what the pack reports for example programs, as a starting point for expected.json.
//
// Usage: npx ts-node --transpile-only tests/programs/show.ts examples/<name> [more dirs...]

import * as path from "path";
import { PackProcess } from "../helpers/pack";
import { deploy, Mode, runProgram, specsOf } from "./harness";
import { loadExpected } from "./expectations";
import { nameOfUrn } from "../helpers/expect";
import * as fs from "fs";

async function main(): Promise<void> {
  const dirs = process.argv.slice(2).map((d) => path.resolve(d));
  for (const mode of ["preview", "update"] as Mode[]) {
    const pack = await PackProcess.start({ env: { PULUMI_NODEJS_DRY_RUN: String(mode === "preview") } });
    try {
      for (const dir of dirs) {
        const record = await runProgram(dir, mode);
        const expectedFile = path.join(dir, "expected.json");
        const config = fs.existsSync(expectedFile) ? loadExpected(expectedFile).policyConfig : undefined;
        const findings = await deploy(pack, specsOf(record), config);
        console.log(`\n## ${path.basename(dir)} (${mode})`);
        console.log(`registered: ${record.registrations.map((r) => r.name).join(", ")}`);
        for (const [phase, list] of Object.entries(findings)) {
          for (const d of list) {
            console.log(`${phase}: ${d.policyName} [${d.enforcementLevel}] ${d.urn ? nameOfUrn(d.urn) : "<no urn>"}`);
            console.log(`    ${d.message}`);
          }
        }
      }
    } finally {
      await pack.stop();
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
