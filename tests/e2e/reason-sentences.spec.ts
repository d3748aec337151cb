// Each reason sentence is said only in the run and case it describes: the same stacks go to packs
// started for a preview, an update and an audit (`pulumi policy analyze`), as the CLI starts them
// (PULUMI_NODEJS_DRY_RUN "true", "false", unset: lib/run.ts), and each sentence must appear exactly
// where listed. Stacks are sent with values unknown even to the update and audit packs: the engine
// resolves inputs before an update's Analyze, but a sentence must stay true whatever arrives.

import * as assert from "assert";
import { Diagnostic, PackProcess, POLICY_ANALYZE_ENV } from "../helpers/pack";
import { combine, StackBuilder } from "../helpers/stack";
import { unknown } from "../helpers/wire";
import { Run } from "../../lib/run";

const RUNS: Run[] = ["preview", "update", "analysis"];
const A = "111111111111";
const B = "222222222222";
const C = "333333333333";

/** Stacks built as in a preview: resources being created have unknown outputs. */
const STACKS: Record<string, (s: StackBuilder) => void> = {
  "a key whose unknown user depends on a non-user resource only"(s) {
    s.loginProfile("lee-login", "lee");
    const tag = s.other("random:index/randomId:RandomId", "tag", { byteLength: 2 });
    s.accessKey("tag-key", combine(unknown, tag.out("hex")));
  },
  "a key whose unknown user depends on two user resources"(s) {
    const quinn = s.user("quinn");
    const rae = s.user("rae");
    s.loginProfile("quinn-login", quinn.out("name"));
    s.accessKey("pick-key", combine(unknown, quinn.out("name"), rae.out("name")));
  },
  "two providers with different profiles and no account ids"(s) {
    const a = s.provider("account-a", { profile: "team-a" });
    const b = s.provider("account-b", { profile: "team-b" });
    s.loginProfile("kai-a-login", "kai", { provider: a });
    s.accessKey("kai-b-key", "kai", { provider: b });
  },
  "two providers with different profiles, one stating its account id"(s) {
    const a = s.provider("account-a", { profile: "team-a", allowedAccountIds: JSON.stringify([A]) });
    const b = s.provider("account-b", { profile: "team-b" });
    s.loginProfile("kai-a-login", "kai", { provider: a });
    s.accessKey("kai-b-key", "kai", { provider: b });
  },
  "two providers stating overlapping lists of account ids"(s) {
    const a = s.provider("account-a", { profile: "team-a", allowedAccountIds: JSON.stringify([A, B]) });
    const b = s.provider("account-b", { profile: "team-b", allowedAccountIds: JSON.stringify([B, C]) });
    s.loginProfile("kai-a-login", "kai", { provider: a });
    s.accessKey("kai-b-key", "kai", { provider: b });
  },
  "a provider whose profile is unknown"(s) {
    const computed = s.provider("computed", { profile: unknown });
    s.loginProfile("gil-login", "gil");
    s.accessKey("gil-key", "gil", { provider: computed });
  },
};

interface Sentence {
  text: string;
  /** Where it must appear: stack name -> runs. Everywhere else among STACKS x RUNS it must not. */
  in: Record<string, Run[]>;
}

const SENTENCES: Sentence[] = [
  {
    text: "does not come from an IAM user resource",
    in: { "a key whose unknown user depends on a non-user resource only": RUNS },
  },
  {
    text: "is computed from several IAM user resources",
    in: { "a key whose unknown user depends on two user resources": RUNS },
  },
  {
    text: "neither states its account id",
    in: { "two providers with different profiles and no account ids": RUNS },
  },
  {
    text: 'only provider "account-a" states its account id',
    in: { "two providers with different profiles, one stating its account id": RUNS },
  },
  {
    text: "both state account ids, but",
    in: { "two providers stating overlapping lists of account ids": RUNS },
  },
  { text: "not both stated", in: {} },
  {
    text: "(the update will know them)",
    in: { "a provider whose profile is unknown": ["preview"] },
  },
  {
    text: 'the settings of provider "computed" are unknown in this run',
    in: { "a provider whose profile is unknown": ["update", "analysis"] },
  },
  {
    text: "or run the policy again after the update",
    in: {
      "a key whose unknown user depends on a non-user resource only": ["preview"],
      "a key whose unknown user depends on two user resources": ["preview"],
    },
  },
  {
    text: "not known yet",
    in: {
      "a key whose unknown user depends on a non-user resource only": ["preview"],
      "a key whose unknown user depends on two user resources": ["preview"],
      "a provider whose profile is unknown": ["preview"],
    },
  },
];

describe("reason sentences: each only in the run and case it describes (both policies, over gRPC)", function () {
  this.timeout(60_000);
  const packs = new Map<Run, PackProcess>();
  /** Every message per stack and run: the stack policy's, and the per-resource policy's. */
  const said = new Map<string, string[]>();

  before(async () => {
    const env: Record<Run, Record<string, string | undefined>> = {
      preview: { PULUMI_NODEJS_DRY_RUN: "true" },
      update: { PULUMI_NODEJS_DRY_RUN: "false" },
      analysis: POLICY_ANALYZE_ENV,
    };
    await Promise.all(RUNS.map(async (run) => packs.set(run, await PackProcess.shared({ env: env[run] }))));
    for (const run of RUNS) {
      const pack = packs.get(run)!;
      await pack.configure();
      for (const [name, build] of Object.entries(STACKS)) {
        const s = new StackBuilder({ mode: "preview" });
        build(s);
        const diags: Diagnostic[] = [];
        for (const spec of s.resources) diags.push(...(await pack.analyze(spec)));
        diags.push(...(await pack.analyzeStack(s.resources)));
        said.set(
          `${name}|${run}`,
          diags.map((d) => d.message),
        );
      }
    }
  });
  after(async () => {
    await Promise.all([...packs.values()].map((p) => p.stop()));
  });

  it("every stack gets an answer in every run", () => {
    for (const name of Object.keys(STACKS)) {
      for (const run of RUNS) assert.ok(said.get(`${name}|${run}`)!.length > 0, `${name} in ${run}`);
    }
  });

  for (const sentence of SENTENCES) {
    it(`says "${sentence.text}" only where it is true`, () => {
      for (const name of Object.keys(STACKS)) {
        for (const run of RUNS) {
          const messages = said.get(`${name}|${run}`)!;
          const expected = (sentence.in[name] ?? []).includes(run);
          const actual = messages.some((m) => m.includes(sentence.text));
          assert.strictEqual(actual, expected, `${name}, ${run}: ${JSON.stringify(messages, null, 1)}`);
        }
      }
    });
  }
});
