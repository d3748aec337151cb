// Finding a user's console password: a classic login profile resource, or an aws-native User
// whose `loginProfile` is set inline.

import { Account, accountOf } from "./accounts";
import { resolveOwner } from "./key-owner";
import { PasswordHolder, ResourceView } from "./model";
import { OWNER_PROP, TYPES } from "./types";
import { creationState, userOf, UserDirectory } from "./users";
import { read, UNKNOWN } from "./values";

/** The console password this resource sets up, or undefined when it sets none. */
export function consolePasswordOf(
  resource: ResourceView,
  users: UserDirectory,
  account: Account = accountOf(resource.provider),
): PasswordHolder | undefined {
  if (resource.type === TYPES.loginProfile) {
    return {
      urn: resource.urn,
      type: resource.type,
      resourceName: resource.name,
      owner: resolveOwner(resource, OWNER_PROP[resource.type], users, account),
      certainty: "yes",
      creating: creationState(resource),
    };
  }
  if (resource.type === TYPES.nativeUser) {
    const loginProfile = read(resource.props, "loginProfile");
    if (loginProfile === undefined || loginProfile === null) return undefined;
    // The password inside is secret and often unknown; only whether the profile is set matters.
    if (loginProfile !== UNKNOWN && typeof loginProfile !== "object") return undefined;
    const user = users.get(resource.urn) ?? userOf(resource, account);
    if (!user) return undefined;
    return {
      urn: resource.urn,
      type: resource.type,
      resourceName: resource.name,
      owner: { userUrn: user.urn, userName: user.userName, account: user.account },
      certainty: loginProfile === UNKNOWN ? "unknown" : "yes",
      creating: creationState(resource),
    };
  }
  return undefined;
}
