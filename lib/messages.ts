// The texts a person reads in a preview or update. Only resource names, user names and provider
// names appear here: never a property value that may be secret (passwords, secret keys).

import type { PairFound } from "./deployment-memory";
import { Exemption, ExemptionMatch } from "./exemptions";
import { AccessKeyRecord, Owner, PasswordHolder } from "./model";
import { KeyFinding } from "./pairing";
import { TYPES } from "./types";

function userLabel(owner: Owner): string {
  if (owner.userName !== undefined) return `IAM user "${owner.userName}"`;
  return "an IAM user whose name is not known yet";
}

function keyLabel(key: { type: string; resourceName: string }): string {
  const kind = key.type === TYPES.nativeAccessKey ? "aws-native access key" : "Access key";
  return `${kind} "${key.resourceName}"`;
}

function holderLabel(holder: { type: string; resourceName: string }): string {
  return holder.type === TYPES.nativeUser
    ? `the inline loginProfile of aws-native user "${holder.resourceName}"`
    : `login profile "${holder.resourceName}"`;
}

function timing(key: AccessKeyRecord, holder: PasswordHolder): string {
  if (key.creating === "yes" && holder.creating === "yes") {
    return " Both are being created in this deployment.";
  }
  if (key.creating === "yes" && holder.creating === "no") {
    return " The key is being added for a user who already has a console password.";
  }
  if (key.creating === "no" && holder.creating === "yes") {
    return " The console password is being added for a user who already has this key.";
  }
  return "";
}

const ADVICE =
  "Remove the access key from this stack; if the person needs programmatic access, they create their own key later (iam:CreateAccessKey on their own user) or request one in a separate, logged step.";

function exemptionNote(match: ExemptionMatch): string {
  if (match.active) return ` Exempted by policy config: ${describeExemption(match.active)}.`;
  if (match.expired) {
    return ` An exemption for this user expired on ${match.expired.expires} (${quote(match.expired.reason)}) and no longer applies.`;
  }
  return "";
}

function describeExemption(e: Exemption): string {
  return `${quote(e.reason)}${e.expires ? `, until ${e.expires}` : ""}`;
}

function quote(text: string): string {
  return `"${text.replace(/\s+/g, " ").trim()}"`;
}

/** The message for a finding of the stack policy. */
export function findingMessage(finding: KeyFinding, match: ExemptionMatch): string {
  const { key, holder } = finding;
  const prefix = match.active ? "[exempted] " : "";
  switch (finding.kind) {
    case "violation":
    case "inactive-key": {
      const others = finding.others > 0 ? ` (and ${finding.others} more)` : "";
      const inactive =
        finding.kind === "inactive-key"
          ? " The key is Inactive, so this is advisory, but an unused key for a console user should not exist at all."
          : "";
      return (
        `${prefix}${keyLabel(key)} is set up for ${userLabel(key.owner)}, who has a console password from ` +
        `${holderLabel(holder)}${others} in this stack.${timing(key, holder)}${inactive} ${ADVICE}` +
        exemptionNote(match)
      );
    }
    case "undetermined":
      return (
        `${prefix}${keyLabel(key)} may belong to a user with a console password (${holderLabel(holder)}), ` +
        `but this could not be decided: ${finding.reason}.` +
        (finding.accountsInDoubt
          ? ""
          : ` Reference the user resource directly (user: user.name) so the link is visible, or run the policy again after the update.`) +
        exemptionNote(match)
      );
  }
}

/** The message when the per-resource policy stops the second half of a pair. */
export function guardMessage({ current, other, currentIsKey }: PairFound, match: ExemptionMatch): string {
  const { userName } = current;
  const prefix = match.active ? "[exempted] " : "";
  const what = currentIsKey
    ? `${keyLabel(current)} would give IAM user "${userName}" an access key, but ${holderLabel(other)} already gives that user a console password in this deployment.`
    : `${holderLabel(current).replace(/^./, (c) => c.toUpperCase())} would give IAM user "${userName}" a console password, but ${keyLabel(other).replace(/^A/, "a")} for that user is already part of this deployment.`;
  return `${prefix}${what} Stopped before it is created. ${ADVICE}${exemptionNote(match)}`;
}

/**
 * The message when the per-resource policy finds the other half of a pair under the same user name,
 * but cannot tell whether it is in the same account: advisory, nothing is stopped.
 */
export function guardDoubtMessage(
  { current, other, currentIsKey, accountDoubt }: PairFound,
  match: ExemptionMatch,
): string {
  const { userName } = current;
  const what = currentIsKey
    ? `${keyLabel(current)} would give IAM user "${userName}" an access key, and ${holderLabel(other)} gives a user of that name a console password in this deployment`
    : `${holderLabel(current).replace(/^./, (c) => c.toUpperCase())} would give IAM user "${userName}" a console password, and ${keyLabel(other).replace(/^A/, "a")} for a user of that name is part of this deployment`;
  const prefix = match.active ? "[exempted] " : "";
  return `${prefix}${what}, but this could not be decided: ${accountDoubt}. Advisory: nothing is stopped.${exemptionNote(match)}`;
}

/** When checking one resource failed: said at advisory level, so the rest of the stack is still checked. */
export function checkFailedMessage(type: string, name: string, err: unknown): string {
  // The error text names no property value: only our own code and the SDK's messages reach it.
  const why = err instanceof Error ? err.message : String(err);
  return `Could not check ${type} "${name}" for CIS 1.11: ${why}`;
}
