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

const NAME_PATTERN = "^[\\w+=,.@*?-]{1,64}$";

/** JSON schema of one exemption: given to the engine, and used here to check config at run time. */
export const EXEMPTION_SCHEMA = {
  type: "object",
  description: "Exempts IAM users from this policy. Exempted findings are still reported as advisory.",
  additionalProperties: false,
  required: ["users", "reason"],
  properties: {
    users: {
      type: "array",
      minItems: 1,
      description: 'IAM user names; "*" matches any run of characters and "?" one character.',
      items: { type: "string", pattern: NAME_PATTERN },
    },
    reason: {
      type: "string",
      minLength: 1,
      maxLength: 500,
      pattern: "\\S",
      description: "Why the exemption exists (a ticket, an approval): shown with every exempted finding.",
    },
    expires: {
      type: "string",
      pattern: "^\\d{4}-\\d{2}-\\d{2}$",
      description: "Last day (UTC) the exemption applies, YYYY-MM-DD. After it, findings are enforced again.",
    },
    projects: {
      type: "array",
      minItems: 1,
      description: "Only in these Pulumi projects (patterns allowed).",
      items: { type: "string", minLength: 1 },
    },
    stacks: {
      type: "array",
      minItems: 1,
      description: "Only in these stacks (patterns allowed).",
      items: { type: "string", minLength: 1 },
    },
  },
} as const;

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
    // Loaded on first use: most stacks have no exemptions, and start-up time matters.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Ajv = require("ajv").default;
    validateEntry = new Ajv({ allErrors: true }).compile(EXEMPTION_SCHEMA);
  }
  return validateEntry as ValidateFunction;
}

/** Parses the `exemptions` config value. Never throws: bad entries become problems. */
export function parseExemptions(value: unknown): Exemptions {
  if (value === undefined || value === null) return NO_EXEMPTIONS;
  if (!Array.isArray(value)) {
    return { entries: [], problems: ["`exemptions` must be a list; it was ignored"] };
  }
  if (value.length === 0) return NO_EXEMPTIONS;
  const validate = entryValidator();
  const entries: CompiledExemption[] = [];
  const problems: string[] = [];
  value.forEach((raw, i) => {
    if (!validate(raw)) {
      const why = (validate.errors ?? []).map((e) => `${e.instancePath || "entry"} ${e.message}`).join("; ");
      problems.push(`exemptions[${i}] was ignored: ${why}`);
      return;
    }
    const exemption = raw as Exemption;
    let expiresAt: number | undefined;
    if (exemption.expires !== undefined) {
      expiresAt = endOfDay(exemption.expires);
      if (expiresAt === undefined) {
        problems.push(`exemptions[${i}] was ignored: expires "${exemption.expires}" is not a date`);
        return;
      }
    }
    entries.push({
      exemption,
      users: exemption.users.map((u) => glob(u, true)),
      projects: exemption.projects?.map((p) => glob(p, false)),
      stacks: exemption.stacks?.map((s) => glob(s, false)),
      expiresAt,
    });
  });
  return { entries, problems };
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
