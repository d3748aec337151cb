// The independent side of the differential test: @cloud-copilot/iam-simulate (AGPL-3.0, a
// devDependency only, never published) evaluates each scenario in every request context the pack
// cannot see. IAM's answer is definite only when it is the same in all of them.
//
// What the oracle does not do itself, the harness does, following the AWS IAM User Guide:
// - the Version rule: policy variables are substituted only under "2012-10-17"; in any other
//   document `${...}` is literal text, so the harness rewrites `${` as `${$}{` (the documented
//   escape) and marks the document 2012-10-17;
// - request-context worlds: values not known during preview (the user's account and unique id, a
//   computed document), policies outside the stack, condition keys the pack cannot know (MFA, source
//   IP, principal tags), and where SCPs apply (not in the management account; an OU may not be above
//   the account; FullAWSAccess may or may not still be attached where a managed SCP is).

import { runUnsafeSimulation } from "@cloud-copilot/iam-simulate";
import { ACCOUNT_ID } from "../helpers/stack";
import { Doc, Json, OTHER_ACCOUNT, Scenario } from "./scenario";

export type Answer = "yes" | "no" | "open";

const ALLOW_ALL: Doc = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };
const DENY_ALL: Doc = { Version: "2012-10-17", Statement: [{ Effect: "Deny", Action: "*", Resource: "*" }] };
const EMPTY: Doc = { Version: "2012-10-17", Statement: [] };
const FULL_AWS_ACCESS = { name: "FullAWSAccess", policy: ALLOW_ALL };

function literalVariables(value: unknown): unknown {
  if (typeof value === "string") return value.split("${").join("${$}{");
  if (Array.isArray(value)) return value.map(literalVariables);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, literalVariables(v)]));
  }
  return value;
}

/** The document as the oracle must read it to follow the Version rule. */
export function versioned(d: Doc): Doc {
  if (d.Version === "2012-10-17") return d;
  return {
    Version: "2012-10-17",
    Statement: d.Statement.map((s) => {
      const out: Json = { ...s };
      for (const k of ["Resource", "NotResource", "Condition"]) if (k in out) out[k] = literalVariables(out[k]);
      return out;
    }),
  };
}

type Choice<T> = readonly T[];

/** Every combination of the choices, lazily. */
function* product<T>(choices: Choice<T>[], at = 0, acc: T[] = []): Generator<T[]> {
  if (at === choices.length) {
    yield acc.slice();
    return;
  }
  for (const c of choices[at]) {
    acc.push(c);
    yield* product(choices, at + 1, acc);
    acc.pop();
  }
}

interface World {
  account: string;
  userid: string;
  identity: Doc[];
  boundary?: Doc;
  /** SCP levels from the root down, or none (the management account). */
  scps: { orgIdentifier: string; policies: { name: string; policy: Doc }[] }[];
  context: Record<string, string>;
}

const CONTEXT_KEYS: Record<string, (string | undefined)[]> = {
  "aws:MultiFactorAuthPresent": ["true", "false", undefined],
  "aws:SourceIp": ["10.1.2.3", "203.0.113.9"],
};

/** The worlds the scenario can be in, as far as the pack can tell from the stack; undefined past `limit`. */
export function worlds(c: Scenario, uniqueId: string | undefined, limit: number): World[] | undefined {
  const preview = c.mode === "preview";
  const accountKnown = !preview || c.existing;
  const choices: Choice<unknown>[] = [];
  const text = JSON.stringify(c);
  choices.push(accountKnown ? [ACCOUNT_ID] : [ACCOUNT_ID, OTHER_ACCOUNT]);
  choices.push(uniqueId !== undefined ? [uniqueId] : ["AIDAEXAMPLEKNOWN", "AIDAEXAMPLEOTHER"]);
  for (const p of c.identity) {
    if (p.via === "outside") choices.push([ALLOW_ALL, DENY_ALL, EMPTY]);
    else if (p.unknownInPreview && preview) choices.push([p.doc!, ALLOW_ALL, DENY_ALL, EMPTY]);
    else choices.push([p.doc!]);
  }
  if (!c.boundary) choices.push([undefined]);
  else if ("outside" in c.boundary) choices.push([ALLOW_ALL, EMPTY]);
  else if (c.boundary.unknownInPreview && preview) choices.push([c.boundary.doc, ALLOW_ALL, EMPTY]);
  else choices.push([c.boundary.doc]);
  const keys = Object.keys(CONTEXT_KEYS).filter((k) => text.includes(k));
  for (const k of keys) choices.push(CONTEXT_KEYS[k]);
  const tagged = text.includes("aws:PrincipalTag/team");
  // A tag may hold anything: the stored name, or the path and name, make `user/${tag}` match.
  choices.push(tagged ? ["dev", c.storedName, `${c.path.slice(1)}${c.storedName}`, undefined] : [undefined]);
  // SCPs: none apply (management account), or they do: is the OU above the account, and is
  // FullAWSAccess still attached at each level that has a managed SCP?
  const levels = ["root", "ou"].filter((t) => c.scps.some((s) => s.target === t));
  const scpWorlds: World["scps"][] = c.scps.length === 0 ? [[]] : [[]];
  if (c.scps.length > 0) {
    for (const flags of product(levels.map(() => ["full", "alone", "absent"] as const))) {
      const path: World["scps"] = [];
      let skip = false;
      levels.forEach((level, i) => {
        // The root is above every account.
        if (flags[i] === "absent" && level === "root") skip = true;
        if (flags[i] === "absent") return;
        const policies = c.scps
          .map((s, j) => ({ s, j }))
          .filter(({ s }) => s.target === level)
          .map(({ s, j }) => ({ name: `scp${j}`, policy: versioned(s.doc) }));
        if (flags[i] === "full") policies.push(FULL_AWS_ACCESS);
        path.push({ orgIdentifier: level === "root" ? "r-root" : "ou-root-eng", policies });
      });
      if (skip) continue;
      if (!levels.includes("root")) path.unshift({ orgIdentifier: "r-root", policies: [FULL_AWS_ACCESS] });
      path.push({ orgIdentifier: ACCOUNT_ID, policies: [FULL_AWS_ACCESS] });
      scpWorlds.push(path);
    }
  }
  choices.push(scpWorlds);
  const count = choices.reduce((n, ch) => n * ch.length, 1);
  if (count > limit) return undefined;
  const out: World[] = [];
  for (const combo of product(choices)) {
    let i = 0;
    const account = combo[i++] as string;
    const userid = combo[i++] as string;
    const identity = c.identity.map(() => combo[i++] as Doc);
    const boundary = combo[i++] as Doc | undefined;
    const context: Record<string, string> = {};
    for (const k of keys) {
      const v = combo[i++] as string | undefined;
      if (v !== undefined) context[k] = v;
    }
    const tag = combo[i++] as string | undefined;
    if (tag !== undefined) context["aws:PrincipalTag/team"] = tag;
    const scps = combo[i++] as World["scps"];
    out.push({ account, userid, identity, boundary, scps, context });
  }
  return out;
}

/** IAM's answer in one world: whether the user may create an access key for themself. */
function allowedIn(c: Scenario, w: World): boolean {
  const arn = `arn:aws:iam::${w.account}:user${c.path}${c.storedName}`;
  // The SCP levels name the account they end in.
  const scps = w.scps.map((level, i) =>
    i === w.scps.length - 1 && level.orgIdentifier === ACCOUNT_ID ? { ...level, orgIdentifier: w.account } : level,
  );
  const result = runUnsafeSimulation(
    {
      request: {
        principal: arn,
        action: "iam:CreateAccessKey",
        resource: { resource: arn, accountId: w.account },
        contextVariables: {
          "aws:username": c.storedName,
          "aws:userid": w.userid,
          "aws:PrincipalType": "User",
          "aws:PrincipalArn": arn,
          "aws:PrincipalAccount": w.account,
          ...w.context,
        },
      },
      identityPolicies: w.identity.map((d, i) => ({ name: `p${i}`, policy: versioned(d) })),
      permissionBoundaryPolicies: w.boundary ? [{ name: "boundary", policy: versioned(w.boundary) }] : undefined,
      serviceControlPolicies: scps,
      resourceControlPolicies: [],
    },
    {},
  );
  return result === "Allowed";
}

/** IAM's answer over every world: definite only when all agree; undefined when there are too many. */
export function iamAnswer(c: Scenario, uniqueId: string | undefined, limit = 4096): Answer | undefined {
  const all = worlds(c, uniqueId, limit);
  if (!all) return undefined;
  let yes = false;
  let no = false;
  for (const w of all) {
    if (allowedIn(c, w)) yes = true;
    else no = true;
    if (yes && no) return "open";
  }
  return yes ? "yes" : "no";
}
