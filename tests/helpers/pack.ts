// Starts the policy pack exactly as the Pulumi CLI does, and talks to it over the Analyzer gRPC
// protocol with the SDK's own generated messages.

import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import { encode, ProviderSpec, ResourceSpec } from "./wire";

/* eslint-disable @typescript-eslint/no-require-imports */
// The same @grpc/grpc-js and google-protobuf copies that @pulumi/pulumi uses (instanceof checks).
const grpc = require("@grpc/grpc-js");
const analyzerpb = require("@pulumi/pulumi/proto/analyzer_pb");
const analyzergrpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
const structpb = require("google-protobuf/google/protobuf/struct_pb");
const emptypb = require("google-protobuf/google/protobuf/empty_pb");
/* eslint-enable @typescript-eslint/no-require-imports */

export const PACK_DIR = path.resolve(__dirname, "..", "..");
export const RUN_POLICY_PACK = require.resolve("@pulumi/pulumi/cmd/run-policy-pack");

export type Level = "advisory" | "mandatory" | "disabled" | "remediate";
const LEVELS: Level[] = ["advisory", "mandatory", "disabled", "remediate"];

export interface Diagnostic {
  policyName: string;
  message: string;
  urn: string;
  enforcementLevel: Level;
  description: string;
}

export interface PolicyConfig {
  enforcementLevel?: Level;
  [key: string]: unknown;
}

function levelNumber(level: Level): number {
  return analyzerpb.EnforcementLevel[level.toUpperCase()];
}

function toDiagnostic(d: {
  getPolicyname(): string;
  getMessage(): string;
  getUrn(): string;
  getEnforcementlevel(): number;
  getDescription(): string;
}): Diagnostic {
  return {
    policyName: d.getPolicyname(),
    message: d.getMessage(),
    urn: d.getUrn(),
    enforcementLevel: LEVELS[d.getEnforcementlevel()],
    description: d.getDescription(),
  };
}

function struct(value: Record<string, unknown>): unknown {
  return structpb.Struct.fromJavaScript(encode(value));
}

function providerMessage(p: ProviderSpec): unknown {
  const msg = new analyzerpb.AnalyzerProviderResource();
  msg.setType(p.type);
  msg.setName(p.name);
  msg.setUrn(p.urn);
  msg.setProperties(struct(p.props));
  return msg;
}

function optionsMessage(spec: ResourceSpec): unknown {
  const opts = new analyzerpb.AnalyzerResourceOptions();
  opts.setProtect(false);
  if (spec.parent) opts.setParent(spec.parent);
  return opts;
}

export function analyzeRequest(spec: ResourceSpec): unknown {
  const req = new analyzerpb.AnalyzeRequest();
  req.setType(spec.type);
  req.setName(spec.name);
  req.setUrn(spec.urn);
  req.setProperties(struct(spec.inputs));
  req.setOptions(optionsMessage(spec));
  if (spec.provider) req.setProvider(providerMessage(spec.provider));
  return req;
}

export function stackResource(spec: ResourceSpec): unknown {
  const r = new analyzerpb.AnalyzerResource();
  r.setType(spec.type);
  r.setName(spec.name);
  r.setUrn(spec.urn);
  r.setProperties(struct(spec.outputs));
  r.setOptions(optionsMessage(spec));
  if (spec.provider) r.setProvider(providerMessage(spec.provider));
  if (spec.parent) r.setParent(spec.parent);
  r.setDependenciesList(spec.dependencies ?? []);
  const deps = r.getPropertydependenciesMap();
  for (const [prop, urns] of Object.entries(spec.propertyDependencies ?? {})) {
    const d = new analyzerpb.AnalyzerPropertyDependencies();
    d.setUrnsList(urns);
    deps.set(prop, d);
  }
  return r;
}

export const MAX_MESSAGE = 1024 * 1024 * 400;

export interface SpawnedPack {
  child: ChildProcess;
  port: number;
  stderr: () => string;
}

/** `@pulumi/pulumi/cmd/run-policy-pack` as resolved from a pack directory's own node_modules. */
export function runPolicyPackOf(packDir: string): string {
  return require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [packDir] });
}

export interface SpawnOptions {
  env?: Record<string, string | undefined>;
  nodeArgs?: string[];
  timeoutMs?: number;
  /**
   * The run-policy-pack script to start; default: the repository's. An installed pack is started with
   * its own (`runPolicyPackOf(dir)`), as the CLI does: the language host resolves it from the pack dir.
   */
  runPolicyPack?: string;
  /** Arguments after the pack dir, e.g. the `-option=value` flags the pre-3.221 shim passed. */
  extraArgs?: string[];
}

/**
 * `node run-policy-pack <engine> <packDir>` with the pack dir as cwd, as the language host runs it;
 * resolves once the pack prints its port. `env` entries set to undefined are removed.
 */
export async function spawnPack(packDir: string, options: SpawnOptions = {}): Promise<SpawnedPack> {
  const env = Object.fromEntries(Object.entries({ ...process.env, ...options.env }).filter(([, v]) => v !== undefined));
  const script = options.runPolicyPack ?? RUN_POLICY_PACK;
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), script, "127.0.0.1:0", packDir, ...(options.extraArgs ?? [])],
    {
      cwd: packDir,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += d));
  const timeoutMs = options.timeoutMs ?? 60_000;
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`pack did not start in ${timeoutMs} ms: ${stderr}`)), timeoutMs);
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`pack ${packDir} exited with ${code}: ${stderr}`));
    };
    child.on("exit", onExit);
    child.stdout!.on("data", (d) => {
      out += d;
      const m = /^(\d+)\s*$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        child.off("exit", onExit);
        resolve(Number(m[1]));
      }
    });
  });
  return { child, port, stderr: () => stderr };
}

/**
 * The environment of a pack under `pulumi policy analyze`: no ConfigureStack is sent (the analyzer is
 * loaded with nil options: pkg/cmd/pulumi/policy/policy_analyze.go, newPolicyAnalyzeCmd, calls
 * engine.LoadLocalPolicyPackAnalyzers(ctx, pctx, packs, nil)), so neither `constructEnv`
 * (pkg/resource/plugin/analyzer_plugin.go) nor the language host's policy proxy
 * (sdk/nodejs/cmd/pulumi-language-nodejs/main.go, RunPlugin) sets these. pulumi/pulumi 1b5949891b3c.
 */
export const POLICY_ANALYZE_ENV: Record<string, undefined> = {
  PULUMI_NODEJS_DRY_RUN: undefined,
  PULUMI_NODEJS_STACK: undefined,
  PULUMI_NODEJS_PROJECT: undefined,
  PULUMI_NODEJS_ORGANIZATION: undefined,
  PULUMI_CONFIG: undefined,
  PULUMI_DRY_RUN: undefined,
  PULUMI_STACK: undefined,
  PULUMI_PROJECT: undefined,
  PULUMI_ORGANIZATION: undefined,
};

export interface StartOptions {
  /** Extra environment, e.g. PULUMI_NODEJS_DRY_RUN as the CLI sets it; undefined removes a variable. */
  env?: Record<string, string | undefined>;
  packDir?: string;
  /** See SpawnOptions.runPolicyPack. */
  runPolicyPack?: string;
}

/** Idle shared packs of this process (a mocha worker runs many spec files), by environment. */
const idlePacks = new Map<string, PackProcess[]>();
let reapingPacks = false;

function newClient(port: number): any /* eslint-disable-line @typescript-eslint/no-explicit-any */ {
  return new analyzergrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
    "grpc.max_receive_message_length": MAX_MESSAGE,
    "grpc.max_send_message_length": MAX_MESSAGE,
  });
}

export class PackProcess {
  private constructor(
    private readonly child: ChildProcess,
    private client: any, // eslint-disable-line @typescript-eslint/no-explicit-any
    readonly port: number,
    readonly stderr: () => string,
    /** Set for a pack from `shared`: `stop` hands it back instead of ending it. */
    private readonly sharedAs?: string,
  ) {}

  /** `node run-policy-pack <engine> <packDir>` with the pack dir as cwd, until it prints its port. */
  static async start(options: StartOptions = {}): Promise<PackProcess> {
    return PackProcess.spawn(options);
  }

  private static async spawn(options: StartOptions, sharedAs?: string): Promise<PackProcess> {
    const { child, port, stderr } = await spawnPack(options.packDir ?? PACK_DIR, {
      env: options.env,
      runPolicyPack: options.runPolicyPack,
    });
    return new PackProcess(child, newClient(port), port, stderr, sharedAs);
  }

  /**
   * This pack, started as `start` does, or one such process that an earlier spec file of this mocha
   * worker stopped, after a deployment's end: Configure with every policy's default level and no
   * properties, then an empty AnalyzeStack, which ends the per-resource policy's memory and forgets
   * the secrets seen (the stack policy runs at the end of every deployment, lib/deployment-memory.ts).
   * Starting a pack costs ~2 s of CPU (the SDK's modules), about 40 times in a full run; the engine
   * itself starts one per deployment, so a spec that tests the first request a process gets (no
   * Configure, `pulumi policy analyze`, ConfigureStack) uses `start`.
   */
  static async shared(options: { env?: Record<string, string | undefined> } = {}): Promise<PackProcess> {
    const key = JSON.stringify(Object.entries(options.env ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)));
    const idle = idlePacks.get(key);
    while (idle && idle.length > 0) {
      const pack = idle.pop()!;
      if (pack.child.exitCode !== null || pack.child.signalCode !== null) continue;
      pack.child.ref();
      pack.client = newClient(pack.port);
      await pack.startOver();
      return pack;
    }
    if (!reapingPacks) {
      reapingPacks = true;
      // Mocha's workers leave through process.exit; idle packs must not outlive them.
      process.on("exit", () => {
        for (const packs of idlePacks.values()) for (const p of packs) p.child.kill();
      });
    }
    return PackProcess.spawn({ env: options.env }, key);
  }

  /** The state a new process would have: defaults configured, no memory, no secrets. */
  private async startOver(): Promise<void> {
    const info = await this.info();
    await this.configureExactly(
      Object.fromEntries(
        info.policiesList.map((p) => [p.name, { enforcementLevel: p.enforcementlevel, properties: {} }]),
      ),
    );
    await this.analyzeStack([]);
  }

  private call<T>(method: string, req: unknown): Promise<T> {
    return new Promise((resolve, reject) => {
      this.client[method](req, (err: Error | null, res: T) => (err ? reject(err) : resolve(res)));
    });
  }

  /** GetAnalyzerInfo, as a plain object. */
  async info(): Promise<AnalyzerInfo> {
    const res = await this.call<{ toObject(): AnalyzerInfo }>("getAnalyzerInfo", new emptypb.Empty());
    return res.toObject();
  }

  /** ConfigureStack, as newer CLIs send it first. */
  async configureStack(stack = "dev", project = "app", dryRun = false): Promise<void> {
    const req = new analyzerpb.AnalyzerStackConfigureRequest();
    req.setStack(stack);
    req.setProject(project);
    req.setOrganization("acme");
    req.setDryRun(dryRun);
    await this.call("configureStack", req);
  }

  /**
   * Configure, as the engine sends it: a level for every policy of the pack (mandatory unless
   * given), plus the given properties.
   */
  async configure(config: Record<string, PolicyConfig> = {}): Promise<void> {
    const info = await this.info();
    const req = new analyzerpb.ConfigureAnalyzerRequest();
    const map = req.getPolicyconfigMap();
    for (const policy of info.policiesList) {
      const { enforcementLevel, ...props } = config[policy.name] ?? {};
      const pc = new analyzerpb.PolicyConfig();
      pc.setEnforcementlevel(levelNumber(enforcementLevel ?? "mandatory"));
      pc.setProperties(structpb.Struct.fromJavaScript(props));
      map.set(policy.name, pc);
    }
    await this.call("configure", req);
  }

  async analyze(spec: ResourceSpec): Promise<Diagnostic[]> {
    return (await this.analyzeResponse(spec)).diagnostics;
  }

  async analyzeStack(specs: ResourceSpec[]): Promise<Diagnostic[]> {
    return (await this.analyzeStackResponse(specs)).diagnostics;
  }

  /** Analyze, with the response's notApplicable list. */
  async analyzeResponse(spec: ResourceSpec): Promise<AnalyzeResult> {
    return toResult(await this.call<AnalyzeResponse>("analyze", analyzeRequest(spec)));
  }

  /** AnalyzeStack, with the response's notApplicable list. */
  async analyzeStackResponse(specs: ResourceSpec[]): Promise<AnalyzeResult> {
    const req = new analyzerpb.AnalyzeStackRequest();
    req.setResourcesList(specs.map(stackResource));
    return toResult(await this.call<AnalyzeResponse>("analyzeStack", req));
  }

  /** Remediate, as the engine sends it before Analyze (same request message). */
  async remediate(spec: ResourceSpec): Promise<{ remediations: number; notApplicable: NotApplicable[] }> {
    const res = await this.call<{
      getRemediationsList(): unknown[];
      getNotApplicableList(): NotApplicableMessage[];
    }>("remediate", analyzeRequest(spec));
    return { remediations: res.getRemediationsList().length, notApplicable: res.getNotApplicableList().map(toNa) };
  }

  /** Configure with exactly the given level (the wire number) and properties per policy. */
  async configureExactly(
    config: Record<string, { enforcementLevel: number; properties: Record<string, unknown> }>,
  ): Promise<void> {
    const req = new analyzerpb.ConfigureAnalyzerRequest();
    const map = req.getPolicyconfigMap();
    for (const [name, { enforcementLevel, properties }] of Object.entries(config)) {
      const pc = new analyzerpb.PolicyConfig();
      pc.setEnforcementlevel(enforcementLevel);
      pc.setProperties(structpb.Struct.fromJavaScript(properties));
      map.set(name, pc);
    }
    await this.call("configure", req);
  }

  /** A raw request, for tests that send what a well-behaved engine never would. */
  async raw<T>(method: string, req: unknown): Promise<T> {
    return this.call<T>(method, req);
  }

  async stop(): Promise<void> {
    this.client.close();
    if (this.sharedAs !== undefined && this.child.exitCode === null && this.child.signalCode === null) {
      // Idle: neither the process nor its pipes keep this one from exiting.
      this.child.unref();
      (this.child.stdout as unknown as { unref?: () => void } | null)?.unref?.();
      (this.child.stderr as unknown as { unref?: () => void } | null)?.unref?.();
      const idle = idlePacks.get(this.sharedAs) ?? [];
      idle.push(this);
      idlePacks.set(this.sharedAs, idle);
      return;
    }
    if (this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child.once("exit", resolve));
      this.child.kill();
      await exited;
    }
  }
}

export interface NotApplicable {
  policyName: string;
  reason: string;
}

interface NotApplicableMessage {
  getPolicyName(): string;
  getReason(): string;
}

interface AnalyzeResponse {
  getDiagnosticsList(): never[];
  getNotApplicableList(): NotApplicableMessage[];
}

export interface AnalyzeResult {
  diagnostics: Diagnostic[];
  notApplicable: NotApplicable[];
}

function toNa(na: NotApplicableMessage): NotApplicable {
  return { policyName: na.getPolicyName(), reason: na.getReason() };
}

function toResult(res: AnalyzeResponse): AnalyzeResult {
  return {
    diagnostics: res.getDiagnosticsList().map(toDiagnostic),
    notApplicable: res.getNotApplicableList().map(toNa),
  };
}

export interface AnalyzerInfo {
  name: string;
  displayname: string;
  version: string;
  supportsconfig: boolean;
  policiesList: Array<{
    name: string;
    description: string;
    enforcementlevel: number;
    severity: number;
    remediationSteps: string;
    url: string;
    framework?: { name: string; version: string; reference: string; specification: string };
    configschema?: { properties?: unknown };
  }>;
}

export { analyzerpb, emptypb, structpb };
