// Exemptions declared by a policy administrator in policy config.
//
// An exemption names users (exact names or `*`/`?` patterns), carries a reason, and may be limited
// to projects/stacks and expire. An exempted finding is still reported, at advisory level, with the
// reason; an expired exemption no longer applies, and the finding says so.

import type { ValidateFunction } from "ajv";
import { compileWildcard, Wildcard } from "./glob";
import { nameKey } from "./users";

/** One exemption as written in policy config. */
export interface Exemption {
  users: string[];
  reason: string;
  /** Last day the exemption applies (UTC), YYYY-MM-DD. */
  expires?: string;
  projects?: string[];
  stacks?: string[];
}

// Re-exported: lib/rule.ts gives it to the engine as each policy's config schema.
export { EXEMPTION_SCHEMA } from "./exemption-schema";

/** Where a finding is: the stack and project, read from a resource URN. */
export interface Scope {
  stack: string;
  project: string;
}

/** urn:pulumi:<stack>::<project>::<type>::<name> */
export function scopeOfUrn(urn: string): Scope {
  const parts = urn.split("::");
  const head = parts[0] ?? "";
  return {
    stack: head.startsWith("urn:pulumi:") ? head.slice("urn:pulumi:".length) : "",
    project: parts[1] ?? "",
  };
}

interface CompiledExemption {
  exemption: Exemption;
  users: Wildcard[];
  projects?: Wildcard[];
  stacks?: Wildcard[];
  /** End of the last day, in ms since the epoch. */
  expiresAt?: number;
}

export interface Exemptions {
  entries: CompiledExemption[];
  /** Entries that were ignored, and why: reported so a typo never silently exempts or blocks. */
  problems: string[];
}

/** Problems quoted in a message; the rest are counted, so a message stays short whatever the config holds. */
const PROBLEMS_QUOTED = 3;

/** The config problems in one short sentence, for a message (undefined when there are none). */
export function problemSummary(exemptions: Exemptions): string | undefined {
  const { problems } = exemptions;
  if (problems.length === 0) return undefined;
  const quoted = problems.slice(0, PROBLEMS_QUOTED).join("; ");
  const more = problems.length - PROBLEMS_QUOTED;
  return more > 0 ? `${quoted}; and ${more} more (${problems.length} in all)` : quoted;
}

/** Cuts a text from config short for a message. */
export function clip(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max)}...` : text;
}

export const NO_EXEMPTIONS: Exemptions = { entries: [], problems: [] };

function glob(pattern: string, caseInsensitive: boolean): Wildcard {
  return compileWildcard(pattern, caseInsensitive);
}

function endOfDay(date: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const start = Date.UTC(y, mo - 1, d);
  const check = new Date(start);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) {
    return undefined;
  }
  return start + 24 * 60 * 60 * 1000;
}

let validateEntry: ValidateFunction | undefined;

function entryValidator(): ValidateFunction {
  if (!validateEntry) {
    // Compiled ahead of time from EXEMPTION_SCHEMA (scripts/build.js, ajv standalone code): loading
    // ajv and compiling the schema here took 150-250 ms of the first request with exemptions (2-core
    // machine under load). Still loaded on first use: most stacks have no exemptions.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    validateEntry = (require("./exemption-validate") as typeof import("./exemption-validate")).default;
  }
  return validateEntry;
}

// Parsed once per configuration: the engine sends config once (Configure) and each policy's
// `getConfig()` hands out the same `exemptions` list every time, so it is the key.
const parsedLists = new WeakMap<object, Exemptions>();

/** Parses the `exemptions` config value, once per list. Never throws: bad entries become problems. */
export function parseExemptions(value: unknown): Exemptions {
  if (value === undefined || value === null) return NO_EXEMPTIONS;
  if (!Array.isArray(value)) {
    return { entries: [], problems: ["`exemptions` must be a list; it was ignored"] };
  }
  if (value.length === 0) return NO_EXEMPTIONS;
  let parsed = parsedLists.get(value);
  if (!parsed) {
    parsed = parseList(value);
    parsedLists.set(value, parsed);
  }
  return parsed;
}

function parseList(value: unknown[]): Exemptions {
  const entries: CompiledExemption[] = [];
  const problems: string[] = [];
  let validate: ValidateFunction;
  try {
    validate = entryValidator();
  } catch (err) {
    return { entries, problems: [`\`exemptions\` could not be checked (${clip(String(err), 200)}); it was ignored`] };
  }
  value.forEach((raw, i) => {
    // One entry's problem never affects another's: a broken entry exempts nothing.
    try {
      const problem = entryProblem(validate, raw);
      if (problem !== undefined) {
        problems.push(`exemptions[${i}] was ignored: ${problem}`);
        return;
      }
      const exemption = raw as Exemption;
      entries.push({
        exemption,
        users: exemption.users.map((u) => glob(u, true)),
        projects: exemption.projects?.map((p) => glob(p, false)),
        stacks: exemption.stacks?.map((s) => glob(s, false)),
        expiresAt: exemption.expires !== undefined ? endOfDay(exemption.expires) : undefined,
      });
    } catch {
      problems.push(`exemptions[${i}] was ignored: it could not be read`);
    }
  });
  return { entries, problems };
}

/** Why an entry cannot be used, in a few words (no value from it longer than a date), or undefined. */
function entryProblem(validate: ValidateFunction, raw: unknown): string | undefined {
  if (!validate(raw)) {
    const errors = validate.errors ?? [];
    const shown = errors.slice(0, 3).map((e) => `${clip(e.instancePath || "entry")} ${e.message}`);
    return shown.join("; ") + (errors.length > 3 ? `; and ${errors.length - 3} more` : "");
  }
  const { expires } = raw as Exemption;
  if (expires !== undefined && endOfDay(expires) === undefined) return `expires "${expires}" is not a date`;
  return undefined;
}

export interface ExemptionMatch {
  /** The exemption in force for this finding. */
  active?: Exemption;
  /** An exemption that would match but has expired. */
  expired?: Exemption;
}

/** The exemption that applies to a user in a scope at a time. */
export function findExemption(
  exemptions: Exemptions,
  userName: string | undefined,
  scope: Scope,
  now: number,
): ExemptionMatch {
  if (userName === undefined || exemptions.entries.length === 0) return {};
  const name = nameKey(userName);
  let expired: Exemption | undefined;
  for (const entry of exemptions.entries) {
    if (!entry.users.some((re) => re.matches(name))) continue;
    if (entry.projects && !entry.projects.some((re) => re.matches(scope.project))) continue;
    if (entry.stacks && !entry.stacks.some((re) => re.matches(scope.stack))) continue;
    if (entry.expiresAt !== undefined && now >= entry.expiresAt) {
      expired = expired ?? entry.exemption;
      continue;
    }
    return { active: entry.exemption };
  }
  return { expired };
}
