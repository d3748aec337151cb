// Which AWS account a resource lives in, as far as the stack shows it.
//
// IAM is global to an account, so two users named "alice" in two accounts are two people. The pack
// cannot ask AWS which account a provider reaches; it decides on the evidence its settings give:
//
// 1. The same provider resource is the same account.
// 2. Account ids the settings state, compared when both sides state one: the account of the role the
//    provider ends up in (the last role of its chain), and `allowedAccountIds` (the provider refuses
//    any other account). Two different ids, or an id the other side's `allowedAccountIds` excludes or
//    its `forbiddenAccountIds` lists, are different accounts; one and the same id is the same account.
// 3. Otherwise the same credential source (profile, shared files, static key, roles assumed, web
//    identity) is the same account. Region, endpoints, tags and the account-id lists choose no
//    credentials, so they are not part of the source.
// 4. Anything else: the pack cannot tell ("unknown"), and says what would make it certain.
//
// "different" is only ever said on evidence of a difference; unknown settings (preview) are no evidence.

import { createHash } from "crypto";
import { currentRun, notKnown, Run } from "./run";
import { containsUnknown, decodeSetting, read, UNDECODABLE, UNKNOWN, Unknown } from "./values";

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
  /** Hash of the credential source settings; undefined when one of them is unknown (preview). */
  fingerprint: string | undefined;
  /**
   * The account ids the provider can reach, as its settings state them (sorted): undefined when they
   * state none, UNKNOWN while a setting that states them is not known yet.
   */
  ids: readonly string[] | undefined | Unknown;
  /** Account ids the provider refuses (`forbiddenAccountIds`); UNKNOWN while not known yet. */
  forbidden: readonly string[] | Unknown;
  /** How to name the account in a message. */
  label: string;
  /** How to name the provider in a message: `provider "usw2"`, `the default aws provider`. */
  provider: string;
  /**
   * Settings that could not be decoded (too deep, too large, not data): no evidence either way, so
   * the credential source is not compared (`fingerprint` undefined) and the ids ignore them.
   */
  unreadable?: readonly string[];
}

export type Sameness = "same" | "different" | "unknown";

// Settings that choose credentials (aws and aws-native spellings). Roles are read separately.
const CREDENTIAL_SETTINGS = [
  "profile",
  "accessKey",
  "sharedCredentialsFiles",
  "sharedCredentialsFile",
  "sharedConfigFiles",
] as const;
// In the order the provider applies them: web identity gives the first credentials, roles chain on.
const ROLE_SETTINGS = ["assumeRoleWithWebIdentity", "roleArn", "assumeRole", "assumeRoles"] as const;

/** The role ARNs a decoded role setting names, in order (depth is bounded by decodeSetting). */
function roleArns(value: unknown): unknown[] {
  const v = value;
  if (v === UNKNOWN) return [UNKNOWN];
  if (typeof v === "string") return v ? [v] : [];
  if (Array.isArray(v)) return v.flatMap(roleArns);
  if (v !== null && typeof v === "object") {
    const arn = (v as Record<string, unknown>).roleArn;
    return arn === undefined || arn === null || arn === "" ? [] : [arn];
  }
  return [];
}

// Settings that hold a list: one entry written as a plain string is the same setting.
const LIST_SETTINGS = new Set<string>(["sharedCredentialsFiles", "sharedCredentialsFile", "sharedConfigFiles"]);

function normalize(key: string, value: unknown): unknown {
  let v = value;
  if (LIST_SETTINGS.has(key) && typeof v === "string") v = [v];
  // Order of files does not change the account.
  if (Array.isArray(v)) return v.map((x) => (typeof x === "string" ? x : JSON.stringify(x))).sort();
  return v;
}

const ROLE_ACCOUNT = /^arn:[^:]+:(?:iam|sts)::(\d{12}):/;

/**
 * An account-id list (`allowedAccountIds`, `forbiddenAccountIds`): sorted ids, UNKNOWN, or undefined
 * when absent or not a list of ids (odd values are no evidence).
 */
function accountIdList(value: unknown): readonly string[] | undefined | Unknown {
  const v = value;
  if (v === UNKNOWN) return UNKNOWN;
  const list = typeof v === "string" || typeof v === "number" ? [v] : v;
  if (!Array.isArray(list) || list.length === 0) return undefined;
  const ids: string[] = [];
  for (const entry of list) {
    if (entry === UNKNOWN) return UNKNOWN;
    // A YAML config may write an id as a number: leading zeros are then lost.
    const id = typeof entry === "number" && Number.isInteger(entry) ? String(entry).padStart(12, "0") : entry;
    if (typeof id !== "string" || !isAccountId(id.trim())) return undefined;
    ids.push(id.trim());
  }
  return [...new Set(ids)].sort();
}

/** The ids the provider can reach: its final role's account, narrowed by `allowedAccountIds`. */
function reachableIds(roles: unknown[], allowed: ReturnType<typeof accountIdList>): Account["ids"] {
  let roleId: string | undefined | Unknown;
  const last = roles[roles.length - 1];
  if (last === UNKNOWN) roleId = UNKNOWN;
  else if (typeof last === "string") roleId = ROLE_ACCOUNT.exec(last)?.[1];
  if (roleId === UNKNOWN) return UNKNOWN;
  if (roleId === undefined) return allowed;
  // A role outside the allowed list makes the provider fail; the role is the stronger evidence.
  return [roleId];
}

function names(provider: ProviderLike | undefined): { label: string; provider: string } {
  const name = typeof provider?.name === "string" ? provider.name : "";
  const type = typeof provider?.type === "string" ? provider.type.replace("pulumi:providers:", "") : "";
  if (!name || name.startsWith("default")) {
    const p = type ? `the default ${type} provider` : "the default provider";
    return { label: `${p}'s account`, provider: p };
  }
  return { label: `the account of provider "${name}"`, provider: `provider "${name}"` };
}

function isAccountId(text: string): boolean {
  if (text.length !== 12) return false;
  for (let i = 0; i < 12; i++) if (text.charCodeAt(i) < 48 || text.charCodeAt(i) > 57) return false;
  return true;
}

/** The account a resource's provider reaches. Never throws, whatever the provider holds. */
export function accountOf(provider: ProviderLike | undefined): Account {
  const providerUrn = typeof provider?.urn === "string" ? provider.urn : "";
  try {
    return decodeAccount(provider, providerUrn);
  } catch {
    // Nothing of this provider could be read: no evidence, not a failure of the rest of the stack.
    return {
      providerUrn,
      fingerprint: undefined,
      ids: undefined,
      forbidden: [],
      ...names(provider),
      unreadable: ["settings"],
    };
  }
}

function decodeAccount(provider: ProviderLike | undefined, providerUrn: string): Account {
  const props = provider ? read(provider, "props") : undefined;
  if (props === UNKNOWN) {
    return { providerUrn, fingerprint: undefined, ids: UNKNOWN, forbidden: UNKNOWN, ...names(provider) };
  }
  const unreadable: string[] = [];
  // Each setting on its own: one that cannot be decoded is no evidence, and the others still count.
  const setting = (key: string): unknown => {
    const value = decodeSetting(read(props, key));
    if (value !== UNDECODABLE) return value;
    unreadable.push(key);
    return undefined;
  };
  const settings: Record<string, unknown> = {};
  for (const key of CREDENTIAL_SETTINGS) {
    const value = setting(key);
    if (value !== undefined && value !== null && value !== "") {
      settings[key === "sharedCredentialsFile" ? "sharedCredentialsFiles" : key] = normalize(key, value);
    }
  }
  const roles = ROLE_SETTINGS.flatMap((key) => roleArns(setting(key)));
  if (roles.length > 0) settings.roles = roles;
  const credentialsUnreadable = unreadable.length > 0;
  const fingerprint =
    credentialsUnreadable || containsUnknown(settings)
      ? undefined
      : createHash("sha256").update(JSON.stringify(settings)).digest("hex");
  const allowed = accountIdList(setting("allowedAccountIds"));
  const forbidden = accountIdList(setting("forbiddenAccountIds")) ?? [];
  // An unreadable role leaves the allowed list: the provider refuses any account outside it.
  const ids =
    credentialsUnreadable && unreadable.some((k) => isRoleSetting(k)) ? allowed : reachableIds(roles, allowed);
  const account: Account = { providerUrn, fingerprint, ids, forbidden, ...names(provider) };
  if (unreadable.length > 0) account.unreadable = unreadable;
  return account;
}

function isRoleSetting(key: string): boolean {
  return (ROLE_SETTINGS as readonly string[]).includes(key);
}

function known(ids: Account["ids"]): ids is readonly string[] {
  return Array.isArray(ids);
}

/** Whether the stated account ids prove a difference, or the same single account. */
function byAccountIds(a: Account, b: Account): Sameness {
  const ia = a.ids;
  const ib = b.ids;
  if (known(ia) && known(ib)) {
    if (ia.length === 1 && ib.length === 1) return ia[0] === ib[0] ? "same" : "different";
    if (!ia.some((id) => ib.includes(id))) return "different";
  }
  const fa = a.forbidden;
  const fb = b.forbidden;
  if (known(ia) && Array.isArray(fb) && ia.every((id) => fb.includes(id))) return "different";
  if (known(ib) && Array.isArray(fa) && ib.every((id) => fa.includes(id))) return "different";
  return "unknown";
}

/**
 * Each provider's account, decoded once: a stack has few providers and many IAM resources. Keyed by
 * provider URN; a provider without one is decoded every time.
 */
export class AccountCache {
  private readonly byUrn = new Map<string, Account>();
  // Resources come mostly from one provider: the last one answers without a map lookup.
  private lastUrn: string | undefined;
  private last: Account | undefined;

  of(provider: ProviderLike | undefined): Account {
    const urn = typeof provider?.urn === "string" ? provider.urn : "";
    if (!urn) return accountOf(provider);
    if (urn === this.lastUrn) return this.last!;
    let account = this.byUrn.get(urn);
    if (!account) {
      account = accountOf(provider);
      this.byUrn.set(urn, account);
    }
    this.lastUrn = urn;
    this.last = account;
    return account;
  }

  clear(): void {
    this.byUrn.clear();
    this.lastUrn = this.last = undefined;
  }
}

/** Whether two accounts are the same, on the evidence their providers give (see the top of this file). */
export function compareAccounts(a: Account, b: Account): Sameness {
  if (a.providerUrn === b.providerUrn) return "same";
  const ids = byAccountIds(a, b);
  if (ids !== "unknown") return ids;
  if (a.fingerprint !== undefined && a.fingerprint === b.fingerprint) return "same";
  return "unknown";
}

/**
 * Why two accounts compare as "unknown", and what would make it certain, said for the case at hand and
 * true in this run. Only meaningful when `compareAccounts(a, b)` is "unknown".
 */
export function accountDoubt(a: Account, b: Account, run: Run = currentRun()): string {
  return (
    `the user names match, but the pack cannot tell whether ${a.label} and ${b.label} are the same AWS account: ` +
    `${doubtReason(a, b, run)}. Setting \`allowedAccountIds\` to the one account id on both providers makes it certain ` +
    `(for a default provider, the stack config \`aws:allowedAccountIds\` or \`aws-native:allowedAccountIds\`)`
  );
}

function doubtReason(a: Account, b: Account, run: Run): string {
  const both = [a, b];
  const pending = both.filter(
    (x) => x.ids === UNKNOWN || x.forbidden === UNKNOWN || (x.fingerprint === undefined && !x.unreadable),
  );
  if (pending.length > 0) {
    const when = run === "preview" ? `${notKnown(run)} (the update will know them)` : notKnown(run);
    return `the settings of ${pending.map((x) => x.provider).join(" and ")} are ${when}, so the accounts may differ`;
  }
  const unreadable = both.filter((x) => x.unreadable !== undefined);
  if (unreadable.length > 0) {
    const what = unreadable
      .map((x) => `${x.unreadable!.map((k) => `\`${k}\``).join(", ")} of ${x.provider}`)
      .join(" and ");
    return `the pack could not read ${what} (nested too deeply, too large, or not data), so they are no evidence either way`;
  }
  const stated = both.filter((x) => Array.isArray(x.ids));
  const ids =
    stated.length === 2
      ? `both state account ids, but ${stated
          .filter((x) => (x.ids as readonly string[]).length > 1)
          .map((x) => `${x.provider} allows ${(x.ids as readonly string[]).length} accounts`)
          .join(" and ")}, and the lists overlap`
      : stated.length === 1
        ? `only ${stated[0].provider} states its account id`
        : "neither states its account id";
  return `${a.provider} and ${b.provider} use different credential settings, and ${ids}`;
}
