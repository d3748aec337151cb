// Assertions shared by the specs: findings compared by resource name and level, never by the
// exact wording, plus the secret-leak check every test of a message runs.

import * as assert from "assert";
import { PASSWORD, SECRET_KEY } from "./stack";
import { encode, ResourceSpec, SECRET_SIG, SECRET_SIG_KEY } from "./wire";

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

/**
 * Every string the engine sends marked secret in these resources (inputs, outputs, providers), and the
 * name and path inside a secret ARN: none of them may appear in a message.
 */
export function secretValuesOf(specs: readonly ResourceSpec[]): string[] {
  const out = new Set<string>();
  const walk = (v: unknown, secret: boolean): void => {
    if (typeof v === "string") {
      if (!secret || v.length === 0) return;
      out.add(v);
      const arn = /^arn:[^:]*:[^:]*:[^:]*:[^:]*:[^/]*(\/(?:.*\/)?)([^/]+)$/.exec(v);
      if (arn) {
        out.add(arn[2]);
        if (arn[1] !== "/") out.add(arn[1]);
      }
    } else if (Array.isArray(v)) v.forEach((x) => walk(x, secret));
    else if (v !== null && typeof v === "object") {
      const o = v as Record<string, unknown>;
      const inner = secret || o[SECRET_SIG_KEY] === SECRET_SIG;
      for (const [k, x] of Object.entries(o)) if (k !== SECRET_SIG_KEY) walk(x, inner);
    }
  };
  for (const r of specs) {
    walk(encode(r.inputs), false);
    walk(encode(r.outputs), false);
    if (r.provider) walk(encode(r.provider.props), false);
  }
  return [...out];
}

// Characters that continue a name: "sam-admin-key" (a resource name) does not print "sam-admin".
const NAME_CHAR = /[A-Za-z0-9_+=,@-]/;

/** Whether `text` contains `value` as a whole value (ignoring case), not as part of a longer name. */
function containsValue(text: string, value: string): boolean {
  const t = text.toLowerCase();
  const v = value.toLowerCase();
  for (let i = t.indexOf(v); i >= 0; i = t.indexOf(v, i + 1)) {
    const before = i > 0 ? t[i - 1] : "";
    const after = t[i + v.length] ?? "";
    if (!NAME_CHAR.test(before) && !NAME_CHAR.test(after)) return true;
  }
  return false;
}

/** No message or reason contains a value the program marked secret in these resources. */
export function assertNoSecretValues(
  texts: Array<{ on: string; message: string }>,
  specs: readonly ResourceSpec[],
): void {
  for (const value of secretValuesOf(specs)) {
    for (const f of texts) {
      assert.ok(
        !containsValue(f.message, value),
        `text on "${f.on}" contains the secret value "${value}": ${f.message}`,
      );
    }
  }
}

export function assertFindings(found: Found[], expected: ExpectedFinding[], specs?: readonly ResourceSpec[]): void {
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
  if (specs) assertNoSecretValues(found, specs);
}
