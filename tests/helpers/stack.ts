// Builds the resources of a stack the way the engine would describe them, in preview (outputs of
// resources being created are unknown) or after an update (all outputs known).

import { isUnknown, ProviderSpec, ResourceSpec, secret, unknown, unwrapSecret } from "./wire";

export type Mode = "preview" | "update";

/** A reference to another resource's output: its value, and the property dependency it creates. */
export interface Ref {
  readonly __ref: true;
  value: unknown;
  deps: string[];
}

export type Value = unknown; // a literal, a Ref, `unknown`, `secret(...)`, or anything odd

function isRef(v: unknown): v is Ref {
  return v !== null && typeof v === "object" && (v as Ref).__ref === true;
}

/** A value derived from several references, like pulumi.interpolate over two outputs. */
export function combine(value: unknown, ...refs: Ref[]): Ref {
  return { __ref: true, value, deps: refs.flatMap((r) => r.deps) };
}

/** A list of values, some of them references, like `users: [alice.name, bob.name]`. */
export function list(...items: unknown[]): Ref {
  return {
    __ref: true,
    value: items.map((i) => (isRef(i) ? i.value : i)),
    deps: items.flatMap((i) => (isRef(i) ? i.deps : [])),
  };
}

export interface Handle {
  spec: ResourceSpec;
  /** A reference to one of the resource's outputs (`user.name`, `user.id`, `user.arn`). */
  out(prop: string): Ref;
}

export interface CommonOptions {
  provider?: ProviderSpec;
  parent?: Handle;
  /** Already exists in the stack (unchanged): its outputs are known even during preview. */
  existing?: boolean;
  /** Explicit dependsOn. */
  dependsOn?: Handle[];
}

export const ACCOUNT_ID = "123456789012";
export const PASSWORD = "Sup3r-Secret-Passw0rd!";
export const SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

export class StackBuilder {
  readonly stack: string;
  readonly project: string;
  readonly mode: Mode;
  readonly resources: ResourceSpec[] = [];
  private readonly defaults = new Map<string, ProviderSpec>();
  private readonly packageConfig = new Map<string, Record<string, unknown>>();
  private readonly stackUrn: string;
  private counter = 0;

  constructor(opts: { stack?: string; project?: string; mode?: Mode } = {}) {
    this.stack = opts.stack ?? "dev";
    this.project = opts.project ?? "app";
    this.mode = opts.mode ?? "update";
    this.stackUrn = this.urn("pulumi:pulumi:Stack", `${this.project}-${this.stack}`);
    this.resources.push({
      type: "pulumi:pulumi:Stack",
      name: `${this.project}-${this.stack}`,
      urn: this.stackUrn,
      inputs: {},
      outputs: {},
    });
  }

  urn(type: string, name: string, parent?: Handle): string {
    const chain = parent && parent.spec.type !== "pulumi:pulumi:Stack" ? `${parentChain(parent.spec.urn)}$` : "";
    return `urn:pulumi:${this.stack}::${this.project}::${chain}${type}::${name}`;
  }

  /** An explicit provider resource (`new aws.Provider(name, props)`). */
  provider(name: string, props: Record<string, unknown> = {}, pkg = "aws"): ProviderSpec {
    const type = `pulumi:providers:${pkg}`;
    const spec: ProviderSpec = { type, name, urn: this.urn(type, name), props: { version: "7.48.0", ...props } };
    this.resources.push({ type, name, urn: spec.urn, inputs: spec.props, outputs: spec.props, parent: this.stackUrn });
    return spec;
  }

  /**
   * Stack config of a package (`aws:allowedAccountIds`): the engine gives it to the default provider
   * as its inputs (pkg/resource/deploy/default_providers.go, newRegisterDefaultProviderEvent). Non-string
   * values arrive JSON-encoded, as the aws provider's config reads them. Call before the first resource.
   */
  config(pkg: string, props: Record<string, unknown>): void {
    this.packageConfig.set(pkg, { ...this.packageConfig.get(pkg), ...props });
  }

  /** The default provider of a package, registered on first use as the engine does. */
  defaultProvider(pkg: string): ProviderSpec {
    let p = this.defaults.get(pkg);
    if (!p) {
      const type = `pulumi:providers:${pkg}`;
      const name = pkg === "aws" ? "default_7_48_0" : "default_1_79_0";
      p = {
        type,
        name,
        urn: this.urn(type, name),
        props: { region: "us-east-1", ...this.packageConfig.get(pkg), version: name.slice(8).replace(/_/g, ".") },
      };
      this.resources.push({ type, name, urn: p.urn, inputs: p.props, outputs: p.props });
      this.defaults.set(pkg, p);
    }
    return p;
  }

  component(name: string, type = "acme:index:Team", opts: { parent?: Handle } = {}): Handle {
    return this.add(type, name, {}, {}, { ...opts, existing: true }, undefined);
  }

  /** A resource of any other type (buckets, roles...): the pack must skip it. */
  other(type: string, name: string, inputs: Record<string, unknown> = {}, opts: CommonOptions = {}): Handle {
    return this.add(type, name, inputs, {}, opts, type.split(":")[0]);
  }

  user(name: string, opts: CommonOptions & { userName?: Value; permissionsBoundary?: Value } = {}): Handle {
    const userName = opts.userName === undefined ? name : opts.userName;
    const inputs: Record<string, unknown> = { name: userName, path: "/", forceDestroy: false };
    if (opts.permissionsBoundary !== undefined) inputs.permissionsBoundary = opts.permissionsBoundary;
    const h = this.add(
      "aws:iam/user:User",
      name,
      inputs,
      {
        arn: isUnknown(userName) ? unknown : this.computed(opts, `arn:aws:iam::${ACCOUNT_ID}:user/${plain(userName)}`),
        uniqueId: this.computed(opts, `AIDA${++this.counter}EXAMPLE`),
        tagsAll: {},
      },
      opts,
      "aws",
    );
    return h;
  }

  loginProfile(name: string, user: Value, opts: CommonOptions & { passwordResetRequired?: boolean } = {}): Handle {
    return this.add(
      "aws:iam/userLoginProfile:UserLoginProfile",
      name,
      { user, passwordResetRequired: opts.passwordResetRequired ?? true },
      { password: this.computed(opts, secret(PASSWORD)) },
      opts,
      "aws",
    );
  }

  accessKey(name: string, user: Value, opts: CommonOptions & { status?: Value } = {}): Handle {
    const inputs: Record<string, unknown> = { user };
    if (opts.status !== undefined) inputs.status = opts.status;
    return this.add(
      "aws:iam/accessKey:AccessKey",
      name,
      inputs,
      {
        status: opts.status ?? "Active",
        secret: this.computed(opts, secret(SECRET_KEY)),
        createDate: this.computed(opts, "2026-11-01T10:00:00Z"),
      },
      opts,
      "aws",
    );
  }

  nativeUser(
    name: string,
    opts: CommonOptions & { userName?: Value; loginProfile?: Value; iam?: Record<string, Value> } = {},
  ): Handle {
    const inputs: Record<string, unknown> = {
      userName: opts.userName === undefined ? name : opts.userName,
      ...(opts.iam ?? {}),
    };
    if (opts.loginProfile === true) {
      inputs.loginProfile = { password: secret(PASSWORD), passwordResetRequired: true };
    } else if (opts.loginProfile !== undefined && opts.loginProfile !== false) {
      inputs.loginProfile = opts.loginProfile;
    }
    return this.add(
      "aws-native:iam:User",
      name,
      inputs,
      {
        arn: isUnknown(inputs.userName)
          ? unknown
          : this.computed(opts, `arn:aws:iam::${ACCOUNT_ID}:user/${plain(inputs.userName)}`),
      },
      opts,
      "aws-native",
    );
  }

  nativeAccessKey(name: string, userName: Value, opts: CommonOptions & { status?: Value } = {}): Handle {
    return this.add(
      "aws-native:iam:AccessKey",
      name,
      { userName, status: opts.status ?? "Active" },
      { secretAccessKey: this.computed(opts, secret(SECRET_KEY)) },
      opts,
      "aws-native",
    );
  }

  /**
   * Any other aws or aws-native resource (IAM policies, groups, SCPs): its inputs, and the outputs
   * its provider computes (unknown in preview while it is being created).
   */
  resource(
    type: string,
    name: string,
    inputs: Record<string, unknown>,
    computed: Record<string, unknown> = {},
    opts: CommonOptions = {},
  ): Handle {
    const outputs: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(computed)) outputs[k] = this.computed(opts, v);
    return this.add(type, name, inputs, outputs, opts, type.split(":")[0]);
  }

  /** An aws.iam.Policy: `arn` computed from its name. */
  policy(name: string, policy: Value, opts: CommonOptions = {}): Handle {
    return this.resource(
      "aws:iam/policy:Policy",
      name,
      { name, path: "/", policy },
      { arn: `arn:aws:iam::${ACCOUNT_ID}:policy/${name}`, policyId: `ANPA${++this.counter}EXAMPLE` },
      opts,
    );
  }

  /** An aws.iam.Group. */
  group(name: string, opts: CommonOptions = {}): Handle {
    return this.resource(
      "aws:iam/group:Group",
      name,
      { name, path: "/" },
      { arn: `arn:aws:iam::${ACCOUNT_ID}:group/${name}`, uniqueId: `AGPA${++this.counter}EXAMPLE` },
      opts,
    );
  }

  /** The resources in registration order, without the Stack and provider resources. */
  get custom(): ResourceSpec[] {
    return this.resources.filter((r) => r.type !== "pulumi:pulumi:Stack" && !r.type.startsWith("pulumi:providers:"));
  }

  private creating(opts: CommonOptions): boolean {
    return this.mode === "preview" && !opts.existing;
  }

  private computed(opts: CommonOptions, value: unknown): unknown {
    return this.creating(opts) ? unknown : value;
  }

  private add(
    type: string,
    name: string,
    rawInputs: Record<string, unknown>,
    computed: Record<string, unknown>,
    opts: CommonOptions,
    pkg: string | undefined,
  ): Handle {
    const inputs: Record<string, unknown> = {};
    const propertyDependencies: Record<string, string[]> = {};
    const dependencies = new Set<string>();
    for (const [k, v] of Object.entries(rawInputs)) {
      if (isRef(v)) {
        inputs[k] = v.value;
        propertyDependencies[k] = [...v.deps];
        v.deps.forEach((d) => dependencies.add(d));
      } else if (v !== undefined) {
        inputs[k] = v;
      }
    }
    for (const d of opts.dependsOn ?? []) dependencies.add(d.spec.urn);
    const provider = opts.provider ?? (pkg && pkg !== "acme" ? this.defaultProvider(pkg) : undefined);
    const spec: ResourceSpec = {
      type,
      name,
      urn: this.urn(type, name, opts.parent),
      inputs,
      outputs: { ...inputs, ...computed },
      provider,
      parent: opts.parent?.spec.urn ?? this.stackUrn,
      dependencies: [...dependencies],
      propertyDependencies,
    };
    this.resources.push(spec);
    const creating = this.creating(opts);
    return {
      spec,
      out: (prop: string): Ref => {
        let value: unknown;
        if (prop === "id") {
          value = creating ? unknown : (spec.outputs.name ?? spec.outputs.userName ?? name);
        } else {
          value = spec.outputs[prop];
        }
        return { __ref: true, value, deps: [spec.urn] };
      },
    };
  }
}

function parentChain(urn: string): string {
  // urn:pulumi:stack::project::<type chain>::name
  return urn.split("::")[2];
}

/** The user name inside an ARN: a secret's value, or "unknown"/"odd" for values without one. */
function plain(v: unknown): string {
  const inner = unwrapSecret(v);
  return typeof inner === "string" ? inner : isUnknown(inner) ? "unknown" : "odd";
}
