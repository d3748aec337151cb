// Policy documents as resources hold them (a JSON string, or an object for aws-native), decoded with
// limits and never by throwing: what cannot be decoded is a reason ("invalid", "unknown"), which the
// readiness sentence names. Each statement is compiled once, keeping only what bears on
// iam:CreateAccessKey: statements whose Action does not cover it are dropped here, so evaluating a
// document per user costs only its relevant statements.

import { isSecret } from "../../secrets";
import { read, UNKNOWN } from "../../values";
import { compileCondition, Condition } from "./conditions";
import { actionMatches, ResourcePattern, TextPattern } from "./match";
import { Scanned, scanVariables } from "./variables";

export const ACTION = "iam:CreateAccessKey";
const ACTION_LOWER = ACTION.toLowerCase();

/**
 * Why a document cannot be read: "unknown" not known yet (preview), "invalid" not a policy document
 * (or beyond the decoding limits), "outside" not managed in this stack (a policy ARN from elsewhere),
 * "unlisted" an AWS managed policy the pack has no copy of.
 */
export type Unreadable = "unknown" | "invalid" | "outside" | "unlisted";

/** A statement that covers iam:CreateAccessKey, compiled. */
export interface CompiledStatement {
  readonly effect: "Allow" | "Deny";
  readonly sid?: string;
  /** Absent: no Resource element (SCPs may leave it out), which covers every resource. */
  readonly resource?: { readonly not: boolean; readonly patterns: readonly ResourcePattern[] };
  readonly condition: Condition;
  /** Keys its policy variables read (Resource and condition values): their value may be anything. */
  readonly variables: readonly string[];
}

/** A decoded document, or why it cannot be read. `secret`: its text was marked secret. */
export type Document = { statements: readonly CompiledStatement[]; secret?: boolean } | { unreadable: Unreadable };

/** Limits far above what IAM accepts (a managed policy is at most 6,144 characters). */
export const LIMITS = { textLength: 16 * 1024 * 1024, depth: 32, nodes: 1_000_000 } as const;

class TooLarge extends Error {}

/** A property value as plain data, within the limits; UNKNOWN anywhere makes the whole UNKNOWN. */
function plain(value: unknown, depth: number, budget: { nodes: number }): unknown {
  if (--budget.nodes < 0 || depth > LIMITS.depth) throw new TooLarge();
  if (value === UNKNOWN || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) {
      const v = plain(read(value, i), depth + 1, budget);
      if (v === UNKNOWN) return UNKNOWN;
      out.push(v);
    }
    return out;
  }
  const out: Record<string, unknown> = Object.create(null);
  for (const k of Object.keys(value)) {
    const v = plain(read(value, k), depth + 1, budget);
    if (v === UNKNOWN) return UNKNOWN;
    out[k] = v;
  }
  return out;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

/** A statement as written in a document: only the fields evaluation reads. */
export type RawStatement = Record<string, unknown>;

/** Whether a statement's Action/NotAction covers iam:CreateAccessKey, whatever its resource. */
export function coversAction(s: RawStatement): boolean {
  if (s.Action !== undefined) return list(s.Action).some((p) => actionMatches(p, ACTION_LOWER));
  if (s.NotAction !== undefined) return !list(s.NotAction).some((p) => actionMatches(p, ACTION_LOWER));
  return false;
}

function compileStatement(
  s: Record<string, unknown>,
  substitute: boolean,
  shared: Map<string, TextPattern>,
): CompiledStatement | undefined {
  const effect = s.Effect;
  if ((effect !== "Allow" && effect !== "Deny") || !coversAction(s)) return undefined;
  const sid = typeof s.Sid === "string" && s.Sid.length > 0 ? s.Sid : undefined;
  const patterns = (v: unknown) =>
    list(v)
      .filter((p): p is string => typeof p === "string")
      .map((p) => new ResourcePattern(p, substitute, shared));
  const resource =
    s.Resource !== undefined
      ? { not: false, patterns: patterns(s.Resource) }
      : s.NotResource !== undefined
        ? { not: true, patterns: patterns(s.NotResource) }
        : undefined;
  const condition = compileCondition(s.Condition, substitute);
  const variables = new Set<string>();
  const note = (scanned: Scanned) => {
    for (const piece of scanned.pieces)
      if (typeof piece === "object" && "variable" in piece) variables.add(piece.variable.key);
  };
  if (substitute) {
    for (const p of list(s.Resource ?? s.NotResource)) if (typeof p === "string") note(scanVariables(p, true));
    if (condition !== "malformed") for (const c of condition) c.values.forEach(note);
  }
  return { effect, sid, resource, condition, variables: [...variables] };
}

/** A document already decoded to plain data (a parsed JSON text, a generated AWS managed policy). */
export function compileDocument(doc: unknown): Document {
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) return { unreadable: "invalid" };
  const d = doc as Record<string, unknown>;
  // Policy variables are substituted only under this Version; elsewhere `${...}` is literal text.
  const substitute = d.Version === "2012-10-17";
  if (d.Statement === undefined || d.Statement === null) return { statements: [] };
  const raw = list(d.Statement);
  const statements: CompiledStatement[] = [];
  // ARN segments repeat across statements ("aws", "iam", "*"): compiled once per document.
  const shared = new Map<string, TextPattern>();
  for (const s of raw) {
    if (s === null || typeof s !== "object" || Array.isArray(s)) return { unreadable: "invalid" };
    const compiled = compileStatement(s as Record<string, unknown>, substitute, shared);
    if (compiled) statements.push(compiled);
  }
  return { statements };
}

/**
 * A policy document as a resource property holds it: a JSON string or an object, `Statement` one
 * object or a list. Any unknown value inside means the document is not known yet.
 */
export function decodeDocument(value: unknown): Document {
  if (value === UNKNOWN) return { unreadable: "unknown" };
  let doc: unknown;
  try {
    if (typeof value === "string") {
      if (value.length > LIMITS.textLength) return { unreadable: "invalid" };
      doc = JSON.parse(value);
    } else {
      doc = plain(value, 0, { nodes: LIMITS.nodes });
    }
  } catch {
    // Not JSON, nested deeper than the parser's stack, or beyond the limits.
    return { unreadable: "invalid" };
  }
  if (doc === UNKNOWN) return { unreadable: "unknown" };
  const compiled = compileDocument(doc);
  return "statements" in compiled && typeof value === "string" && isSecret(value)
    ? { ...compiled, secret: true }
    : compiled;
}
