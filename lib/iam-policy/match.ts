// Matching one IAM request against the Action/NotAction and Resource/NotResource patterns of a
// policy statement, as IAM does: `*` and `?` wildcards, actions without regard to case, ARNs
// segment by segment and with regard to case, policy variables substituted before matching.
//
// Parts of the request may be unknown (the account of a user being created): a pattern then
// matches "yes" only when it matches whatever the unknown part turns out to be.

import { compileWildcard, Wildcard, WildcardPart } from "../glob";
import { Unknown, UNKNOWN } from "../values";

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

/** Policy variables known for the request, keyed in lower case (`aws:username`). */
export type Variables = Readonly<Record<string, string | Unknown>>;

const globCache = new Map<string, Wildcard>();

/** `*` any run of characters, `?` any one character, the rest literal. */
function wildcard(pattern: string, ignoreCase: boolean): Wildcard {
  const key = `${ignoreCase ? "i" : "s"}${pattern}`;
  let compiled = globCache.get(key);
  if (!compiled) {
    compiled = compileWildcard(pattern, ignoreCase);
    if (globCache.size > 1000) globCache.clear();
    globCache.set(key, compiled);
  }
  return compiled;
}

/** Action names compare without regard to case; `iam:*`, `iam:Create*`, `*` are patterns. */
export function actionMatches(pattern: unknown, action: string): boolean {
  return typeof pattern === "string" && wildcard(pattern, true).matches(action);
}

/** The text of a pattern with its policy variables replaced, or why it cannot be. */
type Substituted = { text: string } | { stop: "unknown" | "condition" };

/**
 * Replaces `${aws:username}` and the like. `${*}`, `${?}`, `${$}` stand for the literal characters.
 * A variable this request does not know (tags, source IP...) depends on the request's context.
 * Substituted values are literal: a `*` inside a user name is not a wildcard.
 */
function substitute(pattern: string, variables: Variables): Substituted | { parts: WildcardPart[] } {
  if (!pattern.includes("${")) return { text: pattern };
  const parts: WildcardPart[] = [];
  const re = /\$\{([^}]*)\}/g;
  let last = 0;
  for (let m = re.exec(pattern); m; m = re.exec(pattern)) {
    parts.push(pattern.slice(last, m.index));
    last = m.index + m[0].length;
    const name = m[1].trim();
    if (name === "*" || name === "?" || name === "$") {
      parts.push({ literal: name });
      continue;
    }
    const value = variables[name.toLowerCase()];
    if (value === UNKNOWN) return { stop: "unknown" };
    if (value === undefined) return { stop: "condition" };
    parts.push({ literal: value });
  }
  parts.push(pattern.slice(last));
  return { parts };
}

function compile(pattern: string, variables: Variables): Wildcard | "unknown" | "condition" {
  const sub = substitute(pattern, variables);
  if ("stop" in sub) return sub.stop;
  if ("text" in sub) return wildcard(sub.text, false);
  return compileWildcard(sub.parts);
}

function segmentMatches(pattern: string, value: string | Unknown, variables: Variables): Match {
  // Only a pattern that accepts anything matches a value not known yet.
  if (value === UNKNOWN) return /^\*+$/.test(pattern) ? "yes" : "unknown";
  const re = compile(pattern, variables);
  if (re === "unknown" || re === "condition") return re;
  return re.matches(value) ? "yes" : "no";
}

/** Whether a Resource pattern covers the requested ARN. */
export function resourceMatches(pattern: unknown, arn: ArnParts, variables: Variables): Match {
  if (typeof pattern !== "string") return "no";
  if (pattern === "*") return "yes";
  const segments = pattern.split(":");
  if (segments.length < 6 || segments[0] !== "arn") {
    // Not an ARN pattern IAM would accept for a user; match it against the whole ARN when known.
    if (arn.partition === UNKNOWN || arn.account === UNKNOWN || arn.resource === UNKNOWN) return "unknown";
    const whole = `arn:${arn.partition}:${arn.service}:${arn.region}:${arn.account}:${arn.resource}`;
    const re = compile(pattern, variables);
    return typeof re === "string" ? re : re.matches(whole) ? "yes" : "no";
  }
  const [, partition, service, region, account] = segments;
  const resource = segments.slice(5).join(":");
  return all([
    segmentMatches(partition, arn.partition, variables),
    segmentMatches(service, arn.service, variables),
    segmentMatches(region, arn.region, variables),
    segmentMatches(account, arn.account, variables),
    segmentMatches(resource, arn.resource, variables),
  ]);
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
