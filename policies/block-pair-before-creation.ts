// CIS AWS 1.11, checked resource by resource, before each one's step.
//
// Stack policies run at the end: with `pulumi up --skip-preview` that is after the user, its login
// profile and its access key all exist. Resource policies run before each resource's step, so
// denying the second half of a pair here stops the update before that step. The request does not say
// whether the resource is new or already exists, so the first half may already exist, and so may this one.

import { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { inlineLoginProfile } from "../lib/console-password";
import { deploymentMemory, halfOf } from "../lib/deployment-memory";
import { findExemption, problemSummary, scopeOfUrn } from "../lib/exemptions";
import { checkFailedMessage, guardDoubtMessage, guardMessage, NOT_APPLICABLE } from "../lib/messages";
import { exemptionsFromConfig, report, RULE_METADATA } from "../lib/rule";
import { currentRun, Run } from "../lib/run";
import { RELEVANT_TYPES, TYPES } from "../lib/types";
// Loaded with the policy, before the first request, so that every secret on the wire is seen.
import "../lib/secrets";

/** Why this policy does not judge a resource, or undefined when it does (a half of a possible pair). */
function notJudged(args: ResourceValidationArgs, run: Run): string | undefined {
  if (!RELEVANT_TYPES.has(args.type)) return NOT_APPLICABLE.otherType;
  if (run === "preview") return NOT_APPLICABLE.preview;
  if (args.type === TYPES.user) return NOT_APPLICABLE.iamUser;
  if (args.type === TYPES.nativeUser) {
    const inline = inlineLoginProfile(args);
    if (inline === "no") return NOT_APPLICABLE.nativeUserWithoutPassword;
    if (inline === "unknown") return NOT_APPLICABLE.nativeUserPasswordUnknown;
  }
  return halfOf(args) ? undefined : NOT_APPLICABLE.ownerNotKnown;
}

export const blockPairBeforeCreation: ResourceValidationPolicy = {
  name: "cis-1-11-block-pair-before-creation",
  displayName: "Deny the second of an access key and a console password for the same IAM user (CIS 1.11)",
  description:
    "Checks each IAM login profile, aws-native User with loginProfile and access key as the engine analyzes it, " +
    "and reports whichever half of a console-password/access-key pair for the same user (same name, same account) " +
    "comes second; in an update a mandatory finding denies that resource's step. The same name behind accounts it " +
    "cannot tell apart is advisory. Covers `pulumi up --skip-preview`, where the stack policy only runs after the steps.",
  ...RULE_METADATA,
  validateResource: (args, reportViolation) => {
    const run = currentRun();
    let reason: string | undefined;
    try {
      reason = notJudged(args, run);
      // Every IAM resource is recorded, so a resource analyzed again starts a new deployment.
      const pair = run === "preview" ? undefined : deploymentMemory.record(args);
      if (pair) {
        const exemptions = exemptionsFromConfig(args.getConfig());
        const match = findExemption(exemptions, pair.current.userName, scopeOfUrn(args.urn), Date.now());
        // The stack policy reports config problems, but it never runs when this denial stops the update:
        // said with the first finding of the deployment, once, and short.
        const summary = problemSummary(exemptions);
        const problems =
          summary !== undefined && deploymentMemory.firstTime("config problems")
            ? ` Policy config problems: ${summary}.`
            : "";
        // Same name, but the accounts may differ: advisory, saying what would make it certain.
        const doubt = pair.accountDoubt !== undefined;
        const guardRun = run === "preview" ? "update" : run;
        const message =
          (doubt ? guardDoubtMessage(pair, match, guardRun) : guardMessage(pair, match, guardRun)) + problems;
        report(reportViolation, message, args.urn, doubt || !pair.keyActive || match.active !== undefined);
      }
    } catch (err) {
      // A bug here must not turn into a gRPC error that aborts the whole deployment.
      report(reportViolation, checkFailedMessage(args.type, args.name, err), args.urn, true);
      return;
    }
    // The SDK's notApplicable works by throwing: kept out of the try above, which would report it.
    if (reason !== undefined) args.notApplicable(reason);
  },
};
