// Writes the `pulumi stack export` a `pulumi up` of a program would leave, to make fixtures.
//
// Usage: npx ts-node --transpile-only tests/programs/make-stack-export.ts <programDir> <out.json>

import * as fs from "fs";
import * as path from "path";
import { runProgram } from "./harness";
import { toStackExport } from "./stack-export";

async function main(): Promise<void> {
  const [dir, out] = process.argv.slice(2);
  if (!dir || !out) throw new Error("usage: make-stack-export.ts <programDir> <out.json>");
  const record = await runProgram(path.resolve(dir), "update");
  const data = toStackExport(record, "2025-03-04T10:15:42.118Z");
  fs.writeFileSync(out, JSON.stringify(data, null, 2) + "\n");
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
