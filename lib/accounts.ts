// Which AWS account a resource lives in, as far as the stack shows it.
//
// IAM is global to an account, so two users named "alice" behind two providers with different
// credentials are two people. We cannot ask AWS which account a provider reaches, so a provider's
// account is identified by its credential settings. Region does not matter to IAM.

import { createHash } from "crypto";
import { containsUnknown, read, toPlain, UNKNOWN } from "./values";

/** The provider part of a resource, as the SDK gives it (`args.provider`). */
export interface ProviderLike {
  type?: unknown;
  urn?: unknown;
  name?: unknown;
  props?: unknown;
}

export interface Account {
  /** URN of the provider resource; "" when the engine sent none. */
  providerUrn: string;
  /** Hash of the credential settings; undefined when one of them is unknown (preview). */
  fingerprint: string | undefined;
  /** How to name the account in a message. */
  label: string;
}

export type Sameness = "same" | "different" | "unknown";

// Settings that change which account the provider reaches (aws and aws-native spellings).
const CREDENTIAL_SETTINGS = [
  "profile",
  "accessKey",
  "allowedAccountIds",
  "sharedCredentialsFiles",
  "sharedCredentialsFile",
] as const;
const ROLE_SETTINGS = ["assumeRoles", "assumeRole", "roleArn", "assumeRoleWithWebIdentity"] as const;

// The aws provider JSON-encodes its non-string inputs ("[\"123\"]"); decode them to compare.
function decodeJson(value: unknown): unknown {
  if (typeof value === "string" && /^\s*[[{]/.test(value)) {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  return value;
}

function roleArns(value: unknown): unknown[] {
  const v = decodeJson(value);
  if (v === UNKNOWN) return [UNKNOWN];
  if (typeof v === "string") return [v];
  if (Array.isArray(v)) return v.flatMap(roleArns);
  if (v !== null && typeof v === "object") {
    const arn = (v as Record<string, unknown>).roleArn;
    return arn === undefined ? [] : [arn];
  }
  return [];
}

// Settings that hold a list: one entry written as a plain string is the same setting.
const LIST_SETTINGS = new Set<string>(["allowedAccountIds", "sharedCredentialsFiles", "sharedCredentialsFile"]);

function normalize(key: string, value: unknown): unknown {
  let v = decodeJson(value);
  if (LIST_SETTINGS.has(key) && typeof v === "string") v = [v];
  // Order of account ids and files does not change the account.
  if (Array.isArray(v)) return v.map((x) => (typeof x === "string" ? x : JSON.stringify(x))).sort();
  return v;
}

function label(provider: ProviderLike | undefined): string {
  const name = typeof provider?.name === "string" ? provider.name : "";
  const type = typeof provider?.type === "string" ? provider.type.replace("pulumi:providers:", "") : "";
  if (!name || name.startsWith("default")) {
    return type ? `the default ${type} provider's account` : "the default provider's account";
  }
  return `the account of provider "${name}"`;
}

/** The account a resource's provider reaches. Never throws, whatever the provider holds. */
export function accountOf(provider: ProviderLike | undefined): Account {
  const providerUrn = typeof provider?.urn === "string" ? provider.urn : "";
  const props = provider ? read(provider, "props") : undefined;
  const settings: Record<string, unknown> = {};
  for (const key of CREDENTIAL_SETTINGS) {
    const value = toPlain(read(props, key));
    if (value !== undefined && value !== null && value !== "") {
      settings[key === "sharedCredentialsFile" ? "sharedCredentialsFiles" : key] = normalize(key, value);
    }
  }
  const roles = ROLE_SETTINGS.flatMap((key) => roleArns(toPlain(read(props, key))));
  if (roles.length > 0) settings.roles = roles;
  const fingerprint = containsUnknown(settings)
    ? undefined
    : createHash("sha256").update(JSON.stringify(settings)).digest("hex");
  return { providerUrn, fingerprint, label: label(provider) };
}

/** Same provider, or providers with the same credential settings, reach the same account. */
export function compareAccounts(a: Account, b: Account): Sameness {
  if (a.providerUrn === b.providerUrn) return "same";
  if (a.fingerprint === undefined || b.fingerprint === undefined) return "unknown";
  return a.fingerprint === b.fingerprint ? "same" : "different";
}
