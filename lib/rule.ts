// Metadata shared by the policies that enforce CIS AWS 1.11, and how they report.

import type { Policy, PolicyConfigSchema, ReportViolation } from "@pulumi/policy";
import { clip, EXEMPTION_SCHEMA, Exemptions, parseExemptions } from "./exemptions";

export const FRAMEWORK: NonNullable<Policy["framework"]> = {
  name: "CIS Amazon Web Services Foundations Benchmark",
  version: "3.0.0",
  reference: "1.11",
  specification: "Do not setup access keys during initial user setup for all IAM users that have a console password",
};

// The benchmark's own page at CIS (the PDF is downloaded from there); AWS's CIS conformance-pack guide links it too.
export const RULE_URL = "https://www.cisecurity.org/benchmark/amazon_web_services";

export const REMEDIATION_STEPS = [
  "1. Remove the aws.iam.AccessKey (or aws-native AccessKey) for this user from the Pulumi program.",
  "2. If the person needs programmatic access, grant iam:CreateAccessKey on their own user so they create the key themselves after first sign-in, or issue it in a separate, logged request.",
  "3. Keep service accounts (users without a console password) in their own resources, with no login profile.",
  "4. If the pair is required for a time, add an exemption with a reason and an expiry date to the policy config.",
].join("\n");

export const CONFIG_SCHEMA: PolicyConfigSchema = {
  properties: {
    exemptions: {
      type: "array",
      description: "Users exempted from this policy; their findings are reported as advisory with the reason.",
      default: [],
      items: EXEMPTION_SCHEMA as never,
    },
  },
};

/** What every policy of this rule declares: level, severity, compliance metadata, config. */
export const RULE_METADATA = {
  enforcementLevel: "mandatory",
  // The benchmark ranks 1.11 a low-to-medium priority; Prowler rates it medium, Panther and InSpec low.
  // Medium: a long-lived key next to a console password is a real exposure, not an immediate breach.
  severity: "medium",
  framework: FRAMEWORK,
  remediationSteps: REMEDIATION_STEPS,
  url: RULE_URL,
  tags: ["cis-aws-3.0.0", "iam", "credentials"],
  configSchema: CONFIG_SCHEMA,
} as const satisfies Partial<Policy>;

/**
 * The exemptions in a policy's config (`args.getConfig()`), checked again at run time. The engine
 * does not reject unknown top-level properties, so a typo ("exemption") is reported, not ignored.
 */
export function exemptionsFromConfig(config: Record<string, unknown>): Exemptions {
  const parsed = parseExemptions(config.exemptions);
  // Own properties only: `constructor` or `toString` in config are unknown too.
  const unknownKeys = Object.keys(config).filter(
    (k) => !Object.prototype.hasOwnProperty.call(CONFIG_SCHEMA.properties, k),
  );
  if (unknownKeys.length === 0) return parsed;
  return {
    entries: parsed.entries,
    problems: [
      ...unknownKeys.map((k) => `unknown property \`${clip(k)}\` was ignored; the only property is \`exemptions\``),
      ...parsed.problems,
    ],
  };
}

/**
 * Reports a finding. Advisory findings (exempted, inactive, undetermined) override the policy's
 * level through the SDK's object form of reportViolation (@pulumi/policy >= 1.21); all others
 * take the configured level.
 */
export function report(reportViolation: ReportViolation, message: string, urn: string, advisory: boolean): void {
  const violation: Record<string, string> = { message, urn };
  if (advisory) violation.enforcementLevel = "advisory";
  (reportViolation as unknown as (v: Record<string, string>) => void)(violation);
}
