// The texts a person reads in a preview or update. Only resource names, user names and provider
// names appear here: never a property value that may be secret (passwords, secret keys), and no user
// name the program marked secret (lib/secrets.ts): the user's resource is named instead.

import type { PairFound } from "./deployment-memory";
import { Exemption, ExemptionMatch } from "./exemptions";
import { AccessKeyRecord, Owner, PasswordHolder } from "./model";
import { KeyFinding } from "./pairing";
import { isSecret, mentionsSecret } from "./secrets";
import { currentRun, notKnown } from "./run";
import { TYPES } from "./types";

/** Said instead of a user name the program marked secret. */
export const SECRET_NAME = "its name is a secret value, not shown";

/** The name part of a URN: a resource name, never secret (URNs are plain text). */
export function urnName(urn: string): string {
  const i = urn.lastIndexOf("::");
  return i >= 0 ? urn.slice(i + 2) : urn;
}

/** An IAM user for a message: by name, or by its user resource when the name is secret. */
export function namedUser(userName: string, userUrn?: string): string {
  if (!isSecret(userName)) return `IAM user "${userName}"`;
  return userUrn !== undefined
    ? `the IAM user of user resource "${urnName(userUrn)}" (${SECRET_NAME})`
    : `an IAM user named by a secret value (not shown)`;
}

function userLabel(owner: Owner): string {
  if (owner.userName !== undefined) return namedUser(owner.userName, owner.userUrn);
  return `an IAM user whose name is ${notKnown()}`;
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

// The stack policy's advice: whether the person can create their own key follows it.
const STACK_ADVICE =
  "Remove the access key from this stack; if the person needs programmatic access, they create their own key later or request one in a separate, logged step.";

/**
 * The readiness sentence, unless a name it quotes was marked secret (a policy attached by a secret
 * ARN, say): then it is withheld, saying why. Each quoted name is looked up once: linear in the text.
 */
function withoutSecrets(sentence: string): string {
  for (let start = sentence.indexOf('"'); start >= 0;) {
    const end = sentence.indexOf('"', start + 1);
    if (end < 0) break;
    if (isSecret(sentence.slice(start + 1, end))) {
      return "Whether they can create their own key is not shown: the IAM evidence for it is named by a value marked secret.";
    }
    start = sentence.indexOf('"', end + 1);
  }
  return sentence;
}

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

/** The message for a finding of the stack policy; `readiness` is the sentence of lib/readiness/sentence.ts. */
export function findingMessage(finding: KeyFinding, match: ExemptionMatch, readiness?: string): string {
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
        `${holderLabel(holder)}${others} in this stack.${timing(key, holder)}${inactive} ` +
        (readiness ? `${STACK_ADVICE} ${withoutSecrets(readiness)}` : ADVICE) +
        exemptionNote(match)
      );
    }
    case "undetermined":
      return (
        `${prefix}${keyLabel(key)} may belong to a user with a console password (${holderLabel(holder)}), ` +
        `but this could not be decided: ${finding.reason}.` +
        (finding.accountsInDoubt
          ? ""
          : ` Reference the user resource directly (user: user.name) so the link is visible${currentRun() === "preview" ? ", or run the policy again after the update" : ""}.`) +
        exemptionNote(match)
      );
  }
}

/**
 * What the per-resource policy knows about the run it is in. The Analyze request says nothing about
 * whether a resource is new or already exists, so messages never claim either.
 * - "update": the engine configured the stack for an update (PULUMI_NODEJS_DRY_RUN=false): a
 *   mandatory finding denies this resource's step and stops the update.
 * - "analysis": no stack configuration at all, as in `pulumi policy analyze`: existing resources are
 *   analyzed and nothing is created or denied.
 */
export type GuardRun = "update" | "analysis";

/** The message when the per-resource policy finds the second half of a pair. */
export function guardMessage(pair: PairFound, match: ExemptionMatch, run: GuardRun = "update"): string {
  const prefix = match.active ? "[exempted] " : "";
  return `${prefix}${pairFacts(pair, run, "that user")}. ${guardOutcome(pair, match, run)} ${ADVICE}${run === "analysis" ? ` ${UNMANAGED_ADVICE}` : ""}${exemptionNote(match)}`;
}

/**
 * What the per-resource policy knows of a pair: this half, and the other one analyzed earlier. Either
 * may already exist: the request does not say, and an unchanged resource is analyzed too.
 */
function pairFacts({ current, other, currentIsKey }: PairFound, run: GuardRun, owner: string): string {
  const earlier = run === "update" ? "earlier in this deployment; it may already exist" : "earlier in this run";
  return currentIsKey
    ? `${keyLabel(current)} is for ${namedUser(current.userName)}, and ${holderLabel(other)}, which gives ${owner} a console password, was analyzed ${earlier}`
    : `${capitalize(holderLabel(current))} gives ${namedUser(current.userName)} a console password, and ${lowerFirst(keyLabel(other))} for ${owner} was analyzed ${earlier}`;
}

/** What happens to this resource, true at every level: the pack cannot see the level it was configured at. */
function guardOutcome(pair: PairFound, match: ExemptionMatch, run: GuardRun): string {
  const why = [
    ...(pair.keyActive ? [] : ["the access key is Inactive (not a usable credential)"]),
    ...(match.active ? ["the user is exempted"] : []),
  ];
  if (run === "analysis") {
    const advisory = why.length > 0 ? ` This finding is advisory because ${why.join(" and ")}.` : "";
    return (
      "No deployment is running (the engine sent no stack configuration, as in `pulumi policy analyze`): " +
      `this check creates and denies nothing and reports on resources that already exist.${advisory}`
    );
  }
  if (why.length > 0) {
    return `This finding is advisory because ${why.join(" and ")}, so this step is not denied.`;
  }
  return (
    "If this finding is mandatory, this step is denied and the update stops here; a resource that already " +
    "exists is left as it is. If it is advisory, nothing is denied."
  );
}

const UNMANAGED_ADVICE =
  "If no Pulumi program manages the key (a resource discovered in an account), delete it in AWS or have its owner do so.";

function capitalize(text: string): string {
  return text.replace(/^./, (c) => c.toUpperCase());
}

function lowerFirst(text: string): string {
  return text.replace(/^A/, "a");
}

/** Why a policy does not judge a resource or a stack: the reason goes with `args.notApplicable`. */
export const NOT_APPLICABLE = {
  preview:
    "not judged during a preview: the stack policy cis-1-11-no-access-key-with-console-password reports each pair once, at the end",
  otherType: "only IAM login profiles, aws-native users and IAM access keys can be half of a CIS 1.11 pair",
  iamUser: "an IAM user is judged through its login profile and access keys, not on its own",
  nativeUserWithoutPassword:
    "this aws-native user sets no inline loginProfile; a console password given to it another way is judged on that resource",
  nativeUserPasswordUnknown:
    "whether this aws-native user sets an inline loginProfile is not known from its inputs; the stack policy decides",
  ownerNotKnown:
    "its user is not a known user name in its inputs, so it cannot be paired by name; the stack policy, where it runs, links it through the user resource",
  noConsolePassword: "the stack has no console password (no login profile, no aws-native user with loginProfile)",
  noAccessKey: "the stack has no IAM access key",
} as const;

/**
 * The message when the per-resource policy finds the other half of a pair under the same user name,
 * but cannot tell whether it is in the same account: advisory, nothing is denied.
 */
export function guardDoubtMessage(pair: PairFound, match: ExemptionMatch, run: GuardRun = "update"): string {
  const prefix = match.active ? "[exempted] " : "";
  return `${prefix}${pairFacts(pair, run, "a user of that name")}, but whether they are the same user could not be decided: ${pair.accountDoubt}. This finding is advisory, so nothing is denied.${exemptionNote(match)}`;
}

const MAX_ERROR_TEXT = 300;

/** When checking one resource failed: said at advisory level, so the rest of the stack is still checked. */
export function checkFailedMessage(type: string, name: string, err: unknown): string {
  // Our own code and the SDK's messages reach here, but an engine's error may quote its input: the
  // text is cut short, and withheld when it contains a value marked secret.
  const text = err instanceof Error ? err.message : String(err);
  const short = text.length > MAX_ERROR_TEXT ? `${text.slice(0, MAX_ERROR_TEXT)}...` : text;
  const why = mentionsSecret(short) ? "the error text contains a secret value and is not shown" : short;
  return `Could not check ${type} "${name}" for CIS 1.11: ${why}`;
}
