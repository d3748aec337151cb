// AWS managed policies by ARN. Their documents come from a generated data file holding only the
// statements that matter for iam:CreateAccessKey; it is loaded on first use, which only happens
// when a finding needs it.

import { compileDocument, Document } from "./document";

/** `arn:aws:iam::aws:policy/<path/name>` (any partition): the path and name, else undefined. */
export function awsManagedPolicyKey(arn: string): string | undefined {
  const m = /^arn:aws[a-z-]*:iam::aws:policy\/(.+)$/.exec(arn);
  return m ? m[1] : undefined;
}

let policies: Readonly<Record<string, readonly object[]>> | undefined;
const compiled = new Map<string, Document>();

/** The relevant part of an AWS managed policy's document, or undefined when the pack does not know it. */
export function awsManagedDocument(key: string): Document | undefined {
  if (!policies) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    policies = (require("./aws-managed-data") as typeof import("./aws-managed-data")).POLICIES;
  }
  const statements = Object.prototype.hasOwnProperty.call(policies, key) ? policies[key] : undefined;
  if (!statements) return undefined;
  let doc = compiled.get(key);
  if (!doc) {
    // Every AWS managed policy is written under Version 2012-10-17.
    doc = compileDocument({ Version: "2012-10-17", Statement: statements });
    compiled.set(key, doc);
  }
  return doc;
}

/** Whether the data file has been loaded in this process (for the tests of laziness). */
export function awsManagedDataLoaded(): boolean {
  return policies !== undefined;
}
