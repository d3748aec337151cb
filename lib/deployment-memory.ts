// What the per-resource policy remembers while the engine analyzes one deployment's resources one
// by one: per account and user name, the console passwords and access keys registered so far.
//
// Per-resource analysis gets only a resource's inputs (no property dependencies), so halves are
// correlated on known user names, and their accounts compared with the same account model as the
// stack policy (lib/accounts.ts): "same" is a pair, "cannot tell" an advisory saying what would make
// it certain, "different" nothing. The memory holds one deployment of one stack:
// it starts over when a resource of another stack arrives, when a resource already seen is analyzed
// again (the engine analyzes each resource once per deployment), and when the stack policy ran.
// A pack without the stack policy (composed with `only`, or the stack policy disabled by config) has
// only the first two: the engine builds a plugin host, so a pack process, for each preview or update
// (pulumi/pulumi pkg/engine/update.go, update -> ensureHost), so the memory still holds one deployment.

import { AccountIndex } from "./account-index";
import { Account, AccountCache, accountDoubt, compareAccounts } from "./accounts";
import { ResourceView } from "./model";
import { OWNER_PROP, RELEVANT_TYPES, TYPES, USER_NAME_PROP } from "./types";
import { inlineLoginProfile } from "./console-password";
import { scopeOfUrn } from "./exemptions";
import { isAccessKeyType, keyStatus } from "./key-owner";
import { nameKey, parseUserName } from "./users";
import { readString } from "./values";

export interface Half {
  urn: string;
  type: string;
  resourceName: string;
  /** The user name as written in this resource. */
  userName: string;
  /** For keys: false when the key is Inactive. */
  active: boolean;
}

export interface PairFound {
  current: Half;
  currentIsKey: boolean;
  /** The other half registered earlier: an active one when there is any. */
  other: Half;
  /** Whether the pair's access key is active (a denial), rather than Inactive (advisory). */
  keyActive: boolean;
  /**
   * Set when the other half has the same user name but the pack cannot tell whether it is in the
   * same account: why, and what would make it certain. Such a pair is advisory.
   */
  accountDoubt?: string;
}

interface Remembered {
  half: Half;
  account: Account;
}

interface UserHalves {
  passwords: AccountIndex<Remembered>;
  keys: AccountIndex<Remembered>;
}

/** The key/password half a resource represents, read from its inputs; undefined for anything else. */
export function halfOf(resource: ResourceView): { half: Half; isKey: boolean } | undefined {
  const { type } = resource;
  const isKey = isAccessKeyType(type);
  // An inline loginProfile not known from the inputs is computed by the program; the stack policy decides it.
  const isPassword =
    type === TYPES.loginProfile || (type === TYPES.nativeUser && inlineLoginProfile(resource) === "yes");
  if (!isKey && !isPassword) return undefined;
  const value = readString(resource.props, type === TYPES.nativeUser ? USER_NAME_PROP[type] : OWNER_PROP[type]);
  if (typeof value !== "string") return undefined;
  return {
    isKey,
    half: {
      urn: resource.urn,
      type,
      resourceName: resource.name,
      userName: parseUserName(value),
      active: !isKey || keyStatus(resource) !== "inactive",
    },
  };
}

/** The stack a resource belongs to, from its URN. */
function stackOf(urn: string): string {
  const { stack, project } = scopeOfUrn(urn);
  return `${stack}::${project}`;
}

export class DeploymentMemory {
  private stack: string | undefined;
  private readonly seen = new Set<string>();
  private readonly said = new Set<string>();
  private readonly users = new Map<string, UserHalves>();
  private readonly accounts = new AccountCache();

  /** How many resources the memory holds (for tests of its bound). */
  get size(): number {
    return this.seen.size;
  }

  /** True the first time `what` is asked about in this deployment: something said once per deployment. */
  firstTime(what: string): boolean {
    if (this.said.has(what)) return false;
    this.said.add(what);
    return true;
  }

  reset(): void {
    this.said.clear();
    this.stack = undefined;
    this.seen.clear();
    this.users.clear();
    this.accounts.clear();
  }

  /**
   * Records a resource and returns the pair it completes, if any. Only the second half of a pair
   * is returned, so each pair is reported once, on the resource that would create it.
   */
  record(resource: ResourceView): PairFound | undefined {
    // Only IAM resources are remembered: memory stays small on large stacks.
    if (!RELEVANT_TYPES.has(resource.type)) return undefined;
    const stack = stackOf(resource.urn);
    if (stack !== this.stack || this.seen.has(resource.urn)) {
      this.reset();
      this.stack = stack;
    }
    this.seen.add(resource.urn);

    const found = halfOf(resource);
    if (!found) return undefined;
    const { half, isKey } = found;
    const account = this.accounts.of(resource.provider);
    const key = nameKey(half.userName);
    let halves = this.users.get(key);
    if (!halves) {
      halves = { passwords: new AccountIndex(), keys: new AccountIndex() };
      this.users.set(key, halves);
    }
    // Each resource is recorded once per deployment (a repeat starts a new one, above).
    const others = isKey ? halves.passwords : halves.keys;
    (isKey ? halves.keys : halves.passwords).add({ half, account }, account);

    // The other halves for this name: in the same account, or in one the pack cannot tell apart.
    // Indexed by account, so one name in many accounts costs only the accounts that may be this one.
    const same: Half[] = [];
    for (const o of others.sameCandidates(account)) {
      if (compareAccounts(account, o.account) === "same") same.push(o.half);
    }
    let doubt: Remembered | undefined;
    if (same.length === 0) {
      for (const o of others.candidates(account)) {
        if (compareAccounts(account, o.account) === "unknown") {
          doubt = o;
          break;
        }
      }
    }
    if (same.length > 0) {
      const other = same.find((o) => o.active) ?? same[0];
      return { current: half, currentIsKey: isKey, other, keyActive: isKey ? half.active : other.active };
    }
    if (doubt === undefined) return undefined;
    const other = doubt.half;
    return {
      current: half,
      currentIsKey: isKey,
      other,
      keyActive: isKey ? half.active : other.active,
      accountDoubt: accountDoubt(account, doubt.account),
    };
  }
}

/** The one memory of this pack process, shared by both policies: the stack policy clears it. */
export const deploymentMemory = new DeploymentMemory();
