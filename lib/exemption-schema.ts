// The JSON schema of one exemption. It has no imports: scripts/build.js reads it on its own to compile
// the validator ahead of time (lib/exemption-validate.js, ajv standalone code), so the pack never loads
// ajv's compiler at run time (that cost ~100 ms on the first configured request).

const NAME_PATTERN = "^[\\w+=,.@*?-]{1,64}$";
// Project and stack names are at most 100 characters; a pattern a little longer still matches them.
const PATTERN_MAX = 200;

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
      // Months 01-12 and days 01-31; a day the month does not have (2030-02-30) is reported at run time.
      pattern: "^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$",
      description: "Last day (UTC) the exemption applies, YYYY-MM-DD. After it, findings are enforced again.",
    },
    projects: {
      type: "array",
      minItems: 1,
      description: "Only in these Pulumi projects (patterns allowed).",
      items: { type: "string", minLength: 1, maxLength: PATTERN_MAX },
    },
    stacks: {
      type: "array",
      minItems: 1,
      description: "Only in these stacks (patterns allowed).",
      items: { type: "string", minLength: 1, maxLength: PATTERN_MAX },
    },
  },
} as const;
