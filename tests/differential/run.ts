// Runs generated scenarios through the pack (the stack analysis, in-process, as the SDK hands it the
// stack) and through the oracle, and counts where they disagree.

import { NO_EXEMPTIONS } from "../../lib/exemptions";
import { analyzeStack } from "../../lib/stack-analysis";
import { nameOfUrn } from "../helpers/expect";
import { stackView } from "../helpers/sdk-view";
import { isUnknown } from "../helpers/wire";
import { Answer, iamAnswer } from "./oracle";
import { buildScenario, generateScenario, Random, Scenario } from "./scenario";

/** The readiness sentence of the finding on key "k", and the answer it gives. */
export function packAnswer(c: Scenario): { answer: Answer | "none"; sentence: string; uniqueId?: string } {
  const s = buildScenario(c);
  const user = s.resources.find((r) => r.type === "aws:iam/user:User")!;
  const uniqueId = isUnknown(user.outputs.uniqueId) ? undefined : (user.outputs.uniqueId as string);
  const reports = analyzeStack(stackView(s.resources), NO_EXEMPTIONS, Date.now());
  const message = reports.find((r) => nameOfUrn(r.urn) === "k")?.message ?? "";
  const starts = ["They can create", "They cannot create", "Nothing in this stack allows", "Whether they can"];
  const at = Math.min(...starts.map((t) => message.indexOf(t)).filter((i) => i >= 0));
  if (!Number.isFinite(at)) return { answer: "none", sentence: message, uniqueId };
  const sentence = message.slice(at);
  // A caveat ("may be blocked by", "may block it") leaves a "can" open; it cannot open a "no".
  const caveat = /may block|may be blocked/.test(sentence);
  const answer: Answer =
    sentence.startsWith("They can create") && !caveat
      ? "yes"
      : sentence.startsWith("They cannot") || sentence.startsWith("Nothing in this stack allows")
        ? "no"
        : "open";
  return { answer, sentence, uniqueId };
}

export interface Counts {
  cases: number;
  /** The pack says they can; IAM says no in some context. */
  falseCan: number;
  /** The pack says a definite no; IAM says yes in some context. */
  falseNo: number;
  /** The pack's answer is open where IAM's is definite in every context. */
  openWhereDefinite: number;
  /** Open answers of the pack in all. */
  open: number;
  /** No readiness sentence at all (dropped). */
  dropped: number;
  /** Too many contexts to enumerate: not compared. */
  skipped: number;
  examples: { kind: string; scenario: Scenario; pack: string; iam: Answer }[];
}

/** `worldLimit`: cases with more request contexts than this are skipped (counted), to bound the time. */
export function runDifferential(seed: number, cases: number, keepExamples = 5, worldLimit = 4096): Counts {
  const random = new Random(seed);
  const counts: Counts = {
    cases: 0,
    falseCan: 0,
    falseNo: 0,
    openWhereDefinite: 0,
    open: 0,
    dropped: 0,
    skipped: 0,
    examples: [],
  };
  const note = (kind: string, scenario: Scenario, pack: string, iam: Answer) => {
    if (counts.examples.filter((e) => e.kind === kind).length < keepExamples) {
      counts.examples.push({ kind, scenario, pack, iam });
    }
  };
  for (let i = 0; i < cases; i++) {
    const scenario = generateScenario(random);
    const pack = packAnswer(scenario);
    const iam = iamAnswer(scenario, pack.uniqueId, worldLimit);
    if (iam === undefined) {
      counts.skipped++;
      continue;
    }
    counts.cases++;
    if (pack.answer === "none") {
      counts.dropped++;
      note("dropped", scenario, pack.sentence, iam);
      continue;
    }
    if (pack.answer === "open") counts.open++;
    if (pack.answer === "yes" && iam !== "yes") {
      counts.falseCan++;
      note("falseCan", scenario, pack.sentence, iam);
    } else if (pack.answer === "no" && iam !== "no") {
      counts.falseNo++;
      note("falseNo", scenario, pack.sentence, iam);
    } else if (pack.answer === "open" && iam !== "open") {
      counts.openWhereDefinite++;
      note("openWhereDefinite", scenario, pack.sentence, iam);
    }
  }
  return counts;
}
