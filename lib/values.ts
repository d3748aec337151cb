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

/** A value that could not be decoded within the limits below: no evidence of anything. */
export const UNDECODABLE: unique symbol = Symbol("undecodable");
export type Undecodable = typeof UNDECODABLE;

/** Limits of `decodeSetting`: provider settings are small and shallow; anything beyond is not read. */
export const DECODE_LIMITS = { depth: 16, values: 10_000, chars: 64 * 1024 } as const;

/**
 * A provider setting as plain data: unknowns become UNKNOWN, and a JSON-encoded string (the aws
 * provider JSON-encodes its non-string inputs: "[\"123\"]") is decoded. Total and bounded: deeper
 * than DECODE_LIMITS.depth, more values than DECODE_LIMITS.values, or a string longer than
 * DECODE_LIMITS.chars gives UNDECODABLE, and so does anything that throws. Never throws.
 */
export function decodeSetting(value: unknown): unknown {
  const budget = { values: DECODE_LIMITS.values };
  try {
    return decodeWithin(value, 0, budget, true);
  } catch {
    return UNDECODABLE;
  }
}

function decodeWithin(value: unknown, depth: number, budget: { values: number }, decodeJson: boolean): unknown {
  if (--budget.values < 0 || depth > DECODE_LIMITS.depth) return UNDECODABLE;
  const v = unwrap(value);
  if (typeof v === "string") {
    if (v.length > DECODE_LIMITS.chars) return UNDECODABLE;
    if (decodeJson && looksLikeJson(v)) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(v);
      } catch {
        return v;
      }
      // Decoded once: a string inside is taken as it is.
      return decodeWithin(parsed, depth, budget, false);
    }
    return v;
  }
  if (v === UNKNOWN || v === null || typeof v !== "object") return v;
  let out: unknown[] | Record<string, unknown>;
  if (Array.isArray(v)) {
    const list: unknown[] = [];
    for (let i = 0; i < v.length; i++) {
      const item = decodeWithin(read(v, i), depth + 1, budget, decodeJson);
      if (item === UNDECODABLE) return UNDECODABLE;
      list.push(item);
    }
    out = list;
  } else {
    const obj: Record<string, unknown> = {};
    for (const k of Object.keys(v)) {
      const item = decodeWithin(read(v, k), depth + 1, budget, decodeJson);
      if (item === UNDECODABLE) return UNDECODABLE;
      obj[k] = item;
    }
    out = obj;
  }
  return out;
}

/** `[` or `{` after leading white space; scans only the white space. */
function looksLikeJson(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "[" || c === "{") return true;
    if (c !== " " && c !== "\t" && c !== "\n" && c !== "\r") return false;
  }
  return false;
}
