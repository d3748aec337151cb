// `npx ts-node --transpile-only scripts/readiness-shapes.ts [--timeout S] [--only N]`
//
// Times the stack analysis in-process on the large and hostile readiness shapes of
// tests/cases/readiness-shapes.ts, in preview and update, each in a fresh process with a timeout
// (a backtracking matcher never finishes some of them), and checks that every finding says what the
// shape expects. Prints one line per shape and mode: milliseconds of analyzeStack, and of the floor
// (the same stack without its IAM policy resources: the same findings, nothing for readiness to
// read), or the timeout. Run it in an older checkout for the figures before a change.

import { spawnSync } from "child_process";
import { performance } from "perf_hooks";
import { NO_EXEMPTIONS } from "../lib/exemptions";
import { analyzeStack } from "../lib/stack-analysis";
import { SHAPES } from "../tests/cases/readiness-shapes";
import { stackView } from "../tests/helpers/sdk-view";
import { Mode, StackBuilder } from "../tests/helpers/stack";
import { IAM_POLICY_TYPES } from "../lib/types";

const IAM_TYPES: ReadonlySet<string> = new Set(Object.values(IAM_POLICY_TYPES));

function flag(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

/** Loads and warms the readiness code (lazily required on the first finding) outside the timing. */
function warmUp(mode: Mode): void {
  const s = new StackBuilder({ mode });
  const u = s.user("warm");
  s.loginProfile("warm-login", u.out("name"));
  s.accessKey("warm-key", u.out("name"));
  s.resource("aws:iam/userPolicyAttachment:UserPolicyAttachment", "warm-admin", {
    user: u.out("name"),
    policyArn: "arn:aws:iam::aws:policy/AdministratorAccess",
  });
  analyzeStack(stackView(s.resources), NO_EXEMPTIONS, Date.now(), mode);
}

function time(views: ReturnType<typeof stackView>, mode: Mode) {
  const started = performance.now();
  const reports = analyzeStack(views, NO_EXEMPTIONS, Date.now(), mode);
  return { ms: performance.now() - started, reports };
}

function runOne(index: number, mode: Mode): void {
  const shape = SHAPES[index];
  const s = new StackBuilder({ mode });
  shape.build(s);
  const views = stackView(s.resources);
  warmUp(mode);
  // The floor: the same findings without the IAM policy resources (readiness has nothing to read).
  const floor = time(
    views.filter((v) => !IAM_TYPES.has(v.type)),
    mode,
  ).ms;
  const { ms, reports } = time(views, mode);
  const keys = reports.filter((r) => r.urn.endsWith("-key"));
  const wrong = keys.filter((r) => !r.message.includes(shape.says[mode])).length;
  const ok = keys.length === shape.findings && wrong === 0;
  console.log(JSON.stringify({ ms: Math.round(ms), floorMs: Math.round(floor), findings: keys.length, wrong, ok }));
}

const child = flag("child");
if (child !== undefined) {
  runOne(Number(child), flag("mode") as Mode);
} else {
  const timeout = Number(flag("timeout") ?? "120") * 1000;
  const only = flag("only");
  SHAPES.forEach((shape, i) => {
    if (only !== undefined && Number(only) !== i) return;
    for (const mode of ["preview", "update"] as Mode[]) {
      const r = spawnSync(
        process.execPath,
        ["-r", "ts-node/register/transpile-only", __filename, "--child", String(i), "--mode", mode],
        { encoding: "utf8", timeout, maxBuffer: 64 * 1024 * 1024 },
      );
      const line = r.stdout.trim().split("\n").pop() ?? "";
      const result = r.error || r.status !== 0 ? `no answer after ${timeout / 1000} s` : line;
      console.log(`${i} ${shape.name} [${mode}]: ${result}`);
    }
  });
}
