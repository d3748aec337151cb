// A narrow IAM policy evaluator. It answers one kind of question: is iam:CreateAccessKey on this
// user allowed by these policy documents? It follows the IAM evaluation logic for a request within
// one account: an explicit Deny in any policy wins; otherwise an identity policy must Allow it; a
// permissions boundary, when set, must Allow it too (lib/readiness/answer.ts combines them, with
// the SCPs). Resource policies, session policies and role sessions play no part in creating one's
// own access key.
//
// Anything it cannot decide stays open: a Condition that depends on the request ("condition"), a
// document or value not known during preview ("unknown"). Open is never reported as allowed.

import { conditionMatches } from "./conditions";
import { CompiledStatement, Document, Unreadable } from "./document";
import { all, any, ArnParts, Match, not } from "./match";
import { Context } from "./variables";

/** One request: the user's ARN, and what the pack knows of the request's context. */
export interface Request {
  resource: ArnParts;
  context: Context;
}

/** A policy taking part in a decision, labelled for messages. */
export interface Source<L> {
  label: L;
  document: Document;
  /** "unknown" when it is not certain that the policy applies to this principal at all. */
  applies?: "yes" | "unknown";
}

/** The statement that decided, with the policy it is in. */
export interface Evidence<L> {
  label: L;
  sid?: string;
}

/**
 * The answer for a set of policies, all of which apply together:
 * - allowed: an Allow applies and nothing can deny it;
 * - denied: an explicit Deny applies;
 * - not-allowed: no Allow applies (implicit deny);
 * - condition: the answer depends on a Condition in `by`;
 * - unknown: the answer depends on `by`, a document that cannot be read here (`reason`) or a
 *   value not known yet.
 * `allowedBy` is the Allow found when the answer stays open.
 */
export type Verdict<L> =
  | { kind: "allowed"; by: Evidence<L> }
  | { kind: "denied"; by: Evidence<L> }
  | { kind: "not-allowed" }
  | { kind: "condition"; by: Evidence<L>; allowedBy?: Evidence<L> }
  | { kind: "unknown"; by: Evidence<L>; reason: Unreadable; allowedBy?: Evidence<L> };

type Open<L> = { kind: "condition"; by: Evidence<L> } | { kind: "unknown"; by: Evidence<L>; reason: Unreadable };

/** Whether a compiled statement applies to the request (its Effect aside). */
export function statementApplies(statement: CompiledStatement, request: Request): Match {
  let resource: Match = "yes";
  if (statement.resource) {
    const results: Match[] = [];
    for (const p of statement.resource.patterns) {
      const m = p.matches(request.resource, request.context);
      results.push(m);
      if (m === "yes") break;
    }
    resource = statement.resource.not ? not(any(results)) : any(results);
  }
  if (resource === "no") return "no";
  return all([resource, conditionMatches(statement.condition, request.context)]);
}

function evidence<L>(label: L, document: Document, statement?: CompiledStatement): Evidence<L> {
  // A Sid of a document marked secret is part of that secret.
  const secret = "secret" in document && document.secret;
  return statement?.sid && !secret ? { label, sid: statement.sid } : { label };
}

// Not known yet outranks a condition: it may turn out to apply without one.
function firstOpen<L>(current: Open<L> | undefined, next: Open<L>): Open<L> {
  return !current || (current.kind === "condition" && next.kind === "unknown") ? next : current;
}

/** Evaluates a set of policies that apply together (identity policies; or one boundary). */
export function evaluate<L>(sources: Iterable<Source<L>>, request: Request): Verdict<L> {
  let allow: Evidence<L> | undefined;
  let openAllow: Open<L> | undefined;
  let openDeny: Open<L> | undefined;
  // A document that cannot be read may hold an Allow as well as a Deny.
  let unreadable: Open<L> | undefined;

  for (const source of sources) {
    const document = source.document;
    if ("unreadable" in document) {
      unreadable ??= { kind: "unknown", by: { label: source.label }, reason: document.unreadable };
      continue;
    }
    for (const statement of document.statements) {
      let applies = statementApplies(statement, request);
      if (applies === "yes" && source.applies === "unknown") applies = "unknown";
      if (applies === "no") continue;
      const by = evidence(source.label, document, statement);
      if (applies === "yes") {
        // An explicit Deny settles it: nothing later can change the answer.
        if (statement.effect === "Deny") return { kind: "denied", by };
        allow ??= by;
        continue;
      }
      const o: Open<L> =
        applies === "condition" ? { kind: "condition", by } : { kind: "unknown", by, reason: "unknown" };
      if (statement.effect === "Deny") openDeny = firstOpen(openDeny, o);
      else openAllow = firstOpen(openAllow, o);
    }
  }
  if (allow) {
    const open = unreadable ?? openDeny;
    return open ? { ...open, allowedBy: allow } : { kind: "allowed", by: allow };
  }
  // Without an Allow, an open Deny changes nothing: the answer hangs on the open Allow, if any.
  const open = unreadable ?? openAllow;
  return open ?? { kind: "not-allowed" };
}
