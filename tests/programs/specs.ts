// From engine records (program runs or stack exports) to the ResourceSpecs the pack helpers send.

import {
  ProviderSpec,
  ResourceSpec,
  secret,
  SECRET_SIG,
  SECRET_SIG_KEY,
  unknown,
  unknownArray,
  unknownObject,
  UNKNOWN_ARRAY_WIRE,
  UNKNOWN_OBJECT_WIRE,
  UNKNOWN_STRING_WIRE,
} from "../helpers/wire";
import { nameOfUrn } from "../helpers/expect";
import { Registration } from "./project";

/**
 * Stands for a secret whose ciphertext cannot be decrypted here (a stack export's
 * `{"ciphertext": ...}`): present, opaque, still a secret.
 */
export const OPAQUE_SECRET = "[encrypted secret]";

/** Wire/state JSON to spec values: sentinels become `unknown` markers, secrets `secret(...)`. */
export function fromWire(value: unknown): unknown {
  if (value === UNKNOWN_STRING_WIRE) return unknown;
  if (value === UNKNOWN_ARRAY_WIRE) return unknownArray;
  if (value === UNKNOWN_OBJECT_WIRE) return unknownObject;
  if (Array.isArray(value)) return value.map(fromWire);
  if (value === null || typeof value !== "object") return value;
  const v = value as Record<string, unknown>;
  if (v[SECRET_SIG_KEY] === SECRET_SIG) {
    if ("value" in v) return secret(fromWire(v.value));
    if (typeof v.plaintext === "string") return secret(fromWire(JSON.parse(v.plaintext)));
    return secret(OPAQUE_SECRET);
  }
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = fromWire(x);
  return out;
}

/** The URN part of a provider reference "<urn>::<id>" (URNs contain "::" themselves). */
export function providerUrnOf(ref: string): string {
  const at = ref.lastIndexOf("::");
  return at < 0 ? ref : ref.slice(0, at);
}

/** As the engine fills AnalyzerProviderResource: the provider resource's inputs. */
function providerSpecs(records: Registration[]): Map<string, ProviderSpec> {
  const providers = new Map<string, ProviderSpec>();
  for (const r of records) {
    if (r.type.startsWith("pulumi:providers:")) {
      providers.set(r.urn, {
        type: r.type,
        name: nameOfUrn(r.urn),
        urn: r.urn,
        props: fromWire(r.inputs) as Record<string, unknown>,
      });
    }
  }
  return providers;
}

export function toSpecs(records: Registration[]): ResourceSpec[] {
  const providers = providerSpecs(records);
  return records.map((r) => ({
    type: r.type,
    name: nameOfUrn(r.urn),
    urn: r.urn,
    inputs: fromWire(r.inputs) as Record<string, unknown>,
    outputs: fromWire(r.outputs) as Record<string, unknown>,
    provider: r.provider ? providers.get(providerUrnOf(r.provider)) : undefined,
    parent: r.parent || undefined,
    dependencies: r.dependencies,
    propertyDependencies: r.propertyDependencies,
  }));
}
