// The rule itself: which access keys are set up for a user who has a console password.

import { accountDoubt, compareAccounts, Sameness } from "./accounts";
import { AccessKeyRecord, Owner, PasswordHolder } from "./model";
import { notKnown } from "./run";
import { nameKey, sameName } from "./users";

/**
 * Whether two owners are the same IAM user. The same user resource is; otherwise known names are
 * compared (ignoring case, as IAM does), and equal names are the same user when the accounts are the
 * same: two user resources with one name in one account are one IAM user.
 */
export function sameUser(a: Owner, b: Owner): Sameness {
  if (a.unresolved !== undefined || b.unresolved !== undefined) {
    return compareAccounts(a.account, b.account) === "different" ? "different" : "unknown";
  }
  if (a.userUrn !== undefined && a.userUrn === b.userUrn) return "same";
  if (a.userName !== undefined && b.userName !== undefined) {
    return sameName(a.userName, b.userName) ? compareAccounts(a.account, b.account) : "different";
  }
  // Two user resources, one name not known yet: creating both under one name would fail.
  if (a.userUrn !== undefined && b.userUrn !== undefined) return "different";
  // A user resource whose name is not known yet, against a plain name: cannot rule it out.
  return compareAccounts(a.account, b.account) === "different" ? "different" : "unknown";
}

export type KeyFinding =
  /** An active key and a console password for the same user. */
  | { kind: "violation"; key: AccessKeyRecord; holder: PasswordHolder; others: number }
  /** The same, but the key is inactive. */
  | { kind: "inactive-key"; key: AccessKeyRecord; holder: PasswordHolder; others: number }
  /** The key may belong to a console user, but the stack does not show it for certain. */
  | {
      kind: "undetermined";
      key: AccessKeyRecord;
      holder: PasswordHolder;
      reason: string;
      /** Only the accounts are in doubt: the reason says what makes it certain. */
      accountsInDoubt: boolean;
    };

/** Index of console passwords, so each key is compared only with plausible candidates. */
export class PasswordIndex {
  private readonly all: PasswordHolder[] = [];
  private readonly byUserUrn = new Map<string, PasswordHolder[]>();
  private readonly byName = new Map<string, PasswordHolder[]>();
  /** Holders whose user is unresolved or has no known name: compared with every key. */
  private readonly vague: PasswordHolder[] = [];
  /** Holders known only by name, with no user resource. */
  private readonly nameOnly: PasswordHolder[] = [];

  get size(): number {
    return this.all.length;
  }

  add(holder: PasswordHolder): void {
    this.all.push(holder);
    const { owner } = holder;
    if (owner.unresolved !== undefined || owner.userName === undefined) {
      this.vague.push(holder);
    }
    if (owner.userUrn !== undefined) push(this.byUserUrn, owner.userUrn, holder);
    if (owner.userName !== undefined) {
      push(this.byName, nameKey(owner.userName), holder);
      if (owner.userUrn === undefined) this.nameOnly.push(holder);
    }
  }

  /** Holders indexed under the owner's user resource or name: the only ones that can be "same". */
  matches(owner: Owner): Iterable<PasswordHolder> {
    if (owner.unresolved !== undefined) return NONE;
    const byUrn = owner.userUrn !== undefined ? this.byUserUrn.get(owner.userUrn) : undefined;
    const byName = owner.userName !== undefined ? this.byName.get(nameKey(owner.userName)) : this.nameOnly;
    // Called for every key: the usual answer is one list as it is (each holds a holder once), no Set.
    if (byName === undefined || byName.length === 0) return byUrn ?? NONE;
    if (byUrn === undefined || sameList(byUrn, byName)) return byUrn ?? byName;
    const hits = new Set<PasswordHolder>(byUrn);
    for (const h of byName) hits.add(h);
    return hits;
  }

  /**
   * Holders that can only ever be "maybe" for a key: all of them when the key's user is unresolved,
   * those of the user resource it may name first.
   */
  vagueFor(owner: Owner): readonly PasswordHolder[] {
    if (owner.unresolved === undefined) return this.vague;
    const likely = owner.maybeUserUrn !== undefined ? this.byUserUrn.get(owner.maybeUserUrn) : undefined;
    return likely ? [...likely, ...this.all] : this.all;
  }
}

const NONE: readonly PasswordHolder[] = [];

function sameList(a: readonly PasswordHolder[], b: readonly PasswordHolder[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function undeterminedReason(key: AccessKeyRecord, holder: PasswordHolder): string {
  if (key.owner.unresolved !== undefined) {
    return `the key's user cannot be determined: ${key.owner.unresolved}`;
  }
  if (holder.owner.unresolved !== undefined) {
    return `the user of ${holder.resourceName} cannot be determined: ${holder.owner.unresolved}`;
  }
  if (holder.certainty === "unknown") {
    return `whether the user's console password is set is ${notKnown()}`;
  }
  if (key.owner.userName !== undefined && holder.owner.userName !== undefined) {
    return accountDoubt(key.owner.account, holder.owner.account);
  }
  return `the user's name is ${notKnown()}`;
}

/** The finding for one access key, or undefined when it has nothing to do with a console password. */
export function checkKey(key: AccessKeyRecord, passwords: PasswordIndex): KeyFinding | undefined {
  let first: PasswordHolder | undefined;
  let others = 0;
  let maybe: PasswordHolder | undefined;
  for (const holder of passwords.matches(key.owner)) {
    const same = sameUser(key.owner, holder.owner);
    if (same === "same" && holder.certainty === "yes") {
      if (first === undefined) first = holder;
      else others++;
    } else if (same !== "different" && maybe === undefined) {
      maybe = holder;
    }
  }
  if (first !== undefined) {
    return { kind: key.status === "inactive" ? "inactive-key" : "violation", key, holder: first, others };
  }
  // Only an uncertain match is left to find, and one is enough: stop at the first.
  if (maybe === undefined) {
    maybe = passwords.vagueFor(key.owner).find((holder) => sameUser(key.owner, holder.owner) !== "different");
  }
  if (maybe !== undefined) {
    const accountsInDoubt =
      key.owner.unresolved === undefined &&
      maybe.owner.unresolved === undefined &&
      maybe.certainty === "yes" &&
      key.owner.userName !== undefined &&
      maybe.owner.userName !== undefined;
    return { kind: "undetermined", key, holder: maybe, reason: undeterminedReason(key, maybe), accountsInDoubt };
  }
  return undefined;
}
