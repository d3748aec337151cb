// `npx ts-node --transpile-only bench/self-service-cost.ts [--runs N] [--findings 1,10,100,1000] [--filler N]`
//
// The cost of a finding's self-service readiness ("can this person create their own key"), in
// process, on stacks with N console users who each have a key (N findings), their groups, group
// policies, attached customer and AWS managed policies, and unrelated resources. Each round times
// the whole stack analysis, and the readiness part alone (indexing the IAM policy resources and
// answering for the N users), alternating the two; it prints medians, the readiness cost per
// finding and the ratio of the whole analysis to the analysis less readiness.

import { performance } from "perf_hooks";
import { NO_EXEMPTIONS } from "../lib/exemptions";
import { accountOf } from "../lib/accounts";
import { Owner, ResourceView } from "../lib/model";
import { ReadinessIndex } from "../lib/readiness/answer";
import { analyzeStack } from "../lib/stack-analysis";
import { SELF_SERVICE_POLICY } from "../tests/cases/stack-cases";
import { stackView } from "../tests/helpers/sdk-view";
import { list, Mode, StackBuilder } from "../tests/helpers/stack";
import { flagReader, median } from "./common";
import { generateStack } from "./stacks";

const readFlag = flagReader(process.argv);
const flag = (name: string, fallback: string): string => readFlag(name) ?? fallback;

function stack(findings: number, filler: number, mode: Mode): ResourceView[] {
  const s = new StackBuilder({ mode });
  const selfService = s.policy("self-service-keys", SELF_SERVICE_POLICY);
  const teams = Math.max(1, Math.ceil(findings / 10));
  const groups = Array.from({ length: teams }, (_, t) => {
    const g = s.group(`team-${t}`);
    s.resource("aws:iam/groupPolicyAttachment:GroupPolicyAttachment", `team-${t}-keys`, {
      group: g.out("name"),
      policyArn: t % 2 ? selfService.out("arn") : "arn:aws:iam::aws:policy/ReadOnlyAccess",
    });
    s.resource("aws:iam/groupPolicy:GroupPolicy", `team-${t}-inline`, {
      group: g.out("name"),
      policy: JSON.stringify({ Statement: [{ Effect: "Deny", Action: "s3:DeleteBucket", Resource: "*" }] }),
    });
    return { g, members: [] as unknown[] };
  });
  for (let i = 0; i < findings; i++) {
    const u = s.user(`user-${i}`);
    s.loginProfile(`user-${i}-login`, u.out("name"));
    s.accessKey(`user-${i}-key`, u.out("name"));
    groups[i % teams].members.push(u.out("name"));
    if (i % 3 === 0) {
      s.resource("aws:iam/userPolicyAttachment:UserPolicyAttachment", `user-${i}-viewer`, {
        user: u.out("name"),
        policyArn: "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",
      });
    }
  }
  for (const { g, members } of groups) {
    s.resource("aws:iam/groupMembership:GroupMembership", `${g.spec.name}-members`, {
      group: g.out("name"),
      users: list(...members),
    });
  }
  for (let i = 0; i < filler; i++) s.other("aws:s3/bucket:Bucket", `bucket-${i}`, { bucket: `bucket-${i}` });
  return stackView(s.resources);
}

/** What readiness costs on its own: the index of the stack, then one answer per reported user. */
function timeReadiness(views: ResourceView[], owners: Owner[]): number {
  const start = performance.now();
  // The first finding loads the module in analyzeStack; here it is loaded already, as after that.
  const index = new ReadinessIndex(views);
  for (const owner of owners) {
    if (!index.readiness(owner)) throw new Error("expected an answer");
  }
  return performance.now() - start;
}

function ownersOf(views: ResourceView[]): Owner[] {
  return views
    .filter((v) => v.type === "aws:iam/user:User")
    .map((v) => ({ userUrn: v.urn, userName: v.name, account: accountOf(v.provider) }));
}

function time(views: ResourceView[]): number {
  const start = performance.now();
  const reports = analyzeStack(views, NO_EXEMPTIONS, Date.now());
  const ms = performance.now() - start;
  if (reports.length === 0) throw new Error("expected findings");
  return ms;
}

const runs = Number(flag("runs", "7"));
const filler = Number(flag("filler", "1000"));
const sizes = flag("findings", "1,10,100,1000").split(",").map(Number);
console.log(`runs ${runs}, ${filler} unrelated resources per stack; in-process analyzeStack, median ms`);
console.log("mode     findings  resources  analyzeStack  of-which-readiness  ms/finding  ratio-to-without");
for (const mode of ["preview", "update"] as Mode[]) {
  for (const n of sizes) {
    const views = stack(n, filler, mode);
    const owners = ownersOf(views);
    const whole: number[] = [];
    const part: number[] = [];
    for (let r = 0; r < runs; r++) {
      if (r % 2) {
        part.push(timeReadiness(views, owners));
        whole.push(time(views));
      } else {
        whole.push(time(views));
        part.push(timeReadiness(views, owners));
      }
    }
    const w = median(whole);
    const p = median(part);
    console.log(
      `${mode.padEnd(8)} ${String(n).padStart(8)} ${String(views.length).padStart(10)} ${w.toFixed(2).padStart(13)} ` +
        `${p.toFixed(2).padStart(19)} ${(p / n).toFixed(3).padStart(11)} ${(w / Math.max(w - p, 1e-9)).toFixed(2).padStart(17)}`,
    );
  }
}

// With `--baseline DIR` (a checkout of the commit before this feature, e.g. `git worktree add --detach
// DIR <commit>`): the same stacks through both versions' analyzeStack in this process, alternating, with
// findings and without (the keys left out), as ratios of medians.
const baselineDir = flag("baseline", "");
if (baselineDir) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const baseline = require(`${baselineDir}/lib/stack-analysis`) as typeof import("../lib/stack-analysis");
  const timeWith = (analyze: typeof analyzeStack, views: ResourceView[]): number => {
    const start = performance.now();
    analyze(views, NO_EXEMPTIONS, Date.now());
    return performance.now() - start;
  };
  console.log(`\nagainst ${baselineDir}: median ms, this/baseline`);
  console.log("mode     findings  resources  baseline  this  ratio");
  for (const mode of ["preview", "update"] as Mode[]) {
    for (const n of sizes) {
      const full = stack(n, filler, mode);
      const variants: [string, ResourceView[]][] = [
        [String(n), full],
        ["0", full.filter((v) => v.type !== "aws:iam/accessKey:AccessKey")],
      ];
      // The main benchmark's generated stack of this many resources (a few findings among many users).
      if (n >= 1000) variants.push([`bench:${n}`, stackView(generateStack(n, mode).resources)]);
      for (const [label, views] of variants) {
        const a: number[] = [];
        const b: number[] = [];
        for (let r = 0; r < runs; r++) {
          const first = r % 2 ? baseline.analyzeStack : analyzeStack;
          const second = r % 2 ? analyzeStack : baseline.analyzeStack;
          const t1 = timeWith(first, views);
          const t2 = timeWith(second, views);
          (first === analyzeStack ? b : a).push(t1);
          (second === analyzeStack ? b : a).push(t2);
        }
        console.log(
          `${mode.padEnd(8)} ${label.padStart(8)} ${String(views.length).padStart(10)} ${median(a).toFixed(2).padStart(9)} ` +
            `${median(b).toFixed(2).padStart(5)} ${(median(b) / median(a)).toFixed(2).padStart(6)}`,
        );
      }
    }
  }
}
