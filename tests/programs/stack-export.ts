// `pulumi stack export` files (deployment format v3): reading them back as engine records, and
// writing one from a program run (to make fixtures).

import { createHash } from "crypto";
import * as fs from "fs";
import { ProgramRecord, Registration } from "./project";
import { isWireSecret } from "./provider-model";
import { SECRET_SIG, SECRET_SIG_KEY } from "../helpers/wire";

export interface ExportedResource {
  urn: string;
  custom: boolean;
  delete?: boolean;
  id?: string;
  type: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  parent?: string;
  provider?: string;
  dependencies?: string[];
  propertyDependencies?: Record<string, string[]>;
  [other: string]: unknown;
}

export interface StackExport {
  version: number;
  deployment: {
    manifest: Record<string, unknown>;
    secrets_providers?: unknown;
    resources?: ExportedResource[];
    pending_operations?: unknown[];
  };
}

export function readStackExport(file: string): StackExport {
  const data = JSON.parse(fs.readFileSync(file, "utf8")) as StackExport;
  if (data.version !== 3) throw new Error(`${file}: deployment version ${data.version}, expected 3`);
  return data;
}

/**
 * The resources `pulumi policy analyze` looks at, in snapshot order: everything but resources
 * pending deletion. Secret values stay in their exported form (ciphertext): see specs.fromWire.
 */
export function registrationsOf(data: StackExport): Registration[] {
  return (data.deployment.resources ?? [])
    .filter((r) => !r.delete)
    .map((r) => ({
      urn: r.urn,
      type: r.type,
      name: r.urn.slice(r.urn.lastIndexOf("::") + 2),
      custom: r.custom,
      parent: r.parent ?? "",
      provider: r.provider ?? "",
      id: r.id ?? "",
      inputs: r.inputs ?? {},
      outputs: r.outputs ?? {},
      dependencies: r.dependencies ?? [],
      propertyDependencies: r.propertyDependencies ?? {},
    }));
}

// Stands in for the passphrase secrets manager: the same shape, not decryptable by anyone.
function encrypt(value: unknown, seed: string): Record<string, unknown> {
  const digest = createHash("sha256")
    .update(seed + JSON.stringify(value))
    .digest();
  const ciphertext = "v1:" + digest.subarray(0, 12).toString("base64") + ":" + digest.toString("base64");
  return { [SECRET_SIG_KEY]: SECRET_SIG, ciphertext };
}

function encryptSecrets(value: unknown, seed: string): unknown {
  if (isWireSecret(value)) return encrypt(value.value, seed);
  if (Array.isArray(value)) return value.map((v, i) => encryptSecrets(v, `${seed}[${i}]`));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = encryptSecrets(v, `${seed}.${k}`);
    return out;
  }
  return value;
}

/** The export of the state an update of `record` leaves behind (as `pulumi stack export` writes it). */
export function toStackExport(record: ProgramRecord, time: string): StackExport {
  if (record.mode !== "update") throw new Error("only an update leaves state to export");
  const resources = record.registrations.map((r) => {
    // Key order as the CLI writes it.
    const out: ExportedResource = { urn: r.urn, custom: r.custom, ...(r.custom ? { id: r.id } : {}), type: r.type };
    if (Object.keys(r.inputs).length > 0 || r.custom) out.inputs = encryptSecrets(r.inputs, r.urn) as never;
    if (Object.keys(r.outputs).length > 0 || r.custom) out.outputs = encryptSecrets(r.outputs, r.urn) as never;
    if (r.parent) out.parent = r.parent;
    if (r.provider) out.provider = r.provider;
    if (r.dependencies.length > 0) out.dependencies = r.dependencies;
    if (Object.keys(r.propertyDependencies).length > 0) out.propertyDependencies = r.propertyDependencies;
    out.created = time;
    out.modified = time;
    return out;
  });
  return {
    version: 3,
    deployment: {
      manifest: { time, magic: createHash("sha256").update(time).digest("hex"), version: "v3.248.0" },
      secrets_providers: {
        type: "passphrase",
        state: { salt: "v1:T0pQTmFdXEk=:v1:mEj9mR3p1XzWcY5b:Ao6p3e0y8dZ5h2m9wq==" },
      },
      resources,
    },
  };
}
