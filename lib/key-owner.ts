// Resolving which IAM user an access key (or a login profile) belongs to.
//
// Order of evidence: the user resource the value came from (property dependencies, known even
// during preview when the value itself is not), then the value as a user name within the
// resource's account. Anything else is unresolved, with the reason, never a guess.

import { Account, accountOf, compareAccounts } from "./accounts";
import { notKnown } from "./run";
import { AccessKeyRecord, Owner, ResourceView } from "./model";
import { OWNER_PROP, TYPES, USER_TYPES } from "./types";
import { creationState, parseUserName, sameName as oneName, UserDirectory } from "./users";
import { isSecret } from "./secrets";
import { read, readString, UNKNOWN } from "./values";

/** The user resource a value depends on, and whether it depends on nothing else. */
interface UserDependency {
  urn: string;
  /** Other resources the value also depends on (their URNs). */
  others: string[];
}

/** The user resources a value depends on: one (with the other resources), or several. */
type UserDependencies = UserDependency | { several: string[] };

function userDependency(resource: ResourceView, prop: string): UserDependencies | undefined {
  const deps = resource.propertyDependencies?.[prop];
  if (!Array.isArray(deps)) return undefined;
  // Called for every key and login profile: no Set, and no `others` array unless there are others.
  let urn: string | undefined;
  let several: string[] | undefined;
  let others: string[] | undefined;
  for (const dep of deps) {
    if (!dep || typeof dep.urn !== "string") continue;
    if (USER_TYPES.has(dep.type)) {
      if (urn === undefined) urn = dep.urn;
      else if (dep.urn !== urn && !(several ??= [urn]).includes(dep.urn)) several.push(dep.urn);
    } else (others ??= []).push(dep.urn);
  }
  if (several) return { several };
  return urn !== undefined ? { urn, others: others ?? [] } : undefined;
}

/** The name part of a URN, for messages. */
function urnName(urn: string): string {
  const i = urn.lastIndexOf("::");
  return i >= 0 ? urn.slice(i + 2) : urn;
}

/**
 * The owner named by `resource.props[prop]`.
 *
 * Property dependencies as evidence: a value that comes from one user resource and nothing else is
 * that user, known or not. A value that also depends on other resources is that user only when its
 * known value names it; while it is unknown the owner is unresolved (an advisory finding says why).
 * A known value naming someone else is not that user.
 * @param account the account of the resource itself (its provider's).
 */
export function resolveOwner(
  resource: ResourceView,
  prop: string,
  users: UserDirectory,
  account: Account = accountOf(resource.provider),
): Owner {
  const value = readString(resource.props, prop);
  const deps = userDependency(resource, prop);
  let dep = deps !== undefined && "urn" in deps ? deps : undefined;
  let user = dep && users.get(dep.urn);
  // A key or login profile is created in its own provider's account, for that account's user of the
  // name it gives, whatever the value was computed from: a user resource in another account is not it.
  let fromOtherAccount: string | undefined;
  let otherAccountUser: string | undefined;
  if (user && compareAccounts(user.account, account) === "different") {
    fromOtherAccount = dep!.others.length === 0 ? user.userName : undefined;
    otherAccountUser = user.resourceName;
    dep = user = undefined;
  }
  if (dep !== undefined) {
    // A known value naming someone else (`user.name.apply(n => n + "-svc")`) is not that user.
    const named = typeof value === "string" ? parseUserName(value) : undefined;
    const sameName = user?.userName !== undefined && named !== undefined && oneName(named, user.userName);
    const contradicts = user?.userName !== undefined && named !== undefined && !sameName;
    if (user && !contradicts && (dep.others.length === 0 || sameName)) {
      return { userUrn: user.urn, userName: user.userName ?? named, account: user.account };
    }
    if (user && dep.others.length > 0 && value === UNKNOWN) {
      const others = dep.others.map((u) => `"${urnName(u)}"`).join(", ");
      const who =
        user.userName !== undefined && !isSecret(user.userName)
          ? `IAM user "${user.userName}"`
          : `user resource "${user.resourceName}"`;
      return {
        account,
        maybeUserUrn: user.urn,
        unresolved:
          `its \`${prop}\` is computed from ${who} and also from other resources (${others}), and is ${notKnown()}, ` +
          `so it may name that user or another one`,
      };
    }
  }
  // Known, or computed from one user resource of another account alone: that name in this account.
  const given = typeof value === "string" ? parseUserName(value) : fromOtherAccount;
  if (given !== undefined) {
    const named = users.findByName(given, account);
    return named ? { userUrn: named.urn, userName: given, account: named.account } : { userName: given, account };
  }
  const raw = read(resource.props, prop);
  const why =
    value === UNKNOWN
      ? otherAccountUser !== undefined
        ? `its \`${prop}\` is computed from user resource "${otherAccountUser}" of another account and from other resources, and is ${notKnown()}, so it may name any user of this account`
        : deps !== undefined && "several" in deps
          ? `its \`${prop}\` is computed from several IAM user resources (${deps.several.map((u) => `"${urnName(u)}"`).join(", ")}) and is ${notKnown()}, so it may name any of them or another user`
          : `its \`${prop}\` is computed and ${notKnown()}, and does not come from an IAM user resource in this stack`
      : raw === undefined || raw === null || raw === ""
        ? `it has no \`${prop}\` value`
        : `its \`${prop}\` value is not a user name`;
  return { account, unresolved: why };
}

/** Active unless the key says Inactive; "unknown" while the status is not known yet. */
export function keyStatus(resource: ResourceView): AccessKeyRecord["status"] {
  const status = readString(resource.props, "status");
  if (status === UNKNOWN) return "unknown";
  return typeof status === "string" && status.toLowerCase() === "inactive" ? "inactive" : "active";
}

export function isAccessKeyType(type: string): boolean {
  return type === TYPES.accessKey || type === TYPES.nativeAccessKey;
}

/** The access key record for a key resource, or undefined for any other type. */
export function accessKeyOf(
  resource: ResourceView,
  users: UserDirectory,
  account: Account = accountOf(resource.provider),
): AccessKeyRecord | undefined {
  if (!isAccessKeyType(resource.type)) return undefined;
  return {
    urn: resource.urn,
    type: resource.type,
    resourceName: resource.name,
    owner: resolveOwner(resource, OWNER_PROP[resource.type], users, account),
    status: keyStatus(resource),
    // Only a finding's message needs it: read on demand, not for every resource of a large stack.
    get creating() {
      return creationState(resource);
    },
    account,
  };
}
