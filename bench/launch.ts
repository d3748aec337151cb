// Starts a policy pack the way the Node language host does and talks to it with pre-encoded
// requests, so the numbers measure the pack process rather than this client's protobuf encoding.

import { ChildProcess } from "child_process";
import { readFileSync } from "fs";
import { performance } from "perf_hooks";
import { analyzerpb, MAX_MESSAGE, spawnPack, structpb } from "../tests/helpers/pack";

// The same @grpc/grpc-js copy @pulumi/pulumi uses (see tests/helpers/pack.ts).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const grpc = require("@grpc/grpc-js");

const identity = (b: Buffer): Buffer => b;

export interface LaunchOptions {
  packDir: string;
  env?: Record<string, string>;
  /** Extra node flags before the script (profiling; --cpu-prof is refused in NODE_OPTIONS). */
  nodeArgs?: string[];
  /** The run-policy-pack script; default the repository's (see spawnPack). */
  runPolicyPack?: string;
}

export class RunningPack {
  private constructor(
    private readonly child: ChildProcess,
    private readonly client: any, // eslint-disable-line @typescript-eslint/no-explicit-any
    /** Spawn until the port line on stdout, in ms. */
    readonly startMs: number,
  ) {}

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** `node run-policy-pack <engine> <packDir>` with the pack dir as cwd; resolves once the port is printed. */
  static async launch(options: LaunchOptions): Promise<RunningPack> {
    // Our own ts-node hooks (`npm run bench`) must not leak into the measured process.
    const env = { ...options.env, NODE_OPTIONS: undefined, TS_NODE_TRANSPILE_ONLY: undefined };
    const t0 = performance.now();
    const { child, port } = await spawnPack(options.packDir, {
      env,
      nodeArgs: options.nodeArgs,
      timeoutMs: 120_000,
      runPolicyPack: options.runPolicyPack,
    });
    const startMs = performance.now() - t0;
    const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
      "grpc.max_receive_message_length": MAX_MESSAGE,
      "grpc.max_send_message_length": MAX_MESSAGE,
    });
    return new RunningPack(child, client, startMs);
  }

  /** One unary call with an already-encoded request; resolves with the raw response and wall time. */
  callRaw(method: string, request: Buffer): Promise<{ ms: number; response: Buffer }> {
    return new Promise((resolve, reject) => {
      const t0 = performance.now();
      this.client.makeUnaryRequest(
        `/pulumirpc.Analyzer/${method}`,
        identity,
        identity,
        request,
        (err: Error | null, response: Buffer) => {
          const ms = performance.now() - t0;
          if (err) reject(new Error(`${method}: ${err.message}`));
          else resolve({ ms, response });
        },
      );
    });
  }

  /**
   * What the engine sends before analyzing: ConfigureStack, GetAnalyzerInfo, then Configure when
   * supported, with `config` as every policy's properties.
   */
  async configureAsEngine(dryRun: boolean, config: Record<string, unknown> = {}): Promise<void> {
    const stackReq = new analyzerpb.AnalyzerStackConfigureRequest();
    stackReq.setStack("bench");
    stackReq.setProject("app");
    stackReq.setOrganization("acme");
    stackReq.setDryRun(dryRun);
    await this.callRaw("ConfigureStack", Buffer.from(stackReq.serializeBinary()));
    const infoRes = await this.callRaw("GetAnalyzerInfo", Buffer.alloc(0));
    const info = analyzerpb.AnalyzerInfo.deserializeBinary(infoRes.response);
    if (!info.getSupportsconfig()) return;
    const req = new analyzerpb.ConfigureAnalyzerRequest();
    const map = req.getPolicyconfigMap();
    for (const policy of info.getPoliciesList()) {
      const pc = new analyzerpb.PolicyConfig();
      pc.setEnforcementlevel(analyzerpb.EnforcementLevel.MANDATORY);
      pc.setProperties(structpb.Struct.fromJavaScript(config as never));
      map.set(policy.getName(), pc);
    }
    await this.callRaw("Configure", Buffer.from(req.serializeBinary()));
  }

  /**
   * CPU time the process has used so far (user + system, all threads), in ms. On a busy machine it
   * varies less than wall time, which also counts the time other processes held the cores.
   */
  cpuMs(): number {
    // Fields 14 and 15 of /proc/<pid>/stat, after the parenthesised command name, in clock ticks (100/s).
    const stat = readFileSync(`/proc/${this.pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  }

  /** Peak resident set size so far (VmHWM), in MiB. */
  peakRssMiB(): number {
    const status = readFileSync(`/proc/${this.pid}/status`, "utf8");
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
    if (!m) throw new Error(`no VmHWM for pid ${this.pid}`);
    return Number(m[1]) / 1024;
  }

  /**
   * SIGTERM, and wait for the exit (a profiling preload turns SIGTERM into a clean exit); `kill`:
   * SIGKILL, for a process that may be stuck in a call.
   */
  async stop(kill = false): Promise<void> {
    this.client.close();
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.kill(kill ? "SIGKILL" : "SIGTERM");
    await exited;
  }
}

/** What the floor pack (bench/bare-pack) reports, read from the pack's own responses to the same requests. */
export interface FloorFindings {
  analyze: Record<string, { levels: string[]; notApplicable: boolean }>;
  /**
   * With each finding its message and description as the pack sent them: the floor repeats them when
   * started with BENCH_FLOOR_TEXTS=1, to tell the SDK's cost of sending the pack's texts from the
   * pack's own.
   */
  stack: {
    findings: Array<{ urn: string; level: string; message?: string; description?: string }>;
    notApplicable: boolean;
  };
}

const LEVEL_NAMES = ["advisory", "mandatory", "disabled", "remediate"];

/** The diagnostics (URN and level) and whether any not-applicable entry came back, from an AnalyzeResponse. */
export function findingsOf(response: Buffer): FloorFindings["stack"] {
  const res = analyzerpb.AnalyzeResponse.deserializeBinary(response);
  return {
    findings: res
      .getDiagnosticsList()
      .map(
        (d: { getUrn(): string; getEnforcementlevel(): number; getMessage(): string; getDescription(): string }) => ({
          urn: d.getUrn(),
          level: LEVEL_NAMES[d.getEnforcementlevel()],
          message: d.getMessage(),
          description: d.getDescription(),
        }),
      ),
    notApplicable: res.getNotApplicableList().length > 0,
  };
}

/** Counts the diagnostics of an AnalyzeResponse, to check that a pack really did its work. */
export function diagnosticCount(response: Buffer): number {
  return analyzerpb.AnalyzeResponse.deserializeBinary(response).getDiagnosticsList().length;
}
