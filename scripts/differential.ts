// `npm run differential -- [--cases N] [--seed S] [--examples K]`
//
// The readiness evaluator against an independent IAM evaluator (tests/differential) on N generated
// scenarios: prints the counts the test asserts (0 false "can", 0 false "no") and the open answers
// where IAM is definite in every request context, with a few example scenarios of each.

import { runDifferential } from "../tests/differential/run";

function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && at + 1 < process.argv.length ? Number(process.argv[at + 1]) : fallback;
}

const cases = flag("cases", 10000);
const seed = flag("seed", 1);
const started = Date.now();
const counts = runDifferential(seed, cases, flag("examples", 2));
const { examples, ...summary } = counts;
console.log(JSON.stringify({ seed, ...summary, seconds: (Date.now() - started) / 1000 }, null, 1));
for (const e of examples) {
  console.log(`\n[${e.kind}] IAM: ${e.iam}; pack: ${e.pack}\n${JSON.stringify(e.scenario)}`);
}
