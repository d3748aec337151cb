// A narrow IAM policy evaluator. It answers one kind of question: is this action on this resource
// allowed for this principal by these policy documents? It follows the IAM evaluation logic for a
// request within one account: an explicit Deny in any policy wins; otherwise an identity policy must
// Allow it; a permissions boundary, when set, must Allow it too; Service Control Policies must not
// Deny it (see self-service.ts for how SCPs are reported). Resource policies, session policies and
// role sessions play no part in creating one's own access key.
//
// Anything it cannot decide stays open: a Condition depends on the request ("condition"), a
// document or value not known during preview is "unknown". Open is never reported as allowed.

import { containsUnknown, toPlain } from "../values";
import { actionMatches, all, any, ArnParts, Match, not, resourceMatches, Variables } from "./match";

/** One request: the action, the resource's ARN, and the policy variables of the caller. */
export interface Request {
  action: string;
  resource: ArnParts;
  variables: Variables;
}

/** A statement as written in a document: only the fields evaluation reads. */
export interface Statement {
  Sid?: unknown;
  Effect?: unknown;
  Action?: unknown;
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
  Condition?: unknown;
}

/**
 * Why a document cannot be read: "unknown" not known yet (preview), "invalid" not a policy
 * document, "outside" not managed in this stack (a policy ARN from elsewhere), "unlisted" an AWS
 * managed policy the pack has no copy of.
 */
export type Unreadable = "unknown" | "invalid" | "outside" | "unlisted";

/** A parsed document, or why it cannot be read. */
export type Document = { statements: Statement[] } | { unreadable: Unreadable };

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

/**
 * A policy document as a resource holds it: a JSON string or an object, `Statement` one object or
 * a list. Any unknown value inside means the document is not known yet.
 */
export function parseDocument(value: unknown): Document {
  let doc = toPlain(value);
  if (containsUnknown(doc)) return { unreadable: "unknown" };
  if (typeof doc === "string") {
    try {
      doc = JSON.parse(doc);
    } catch {
      return { unreadable: "invalid" };
    }
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) return { unreadable: "invalid" };
  const statement = (doc as Record<string, unknown>).Statement;
  if (statement === undefined || statement === null) return { statements: [] };
  const statements = list(statement);
  if (!statements.every((s) => s !== null && typeof s === "object" && !Array.isArray(s))) {
    return { unreadable: "invalid" };
  }
  return { statements: statements as Statement[] };
}

/** Whether the statement's Action/NotAction covers the action, regardless of resource. */
export function coversAction(statement: Statement, action: string): boolean {
  if (statement.Action !== undefined) return list(statement.Action).some((p) => actionMatches(p, action));
  if (statement.NotAction !== undefined) return !list(statement.NotAction).some((p) => actionMatches(p, action));
  return false;
}

function hasCondition(condition: unknown): boolean {
  return condition !== null && typeof condition === "object" && Object.keys(condition).length > 0;
}

/** Whether the statement applies to the request (its Effect aside). */
export function statementApplies(statement: Statement, request: Request): Match {
  if (!coversAction(statement, request.action)) return "no";
  let resource: Match;
  if (statement.Resource !== undefined) {
    resource = any(list(statement.Resource).map((p) => resourceMatches(p, request.resource, request.variables)));
  } else if (statement.NotResource !== undefined) {
    resource = not(
      any(list(statement.NotResource).map((p) => resourceMatches(p, request.resource, request.variables))),
    );
  } else {
    // Identity policies require Resource and IAM rejects them without it; SCPs may leave it out.
    resource = "yes";
  }
  // Conditions test the request's context (MFA, source IP, tags, time): not decidable here.
  return all([resource, hasCondition(statement.Condition) ? "condition" : "yes"]);
}

export type Effect = "Allow" | "Deny";

function effectOf(statement: Statement): Effect | undefined {
  return statement.Effect === "Allow" || statement.Effect === "Deny" ? statement.Effect : undefined;
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

function evidence<L>(label: L, statement?: Statement): Evidence<L> {
  const sid = statement && typeof statement.Sid === "string" && statement.Sid.length > 0 ? statement.Sid : undefined;
  return sid ? { label, sid } : { label };
}

// Not known yet outranks a condition: it may turn out to apply without one.
function firstOpen<L>(current: Open<L> | undefined, next: Open<L>): Open<L> {
  return !current || (current.kind === "condition" && next.kind === "unknown") ? next : current;
}

/** Evaluates a set of policies that apply together (identity policies; or one boundary). */
export function evaluate<L>(sources: readonly Source<L>[], request: Request): Verdict<L> {
  let allow: Evidence<L> | undefined;
  let openAllow: Open<L> | undefined;
  let openDeny: Open<L> | undefined;
  // A document that cannot be read may hold an Allow as well as a Deny.
  let unreadable: Open<L> | undefined;

  for (const source of sources) {
    if ("unreadable" in source.document) {
      unreadable ??= { kind: "unknown", by: evidence(source.label), reason: source.document.unreadable };
      continue;
    }
    for (const statement of source.document.statements) {
      const effect = effectOf(statement);
      if (!effect) continue;
      let applies = statementApplies(statement, request);
      if (applies === "yes" && source.applies === "unknown") applies = "unknown";
      if (applies === "no") continue;
      const by = evidence(source.label, statement);
      if (applies === "yes") {
        if (effect === "Deny") return { kind: "denied", by };
        allow ??= by;
        continue;
      }
      const o: Open<L> =
        applies === "condition" ? { kind: "condition", by } : { kind: "unknown", by, reason: "unknown" };
      if (effect === "Deny") openDeny = firstOpen(openDeny, o);
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
