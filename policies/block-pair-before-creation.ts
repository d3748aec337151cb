// CIS AWS 1.11, checked resource by resource, before each one is created.
//
// Stack policies run at the end: with `pulumi up --skip-preview` that is after the user, its login
// profile and its access key all exist. Resource policies run before each resource's step, so
// denying the second half of a pair here stops it from being created.

import { ResourceValidationPolicy } from "@pulumi/policy";
import { deploymentMemory } from "../lib/deployment-memory";
import { findExemption, scopeOfUrn } from "../lib/exemptions";
import { checkFailedMessage, guardDoubtMessage, guardMessage } from "../lib/messages";
import { exemptionsFromConfig, report, RULE_METADATA } from "../lib/rule";
import { RELEVANT_TYPES } from "../lib/types";

/** Newer CLIs tell the pack whether this is a preview; the stack policy reports previews in full. */
function isPreview(): boolean {
  return process.env.PULUMI_NODEJS_DRY_RUN === "true";
}

export const blockPairBeforeCreation: ResourceValidationPolicy = {
  name: "cis-1-11-block-pair-before-creation",
  displayName: "Stop an access key and a console password for the same IAM user before creation (CIS 1.11)",
  description:
    "Checks each IAM login profile, aws-native User with loginProfile and access key as the engine analyzes it, " +
    "and denies whichever half of a console-password/access-key pair for the same user (same name, same account) " +
    "comes second in the deployment, before it is created; same name with accounts it cannot tell apart is advisory. Covers `pulumi up --skip-preview`, where the stack " +
    "policy only runs after creation.",
  ...RULE_METADATA,
  validateResource: (args, reportViolation) => {
    if (!RELEVANT_TYPES.has(args.type) || isPreview()) return;
    try {
      const pair = deploymentMemory.record(args);
      if (!pair) return;
      const exemptions = exemptionsFromConfig(args.getConfig());
      const match = findExemption(exemptions, pair.current.userName, scopeOfUrn(args.urn), Date.now());
      // The stack policy reports config problems, but it never runs when this denial stops the update.
      const problems =
        exemptions.problems.length > 0 ? ` Policy config problems: ${exemptions.problems.join("; ")}.` : "";
      // Same name, but the accounts may differ: advisory, saying what would make it certain.
      const doubt = pair.accountDoubt !== undefined;
      const message = (doubt ? guardDoubtMessage(pair, match) : guardMessage(pair, match)) + problems;
      report(reportViolation, message, args.urn, doubt || !pair.keyActive || match.active !== undefined);
    } catch (err) {
      // A bug here must not turn into a gRPC error that aborts the whole deployment.
      report(reportViolation, checkFailedMessage(args.type, args.name, err), args.urn, true);
    }
  },
};
