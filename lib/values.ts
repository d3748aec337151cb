// Reading resource properties without ever letting an unknown value abort a policy.
//
// The SDK wraps `props` in a proxy that throws UnknownValueError on any read of a value that is
// unknown during preview, and turns that error into a single advisory "can't run policy" message:
// a mandatory policy would then pass silently. Every read in this pack goes through `read`, which
// turns that throw into the UNKNOWN marker so the policy can decide what an unknown means.

/** Marks a value that cannot be known yet (a computed output during preview). */
export const UNKNOWN: unique symbol = Symbol("unknown");
export type Unknown = typeof UNKNOWN;

// Wire sentinels of unknown values, taken from the SDK so they cannot drift. Seen when a value is
// read from an object that is not wrapped by the SDK's proxy.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sdkProxy: Record<string, unknown> = require("@pulumi/policy/proxy");
const UNKNOWN_SENTINELS = new Set<unknown>(
  ["Boolean", "Number", "String", "Array", "Asset", "Archive", "Object"].map((kind) => sdkProxy[`unknown${kind}Value`]),
);

// Signature key and value of a serialized secret, in case one reaches us still wrapped.
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

// The SDK exports UnknownValueError at run time (>= 1.21) but strips it from its typings.
const sdkUnknownValueError: unknown = sdkProxy.UnknownValueError;

function isUnknownValueError(err: unknown): boolean {
  if (typeof sdkUnknownValueError === "function" && err instanceof sdkUnknownValueError) {
    return true;
  }
  return err instanceof Error && err.constructor?.name === "UnknownValueError";
}

function unwrap(value: unknown): unknown {
  if (typeof value === "string" && UNKNOWN_SENTINELS.has(value)) {
    return UNKNOWN;
  }
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    let sig: unknown;
    try {
      sig = (value as Record<string, unknown>)[SIG_KEY];
    } catch (err) {
      if (isUnknownValueError(err)) return UNKNOWN;
      throw err;
    }
    if (sig === SECRET_SIG) {
      return read(value, "value");
    }
  }
  return value;
}

/**
 * Reads `obj[key]`. Returns UNKNOWN for a value unknown during preview, `undefined` when `obj` is
 * not an object or has no such property, and the value (secrets unwrapped) otherwise.
 */
export function read(obj: unknown, key: string | number): unknown {
  if (obj === null || typeof obj !== "object") {
    return undefined;
  }
  // The SDK's proxy has no getOwnPropertyDescriptor trap: the descriptor is the target's, so the
  // raw value is read without the proxy's per-read work (a new proxy per object, an Error per
  // unknown), and `unwrap` recognizes the unknown sentinels itself.
  const desc = Object.getOwnPropertyDescriptor(obj, key);
  if (desc === undefined) return undefined;
  if ("value" in desc) return unwrap(desc.value);
  let value: unknown;
  try {
    value = (obj as Record<string | number, unknown>)[key];
  } catch (err) {
    if (isUnknownValueError(err)) return UNKNOWN;
    throw err;
  }
  return unwrap(value);
}

/** A string property: the string, UNKNOWN, or undefined when absent, empty or not a string. */
export function readString(obj: unknown, key: string): string | Unknown | undefined {
  const value = read(obj, key);
  if (value === UNKNOWN) return UNKNOWN;
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

/**
 * Copies a value into plain data, unknowns becoming UNKNOWN, so it can be hashed or compared.
 * Depth-limited: provider settings are shallow, and odd input must not recurse without end.
 */
export function toPlain(value: unknown, depth = 0): unknown {
  const v = unwrap(value);
  if (v === UNKNOWN || v === null || typeof v !== "object" || depth > 8) {
    return v;
  }
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (let i = 0; i < v.length; i++) out.push(toPlain(read(v, i), depth + 1));
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) out[k] = toPlain(read(v, k), depth + 1);
  return out;
}

/** True when a plain value (from toPlain) contains an unknown anywhere. */
export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value !== null && typeof value === "object") {
    return Object.values(value).some(containsUnknown);
  }
  return false;
}
