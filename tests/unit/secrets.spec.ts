// lib/secrets.ts: which values the program marked secret, seen as the SDK decodes each request.
//
// The SDK drops secretness: server.js calls `deserialize_1.deserializeProperties(struct, false)` for
// Analyze, AnalyzeStack and providers, and deserialize.js (`specialSecretSig` case) returns the bare
// value when `proxySecrets` is false (@pulumi/policy 1.21.0, node_modules/@pulumi/policy).

import * as assert from "assert";
import * as path from "path";
import { forgetSecrets, isSecret, mentionsSecret, recordSecrets } from "../../lib/secrets";
import { encode, secret } from "../helpers/wire";

/* eslint-disable @typescript-eslint/no-require-imports */
const structpb = require("google-protobuf/google/protobuf/struct_pb");
const deserialize = require("@pulumi/policy/deserialize");
/* eslint-enable @typescript-eslint/no-require-imports */

/** A request's properties decoded as server.js decodes them. */
function decode(value: Record<string, unknown>, proxySecrets = false): unknown {
  return deserialize.deserializeProperties(structpb.Struct.fromJavaScript(encode(value)), proxySecrets);
}

describe("secrets: values marked secret on the wire", () => {
  beforeEach(forgetSecrets);
  after(forgetSecrets);

  const cases: Array<{ name: string; props: Record<string, unknown>; secret: string[]; plain: string[] }> = [
    {
      name: "a secret user name, compared ignoring case",
      props: { name: secret("Sam-Admin"), path: "/" },
      secret: ["Sam-Admin", "sam-admin", "SAM-ADMIN"],
      plain: ["/", "sam", "sam-admin-2"],
    },
    {
      name: "the name and path inside a secret user ARN, and its resource part",
      props: { user: secret("arn:aws:iam::123456789012:user/ops-team/sam-ops") },
      secret: ["sam-ops", "/ops-team/", "user/ops-team/sam-ops"],
      plain: ["123456789012", "user", "ops-team"],
    },
    {
      name: "every string in a secret object or list, at any depth",
      props: { a: secret({ b: [{ c: "deep-one" }, "deep-two"] }), d: [secret(7)] },
      secret: ["deep-one", "deep-two", "7"],
      plain: ["b", "c"],
    },
    {
      name: "the strings inside secret JSON text (a policy document's statement ids and ARNs)",
      props: {
        policy: secret(JSON.stringify({ Statement: [{ Sid: "BreakGlass", Resource: "arn:aws:iam::1:policy/p-x" }] })),
      },
      secret: ["BreakGlass", "p-x"],
      plain: ["Statement", "Sid"],
    },
    {
      name: "nothing that is not under the secret signature",
      props: { name: "alice", nested: { user: "bob" } },
      secret: [],
      plain: ["alice", "bob"],
    },
  ];
  for (const c of cases) {
    it(`records ${c.name}`, () => {
      decode(c.props);
      for (const s of c.secret) assert.ok(isSecret(s), `${s} should be secret`);
      for (const s of c.plain) assert.ok(!isSecret(s), `${s} should not be secret`);
    });
  }

  it("hands other policies what the SDK gave them before: bare values, or secrets kept for Remediate", async () => {
    const props = { name: secret("sam-admin"), tags: { team: secret("ops") }, list: [1, "x", secret(["y"])] };
    const tracking = (deserialize.deserializeProperties as { [k: symbol]: unknown })[
      Symbol.for("cis-aws-1-11/secret-tracking")
    ];
    assert.strictEqual(tracking, true, "the SDK's export is wrapped");
    assert.deepStrictEqual(decode(props, false), { name: "sam-admin", tags: { team: "ops" }, list: [1, "x", ["y"]] });
    // With proxySecrets (Remediate), serializing gives the wire form back, secrets included.
    assert.deepStrictEqual(await deserialize.serializeProperties(decode(props, true)), encode(props));
  });

  it("records iteratively: a secret nested 100,000 levels deep neither throws nor is missed", () => {
    let value: unknown = "at-the-bottom";
    for (let i = 0; i < 100_000; i++) value = [value];
    recordSecrets({ x: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value } });
    assert.ok(isSecret("at-the-bottom"));
  });

  it("finds a secret inside a text it did not build (an error message), and forgets with the deployment", () => {
    decode({ token: secret("tok-123") });
    assert.ok(mentionsSecret("failed near tok-123 in input"));
    assert.ok(!mentionsSecret("failed near nothing"));
    forgetSecrets();
    assert.ok(!isSecret("tok-123"));
  });

  it("shares one set between copies of this library composed into one pack (the compiled copy here)", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const compiled = require(path.resolve(__dirname, "..", "..", "bin", "lib", "secrets.js"));
    decode({ name: secret("shared-name") });
    assert.ok(compiled.isSecret("shared-name"));
    assert.ok(isSecret("shared-name"));
  });

  it("counts every string as secret once a copy of the SDK is found that was not wrapped from the start", () => {
    const state = (globalThis as Record<symbol, { blind: boolean }>)[Symbol.for("cis-aws-1-11/secret-values")];
    const file = path.join("/nonexistent", "node_modules", "@pulumi", "policy", "deserialize.js");
    const fake = { deserializeProperties: () => ({}) };
    require.cache[file] = { exports: fake } as NodeJS.Module;
    try {
      assert.ok(isSecret("anything"), "a copy that may have decoded requests unseen");
      assert.notStrictEqual(fake.deserializeProperties.toString(), "() => ({})", "and it is wrapped from now on");
      forgetSecrets();
      assert.ok(!isSecret("anything"), "the next deployment: every copy is wrapped, nothing went unseen");
    } finally {
      delete require.cache[file];
      state.blind = false;
    }
  });
});
