// The rule pages in docs/rules/ must keep up with the pack: one page per policy the pack serves,
// embedded example programs identical to the files under examples/, and sample messages identical
// to what the pack says for the violating example.

import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { Diagnostic, PACK_DIR, PackProcess, POLICY_ANALYZE_ENV } from "../helpers/pack";
import { Mode, StackBuilder } from "../helpers/stack";

const DOCS_DIR = path.join(PACK_DIR, "docs", "rules");
const VIOLATING = "examples/violating-user-profile-key/index.ts";
const COMPLIANT = "examples/compliant-mixed-team/index.ts";
const SECTIONS = [
  "What it checks",
  "Why",
  "Violating example",
  "Compliant example",
  "Message format",
  "Remediation",
  "Exemptions",
  "Limits",
];

/** A fenced block that follows an HTML comment marker: `<!-- kind: args -->` then ```lang ... ```. */
interface Marked {
  args: string[];
  lang: string;
  body: string;
  line: number;
}

function markedBlocks(markdown: string, kind: string): Marked[] {
  const lines = markdown.split("\n");
  const out: Marked[] = [];
  lines.forEach((line, i) => {
    const m = new RegExp(`^<!-- ${kind}: (.+?) -->$`).exec(line.trim());
    if (!m) return;
    const fence = /^```(\w*)$/.exec(lines[i + 1] ?? "");
    assert.ok(fence, `line ${i + 1}: the ${kind} marker must be followed directly by a fenced code block`);
    const end = lines.indexOf("```", i + 2);
    assert.ok(end > i, `line ${i + 2}: unterminated code block`);
    out.push({ args: m[1].split(/\s+/), lang: fence[1], body: lines.slice(i + 2, end).join("\n"), line: i + 1 });
  });
  return out;
}

function readPage(policy: string): string {
  return fs.readFileSync(path.join(DOCS_DIR, `${policy}.md`), "utf8");
}

/** The violating example's resources, as the engine describes them. The key is registered first. */
function violatingStack(mode: Mode): StackBuilder {
  const s = new StackBuilder({ mode });
  const alice = s.user("alice");
  s.accessKey("alice-key", alice.out("name"));
  s.loginProfile("alice-console", alice.out("name"));
  return s;
}

describe("rule documentation", function () {
  this.timeout(60_000);

  // One pack per run the pages quote: a preview, an update, and `pulumi policy analyze` (no stack configuration).
  type Run = Mode | "analyze";
  const packs = new Map<Run, PackProcess>();
  let policies: string[];

  before(async () => {
    const env: Record<Run, Record<string, string | undefined>> = {
      preview: { PULUMI_NODEJS_DRY_RUN: "true" },
      update: { PULUMI_NODEJS_DRY_RUN: "false" },
      analyze: POLICY_ANALYZE_ENV,
    };
    await Promise.all(
      (Object.keys(env) as Run[]).map(async (run) => packs.set(run, await PackProcess.shared({ env: env[run] }))),
    );
    policies = (await packs.get("update")!.info()).policiesList.map((p) => p.name);
  });

  after(async () => {
    await Promise.all([...packs.values()].map((p) => p.stop()));
  });

  it("has a page for every policy of the pack, and none for a policy it does not have", () => {
    const pages = fs
      .readdirSync(DOCS_DIR)
      .filter((f) => f.endsWith(".md"))
      .map((f) => f.slice(0, -3));
    assert.deepEqual(pages.sort(), [...policies].sort());
  });

  it("titles each page with its policy name and covers every section", () => {
    for (const policy of policies) {
      const page = readPage(policy);
      assert.equal(page.split("\n")[0], `# \`${policy}\``, `${policy}.md: first line`);
      const headings = page.split("\n").filter((l) => l.startsWith("## "));
      assert.deepEqual(
        headings.map((h) => h.slice(3)),
        SECTIONS,
        `${policy}.md: sections`,
      );
    }
  });

  it("embeds the violating and the compliant example on every page", () => {
    for (const policy of policies) {
      const files = markedBlocks(readPage(policy), "example").map((b) => b.args[0]);
      assert.deepEqual(files.sort(), [COMPLIANT, VIOLATING].sort(), `${policy}.md: embedded examples`);
    }
  });

  it("embeds each example exactly as its file", () => {
    for (const policy of policies) {
      for (const block of markedBlocks(readPage(policy), "example")) {
        const file = path.join(PACK_DIR, block.args[0]);
        assert.ok(fs.existsSync(file), `${policy}.md line ${block.line}: ${block.args[0]} does not exist`);
        assert.equal(block.lang, "typescript", `${policy}.md line ${block.line}: fence language`);
        const source = fs.readFileSync(file, "utf8").replace(/\n$/, "");
        assert.equal(block.body, source, `${policy}.md line ${block.line}: differs from ${block.args[0]}`);
      }
    }
  });

  it("quotes the pack's own messages for the violating example", async () => {
    const byRun: Partial<Record<Run, Diagnostic[]>> = {};
    const diagnostics = async (run: Run): Promise<Diagnostic[]> => {
      if (!byRun[run]) {
        const pack = packs.get(run);
        assert.ok(pack, `no such run: ${run}`);
        await pack.configure();
        // An audit reads a stack's stored state: every output known, as after an update.
        const s = violatingStack(run === "analyze" ? "update" : run);
        const found: Diagnostic[] = [];
        for (const spec of s.resources) found.push(...(await pack.analyze(spec)));
        found.push(...(await pack.analyzeStack(s.resources)));
        byRun[run] = found;
      }
      return byRun[run]!;
    };
    let quoted = 0;
    for (const policy of policies) {
      for (const block of markedBlocks(readPage(policy), "message")) {
        const [name, mode, resource] = block.args;
        assert.equal(name, policy, `${policy}.md line ${block.line}: quotes another policy`);
        const found = (await diagnostics(mode as Run)).filter(
          (d) => d.policyName === policy && d.urn.endsWith(`::${resource}`),
        );
        assert.equal(found.length, 1, `${policy}.md line ${block.line}: ${JSON.stringify(found)}`);
        assert.equal(block.body, found[0].message, `${policy}.md line ${block.line}: message differs`);
        quoted++;
      }
    }
    assert.ok(quoted >= policies.length, "every page quotes at least one message");
  });
});
