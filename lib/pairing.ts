// The rule itself: which access keys are set up for a user who has a console password.

import { accountDoubt, compareAccounts, Sameness } from "./accounts";
import { AccountIndex } from "./account-index";
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

/**
 * Index of console passwords, so each key is compared only with plausible candidates: by user
 * resource, and by name and account (lib/account-index.ts), so that one name in many accounts costs
 * what the accounts that may be the key's cost, not all of them.
 */
export class PasswordIndex {
  private readonly all: PasswordHolder[] = [];
  private readonly byUserUrn = new Map<string, PasswordHolder[]>();
  private readonly byName = new Map<string, AccountIndex<PasswordHolder>>();
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
      const key = nameKey(owner.userName);
      let index = this.byName.get(key);
      if (!index) this.byName.set(key, (index = new AccountIndex()));
      index.add(holder, owner.account);
      if (owner.userUrn === undefined) this.nameOnly.push(holder);
    }
  }

  /** A superset of the holders that can be "same" as the owner: its user resource's, its name's in its account. */
  sameCandidates(owner: Owner): Iterable<PasswordHolder> {
    if (owner.unresolved !== undefined || owner.userName === undefined) return this.byUrn(owner);
    return this.withByUrn(owner, this.byName.get(nameKey(owner.userName))?.sameCandidates(owner.account));
  }

  /** A superset of the holders that can be "same" or "unknown" as the owner, the likeliest first; lazy. */
  maybeCandidates(owner: Owner): Iterable<PasswordHolder> {
    if (owner.unresolved !== undefined) return NONE;
    const byName =
      owner.userName !== undefined
        ? this.byName.get(nameKey(owner.userName))?.candidates(owner.account)
        : this.nameOnly;
    return this.withByUrn(owner, byName);
  }

  private byUrn(owner: Owner): readonly PasswordHolder[] {
    return (owner.userUrn !== undefined ? this.byUserUrn.get(owner.userUrn) : undefined) ?? NONE;
  }

  /** The owner's user resource's holders, then the others given, each once. */
  private *withByUrn(owner: Owner, others: Iterable<PasswordHolder> | undefined): Generator<PasswordHolder> {
    const byUrn = this.byUrn(owner);
    yield* byUrn;
    if (!others) return;
    for (const h of others) if (byUrn.length === 0 || !byUrn.includes(h)) yield h;
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
  for (const holder of passwords.sameCandidates(key.owner)) {
    if (holder.certainty === "yes" && sameUser(key.owner, holder.owner) === "same") {
      if (first === undefined) first = holder;
      else others++;
    }
  }
  if (first !== undefined) {
    return { kind: key.status === "inactive" ? "inactive-key" : "violation", key, holder: first, others };
  }
  // Only an uncertain match is left to find, and one is enough: stop at the first.
  let maybe: PasswordHolder | undefined;
  for (const holder of passwords.maybeCandidates(key.owner)) {
    if (sameUser(key.owner, holder.owner) !== "different") {
      maybe = holder;
      break;
    }
  }
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
