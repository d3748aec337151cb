// expected.json: the findings an example (or a stack export) must produce, per mode and policy.
//
// {
//   "summary": "one line for the docs",
//   "policyConfig": { "<policy>": { "enforcementLevel": "advisory", ... } },   (optional)
//   "preview": { "<policy name>": [ { "resource": "<resource name>", "enforcementLevel": "mandatory",
//                                     "messageIncludes": ["..."] } ] },
//   "update":  { ... }
// }
//
// A policy left out of a mode expects no findings. Every finding must be listed: an unexpected
// one (an empty-URN "can't run policy" diagnostic included) fails the check.

import * as assert from "assert";
import * as fs from "fs";
import { Diagnostic, Level, PolicyConfig } from "../helpers/pack";
import { nameOfUrn } from "../helpers/expect";

export interface ExpectedFinding {
  resource: string;
  enforcementLevel: Level;
  messageIncludes?: string[];
}

export type PolicyFindings = Record<string, ExpectedFinding[]>;

export interface Expected {
  summary: string;
  policyConfig?: Record<string, PolicyConfig>;
  [mode: string]: PolicyFindings | string | Record<string, PolicyConfig> | undefined;
}

export function loadExpected(file: string): Expected {
  const expected = JSON.parse(fs.readFileSync(file, "utf8")) as Expected;
  assert.ok(typeof expected.summary === "string" && expected.summary.length > 0, `${file}: summary missing`);
  return expected;
}

export function findingsFor(expected: Expected, mode: string): PolicyFindings {
  return (expected[mode] as PolicyFindings | undefined) ?? {};
}

function key(resource: string, level: string): string {
  return `${level} on ${resource === "" ? "<no resource>" : JSON.stringify(resource)}`;
}

/** Asserts that `actual` (one policy's diagnostics) is exactly `expected`, as a multiset. */
export function assertFindings(policy: string, actual: Diagnostic[], expected: ExpectedFinding[]): void {
  const got = actual.map((d) => key(nameOfUrn(d.urn), d.enforcementLevel)).sort();
  const want = expected.map((e) => key(e.resource, e.enforcementLevel)).sort();
  const messages = actual.map((d) => `  - [${d.enforcementLevel}] ${d.urn || "<no urn>"}: ${d.message}`).join("\n");
  assert.deepStrictEqual(got, want, `${policy} reported:\n${messages || "  (nothing)"}`);
  for (const e of expected) {
    for (const text of e.messageIncludes ?? []) {
      const match = actual.some((d) => nameOfUrn(d.urn) === e.resource && d.message.includes(text));
      assert.ok(match, `${policy}: no finding on ${e.resource} mentions ${JSON.stringify(text)}:\n${messages}`);
    }
  }
}

/** "mandatory on alice-key, advisory on bob-key" or "nothing", for test titles. */
export function describeFindings(expected: ExpectedFinding[]): string {
  if (expected.length === 0) return "nothing";
  return expected.map((e) => `${e.enforcementLevel} on ${e.resource}`).join(", ");
}
