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
} from "../helpers/wire";
import { Registration } from "./project";

const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const UNKNOWN_ARRAY = "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2";
const UNKNOWN_OBJECT = "dd056dcd-154b-4c76-9bd3-c8f88648b5ff";

/**
 * Stands for a secret whose ciphertext cannot be decrypted here (a stack export's
 * `{"ciphertext": ...}`): present, opaque, still a secret.
 */
export const OPAQUE_SECRET = "[encrypted secret]";

/** Wire/state JSON to spec values: sentinels become `unknown` markers, secrets `secret(...)`. */
export function fromWire(value: unknown): unknown {
  if (value === UNKNOWN_STRING) return unknown;
  if (value === UNKNOWN_ARRAY) return unknownArray;
  if (value === UNKNOWN_OBJECT) return unknownObject;
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

/** The name part of a URN, as the engine derives a resource's name. */
export function urnName(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

/** As the engine fills AnalyzerProviderResource: the provider resource's inputs. */
function providerSpecs(records: Registration[]): Map<string, ProviderSpec> {
  const providers = new Map<string, ProviderSpec>();
  for (const r of records) {
    if (r.type.startsWith("pulumi:providers:")) {
      providers.set(r.urn, {
        type: r.type,
        name: urnName(r.urn),
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
    name: urnName(r.urn),
    urn: r.urn,
    inputs: fromWire(r.inputs) as Record<string, unknown>,
    outputs: fromWire(r.outputs) as Record<string, unknown>,
    provider: r.provider ? providers.get(providerUrnOf(r.provider)) : undefined,
    parent: r.parent || undefined,
    dependencies: r.dependencies,
    propertyDependencies: r.propertyDependencies,
  }));
}
