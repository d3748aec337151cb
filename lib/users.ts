// The IAM users managed in a stack, found by resource URN or by name within an account.

import { AccountIndex } from "./account-index";
import { accountOf, compareAccounts, Account } from "./accounts";
import { ResourceView, Tri, UserRecord } from "./model";
import { USER_NAME_PROP, USER_TYPES, CREATED_OUTPUTS } from "./types";
import { read, readString, UNKNOWN } from "./values";

/** IAM user names are unique regardless of case within an account. */
export function nameKey(userName: string): string {
  return userName.toLowerCase();
}

/** Whether two user names are one IAM user's; equal strings need no lower-casing (the usual case). */
export function sameName(a: string, b: string): boolean {
  return a === b || nameKey(a) === nameKey(b);
}

/**
 * The user name in a `user` value. Accepts a plain name, or a user ARN
 * (arn:aws:iam::123456789012:user/path/alice), which some programs pass by mistake.
 */
export function parseUserName(value: string): string {
  if (!value.startsWith("arn:")) return value;
  const arn = /^arn:[^:]+:iam::[^:]*:user\/(?:.*\/)?([^/]+)$/.exec(value);
  return arn ? arn[1] : value;
}

/** Whether the resource is being created in this deployment, read from its computed outputs. */
export function creationState(resource: ResourceView): Tri {
  const outputs = CREATED_OUTPUTS[resource.type] ?? [];
  let sawKnown = false;
  for (const key of outputs) {
    const value = read(resource.props, key);
    if (value === UNKNOWN) return "yes";
    if (value !== undefined && value !== null) sawKnown = true;
  }
  return sawKnown ? "no" : "unknown";
}

export function userOf(resource: ResourceView, account?: Account): UserRecord | undefined {
  if (!USER_TYPES.has(resource.type)) return undefined;
  const name = readString(resource.props, USER_NAME_PROP[resource.type]);
  return {
    urn: resource.urn,
    type: resource.type,
    resourceName: resource.name,
    userName: typeof name === "string" ? name : undefined,
    account: account ?? accountOf(resource.provider),
  };
}

export class UserDirectory {
  private readonly byUrn = new Map<string, UserRecord>();
  /** By name (ignoring case), then by account: one name in many accounts is found without a scan. */
  private readonly byName = new Map<string, AccountIndex<UserRecord>>();

  add(user: UserRecord): void {
    this.byUrn.set(user.urn, user);
    if (user.userName !== undefined) {
      const key = nameKey(user.userName);
      let index = this.byName.get(key);
      if (!index) this.byName.set(key, (index = new AccountIndex()));
      index.add(user, user.account);
    }
  }

  get(urn: string): UserRecord | undefined {
    return this.byUrn.get(urn);
  }

  /**
   * The managed user with this name in this account, when one is certainly there. Several user
   * resources with one name (ignoring case) in one account are one IAM user: any of them stands for it.
   */
  findByName(userName: string, account: Account): UserRecord | undefined {
    const index = this.byName.get(nameKey(userName));
    if (!index) return undefined;
    for (const u of index.sameCandidates(account)) if (compareAccounts(u.account, account) === "same") return u;
    return undefined;
  }
}
