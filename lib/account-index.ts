// Things of one user name (users, console passwords, keys), found by account without comparing each
// with every other: one name in many accounts (a landing zone with `alice` everywhere) would
// otherwise cost holders x keys comparisons.
//
// compareAccounts (lib/accounts.ts) says "same" only for the same provider, one and the same stated
// account id, or the same credential fingerprint; and "different" whenever both sides state account
// ids that share none. So the items that can be "same" as an account are found in three maps, and
// those that can be "unknown" are, when the account states its ids, the ones stating none or one of
// them. Callers still compare each candidate: the index only leaves out what cannot matter.

import { Account } from "./accounts";

interface Entry<T> {
  item: T;
  seq: number;
}

function push<K, V>(map: Map<K, V[]> | undefined, key: K, value: V): Map<K, V[]> {
  if (!map) return new Map([[key, [value]]]);
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
  return map;
}

// There is one index per user name (users, console passwords), nearly all holding one item, and all
// of them live until the stack policy returns: the maps are made on first use, not up front, which on
// a 50k-resource IAM stack spares some 150,000 empty Maps (tens of MiB of peak memory).
export class AccountIndex<T> {
  private readonly all: Entry<T>[] = [];
  private byProvider: Map<string, Entry<T>[]> | undefined;
  private byFingerprint: Map<string, Entry<T>[]> | undefined;
  /** The same, for accounts that state no ids (or none known yet). */
  private idlessByFingerprint: Map<string, Entry<T>[]> | undefined;
  private byId: Map<string, Entry<T>[]> | undefined;
  /** Accounts whose ids are not stated or not known: they may be the same as any. */
  private idless: Entry<T>[] | undefined;

  get size(): number {
    return this.all.length;
  }

  add(item: T, account: Account): void {
    const entry = { item, seq: this.all.length };
    this.all.push(entry);
    this.byProvider = push(this.byProvider, account.providerUrn, entry);
    if (account.fingerprint !== undefined) {
      this.byFingerprint = push(this.byFingerprint, account.fingerprint, entry);
    }
    if (Array.isArray(account.ids)) {
      for (const id of account.ids) this.byId = push(this.byId, id, entry);
    } else {
      (this.idless ??= []).push(entry);
      if (account.fingerprint !== undefined) {
        this.idlessByFingerprint = push(this.idlessByFingerprint, account.fingerprint, entry);
      }
    }
  }

  /**
   * A superset of the items whose account can be "same" as `account`, in the order added. When it
   * states its ids, an item stating ids that share none is "different" whatever its credentials.
   */
  sameCandidates(account: Account): Iterable<T> {
    const lists = [this.byProvider?.get(account.providerUrn)];
    if (Array.isArray(account.ids)) {
      for (const id of account.ids) lists.push(this.byId?.get(id));
      if (account.fingerprint !== undefined) lists.push(this.idlessByFingerprint?.get(account.fingerprint));
    } else if (account.fingerprint !== undefined) {
      lists.push(this.byFingerprint?.get(account.fingerprint));
    }
    return merge(lists);
  }

  /**
   * A superset of the items whose account can be "same" or "unknown" as `account`, in the order added:
   * everything, unless `account` states its ids; then those stating none, or one of them. Lazy: a
   * caller looking for the first one stops early.
   */
  candidates(account: Account): Iterable<T> {
    if (!Array.isArray(account.ids)) return merge([this.all]);
    const lists = [this.byProvider?.get(account.providerUrn), this.idless];
    for (const id of account.ids) lists.push(this.byId?.get(id));
    return merge(lists);
  }
}

/** The items of several lists (each in the order added), once each, in the order added; lazily. */
function* merge<T>(lists: Array<Entry<T>[] | undefined>): Generator<T> {
  const present = lists.filter((l): l is Entry<T>[] => l !== undefined && l.length > 0);
  if (present.length === 1) {
    for (const e of present[0]) yield e.item;
    return;
  }
  const at = present.map(() => 0);
  let last = -1;
  for (;;) {
    let best = -1;
    for (let i = 0; i < present.length; i++) {
      if (at[i] < present[i].length && (best < 0 || present[i][at[i]].seq < present[best][at[best]].seq)) best = i;
    }
    if (best < 0) return;
    const e = present[best][at[best]++];
    if (e.seq !== last) yield e.item;
    last = e.seq;
  }
}
