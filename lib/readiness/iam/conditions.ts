// Condition blocks, as the IAM User Guide's "Condition operators" page describes them, decided
// where the request's context is known: the keys the pack knows for an IAM user creating their own
// key (aws:username, aws:PrincipalType...), and keys known to be absent. Every other key depends on
// the request ("condition"), and operators the pack does not implement stay open too.
//
// Documented rules used here: all operators of a block and all keys must match (AND), any value of
// a key matches (OR); a negated operator (StringNotEquals...) matches when no value does; when the
// key is absent, `...IfExists` matches, a negated operator matches, any other does not; `Null`
// tests presence only.

import { compileWildcard } from "../../glob";
import { UNKNOWN } from "../../values";
import { all, Match } from "./match";
import { ABSENT, Context, KeyValue, resolve, Scanned, scanVariables } from "./variables";

type Kind = "string" | "stringIgnoreCase" | "like" | "arn" | "bool" | "null" | "ip" | "other";

export interface Clause {
  readonly key: string;
  readonly kind: Kind;
  readonly negated: boolean;
  readonly ifExists: boolean;
  /** ForAnyValue: / ForAllValues: (set operators for multivalued keys): left open. */
  readonly setOperator: boolean;
  readonly values: readonly Scanned[];
}

/** A compiled Condition block; "malformed" when it is not one IAM would accept. */
export type Condition = readonly Clause[] | "malformed";

const KINDS: Record<string, [Kind, boolean]> = {
  StringEquals: ["string", false],
  StringNotEquals: ["string", true],
  StringEqualsIgnoreCase: ["stringIgnoreCase", false],
  StringNotEqualsIgnoreCase: ["stringIgnoreCase", true],
  StringLike: ["like", false],
  StringNotLike: ["like", true],
  ArnEquals: ["arn", false],
  ArnLike: ["arn", false],
  ArnNotEquals: ["arn", true],
  ArnNotLike: ["arn", true],
  Bool: ["bool", false],
  Null: ["null", false],
  IpAddress: ["ip", false],
  NotIpAddress: ["ip", true],
};

/** Stand-ins for an address inside, or outside, the ranges a policy names (see domainOf). */
const IN_RANGES = "\u0000an address in the ranges";
const OUTSIDE_RANGES = "\u0000an address outside the ranges";

function kindOf(operator: string): [Kind, boolean] {
  const known = Object.prototype.hasOwnProperty.call(KINDS, operator) ? KINDS[operator] : undefined;
  // Numeric, Date, IpAddress, Binary: not decided here; "Not" marks the negated ones.
  return known ?? ["other", operator.includes("Not")];
}

function scalar(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

/** Compiles a Condition element read from a document (plain data): once per statement. */
export function compileCondition(condition: unknown, substitute: boolean): Condition {
  if (condition === undefined || condition === null) return [];
  if (typeof condition !== "object" || Array.isArray(condition)) return "malformed";
  const clauses: Clause[] = [];
  for (const [written, keys] of Object.entries(condition)) {
    if (keys === null || typeof keys !== "object" || Array.isArray(keys)) return "malformed";
    let operator = written;
    let setOperator = false;
    const colon = operator.indexOf(":");
    if (colon >= 0) {
      setOperator = true;
      operator = operator.slice(colon + 1);
    }
    const ifExists = operator.endsWith("IfExists");
    if (ifExists) operator = operator.slice(0, -"IfExists".length);
    const [kind, negated] = kindOf(operator);
    for (const [key, raw] of Object.entries(keys as Record<string, unknown>)) {
      const list = Array.isArray(raw) ? raw : [raw];
      const values: Scanned[] = [];
      for (const v of list) {
        const text = scalar(v);
        if (text === undefined) return "malformed";
        values.push(scanVariables(text, substitute));
      }
      clauses.push({ key: key.toLowerCase(), kind, negated, ifExists, setOperator, values });
    }
  }
  return clauses;
}

/** The text of a value whose variables are substituted; for equality, `*` and `?` are literal. */
function text(value: Scanned, context: Context): string | "unknown" | "condition" | "no" {
  const r = resolve(value, context);
  if (typeof r === "string") return r;
  return r.parts.map((p) => (typeof p === "string" ? p : p.literal)).join("");
}

function colons(text: string): number {
  let n = 0;
  for (let i = text.indexOf(":"); i >= 0; i = text.indexOf(":", i + 1)) n++;
  return n;
}

function valueMatches(clause: Clause, value: Scanned, actual: string, context: Context): Match {
  if (clause.kind === "like" || clause.kind === "arn") {
    const r = resolve(value, context);
    if (typeof r === "string") return r;
    if (clause.kind === "arn") {
      // Segment by segment is the same as the whole text when both have exactly the five colons of
      // an ARN whose resource part has none (a user's ARN); otherwise it is not decided here.
      const joined = r.parts.map((p) => (typeof p === "string" ? p : p.literal)).join("");
      if (colons(actual) !== 5 || colons(joined) !== 5) return "condition";
    }
    return compileWildcard(r.parts).matches(actual) ? "yes" : "no";
  }
  const t = text(value, context);
  if (t === "unknown" || t === "condition" || t === "no") return t;
  switch (clause.kind) {
    case "string":
      return t === actual ? "yes" : "no";
    case "stringIgnoreCase":
    case "bool":
      return t.toLowerCase() === actual.toLowerCase() ? "yes" : "no";
    default:
      return "condition";
  }
}

/** One operator and key against the key's value in this request. */
export function clauseMatches(clause: Clause, value: KeyValue, context: Context): Match {
  if (clause.setOperator) return "condition";
  if (clause.kind === "null") {
    if (value === undefined) return "condition";
    const expected = value === ABSENT ? "true" : "false";
    return clause.values.some((v) => v.pieces.length === 1 && v.pieces[0] === expected) ? "yes" : "no";
  }
  if (value === undefined) return "condition";
  if (value === ABSENT) return clause.ifExists || clause.negated ? "yes" : "no";
  if (value === UNKNOWN) return "unknown";
  if (clause.kind === "other") return "condition";
  if (clause.kind === "ip") {
    // Only the stand-ins are decided: comparing real addresses with ranges is not done here.
    if (value !== IN_RANGES && value !== OUTSIDE_RANGES) return "condition";
    return (value === IN_RANGES) !== clause.negated ? "yes" : "no";
  }
  const results = clause.values.map((v) => valueMatches(clause, v, value, context));
  const anyValue: Match = results.includes("yes")
    ? "yes"
    : results.includes("unknown")
      ? "unknown"
      : results.includes("condition")
        ? "condition"
        : "no";
  return clause.negated ? (anyValue === "yes" ? "no" : anyValue === "no" ? "yes" : anyValue) : anyValue;
}

/** A whole Condition block: every clause must match. */
export function conditionMatches(condition: Condition, context: Context): Match {
  if (condition === "malformed") return "condition";
  if (condition.length === 0) return "yes";
  const results: Match[] = [];
  for (const clause of condition) {
    const m = clauseMatches(clause, context.value(clause.key), context);
    if (m === "no") return "no";
    results.push(m);
  }
  return all(results);
}

const BOOLEAN_KEYS: ReadonlySet<string> = new Set(["aws:multifactorauthpresent", "aws:securetransport"]);

/**
 * The values worth trying for a key whose presence the pack does not know, when every clause on it
 * compares it to literal text (`Bool`, `Null`, `String(Not)Equals`): each value written, another
 * value, and absent; for address ranges (IpAddress, NotIpAddress naming the same ranges) an address
 * inside, one outside, and none. Undefined when a clause uses anything else (the key stays open).
 */
export function domainOf(key: string, clauses: readonly Clause[]): KeyValue[] | undefined {
  // Address ranges: inside them, outside them, or no address; only when every clause names the same ranges.
  if (clauses.some((c) => c.kind === "ip")) {
    const ranges = (c: Clause) => JSON.stringify(c.values.map((v) => v.pieces));
    const first = ranges(clauses[0]);
    const same = clauses.every((c) => c.kind === "ip" && !c.setOperator && ranges(c) === first);
    return same ? [IN_RANGES, OUTSIDE_RANGES, ABSENT] : undefined;
  }
  const values = new Set<string>();
  let bool = true;
  for (const c of clauses) {
    if (c.setOperator || c.kind === "like" || c.kind === "arn" || c.kind === "other") return undefined;
    for (const v of c.values) {
      if (v.hasVariables || v.pieces.length !== 1 || typeof v.pieces[0] !== "string") return undefined;
      if (c.kind === "null") continue;
      values.add(c.kind === "stringIgnoreCase" ? v.pieces[0].toLowerCase() : v.pieces[0]);
      if (c.kind !== "bool") bool = false;
    }
  }
  // A boolean key is "true" or "false" when present; any other key may hold another value.
  const domain: KeyValue[] = bool && BOOLEAN_KEYS.has(key) ? ["true", "false"] : [...values, "\u0000another value"];
  domain.push(ABSENT);
  return domain;
}
