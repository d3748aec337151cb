// Matching one IAM request against a statement's Action/NotAction and Resource/NotResource, as IAM
// does: `*` and `?` wildcards (lib/glob.ts: no RegExp, linear time), actions without regard to case,
// ARNs segment by segment with regard to case, policy variables substituted first.
//
// Patterns are compiled once per statement. A pattern without variables is matched with its
// compiled wildcard; one with variables keeps its scanned pieces and is resolved per request.
// Parts of the request may be unknown (the account of a user being created): a pattern then
// matches "yes" only when it matches whatever the unknown part turns out to be.

import { compileWildcard, Wildcard, WildcardPart } from "../../glob";
import { Unknown, UNKNOWN } from "../../values";
import { Context, resolve, Scanned, scanVariables } from "./variables";

/** yes / no; "unknown": depends on a value not known yet; "condition": depends on the request's context. */
export type Match = "yes" | "no" | "unknown" | "condition";

/** The ARN of the resource a request is for, split into its segments. */
export interface ArnParts {
  partition: string | Unknown;
  service: string;
  region: string;
  account: string | Unknown;
  resource: string | Unknown;
}

/** Whether an action pattern covers `action` (lower case); non-strings cover nothing. */
export function actionMatches(pattern: unknown, action: string): boolean {
  return typeof pattern === "string" && compileWildcard(pattern, true).matches(action);
}

/** One text pattern, compiled once: a fixed wildcard, or pieces with variables to resolve. */
export class TextPattern {
  private readonly fixed?: Wildcard;
  private readonly onlyStars: boolean;
  /** The literal text every match starts with: a pattern with variables is ruled out on it first. */
  private readonly prefix: string = "";

  constructor(private readonly scanned: Scanned) {
    if (!scanned.hasVariables) this.fixed = compileWildcard(scanned.pieces as WildcardPart[]);
    const p = scanned.pieces;
    this.onlyStars = p.length === 1 && typeof p[0] === "string" && p[0].length > 0 && !/[^*]/.test(p[0]);
    for (const piece of p) {
      if (typeof piece === "string") {
        const wild = piece.search(/[*?]/);
        this.prefix += wild < 0 ? piece : piece.slice(0, wild);
        if (wild >= 0) break;
      } else if ("literal" in piece) this.prefix += piece.literal;
      else break;
    }
  }

  matches(value: string | Unknown, context: Context): Match {
    // Only a pattern that accepts anything matches a value not known yet.
    if (value === UNKNOWN) return this.onlyStars ? "yes" : "unknown";
    if (this.fixed) return this.fixed.matches(value) ? "yes" : "no";
    if (!value.startsWith(this.prefix)) return "no";
    const resolved = resolve(this.scanned, context);
    if (typeof resolved === "string") return resolved;
    return compileWildcard(resolved.parts).matches(value) ? "yes" : "no";
  }
}

/** The text before the first five colons, and the rest (the resource part, which may hold colons). */
function arnSegments(pattern: string): string[] | undefined {
  const segments: string[] = [];
  let from = 0;
  for (let i = 0; i < 5; i++) {
    const colon = pattern.indexOf(":", from);
    if (colon < 0) return undefined;
    segments.push(pattern.slice(from, colon));
    from = colon + 1;
  }
  segments.push(pattern.slice(from));
  return segments;
}

/** A Resource/NotResource entry, compiled once. */
export class ResourcePattern {
  private readonly any: boolean;
  private readonly segments?: TextPattern[];
  private readonly whole?: TextPattern;

  /** @param shared compiled segments of the same document, so repeated texts compile once. */
  constructor(pattern: string, substitute: boolean, shared: Map<string, TextPattern> = new Map()) {
    this.any = pattern === "*";
    if (this.any) return;
    const segments = arnSegments(pattern);
    if (segments && segments[0] === "arn") {
      // Variables are substituted in the resource part only (after the fifth colon): IAM does not
      // allow them in the partition, service, region or account, where `${...}` stays literal text.
      this.segments = segments.slice(1).map((text, i) => {
        const variables = substitute && i === 4;
        const key = `${variables ? "v" : "t"}${text}`;
        let compiled = shared.get(key);
        if (!compiled) shared.set(key, (compiled = new TextPattern(scanVariables(text, variables))));
        return compiled;
      });
    } else {
      // Not an ARN pattern IAM would accept for a user: match it against the whole ARN.
      this.whole = new TextPattern(scanVariables(pattern, substitute));
    }
  }

  matches(arn: ArnParts, context: Context): Match {
    if (this.any) return "yes";
    if (this.whole) {
      if (arn.partition === UNKNOWN || arn.account === UNKNOWN || arn.resource === UNKNOWN) return "unknown";
      return this.whole.matches(
        `arn:${arn.partition}:${arn.service}:${arn.region}:${arn.account}:${arn.resource}`,
        context,
      );
    }
    const [partition, service, region, account, resource] = this.segments!;
    // Segment by segment, stopping at the first "no".
    const results: Match[] = [];
    for (const [p, v] of [
      [service, arn.service],
      [partition, arn.partition],
      [region, arn.region],
      [account, arn.account],
      [resource, arn.resource],
    ] as const) {
      const m = p.matches(v, context);
      if (m === "no") return "no";
      results.push(m);
    }
    return all(results);
  }
}

/** Every part must match: a "no" decides; else anything not known yet; else a condition. */
export function all(matches: readonly Match[]): Match {
  if (matches.includes("no")) return "no";
  if (matches.includes("unknown")) return "unknown";
  if (matches.includes("condition")) return "condition";
  return "yes";
}

/** One part is enough: a "yes" decides; else anything not known yet; else a condition. */
export function any(matches: readonly Match[]): Match {
  if (matches.includes("yes")) return "yes";
  if (matches.includes("unknown")) return "unknown";
  if (matches.includes("condition")) return "condition";
  return "no";
}

/** NotAction / NotResource: the opposite of a definite answer; an open answer stays open. */
export function not(match: Match): Match {
  return match === "yes" ? "no" : match === "no" ? "yes" : match;
}
