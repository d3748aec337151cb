// Finding a user's console password: a classic login profile resource, or an aws-native User
// whose `loginProfile` is set inline.

import { Account, accountOf } from "./accounts";
import { resolveOwner } from "./key-owner";
import { PasswordHolder, ResourceView } from "./model";
import { OWNER_PROP, TYPES } from "./types";
import { creationState, userOf, UserDirectory } from "./users";
import { read, UNKNOWN } from "./values";

/**
 * Whether an aws-native User sets `loginProfile` inline: "unknown" when the program computes it and
 * it is not known yet. The password inside is secret and often unknown; only whether it is set matters.
 */
export function inlineLoginProfile(resource: ResourceView): "yes" | "no" | "unknown" {
  const loginProfile = read(resource.props, "loginProfile");
  if (loginProfile === UNKNOWN) return "unknown";
  return loginProfile !== null && typeof loginProfile === "object" ? "yes" : "no";
}

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
      // Only a finding's message needs it: read on demand, not for every resource of a large stack.
      get creating() {
        return creationState(resource);
      },
    };
  }
  if (resource.type === TYPES.nativeUser) {
    const inline = inlineLoginProfile(resource);
    if (inline === "no") return undefined;
    const user = users.get(resource.urn) ?? userOf(resource, account);
    if (!user) return undefined;
    return {
      urn: resource.urn,
      type: resource.type,
      resourceName: resource.name,
      owner: { userUrn: user.urn, userName: user.userName, account: user.account },
      certainty: inline,
      // Only a finding's message needs it: read on demand, not for every resource of a large stack.
      get creating() {
        return creationState(resource);
      },
    };
  }
  return undefined;
}
