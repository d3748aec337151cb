// What the engine sends: resource descriptions and their wire encoding (unknowns, secrets).

/** A provider reference as the engine sends it with each resource. */
export interface ProviderSpec {
  type: string;
  name: string;
  urn: string;
  props: Record<string, unknown>;
}

/** One resource as the engine describes it to an analyzer. */
export interface ResourceSpec {
  type: string;
  name: string;
  urn: string;
  /** What Analyze gets: the resource's inputs. */
  inputs: Record<string, unknown>;
  /** What AnalyzeStack gets: the resource's outputs (inputs plus computed values). */
  outputs: Record<string, unknown>;
  provider?: ProviderSpec;
  parent?: string;
  dependencies?: string[];
  propertyDependencies?: Record<string, string[]>;
}

const UNKNOWN_MARK = Symbol("unknown");
const SECRET_MARK = Symbol("secret");

/** The engine's wire sentinels for unknown values, one per kind. */
export const UNKNOWN_STRING_WIRE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export const UNKNOWN_OBJECT_WIRE = "dd056dcd-154b-4c76-9bd3-c8f88648b5ff";
export const UNKNOWN_ARRAY_WIRE = "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2";

/** A value unknown during preview (a computed output of a resource being created). */
export const unknown: unknown = { [UNKNOWN_MARK]: UNKNOWN_STRING_WIRE };
/** Unknown values of other kinds: the engine has one sentinel per kind. */
export const unknownObject: unknown = { [UNKNOWN_MARK]: UNKNOWN_OBJECT_WIRE };
export const unknownArray: unknown = { [UNKNOWN_MARK]: UNKNOWN_ARRAY_WIRE };

/** A secret value, wrapped as on the wire. */
export function secret(value: unknown): unknown {
  return { [SECRET_MARK]: value };
}

/** The value inside a secret() wrapper, or the value itself. */
export function unwrapSecret(value: unknown): unknown {
  return value !== null && typeof value === "object" && SECRET_MARK in (value as object)
    ? (value as Record<symbol, unknown>)[SECRET_MARK]
    : value;
}

export function isUnknown(value: unknown): boolean {
  return value !== null && typeof value === "object" && UNKNOWN_MARK in (value as object);
}

export const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** Encodes markers into the engine's JSON form for a protobuf Struct. */
export function encode(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  const v = value as Record<string | symbol, unknown>;
  if (UNKNOWN_MARK in v) return v[UNKNOWN_MARK];
  if (SECRET_MARK in v) return { [SECRET_SIG_KEY]: SECRET_SIG, value: encode(v[SECRET_MARK]) };
  if (Array.isArray(value)) return value.map(encode);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(value)) {
    // The engine drops undefined and null-free absent values; keep explicit nulls.
    if (x !== undefined) out[k] = encode(x);
  }
  return out;
}
