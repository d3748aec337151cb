// Which values the program marked secret, so that no message prints one.
//
// The SDK unwraps secrets before a policy sees them: `server.js` decodes every Analyze request, every
// AnalyzeStack resource and every provider with `deserialize_1.deserializeProperties(struct, false)`,
// and `deserializeProperty` (deserialize.js, case `specialSecretSig`) returns the bare value when
// `proxySecrets` is false (@pulumi/policy 1.21.0). A policy cannot tell a secret user name from a plain
// one in `props`. So this module wraps that export: server.js reads `deserialize_1.deserializeProperties`
// at every call, and the wrapper records every string under the secret signature in the raw request
// (the `toJavaScript()` of the Struct, converted once and handed on) before the SDK decodes it.
//
// A value set, not a per-resource mark: a string marked secret anywhere in the deployment is never
// printed anywhere, whichever resource repeats it. Compared ignoring case (IAM user names are), and a
// secret user ARN also hides the user name and path inside it. The set lives on `globalThis`, so two
// copies of this library composed into one organisation pack share it, and each copy of
// `@pulumi/policy` loaded in the process is wrapped once. Where a copy is found that was not wrapped
// from the start, requests may have been decoded unseen: then every string counts as secret.

import * as path from "path";

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** Past this many characters recorded, the set stops growing and every string counts as secret. */
const MAX_RECORDED_CHARS = 64 * 1024 * 1024;

interface SecretState {
  /** Lower-cased secret strings, and the user names and paths inside secret ARNs. */
  values: Set<string>;
  chars: number;
  /** Secrets may have gone unrecorded (an SDK copy wrapped late, a request not read): every string is secret. */
  blind: boolean;
  /** More than MAX_RECORDED_CHARS in this deployment: every string is secret until it ends. */
  overflowed: boolean;
  /** Copies of deserialize.js already wrapped (their module objects). */
  wrapped: WeakSet<object>;
  /** require.cache size at the last scan for new copies of the SDK. */
  scannedModules: number;
}

const STATE_KEY = Symbol.for("cis-aws-1-11/secret-values");
const WRAPPED = Symbol.for("cis-aws-1-11/secret-tracking");

const state: SecretState =
  ((globalThis as Record<symbol, unknown>)[STATE_KEY] as SecretState | undefined) ??
  (((globalThis as Record<symbol, unknown>)[STATE_KEY] = {
    values: new Set<string>(),
    chars: 0,
    blind: false,
    overflowed: false,
    wrapped: new WeakSet<object>(),
    scannedModules: -1,
  } satisfies SecretState) as SecretState);

function remember(text: string): void {
  if (state.overflowed) return;
  state.chars += text.length;
  if (state.chars > MAX_RECORDED_CHARS) {
    state.overflowed = true;
    state.values.clear();
    return;
  }
  state.values.add(text.toLowerCase());
}

/** Secret JSON text up to this size (a policy document) has the strings inside it recorded too. */
const MAX_JSON_CHARS = 256 * 1024;

/**
 * A secret string, and for an ARN its resource part, the name at its end and its path; for JSON text
 * (a secret policy document), every string inside it, decoded once.
 */
function rememberString(text: string, decodeJson = true): void {
  remember(text);
  if (
    decodeJson &&
    text.length <= MAX_JSON_CHARS &&
    (text.trimStart().startsWith("{") || text.trimStart().startsWith("["))
  ) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (parsed !== undefined) walk(parsed, true, false);
  }
  if (!text.startsWith("arn:")) return;
  // arn:partition:service:region:account:resource, the resource being type/path/name for IAM.
  let colons = 0;
  let i = 0;
  for (; i < text.length && colons < 5; i++) if (text.charCodeAt(i) === 58) colons++;
  if (colons < 5) return;
  const resource = text.slice(i);
  remember(resource);
  const firstSlash = resource.indexOf("/");
  const lastSlash = resource.lastIndexOf("/");
  if (lastSlash >= 0) remember(resource.slice(lastSlash + 1));
  if (firstSlash >= 0 && lastSlash > firstSlash) remember(resource.slice(firstSlash, lastSlash + 1));
}

/**
 * Records every string under a secret signature in a raw request value. Iterative, so any nesting
 * depth is fine; linear in the value's size.
 */
export function recordSecrets(raw: unknown): void {
  walk(raw, false, true);
}

// Every value of every resource of a stack passes through here (the SDK decodes each one with
// deserializeProperties), so the walk allocates nothing per value: a wrapper object per pending value
// was most of this pack's garbage on a 50k-resource stack. Containers wait on one stack, each with a
// secret flag on a parallel one; plain values outside a secret are skipped where they are found.
const pending: unknown[] = [];
const pendingSecret: boolean[] = [];

function visit(value: unknown, secret: boolean, decodeJson: boolean): void {
  if (value !== null && typeof value === "object") {
    pending.push(value);
    pendingSecret.push(secret);
  } else if (!secret) {
    return;
  } else if (typeof value === "string") {
    rememberString(value, decodeJson);
  } else if (typeof value === "number" || typeof value === "boolean") {
    remember(String(value));
  }
}

function walk(raw: unknown, secretAtTop: boolean, decodeJson: boolean): void {
  // Re-entered from rememberString (a secret JSON text): the outer walk's entries below `base` stay put.
  const base = pending.length;
  try {
    visit(raw, secretAtTop, decodeJson);
    while (pending.length > base) {
      const value = pending.pop() as object;
      const secret = pendingSecret.pop()!;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) visit(value[i], secret, decodeJson);
      } else {
        const obj = value as Record<string, unknown>;
        const inner = secret || obj[SIG_KEY] === SECRET_SIG;
        for (const k in obj) {
          if (k !== SIG_KEY && Object.prototype.hasOwnProperty.call(obj, k)) visit(obj[k], inner, decodeJson);
        }
      }
    }
  } finally {
    // A throw (a getter in a caller's value) must not leave entries for the next walk.
    pending.length = base;
    pendingSecret.length = base;
  }
}

type Deserialize = (struct: { toJavaScript(): unknown }, proxySecrets: boolean) => unknown;

/** Wraps one copy of the SDK's deserialize.js; other policies get exactly what they got before. */
function wrap(mod: unknown): boolean {
  if (mod === null || typeof mod !== "object") return false;
  const exports = mod as { deserializeProperties?: Deserialize & { [WRAPPED]?: true } };
  const original = exports.deserializeProperties;
  if (typeof original !== "function") return false;
  if (original[WRAPPED] || state.wrapped.has(exports)) return false;
  const tracked = function (struct: { toJavaScript(): unknown }, proxySecrets: boolean): unknown {
    let outputs: unknown;
    try {
      outputs = struct.toJavaScript();
    } catch {
      // Not a Struct: let the SDK handle it as it would have, and assume the worst.
      state.blind = true;
      return original(struct, proxySecrets);
    }
    try {
      recordSecrets(outputs);
    } catch {
      state.blind = true;
    }
    return original({ toJavaScript: () => outputs }, proxySecrets);
  } as Deserialize & { [WRAPPED]?: true };
  tracked[WRAPPED] = true;
  exports.deserializeProperties = tracked;
  state.wrapped.add(exports);
  return true;
}

const DESERIALIZE_SUFFIX = path.join("@pulumi", "policy", "deserialize.js");

/** Wraps copies of the SDK loaded since the last look; true when one was found unwrapped. */
function wrapLoadedCopies(): boolean {
  const cache = require.cache;
  const keys = Object.keys(cache);
  if (keys.length === state.scannedModules) return false;
  state.scannedModules = keys.length;
  let late = false;
  for (const file of keys) {
    if (file.endsWith(DESERIALIZE_SUFFIX) && wrap(cache[file]?.exports)) late = true;
  }
  return late;
}

function install(): void {
  // The copy this library resolves, and the copy the pack directory resolves (run-policy-pack starts
  // the pack with its directory as cwd; an organisation pack composing these policies is that
  // directory). Loading them here is what server.js would do anyway.
  for (const paths of [undefined, [process.cwd()]]) {
    try {
      const file = require.resolve("@pulumi/policy/deserialize", paths ? { paths } : undefined);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      wrap(require(file));
    } catch {
      // Not resolvable from there: the scan below and at each check covers what is loaded.
    }
  }
  wrapLoadedCopies();
}

install();

let lookedThisTurn = false;

/**
 * A copy of the SDK loaded after start-up may have decoded requests unseen. Requests are decoded in
 * gRPC callbacks, each on a turn of its own, so one look per turn sees every copy that could have
 * decoded one; a stack policy asking about thousands of names in one turn pays for one scan of
 * require.cache, not thousands.
 */
function checkForLateCopies(): void {
  if (lookedThisTurn) return;
  lookedThisTurn = true;
  queueMicrotask(() => (lookedThisTurn = false));
  if (wrapLoadedCopies()) state.blind = true;
}

/**
 * Whether a value was marked secret anywhere in this deployment (strings and numbers; ignoring case).
 * Never throws. True for every string when secrets may have gone unrecorded.
 */
export function isSecret(value: unknown): boolean {
  if (typeof value !== "string" && typeof value !== "number") return false;
  checkForLateCopies();
  if (state.blind || state.overflowed) return true;
  return state.values.has(String(value).toLowerCase());
}

/**
 * Whether a text (an error message, say) contains a secret anywhere; for texts the pack did not build.
 * Checks every recorded secret, so use it only off the common path; true when secrets may be unrecorded.
 */
export function mentionsSecret(text: string): boolean {
  checkForLateCopies();
  if (state.blind || state.overflowed) return true;
  const lower = text.toLowerCase();
  for (const s of state.values) if (s.length > 0 && lower.includes(s)) return true;
  return false;
}

/**
 * The deployment is over (the stack policy ran): the next one starts with no secrets. Blindness ends
 * too: it stands for requests of this deployment decoded unseen, and every copy found is wrapped now.
 */
export function forgetSecrets(): void {
  state.blind = false;
  state.values.clear();
  state.chars = 0;
  state.overflowed = false;
}
