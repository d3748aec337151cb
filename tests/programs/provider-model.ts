// What the providers would do with a registration, reduced to what this pack looks at: which
// inputs their Check autonames, the ID they assign, and the outputs their Create computes.
//
// Values here are in wire form (the JSON of a protobuf Struct): secrets are objects carrying the
// secret signature, and unknowns are the engine's sentinel strings.

import { createHash } from "crypto";
import { SECRET_SIG, SECRET_SIG_KEY, UNKNOWN_STRING_WIRE } from "../helpers/wire";

export type Wire = Record<string, unknown>;

/**
 * The unknown sentinel. Providers (the Terraform bridge included) return every computed value of a
 * previewed create as this string sentinel, and the Node SDK only recognises this one.
 */
export const UNKNOWN_WIRE = UNKNOWN_STRING_WIRE;

export function wireSecret(value: unknown): Wire {
  return { [SECRET_SIG_KEY]: SECRET_SIG, value };
}

export function isWireSecret(value: unknown): value is Wire {
  return value !== null && typeof value === "object" && (value as Wire)[SECRET_SIG_KEY] === SECRET_SIG;
}

/** Deterministic pseudo-random hex, so preview and update agree as the engine's seeded Check does. */
export function hex(seed: string, length: number): string {
  let out = "";
  for (let i = 0; out.length < length; i++) {
    out += createHash("sha256").update(`${seed}#${i}`).digest("hex");
  }
  return out.slice(0, length);
}

function upperId(prefix: string, seed: string, length: number): string {
  return prefix + hex(seed, length).toUpperCase();
}

/**
 * A 12-digit account id standing for the account a provider's credentials reach: the account of
 * an assumed role or the first allowed account when the inputs name one, else one derived from
 * the credential settings (the default credentials reach 111111111111).
 */
export function accountIdFor(providerInputs: Wire | undefined): string {
  // The aws provider's non-string inputs arrive JSON-encoded.
  const text = ["assumeRoles", "assumeRole", "allowedAccountIds"]
    .map((k) => String(providerInputs?.[k] ?? ""))
    .join(" ");
  const named = /arn:aws[\w-]*:iam::(\d{12}):role\//.exec(text) ?? /"(\d{12})"/.exec(text);
  if (named) return named[1];
  const creds = ["profile", "accessKey", "sharedCredentialsFiles"].map((k) => providerInputs?.[k] ?? "").join("|");
  if (creds === "||") return "111111111111";
  return (BigInt("0x" + hex(creds, 15)) % 10n ** 12n).toString().padStart(12, "0");
}

interface TypeModel {
  /** Input the provider's Check fills with `<name>-<7 hex>` when the program leaves it out. */
  autoname?: string;
  /** The ID Create assigns, from the checked inputs. */
  id(inputs: Wire, ctx: Context): string;
  /** Computed outputs (Create's result beyond the inputs), known only after Create. */
  computed(inputs: Wire, ctx: Context): Wire;
  /** Provider-side defaults that show in outputs, known at plan time. */
  defaults?: Wire;
}

export interface Context {
  urn: string;
  name: string;
  accountId: string;
}

const str = (v: unknown): string => (typeof v === "string" ? v : "");

const MODELS: Record<string, TypeModel> = {
  "aws:iam/user:User": {
    autoname: "name",
    id: (i) => str(i.name),
    defaults: { path: "/", forceDestroy: false },
    computed: (i, c) => ({
      arn: `arn:aws:iam::${c.accountId}:user${str(i.path) || "/"}${str(i.name)}`,
      uniqueId: upperId("AIDA", c.urn, 17),
      tagsAll: i.tags ?? {},
    }),
  },
  "aws:iam/group:Group": {
    autoname: "name",
    id: (i) => str(i.name),
    defaults: { path: "/" },
    computed: (i, c) => ({
      arn: `arn:aws:iam::${c.accountId}:group${str(i.path) || "/"}${str(i.name)}`,
      uniqueId: upperId("AGPA", c.urn, 17),
    }),
  },
  "aws:iam/policy:Policy": {
    autoname: "name",
    id: (i, c) => `arn:aws:iam::${c.accountId}:policy${str(i.path) || "/"}${str(i.name)}`,
    defaults: { path: "/" },
    computed: (i, c) => ({
      arn: `arn:aws:iam::${c.accountId}:policy${str(i.path) || "/"}${str(i.name)}`,
      policyId: upperId("ANPA", c.urn, 17),
      attachmentCount: 0,
    }),
  },
  "aws:organizations/policy:Policy": {
    id: (_i, c) => `p-${hex(c.urn, 8)}`,
    computed: (_i, c) => ({
      arn: `arn:aws:organizations::${c.accountId}:policy/o-${hex("org", 10)}/service_control_policy/p-${hex(c.urn, 8)}`,
    }),
  },
  "aws:iam/userLoginProfile:UserLoginProfile": {
    id: (i) => str(i.user),
    defaults: { passwordLength: 20 },
    computed: (i, c) =>
      i.pgpKey
        ? { encryptedPassword: hex(c.urn + "enc", 64), keyFingerprint: hex(c.urn + "fp", 40) }
        : { password: wireSecret(hex(c.urn + "pw", 20)) },
  },
  "aws:iam/accessKey:AccessKey": {
    id: (_i, c) => upperId("AKIA", c.urn, 16),
    defaults: { status: "Active" },
    computed: (i, c) => ({
      createDate: "2025-01-15T09:30:00Z",
      ...(i.pgpKey
        ? { encryptedSecret: hex(c.urn + "enc", 64), keyFingerprint: hex(c.urn + "fp", 40) }
        : {
            secret: wireSecret(hex(c.urn + "sk", 40)),
            sesSmtpPasswordV4: wireSecret(hex(c.urn + "smtp", 44)),
          }),
    }),
  },
  "aws-native:iam:User": {
    // Assumed to autoname like the classic provider; the examples name their users anyway.
    autoname: "userName",
    id: (i) => str(i.userName),
    computed: (i, c) => ({
      arn: `arn:aws:iam::${c.accountId}:user${str(i.path) || "/"}${str(i.userName)}`,
    }),
  },
};

const GENERIC: TypeModel = {
  id: (_i, c) => `${c.name}-${hex(c.urn, 7)}`,
  computed: () => ({}),
};

function modelOf(type: string): TypeModel {
  return MODELS[type] ?? GENERIC;
}

/** The provider's Check: autonaming. The result is what the engine stores and analyzes as inputs. */
export function checkInputs(type: string, urn: string, name: string, inputs: Wire): Wire {
  const model = modelOf(type);
  if (model.autoname && (inputs[model.autoname] === undefined || inputs[model.autoname] === null)) {
    return { ...inputs, [model.autoname]: `${name}-${hex(urn, 7)}` };
  }
  return inputs;
}

/** Replaces a value by the unknown sentinel, keeping secretness. */
function unknownLike(value: unknown): unknown {
  return isWireSecret(value) ? wireSecret(UNKNOWN_WIRE) : UNKNOWN_WIRE;
}

export interface Created {
  /** "" while unknown (a preview of a create). */
  id: string;
  outputs: Wire;
}

/**
 * Create (update mode) or its preview: outputs are the checked inputs, provider defaults and the
 * computed values; in preview the computed values and the ID are unknown.
 */
export function create(type: string, inputs: Wire, ctx: Context, preview: boolean, secretOutputs: string[]): Created {
  const model = modelOf(type);
  const computed = model.computed(inputs, ctx);
  const outputs: Wire = { ...(model.defaults ?? {}), ...inputs };
  for (const [k, v] of Object.entries(computed)) {
    outputs[k] = preview ? unknownLike(v) : v;
  }
  for (const k of secretOutputs) {
    if (k in outputs && !isWireSecret(outputs[k])) outputs[k] = wireSecret(outputs[k]);
  }
  return { id: preview ? "" : model.id(inputs, ctx), outputs };
}
