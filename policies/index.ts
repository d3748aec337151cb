// The library entry: both policies of CIS AWS 1.11, for an organisation's own `new PolicyPack(...)`.
//
// Importing this module must have no side effects: constructing a PolicyPack starts the Analyzer
// server, and a second one in the same process makes the SDK's serve() exit. So nothing here
// constructs one; this pack's own entry (index.ts) does, from these same exports.

import type { EnforcementLevel, Policies, PolicyPackArgs } from "@pulumi/policy";
import { blockPairBeforeCreation } from "./block-pair-before-creation";
import { noAccessKeyWithConsolePassword } from "./no-access-key-with-console-password";

export { blockPairBeforeCreation, noAccessKeyWithConsolePassword };

/** The policies' names: the keys of their entries in a policy config file. */
export const POLICY_NAMES = {
  stack: "cis-1-11-no-access-key-with-console-password",
  perResource: "cis-1-11-block-pair-before-creation",
} as const;

export type Cis111PolicyName = (typeof POLICY_NAMES)[keyof typeof POLICY_NAMES];

export interface Cis111Options {
  /**
   * The level both policies declare (default: mandatory). A policy's own level takes precedence over
   * the level of the pack it is in, and a policy config file's level over both.
   */
  enforcementLevel?: EnforcementLevel;
  /**
   * Only these policies (default: both). With only the per-resource policy, its memory of the
   * deployment lasts as long as the pack process (see "Use in your own policy pack" in the README).
   */
  only?: readonly Cis111PolicyName[];
}

/**
 * Both policies (or those in `only`), as new objects at the given enforcement level, in the order this
 * pack lists them. Names, metadata and config schema are unchanged.
 */
export function cisAws111Policies(options: Cis111Options = {}): Policies {
  const all = [noAccessKeyWithConsolePassword, blockPairBeforeCreation];
  const known = new Set<string>(all.map((p) => p.name));
  const unknown = (options.only ?? []).filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new Error(`cisAws111Policies: unknown policy ${unknown.join(", ")}; known: ${[...known].join(", ")}`);
  }
  const selected = options.only === undefined ? all : all.filter((p) => options.only!.includes(p.name as never));
  const level = options.enforcementLevel;
  return selected.map((p) => (level === undefined ? { ...p } : { ...p, enforcementLevel: level }));
}

/** This pack's own name and description, as its entry (index.ts) publishes them. */
export const PACK_NAME = "cis-aws-1-11";

export const PACK_INFO: Omit<PolicyPackArgs, "policies"> = {
  displayName: "CIS AWS Foundations Benchmark 1.11: no access keys at console user setup",
  provider: "aws",
  tags: ["cis-aws-3.0.0", "iam", "credentials"],
  description:
    "CIS AWS Foundations Benchmark v3.0.0, 1.11: do not set up access keys together with an IAM user's console password.",
  enforcementLevel: "mandatory",
};
