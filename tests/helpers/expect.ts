// Assertions shared by the specs: findings compared by resource name and level, never by the
// exact wording, plus the secret-leak check every test of a message runs.

import * as assert from "assert";
import { PASSWORD, SECRET_KEY } from "./stack";

export interface Found {
  on: string;
  level: string;
  message: string;
}

export interface ExpectedFinding {
  on: string;
  level: string;
  says?: string[];
  never?: string[];
}

/** The resource name at the end of a URN ("" for stack-level findings). */
export function nameOfUrn(urn: string): string {
  return urn ? urn.slice(urn.lastIndexOf("::") + 2) : "";
}

export const SECRETS = [PASSWORD, SECRET_KEY];

export function assertNoSecrets(found: Found[], secrets: string[] = SECRETS): void {
  for (const f of found) {
    for (const s of secrets) {
      assert.ok(!f.message.includes(s), `message on "${f.on}" contains a secret value: ${f.message}`);
    }
  }
}

export function assertFindings(found: Found[], expected: ExpectedFinding[]): void {
  const summary = (xs: { on: string; level: string }[]) => xs.map((x) => `${x.on}:${x.level}`).sort();
  assert.deepStrictEqual(summary(found), summary(expected), `findings: ${JSON.stringify(found, null, 1)}`);
  for (const e of expected) {
    const f = found.find((x) => x.on === e.on && x.level === e.level)!;
    for (const text of e.says ?? []) {
      assert.ok(f.message.includes(text), `message on "${e.on}" should say ${JSON.stringify(text)}: ${f.message}`);
    }
    for (const text of e.never ?? []) {
      assert.ok(!f.message.includes(text), `message on "${e.on}" should not say ${JSON.stringify(text)}: ${f.message}`);
    }
  }
  assertNoSecrets(found);
}
