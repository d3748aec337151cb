// What a fresh Node.js process loads: for tests that some module is loaded only when needed.

import { spawnSync } from "child_process";
import * as path from "path";

const ROOT = path.join(__dirname, "..", "..");

/**
 * Runs `script` (CommonJS, TypeScript sources through ts-node, cwd = repository root) in a new process
 * and returns every module it had loaded at the end, relative to the root with "/" separators.
 */
export function modulesLoadedBy(script: string): string[] {
  const r = spawnSync(
    process.execPath,
    [
      "-r",
      "ts-node/register/transpile-only",
      "-e",
      `${script}\nconsole.log(JSON.stringify(Object.keys(require.cache)));`,
    ],
    { cwd: ROOT, encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(`the script failed (${r.status}): ${r.stderr}`);
  return (JSON.parse(r.stdout.trim().split("\n").pop()!) as string[]).map((f) =>
    path.relative(ROOT, f).split(path.sep).join("/"),
  );
}
