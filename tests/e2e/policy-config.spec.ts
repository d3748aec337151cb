// The rollout config files in policy-config/ must be accepted by the engine and do what their
// names say. The engine's handling of a `--policy-pack-config` file is emulated here: parse each
// entry (a level string, or an object with `enforcementLevel` and properties), fill defaults from
// each policy's configSchema (read from the running pack over gRPC), apply "all", then the
// policy's own entry, and validate the properties against the schema.

import { strict as assert } from "assert";
import Ajv, { ValidateFunction } from "ajv";
import * as fs from "fs";
import * as path from "path";
import { assertNoSecrets, SECRETS } from "../helpers/expect";
import { analyzerpb, Diagnostic, Level, PACK_DIR, PackProcess, PolicyConfig } from "../helpers/pack";
import { StackBuilder } from "../helpers/stack";

/* eslint-disable-next-line @typescript-eslint/no-require-imports */
const emptypb = require("google-protobuf/google/protobuf/empty_pb");

const LEVELS: Level[] = ["advisory", "mandatory", "remediate", "disabled"];
const CONFIG_DIR = path.join(PACK_DIR, "policy-config");

interface PolicyMeta {
  name: string;
  level: Level;
  schema?: { properties: Record<string, Record<string, unknown>>; required: string[] };
}

interface PolicyInfoMessage {
  getName(): string;
  getEnforcementlevel(): number;
  getConfigschema():
    | {
        getProperties(): { toJavaScript(): Record<string, Record<string, unknown>> } | undefined;
        getRequiredList(): string[];
      }
    | undefined;
}

type Reconciled = Record<string, PolicyConfig & { enforcementLevel: Level }>;

/** Each policy's name, default level and configSchema, as the engine reads them (GetAnalyzerInfo). */
async function policyMeta(pack: PackProcess): Promise<PolicyMeta[]> {
  // Raw messages: toObject() would turn the schema's protobuf Structs into field lists.
  const info = await pack.raw<{ getPoliciesList(): PolicyInfoMessage[] }>("getAnalyzerInfo", new emptypb.Empty());
  const levelNames = Object.fromEntries(
    Object.entries(analyzerpb.EnforcementLevel as Record<string, number>).map(([k, v]) => [v, k.toLowerCase()]),
  );
  return info.getPoliciesList().map((p) => {
    const cs = p.getConfigschema();
    return {
      name: p.getName(),
      level: levelNames[p.getEnforcementlevel()] as Level,
      schema: cs && { properties: cs.getProperties()?.toJavaScript() ?? {}, required: cs.getRequiredList() },
    };
  });
}

/** Splits a file entry into level and properties; throws where the engine refuses the file. */
function parseEntry(key: string, value: unknown): { level?: Level; properties: Record<string, unknown> } {
  if (typeof value === "string") {
    if (!LEVELS.includes(value as Level)) throw new Error(`${key}: "${value}" is not a valid enforcement level`);
    return { level: value as Level, properties: {} };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new Error(`${key}: must be a string or object`);
  }
  const { enforcementLevel, ...properties } = value as Record<string, unknown>;
  if (enforcementLevel !== undefined && !LEVELS.includes(enforcementLevel as Level)) {
    throw new Error(`${key}: ${JSON.stringify(enforcementLevel)} is not a valid enforcement level`);
  }
  return { level: enforcementLevel as Level | undefined, properties };
}

const ajv = new Ajv({ allErrors: true });
const compiled = new Map<string, ValidateFunction>();

function compile(schema: object): ValidateFunction {
  const key = JSON.stringify(schema);
  let v = compiled.get(key);
  if (!v) {
    v = ajv.compile(schema);
    compiled.set(key, v);
  }
  return v;
}

/** The schema the engine validates a policy's properties with: an object of the declared properties. */
function engineSchema(meta: PolicyMeta): object {
  const schema: Record<string, unknown> = { type: "object", properties: meta.schema?.properties ?? {} };
  if (meta.schema?.required.length) schema.required = meta.schema.required;
  return schema;
}

/** The stricter schema of one file entry in object form: enforcementLevel plus declared properties only. */
function strictSchema(meta: PolicyMeta): object {
  return {
    type: "object",
    properties: { ...(meta.schema?.properties ?? {}), enforcementLevel: { type: "string", enum: LEVELS } },
    additionalProperties: false,
    ...(meta.schema?.required.length ? { required: meta.schema.required } : {}),
  };
}

function errorsOf(validate: ValidateFunction): string {
  return ajv.errorsText(validate.errors);
}

/**
 * What the engine would send in Configure for this file, or the validation errors that would make
 * it refuse the file.
 */
function reconcile(metas: PolicyMeta[], file: Record<string, unknown>): { config?: Reconciled; errors: string[] } {
  const errors: string[] = [];
  const config: Reconciled = {};
  for (const m of metas) {
    const defaults: Record<string, unknown> = {};
    for (const [k, s] of Object.entries(m.schema?.properties ?? {})) {
      if ("default" in s) defaults[k] = s.default;
    }
    config[m.name] = { enforcementLevel: m.level, ...defaults };
  }
  const all = file.all !== undefined ? parseEntry("all", file.all) : undefined;
  if (all?.level) for (const m of metas) config[m.name].enforcementLevel = all.level;
  for (const [key, value] of Object.entries(file)) {
    if (key === "all") continue;
    const entry = parseEntry(key, value);
    const meta = metas.find((m) => m.name === key);
    if (!meta) {
      // The engine ignores it silently; for a rollout file that is a typo, so fail here.
      errors.push(`${key}: no such policy in the pack`);
      continue;
    }
    if (entry.level) config[key].enforcementLevel = entry.level;
    Object.assign(config[key], entry.properties);
    if (typeof value === "object") {
      const strict = compile(strictSchema(meta));
      if (!strict(value)) errors.push(`${key} (strict): ${errorsOf(strict)}`);
    }
  }
  for (const m of metas) {
    const { enforcementLevel: _level, ...properties } = config[m.name];
    const validate = compile(engineSchema(m));
    if (!validate(properties)) errors.push(`${m.name}: ${errorsOf(validate)}`);
  }
  return errors.length ? { errors } : { config, errors };
}

function readConfigFile(name: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(CONFIG_DIR, name), "utf8"));
}

/** Two console users with an access key each: alice, and breakglass-admin (exempted in the sample). */
function violatingStack(stack: string): StackBuilder {
  const b = new StackBuilder({ stack, mode: "update" });
  for (const name of ["alice", "breakglass-admin"]) {
    const user = b.user(name);
    b.loginProfile(`${name}-console`, user.out("name"));
    b.accessKey(`${name}-key`, user.out("name"));
  }
  return b;
}

/** One deployment as the engine drives it: Analyze per resource in order, then AnalyzeStack. */
async function deploy(pack: PackProcess, b: StackBuilder): Promise<Diagnostic[]> {
  const found: Diagnostic[] = [];
  for (const spec of b.resources) found.push(...(await pack.analyze(spec)));
  found.push(...(await pack.analyzeStack(b.resources)));
  return found;
}

function on(d: Diagnostic): string {
  return d.urn.slice(d.urn.lastIndexOf("::") + 2);
}

describe("policy-config rollout files", function () {
  this.timeout(60_000);

  let pack: PackProcess;
  let metas: PolicyMeta[];

  before(async () => {
    pack = await PackProcess.shared();
    metas = await policyMeta(pack);
    assert.ok(metas.length >= 2, "the pack should have the stack and the per-resource policy");
  });

  after(async () => {
    await pack?.stop();
  });

  const FILES = ["advisory-rollout.json", "mandatory.json", "exemptions.json"];

  for (const file of FILES) {
    it(`${file} is valid against every policy's config schema`, () => {
      const result = reconcile(metas, readConfigFile(file));
      assert.deepEqual(result.errors, []);
    });

    it(`${file} sets a level for every policy explicitly`, () => {
      const config = readConfigFile(file);
      for (const m of metas) {
        assert.ok(config[m.name] !== undefined || config.all !== undefined, `${file} has no entry for ${m.name}`);
      }
    });
  }

  it("exemptions.json gives every policy the same exemptions (each policy reads only its own config)", () => {
    const config = readConfigFile("exemptions.json") as Record<string, { exemptions?: unknown }>;
    const lists = metas.map((m) => JSON.stringify(config[m.name]?.exemptions));
    assert.ok(lists[0] !== undefined && lists[0] !== "[]", "exemptions.json has exemptions");
    assert.deepEqual(new Set(lists).size, 1, "every policy has the same exemptions");
  });

  it("has no other files than the documented ones", () => {
    assert.deepEqual(fs.readdirSync(CONFIG_DIR).sort(), [...FILES].sort());
  });

  describe("rejects malformed config", () => {
    const policy = "cis-1-11-no-access-key-with-console-password";
    const good = { users: ["bob"], reason: "ticket SEC-1", expires: "2027-01-31" };
    const cases: Array<[string, unknown]> = [
      ["an exemption without a reason", { users: ["bob"], expires: "2027-01-31" }],
      ["an empty reason", { ...good, reason: "   " }],
      ["an expiry date not written YYYY-MM-DD", { ...good, expires: "31/01/2027" }],
      ["an unknown property in an exemption", { ...good, ticket: "SEC-1" }],
      ["an exemption without users", { reason: "ticket SEC-1" }],
      ["a user name with a space", { ...good, users: ["bob smith"] }],
    ];
    for (const [what, entry] of cases) {
      it(`refuses ${what}`, () => {
        const result = reconcile(metas, { [policy]: { enforcementLevel: "mandatory", exemptions: [entry] } });
        assert.equal(result.config, undefined);
        // The engine's own validation refuses it, not only the strict check.
        assert.ok(
          result.errors.some((e) => e.startsWith(`${policy}: `)),
          result.errors.join("\n"),
        );
      });
    }

    it("refuses exemptions that are not a list", () => {
      const result = reconcile(metas, { [policy]: { exemptions: { users: ["bob"], reason: "x" } } });
      assert.ok(
        result.errors.some((e) => e.startsWith(`${policy}:`)),
        result.errors.join("\n"),
      );
    });

    it("refuses an unknown policy property in the strict check (the engine itself would ignore it)", () => {
      const result = reconcile(metas, { [policy]: { enforcementLevel: "mandatory", exemption: [good] } });
      assert.deepEqual(
        result.errors.map((e) => e.split(":")[0]),
        [`${policy} (strict)`],
      );
    });

    it("refuses an invalid enforcement level", () => {
      assert.throws(() => reconcile(metas, { [policy]: "blocking" }), /not a valid enforcement level/);
      assert.throws(() => reconcile(metas, { all: { enforcementLevel: "warn" } }), /not a valid enforcement level/);
    });

    it("refuses a policy name that is not in the pack", () => {
      const result = reconcile(metas, { "cis-1-11-no-access-key": "advisory" });
      assert.match(result.errors.join("\n"), /no such policy/);
    });
  });

  describe("drives the pack", () => {
    async function deployWith(file: string, stack: string): Promise<Diagnostic[]> {
      const { config, errors } = reconcile(metas, readConfigFile(file));
      assert.deepEqual(errors, []);
      await pack.configure(config);
      const found = await deploy(pack, violatingStack(stack));
      assertNoSecrets(
        found.map((d) => ({ on: on(d), level: d.enforcementLevel, message: d.message })),
        SECRETS,
      );
      return found;
    }

    function levels(found: Diagnostic[]): Record<string, string[]> {
      const out: Record<string, string[]> = {};
      for (const d of found) (out[`${d.policyName} ${on(d)}`] ??= []).push(d.enforcementLevel);
      return out;
    }

    /** Every policy reports each of the two keys once. */
    function assertBothPoliciesFlagBothKeys(found: Diagnostic[]): void {
      const expected = metas.flatMap((m) => ["alice-key", "breakglass-admin-key"].map((k) => `${m.name} ${k}`));
      assert.deepEqual(Object.keys(levels(found)).sort(), expected.sort(), JSON.stringify(found, null, 1));
    }

    it("advisory-rollout.json reports every finding as advisory", async () => {
      const found = await deployWith("advisory-rollout.json", "prod");
      assertBothPoliciesFlagBothKeys(found);
      assert.deepEqual([...new Set(found.map((d) => d.enforcementLevel))], ["advisory"]);
    });

    it("mandatory.json reports every finding as mandatory", async () => {
      const found = await deployWith("mandatory.json", "prod");
      assertBothPoliciesFlagBothKeys(found);
      assert.deepEqual([...new Set(found.map((d) => d.enforcementLevel))], ["mandatory"]);
    });

    it("exemptions.json makes only the exempted user's findings advisory, quoting the reason, in the named stack", async () => {
      const sample = (readConfigFile("exemptions.json")[metas[0].name] as { exemptions: Record<string, string>[] })
        .exemptions[0];
      assert.deepEqual(sample.stacks, ["prod"]);
      const active = Date.now() < Date.parse(`${sample.expires}T00:00:00Z`) + 24 * 3600 * 1000;
      const found = await deployWith("exemptions.json", "prod");
      assertBothPoliciesFlagBothKeys(found);
      for (const d of found) {
        if (on(d) === "alice-key") {
          assert.equal(d.enforcementLevel, "mandatory", d.message);
          assert.ok(!d.message.startsWith("[exempted]"), d.message);
        } else if (active) {
          assert.equal(d.enforcementLevel, "advisory", d.message);
          assert.ok(d.message.startsWith("[exempted]"), d.message);
          assert.ok(d.message.includes(`"${sample.reason}"`), d.message);
        } else {
          // The sample has expired: the finding is enforced again and says so.
          assert.equal(d.enforcementLevel, "mandatory", d.message);
          assert.match(d.message, /expired/);
        }
      }
    });

    it("exemptions.json does not exempt the user in other stacks", async () => {
      const found = await deployWith("exemptions.json", "dev");
      assertBothPoliciesFlagBothKeys(found);
      for (const d of found) {
        assert.equal(d.enforcementLevel, "mandatory", d.message);
        assert.ok(!d.message.startsWith("[exempted]"), d.message);
      }
    });
  });
});
