// How one resource names a user or a group (a `user`, `group`, `users` or `groups` property), and
// whether two such names can be the same principal: by the resources the value came from (property
// dependencies, known during preview), by name within one account, or not decidable yet.

import { Account, compareAccounts } from "../accounts";
import { nameKey } from "../users";
import { Unknown, UNKNOWN } from "../values";

/** Who or what a property names: the resources its value came from, the value, and the account. */
export interface Ref {
  urns: string[];
  name: string | Unknown | undefined;
  account: Account;
  /** nameKey(name), computed once (a user's refs are compared with many others). */
  key?: string;
}

function keyOf(ref: Ref & { name: string }): string {
  return (ref.key ??= nameKey(ref.name));
}

export type Certainty = "yes" | "unknown";

/** A value not known yet that came from no resource we know of: it may name anything. */
export const isVague = (r: Ref): boolean => r.name === UNKNOWN && r.urns.length === 0;

/** Whether `a` and `b` name the same user or group. */
export function refsMatch(a: Ref, b: Ref): "yes" | "no" | "unknown" {
  const shared = a.urns.some((u) => b.urns.includes(u));
  if (typeof a.name === "string" && typeof b.name === "string") {
    // Names first: comparing accounts costs more, and most pairs differ by name.
    if (keyOf(a as Ref & { name: string }) !== keyOf(b as Ref & { name: string })) return "no";
    const accounts = compareAccounts(a.account, b.account);
    if (accounts === "different") return "no";
    return accounts === "same" || shared ? "yes" : "unknown";
  }
  if (shared) return a.urns.length === 1 && b.urns.length === 1 ? "yes" : "unknown";
  if ((isVague(a) || isVague(b)) && compareAccounts(a.account, b.account) !== "different") return "unknown";
  return "no";
}

export function both(a: Certainty, b: Certainty): Certainty {
  return a === "yes" && b === "yes" ? "yes" : "unknown";
}

/** Items by the user or group they name, so that an answer looks only at plausible matches. */
export class RefIndex<T> {
  private readonly all: T[] = [];
  private readonly byUrn = new Map<string, T[]>();
  private readonly byName = new Map<string, T[]>();
  private readonly vague: T[] = [];

  add(ref: Ref, item: T): void {
    this.all.push(item);
    for (const urn of ref.urns) push(this.byUrn, urn, item);
    if (typeof ref.name === "string") push(this.byName, keyOf(ref as Ref & { name: string }), item);
    else if (isVague(ref)) this.vague.push(item);
  }

  /** Every item `refsMatch` could find for `ref`, each once, in the order they were added. */
  candidates(ref: Ref): readonly T[] {
    if (isVague(ref)) return this.all;
    // Most stacks attach nothing to most users: skip the Set for every finding.
    if (this.all.length === 0) return [];
    const byName = typeof ref.name === "string" ? this.byName.get(keyOf(ref as Ref & { name: string })) : undefined;
    // The common case, a user named only by name: the index's own list, without a copy.
    if (ref.urns.length === 0 && this.vague.length === 0) return byName ?? [];
    const hits = new Set<T>(this.vague);
    for (const urn of ref.urns) for (const item of this.byUrn.get(urn) ?? []) hits.add(item);
    for (const item of byName ?? []) hits.add(item);
    return [...hits];
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
