// The pack's own view of the IAM resources in a stack, independent of how the SDK delivers them.

import { Account, ProviderLike } from "./accounts";

/** What both the stack policy (PolicyResource) and the per-resource policy (args) provide. */
export interface ResourceView {
  type: string;
  urn: string;
  name: string;
  props: unknown;
  provider?: ProviderLike;
  /** Only stack policies get these: the resources each input property's value came from. */
  propertyDependencies?: Record<string, ReadonlyArray<{ type: string; urn: string }>>;
}

/** yes / no, or unknown during preview. */
export type Tri = "yes" | "no" | "unknown";

/** An IAM user resource managed in the stack. */
export interface UserRecord {
  urn: string;
  type: string;
  resourceName: string;
  /** The IAM user name when known. */
  userName: string | undefined;
  account: Account;
}

/** Who a key or a console password belongs to. */
export interface Owner {
  /** The IAM user resource in this stack, when the value came from one. */
  userUrn?: string;
  /** The IAM user name, when known. */
  userName?: string;
  /** The account of that user: the user resource's when known, else the referring resource's. */
  account: Account;
  /** Set when the owner could not be determined at all, saying why. */
  unresolved?: string;
  /** With `unresolved`: the user resource the value may name (it depends on it and on other resources). */
  maybeUserUrn?: string;
}

/** A console password for a user: a login profile, or an aws-native User with `loginProfile`. */
export interface PasswordHolder {
  urn: string;
  type: string;
  resourceName: string;
  owner: Owner;
  /** "unknown" when whether the password is set cannot be known yet. */
  certainty: "yes" | "unknown";
  creating: Tri;
}

export interface AccessKeyRecord {
  urn: string;
  type: string;
  resourceName: string;
  owner: Owner;
  status: "active" | "inactive" | "unknown";
  creating: Tri;
  /** The account of the key's own provider. */
  account: Account;
}
