// One pass over a whole stack: every IAM user, console password and access key, then one
// decision per access key.

import { Account, AccountCache } from "./accounts";
import { consolePasswordOf, inlineLoginProfile } from "./console-password";
import { Exemptions, findExemption, problemSummary, scopeOfUrn } from "./exemptions";
import { accessKeyOf, isAccessKeyType } from "./key-owner";
import { checkFailedMessage, findingMessage, NOT_APPLICABLE } from "./messages";
import { ResourceView } from "./model";
import { checkKey, KeyFinding, PasswordIndex } from "./pairing";
import { RELEVANT_TYPES, SELF_SERVICE_TYPES, TYPES, USER_TYPES } from "./types";
import type { ReadinessIndex } from "./readiness/answer";
import { currentRun, Run } from "./run";
import { userOf, UserDirectory } from "./users";

/** A diagnostic to report: on which resource, what, and whether it is advisory regardless of level. */
export interface Report {
  urn: string;
  message: string;
  advisory: boolean;
}

function failure(resource: ResourceView, err: unknown): Report {
  return { urn: resource.urn, message: checkFailedMessage(resource.type, resource.name, err), advisory: true };
}

function plural(problems: number): string {
  return problems === 1 ? "problem" : "problems";
}

/**
 * @param run what the engine said about the run (PULUMI_NODEJS_DRY_RUN): the readiness sentence
 *   says "not known until the update" only in a preview.
 */
export function analyzeStack(
  resources: Iterable<ResourceView>,
  exemptions: Exemptions,
  now: number,
  run: Run = currentRun(),
): Report[] {
  // Config problems once, in one short message, however many entries the config holds.
  const problems = problemSummary(exemptions);
  const reports: Report[] =
    problems === undefined
      ? []
      : [{ urn: "", message: `Policy config ${plural(exemptions.problems.length)}: ${problems}.`, advisory: true }];

  // Only IAM resources are read; everything else is skipped on its type alone.
  const relevant: ResourceView[] = [];
  // What the self-service answer reads, gathered now so a finding does not rescan the whole stack.
  const policyRelated: ResourceView[] = [];
  for (const r of resources) {
    if (!r || typeof r.type !== "string") continue;
    if (RELEVANT_TYPES.has(r.type)) relevant.push(r);
    if (SELF_SERVICE_TYPES.has(r.type)) policyRelated.push(r);
  }
  if (relevant.length === 0) return reports;

  const accounts = new AccountCache();
  const accountFor = (r: ResourceView): Account => accounts.of(r.provider);

  const users = new UserDirectory();
  for (const r of relevant) {
    if (!USER_TYPES.has(r.type)) continue;
    try {
      const user = userOf(r, accountFor(r));
      if (user) users.add(user);
    } catch (err) {
      reports.push(failure(r, err));
    }
  }

  const passwords = new PasswordIndex();
  const keys: ResourceView[] = [];
  for (const r of relevant) {
    if (isAccessKeyType(r.type)) {
      keys.push(r);
      continue;
    }
    try {
      const holder = consolePasswordOf(r, users, accountFor(r));
      if (holder) passwords.add(holder);
    } catch (err) {
      reports.push(failure(r, err));
    }
  }
  if (passwords.size === 0) return reports;

  // Whether a reported user can create their own key: the IAM policy resources are read on the
  // first finding only, so stacks without findings never pay for it.
  let index: ReadinessIndex | undefined;
  // Loaded on the first finding, then kept: require() resolves its path on every call, once per
  // finding when it sat in readinessOf (1,000 times on an IAM-dense stack).
  let readinessSentence: typeof import("./readiness/sentence").readinessSentence | undefined;
  const readinessOf = (finding: KeyFinding): string | undefined => {
    if (finding.kind === "undetermined") return undefined;
    /* eslint-disable @typescript-eslint/no-require-imports */
    readinessSentence ??= (require("./readiness/sentence") as typeof import("./readiness/sentence")).readinessSentence;
    try {
      if (!index) {
        const { ReadinessIndex } = require("./readiness/answer") as typeof import("./readiness/answer");
        index = new ReadinessIndex(policyRelated, accounts);
      }
      /* eslint-enable @typescript-eslint/no-require-imports */
      const readiness = index.readiness(finding.key.owner);
      return readiness && readinessSentence(readiness, run);
    } catch {
      // The finding stands, and says that this part could not be answered.
      return readinessSentence({ kind: "failed" }, run);
    }
  };

  for (const r of keys) {
    try {
      const key = accessKeyOf(r, users, accountFor(r));
      const finding = key && checkKey(key, passwords);
      if (!finding) continue;
      const userName = finding.key.owner.userName ?? finding.holder.owner.userName;
      const match = findExemption(exemptions, userName, scopeOfUrn(finding.key.urn), now);
      reports.push({
        urn: finding.key.urn,
        message: findingMessage(finding, match, readinessOf(finding)),
        advisory: finding.kind !== "violation" || match.active !== undefined,
      });
    } catch (err) {
      reports.push(failure(r, err));
    }
  }
  return reports;
}

/**
 * Why the stack policy has nothing to judge in this stack: no console password, or no access key.
 * A login profile, or an aws-native user whose loginProfile is set or not known yet, counts as a
 * console password here, whoever its user is. Undefined when the stack has both.
 */
export function notApplicableReason(resources: Iterable<ResourceView>): string | undefined {
  let password = false;
  let key = false;
  for (const r of resources) {
    if (!r || typeof r.type !== "string" || !RELEVANT_TYPES.has(r.type)) continue;
    if (isAccessKeyType(r.type)) key = true;
    else if (r.type === TYPES.loginProfile || (r.type === TYPES.nativeUser && inlineLoginProfile(r) !== "no")) {
      password = true;
    }
    if (password && key) return undefined;
  }
  return password ? NOT_APPLICABLE.noAccessKey : NOT_APPLICABLE.noConsolePassword;
}
