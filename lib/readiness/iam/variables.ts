// Policy variables (`${aws:username}`, `${aws:PrincipalTag/team, 'none'}`) in Resource patterns and
// condition values, as the IAM User Guide describes them ("IAM policy elements: Variables and tags"):
// - substituted only in documents whose Version is "2012-10-17"; elsewhere `${...}` is literal text;
// - `${*}`, `${?}`, `${$}` stand for the characters themselves;
// - `${key, 'default'}` takes the default when the key is not in the request (`''` is a quote);
// - a variable without a value and without a default matches nothing;
// - a `${` without a closing `}` is literal text.
// The scanner is one pass over the text (each `${` looks for the next `}` once), so its cost is linear.

import { Unknown, UNKNOWN } from "../../values";
import { WildcardPart } from "../../glob";

/** A variable: its key in lower case (keys ignore case), and its default if any. */
export interface Variable {
  readonly key: string;
  readonly fallback?: string;
}

/** Pattern text, literal text, a variable, or a variable IAM would not accept (`${a, b}`). */
export type Piece =
  string | { readonly literal: string } | { readonly variable: Variable } | { readonly malformed: true };

/** The pieces of a text; `hasVariables` is false when it is only pattern and literal text. */
export interface Scanned {
  readonly pieces: readonly Piece[];
  readonly hasVariables: boolean;
}

const SPECIAL = new Set(["*", "?", "$"]);

function parseVariable(inner: string): Piece {
  const trimmed = inner.trim();
  if (SPECIAL.has(trimmed)) return { literal: trimmed };
  const comma = trimmed.indexOf(",");
  const key = (comma < 0 ? trimmed : trimmed.slice(0, comma)).trim();
  if (key.length === 0 || /\s/.test(key)) return { malformed: true };
  if (comma < 0) return { variable: { key: key.toLowerCase() } };
  const rest = trimmed.slice(comma + 1).trim();
  if (rest.length < 2 || !rest.startsWith("'") || !rest.endsWith("'")) return { malformed: true };
  const body = rest.slice(1, -1);
  // Inside a default, a quote is written twice; a lone quote is not a valid default.
  if (body.replace(/''/g, "").includes("'")) return { malformed: true };
  return { variable: { key: key.toLowerCase(), fallback: body.replace(/''/g, "'") } };
}

/** Splits a text into pieces; with `substitute` false (an older Version) it is all pattern text. */
export function scanVariables(text: string, substitute: boolean): Scanned {
  if (!substitute || !text.includes("${")) return { pieces: [text], hasVariables: false };
  const pieces: Piece[] = [];
  let hasVariables = false;
  let from = 0;
  for (;;) {
    const open = text.indexOf("${", from);
    if (open < 0) break;
    const close = text.indexOf("}", open + 2);
    // No `}` anywhere after it: this and every later `${` is literal text.
    if (close < 0) break;
    if (open > from) pieces.push(text.slice(from, open));
    const piece = parseVariable(text.slice(open + 2, close));
    if (typeof piece !== "string" && !("literal" in piece)) hasVariables = true;
    pieces.push(piece);
    from = close + 1;
  }
  if (from < text.length) pieces.push(text.slice(from));
  return { pieces, hasVariables };
}

/** What the request says about a key: its value, not known yet, known to be absent, or not known at all. */
export const ABSENT: unique symbol = Symbol("absent");
export type KeyValue = string | Unknown | typeof ABSENT | undefined;

/** The request's context as far as the pack knows it; keys in lower case. */
export interface Context {
  value(key: string): KeyValue;
}

/** Substituted pieces ready for the wildcard matcher, or why they cannot be. */
export type Resolved = { parts: WildcardPart[] } | "unknown" | "condition" | "no";

/** Replaces the variables of `scanned`; substituted values are literal text, never wildcards. */
export function resolve(scanned: Scanned, context: Context): Resolved {
  const parts: WildcardPart[] = [];
  let outcome: Resolved | undefined;
  for (const piece of scanned.pieces) {
    if (typeof piece === "string" || "literal" in piece) {
      parts.push(piece);
      continue;
    }
    if ("malformed" in piece) {
      outcome ??= "condition";
      continue;
    }
    const value = context.value(piece.variable.key);
    if (typeof value === "string") parts.push({ literal: value });
    else if (value === ABSENT) {
      if (piece.variable.fallback !== undefined) parts.push({ literal: piece.variable.fallback });
      else return "no";
    } else if (value === UNKNOWN) outcome = "unknown";
    // Whether the key is in the request at all is not known here: it depends on the request.
    else if (outcome !== "unknown") outcome = "condition";
  }
  return outcome ?? { parts };
}
