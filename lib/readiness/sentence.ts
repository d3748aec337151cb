// The readiness sentence of a finding: whether the person can create their own key, and the
// evidence. Each wording comes from the case that produced it: "not known until the update" only in
// a preview, "not managed in this stack" only for a policy ARN no resource of the stack holds.
// Labels name resources and policies; values the program marked secret never reach them
// (lib/readiness/stack-index.ts names the resource instead).

import type { Readiness, ScpCaveat } from "./answer";
import type { Evidence } from "./iam/evaluate";
import type { Run } from "../run";

/** What the engine told the pack about the run (lib/run.ts): a preview, an update, or neither (an audit). */
export type RunKind = Run;

const ON_OWN_USER = "iam:CreateAccessKey on their own user";

function evidenceLabel(e: Evidence<string>): string {
  return e.sid !== undefined ? `statement "${e.sid}" of ${e.label}` : e.label;
}

const MANAGEMENT = "SCPs do not apply to the management account";

function scpNote(scp: ScpCaveat | undefined): string {
  if (!scp) return "";
  switch (scp.why) {
    case "deny":
      return `, but ${scp.label} may block it (${MANAGEMENT})`;
    case "allow-list":
      return (
        `, but it may be blocked by ${scp.label}: its Allow statements do not cover iam:CreateAccessKey, so where ` +
        `it replaces FullAWSAccess it blocks it (FullAWSAccess may also be attached from outside this stack; ${MANAGEMENT})`
      );
    case "unreadable":
      return `, but ${scp.label} may block it: it is not a policy document this pack can read (${MANAGEMENT})`;
  }
}

function notKnown(what: string, run: RunKind): string {
  switch (run) {
    case "preview":
      return `cannot be told yet: ${what} depends on values not known until the update`;
    case "update":
      return `cannot be told: ${what} depends on values the engine sent as not known`;
    case "analysis":
      return `cannot be told: ${what} depends on values not known when this check ran`;
  }
}

/** Whether the person can create their own key under the IAM this stack manages, with the evidence. */
export function readinessSentence(r: Readiness, run: RunKind): string {
  const scp = "scp" in r ? scpNote(r.scp) : "";
  switch (r.kind) {
    case "can":
      return `They can create their own key: ${evidenceLabel(r.grant)} allows ${ON_OWN_USER}${scp}.`;
    case "denied":
      return `They cannot create their own key: ${evidenceLabel(r.by)} denies ${ON_OWN_USER}.`;
    case "boundary":
      return r.grant
        ? `They cannot create their own key: ${evidenceLabel(r.grant)} allows it, but permissions boundary ${r.boundary} does not.`
        : `They cannot create their own key: permissions boundary ${r.boundary} does not allow ${ON_OWN_USER}.`;
    case "nothing":
      return (
        `Nothing in this stack allows them ${ON_OWN_USER}: give them the self-service policy from the rule's ` +
        `docs ("How the person gets a key", example compliant-self-service-keys).`
      );
    case "condition":
      return `Whether they can create their own key depends on a condition in ${evidenceLabel(r.by)}${scp}.`;
    case "unknown": {
      const what = evidenceLabel(r.by);
      const why =
        r.reason === "unknown"
          ? notKnown(what, run)
          : r.reason === "outside"
            ? `cannot be told: ${what} is not managed in this stack`
            : r.reason === "unlisted"
              ? `cannot be told: ${what} is not known to this pack`
              : `cannot be told: ${what} is not a policy document this pack can read`;
      const grant = r.grant ? ` (${evidenceLabel(r.grant)} allows it)` : "";
      return `Whether they can create their own key ${why}${grant}${scp}.`;
    }
    case "failed":
      return "Whether they can create their own key could not be determined: reading this stack's IAM policies failed.";
  }
}
