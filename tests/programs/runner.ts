// Child process: runs Pulumi programs the way the Node.js language host does (inside
// runInPulumiStack, cwd = program dir, stack config in PULUMI_CONFIG), with the SDK's mock monitor
// standing in for the engine. Every RegisterResource request is recorded as the engine would
// store it, and the engine's answers (URN, ID, outputs) are sent back to the program.
//
// Usage: node -r ts-node/register/transpile-only runner.ts <programDir> <preview|update> <outFile>
//        node -r ts-node/register/transpile-only runner.ts --jobs <jobs.json>
//
// With --jobs, the programs ([{dir, mode, out}]) run one after another in this process, each in a
// fresh SDK state: a new async-local store (`withLocalStorage`), read from the environment set for
// that program, as the Automation API's language server runs inline programs (@pulumi/pulumi
// automation/server.js, LanguageServer.run). Loading the SDK once instead of once per program saves
// about 1.5 s of CPU per run; tests/e2e/examples.spec.ts checks that a program's record in a batch
// is the one it gets in a process of its own. A job that fails writes {"error": ...} to its out file.

import * as fs from "fs";
import * as path from "path";
import { accountIdFor, checkInputs, create, hex, UNKNOWN_WIRE, Wire } from "./provider-model";
import { loadProject, ProgramRecord, Registration } from "./project";

/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any */

const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";
const ORGANIZATION = "acme";

function isProviderType(type: string): boolean {
  return type.startsWith("pulumi:providers:");
}

/** The engine's URN: parent type chain joined by `$`, the root Stack left out. */
function engineUrn(stack: string, project: string, parent: string, type: string, name: string): string {
  let qualified = type;
  if (parent) {
    const parentChain = parent.split("::")[2];
    if (parentChain !== ROOT_STACK_TYPE) qualified = `${parentChain}$${type}`;
  }
  return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

function packageVersion(pkg: string): string {
  try {
    const file = require.resolve(`@pulumi/${pkg}/package.json`, { paths: [process.cwd()] });
    return JSON.parse(fs.readFileSync(file, "utf8")).version as string;
  } catch {
    return "0.0.0";
  }
}

/** Provider IDs are UUIDs; derived from a seed so runs are reproducible. */
function uuid(seed: string): string {
  const h = hex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function structToJs(s: any): Wire {
  return s ? (s.toJavaScript() as Wire) : {};
}

/**
 * `@pulumi/pulumi` loads `@npmcli/arborist` at start-up (runtime/closure/codePaths.js) only for
 * `computeCodePaths`, which serializes function closures; no example does. Loading it costs about
 * 0.4 s of CPU in each of the example runs, so it is loaded on first use instead: codePaths reads
 * `arborist.Arborist` only inside computeCodePaths. The program and the SDK are otherwise untouched.
 */
function deferArborist(): void {
  const Module = require("module");
  const sdk = require.resolve("@pulumi/pulumi/package.json", { paths: [process.cwd()] });
  const file = require.resolve("@npmcli/arborist", { paths: [path.dirname(sdk)] });
  let real: { Arborist: unknown } | undefined;
  const stub = new Module(file);
  stub.filename = file;
  stub.loaded = true;
  stub.exports = {
    __esModule: true,
    get Arborist() {
      if (!real) {
        delete require.cache[file];
        real = require(file) as { Arborist: unknown };
      }
      return real.Arborist;
    },
  };
  require.cache[file] = stub;
}

export interface Job {
  dir: string;
  mode: "preview" | "update";
  out: string;
}

function jobsOf(argv: string[]): Job[] {
  if (argv[0] === "--jobs" && argv[1]) return JSON.parse(fs.readFileSync(argv[1], "utf8")) as Job[];
  const [dir, mode, out] = argv;
  if (!dir || (mode !== "preview" && mode !== "update") || !out) {
    throw new Error("usage: runner.ts <programDir> <preview|update> <outFile> | --jobs <jobs.json>");
  }
  return [{ dir, mode, out }];
}

async function main(): Promise<void> {
  const jobs = jobsOf(process.argv.slice(2));
  deferArborist();
  for (const job of jobs) {
    try {
      await runJob(job);
    } catch (err) {
      fs.writeFileSync(job.out, JSON.stringify({ error: err instanceof Error ? err.stack : String(err) }));
    }
  }
}

/** Forgets the modules of a program that ran, so that running it again runs its code again. */
function forgetProgram(dir: string): void {
  const inside = dir + path.sep;
  for (const file of Object.keys(require.cache)) {
    if (file.startsWith(inside) && !file.includes(`${path.sep}node_modules${path.sep}`)) delete require.cache[file];
  }
}

async function runJob({ dir: programDir, mode, out: outFile }: Job): Promise<void> {
  const dir = path.resolve(programDir);
  const preview = mode === "preview";
  const project = loadProject(dir);

  // The language host hands stack config to the program through the environment. Secure values
  // cannot be decrypted here: the program gets a placeholder, still marked secret.
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(project.config)) {
    const full = key.includes(":") ? key : `${project.name}:${key}`;
    if (value !== null && typeof value === "object" && "secure" in (value as object)) {
      config[full] = `placeholder-for-${full.replace(/[^\w]/g, "-")}`;
      secretKeys.push(full);
    } else {
      config[full] = typeof value === "string" ? value : JSON.stringify(value);
    }
  }
  process.env.PULUMI_CONFIG = JSON.stringify(config);
  process.env.PULUMI_CONFIG_SECRET_KEYS = JSON.stringify(secretKeys);
  process.env.PULUMI_NODEJS_DRY_RUN = String(preview);
  process.chdir(dir);

  // Loaded only now: the SDK reads its configuration from the environment when first loaded; later
  // programs get it from the store each one runs in, which reads the environment when made.
  const state = require("@pulumi/pulumi/runtime/state");
  try {
    await state.withLocalStorage(() => runInStore(dir, mode, project, config, outFile));
  } finally {
    forgetProgram(dir);
  }
}

async function runInStore(
  dir: string,
  mode: Job["mode"],
  project: ReturnType<typeof loadProject>,
  config: Record<string, string>,
  outFile: string,
): Promise<void> {
  const preview = mode === "preview";
  const pulumi = require("@pulumi/pulumi");
  const settings = require("@pulumi/pulumi/runtime/settings");
  const state = require("@pulumi/pulumi/runtime/state");
  const { runInPulumiStack } = require("@pulumi/pulumi/runtime/stack");
  const resproto = require("@pulumi/pulumi/proto/resource_pb");
  const structpb = require("google-protobuf/google/protobuf/struct_pb");

  const stack = project.stack;
  const records: Registration[] = [];
  const byUrn = new Map<string, Registration>();
  const defaultProviders = new Map<string, Registration>();

  const add = (r: Registration): void => {
    records.push(r);
    byUrn.set(r.urn, r);
  };

  // The engine registers a default provider for a package the first time a resource needs one,
  // configured from the stack config of that package's namespace.
  const defaultProviderRef = (pkg: string, version: string): string => {
    let p = defaultProviders.get(pkg);
    if (!p) {
      const name = `default_${version.replace(/[.+-]/g, "_")}`;
      const inputs: Wire = {};
      for (const [key, value] of Object.entries(config)) {
        if (key.startsWith(`${pkg}:`)) inputs[key.slice(pkg.length + 1)] = value;
      }
      inputs.version = version;
      p = {
        urn: engineUrn(stack, project.name, "", `pulumi:providers:${pkg}`, name),
        type: `pulumi:providers:${pkg}`,
        name,
        custom: true,
        parent: "",
        provider: "",
        id: preview ? UNKNOWN_WIRE : uuid(`${pkg}@${version}`),
        inputs,
        outputs: inputs,
        dependencies: [],
        propertyDependencies: {},
        defaultProvider: true,
      };
      defaultProviders.set(pkg, p);
      add(p);
    }
    return `${p.urn}::${p.id}`;
  };

  const mocks = {
    newResource: (args: any) => ({ id: `${args.name}-id`, state: args.inputs }),
    call: (args: any) => {
      if (args.token === "aws:index/getCallerIdentity:getCallerIdentity") {
        return { accountId: "111111111111", arn: "arn:aws:iam::111111111111:user/deployer", userId: "AIDAEXAMPLE" };
      }
      return args.inputs;
    },
  };
  await pulumi.runtime.setMocks(mocks, project.name, stack, preview, ORGANIZATION);
  const monitor = state.getStore().settings.monitor;

  // Reads (`.get()`) keep the mock's behaviour, with engine URNs.
  monitor.newUrn = (parent: string, type: string, name: string) => engineUrn(stack, project.name, parent, type, name);

  monitor.registerResource = (req: any, callback: (err: unknown, res?: unknown) => void) => {
    try {
      const type: string = req.getType();
      const name: string = req.getName();
      const parent: string = req.getParent();
      const custom: boolean = req.getCustom();
      const urn = engineUrn(stack, project.name, parent, type, name);
      const version: string = req.getVersion() || packageVersion(type.split(":")[0]);
      let inputs = structToJs(req.getObject());

      let provider = "";
      if (custom && !isProviderType(type)) {
        provider = req.getProvider() || defaultProviderRef(type.split(":")[0], version);
      }
      if (isProviderType(type) && req.getVersion()) {
        // The engine records the plugin version among an explicit provider's inputs.
        inputs = { ...inputs, version: req.getVersion() };
      }
      if (custom && !isProviderType(type)) inputs = checkInputs(type, urn, name, inputs);

      let id = "";
      let outputs: Wire = {};
      if (isProviderType(type)) {
        id = preview ? "" : uuid(urn);
        outputs = inputs;
      } else if (custom) {
        const providerUrn = provider.slice(0, provider.lastIndexOf("::"));
        const accountId = accountIdFor(byUrn.get(providerUrn)?.inputs);
        const created = create(type, inputs, { urn, name, accountId }, preview, req.getAdditionalsecretoutputsList());
        id = created.id;
        outputs = created.outputs;
      }

      const propertyDependencies: Record<string, string[]> = {};
      for (const [key, deps] of req.getPropertydependenciesMap().entries()) {
        propertyDependencies[key] = deps.getUrnsList();
      }
      add({
        urn,
        type,
        name,
        custom,
        parent,
        provider,
        id: id || (custom ? UNKNOWN_WIRE : ""),
        inputs: custom ? inputs : {},
        outputs,
        dependencies: req.getDependenciesList(),
        propertyDependencies,
      });

      const res = new resproto.RegisterResourceResponse();
      res.setUrn(urn);
      res.setId(id);
      res.setObject(structpb.Struct.fromJavaScript(outputs));
      res.setResult(resproto.Result.SUCCESS);
      callback(null, res);
    } catch (err) {
      callback(err);
    }
  };

  // Components' and the Stack's outputs arrive here.
  monitor.registerResourceOutputs = (req: any, callback: (err: unknown, res?: unknown) => void) => {
    const r = byUrn.get(req.getUrn());
    if (r) r.outputs = structToJs(req.getOutputs());
    callback(null, {});
  };

  await runInPulumiStack(async () => {
    const program = require(dir);
    return typeof program.default === "function" ? await program.default() : program;
  });
  await settings.waitForRPCs();

  const result: ProgramRecord = { project: project.name, stack, mode, registrations: records };
  fs.writeFileSync(outFile, JSON.stringify(result, null, 1));
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
