// Generated readiness scenarios: one console user with a key (the finding), and the IAM around them
// (inline, managed and group policies, AWS managed policies, policies from outside the stack, a
// permissions boundary, service control policies), with policy versions, variables, conditions and
// values not known during preview. Plain data, so the pack and the oracle read the same case.

import { ACCOUNT_ID, combine, list, Mode, StackBuilder } from "../helpers/stack";
import { unknown } from "../helpers/wire";

/** A small seeded generator (mulberry32): the same seed gives the same cases on every machine. */
export class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
}

export type Json = Record<string, unknown>;

export interface Doc {
  Version?: string;
  Statement: Json[];
}

/** Where an identity policy comes from. */
export type Via = "inline" | "managed" | "group-inline" | "group-managed" | "aws-managed" | "outside";

export interface IdentityPolicy {
  via: Via;
  /** The document (absent for "outside"; the pack's copy for "aws-managed"). */
  doc?: Doc;
  /** For "aws-managed": its name. */
  awsName?: string;
  /** Computed from another resource: not known during preview. */
  unknownInPreview: boolean;
}

export interface Scp {
  doc: Doc;
  target: "root" | "ou";
}

export interface Scenario {
  mode: Mode;
  /** The user's name as the user resource stores it. */
  storedName: string;
  /** How the key and login profile name the user: through the resource, or as literal text. */
  keyUser: "ref" | "same" | "upper";
  path: string;
  /** Already exists: its ARN and unique id are known during preview too. */
  existing: boolean;
  identity: IdentityPolicy[];
  boundary?: { doc: Doc; unknownInPreview: boolean } | { outside: true };
  scps: Scp[];
}

export const OTHER_ACCOUNT = "210987654321";

/** AWS managed policies the pack knows (their statements that bear on iam:CreateAccessKey). */
export const AWS_MANAGED: Record<string, Json[]> = {
  AdministratorAccess: [{ Effect: "Allow", Action: "*", Resource: "*" }],
  IAMFullAccess: [{ Effect: "Allow", Action: ["iam:*", "organizations:DescribeAccount"], Resource: "*" }],
  IAMUserChangePassword: [],
  ReadOnlyAccess: [],
};

const ACTIONS = [
  "iam:CreateAccessKey",
  "iam:createaccesskey",
  "iam:*",
  "*",
  "iam:Create*",
  "iam:*AccessKey*",
  "iam:CreateAccessKe?",
  "s3:*",
  "iam:ListUsers",
  "iam:DeleteAccessKey",
];

function resources(name: string): string[] {
  return [
    "*",
    "arn:aws:iam::*:user/${aws:username}",
    "arn:aws:iam::*:user/${aws:username}",
    "arn:aws:iam::${aws:PrincipalAccount}:user/${aws:username}",
    `arn:aws:iam::${ACCOUNT_ID}:user/\${aws:username}`,
    `arn:aws:iam::${ACCOUNT_ID}:user/${name}`,
    `arn:aws:iam::*:user/${name.toUpperCase()}`,
    "arn:aws:iam::*:user/*",
    "arn:aws:iam::*:user/eng/*",
    `arn:aws:iam::*:user/\${aws:SourceIdentity, '${name}'}`,
    "arn:aws:iam::*:user/${aws:username, 'bob'}",
    "arn:aws:iam::*:user/bob",
    "arn:aws:iam::*:user/${aws:PrincipalTag/team}",
    "arn:aws:iam::*:user/${aws:username",
  ];
}

function conditions(name: string): Json[] {
  return [
    { Bool: { "aws:MultiFactorAuthPresent": "true" } },
    { Bool: { "aws:MultiFactorAuthPresent": "false" } },
    { BoolIfExists: { "aws:MultiFactorAuthPresent": "false" } },
    { Null: { "aws:MultiFactorAuthPresent": "true" } },
    { StringEquals: { "aws:PrincipalType": "User" } },
    { StringNotEquals: { "aws:PrincipalType": "User" } },
    { StringEquals: { "aws:PrincipalType": "AssumedRole" } },
    { StringEquals: { "aws:username": name } },
    { StringLike: { "aws:username": `${name[0]}*` } },
    { StringEquals: { "aws:username": "bob" } },
    { StringEquals: { "aws:PrincipalAccount": ACCOUNT_ID } },
    { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:user/*" } },
    { StringLike: { "aws:userid": "AIDA*" } },
    { IpAddress: { "aws:SourceIp": "10.0.0.0/8" } },
    { NotIpAddress: { "aws:SourceIp": "10.0.0.0/8" } },
    { StringEquals: { "aws:PrincipalTag/team": "dev" } },
    { StringEquals: { "aws:PrincipalType": "User" }, Bool: { "aws:MultiFactorAuthPresent": "true" } },
  ];
}

/** Conditions that together cover every request: a statement with one and its copy with the other. */
const COMPLEMENTS: [Json, Json][] = [
  [{ Bool: { "aws:MultiFactorAuthPresent": "true" } }, { BoolIfExists: { "aws:MultiFactorAuthPresent": "false" } }],
  [{ IpAddress: { "aws:SourceIp": "10.0.0.0/8" } }, { NotIpAddress: { "aws:SourceIp": "10.0.0.0/8" } }],
];

function oneOrTwo<T>(r: Random, items: readonly T[]): T | T[] {
  return r.chance(0.7) ? r.pick(items) : [r.pick(items), r.pick(items)];
}

function statement(r: Random, name: string, effect?: string): Json[] {
  const s: Json = { Effect: effect ?? (r.chance(0.65) ? "Allow" : "Deny") };
  if (r.chance(0.2)) s.Sid = `S${r.int(1, 99)}`;
  s[r.chance(0.85) ? "Action" : "NotAction"] = oneOrTwo(r, ACTIONS);
  s[r.chance(0.85) ? "Resource" : "NotResource"] = oneOrTwo(r, resources(name));
  if (r.chance(0.1)) {
    const [a, b] = r.pick(COMPLEMENTS);
    return [
      { ...s, Condition: a },
      { ...s, Condition: b },
    ];
  }
  if (r.chance(0.4)) s.Condition = r.pick(conditions(name));
  return [s];
}

function doc(r: Random, name: string, statements: number, effect?: string): Doc {
  const d: Doc = { Statement: [] };
  const v = r.next();
  if (v < 0.7) d.Version = "2012-10-17";
  else if (v < 0.85) d.Version = "2008-10-17";
  for (let i = 0; i < statements; i++) d.Statement.push(...statement(r, name, effect));
  return d;
}

const VIAS: Via[] = ["inline", "managed", "group-inline", "group-managed", "aws-managed", "outside"];

export function generateScenario(r: Random): Scenario {
  const storedName = r.pick(["alice", "Alice", "bob", "dev-ops"]);
  const mode: Mode = r.chance(0.5) ? "preview" : "update";
  const identity: IdentityPolicy[] = [];
  for (let i = r.int(0, 3); i > 0; i--) {
    const via = r.pick(VIAS);
    if (via === "aws-managed") {
      const awsName = r.pick(Object.keys(AWS_MANAGED));
      identity.push({
        via,
        awsName,
        doc: { Version: "2012-10-17", Statement: AWS_MANAGED[awsName] },
        unknownInPreview: false,
      });
    } else if (via === "outside") identity.push({ via, unknownInPreview: false });
    else identity.push({ via, doc: doc(r, storedName, r.int(1, 2)), unknownInPreview: r.chance(0.15) });
  }
  let boundary: Scenario["boundary"];
  if (r.chance(0.25)) {
    boundary = r.chance(0.1)
      ? { outside: true }
      : { doc: doc(r, storedName, r.int(1, 2)), unknownInPreview: r.chance(0.1) };
  }
  const scps: Scp[] = [];
  if (r.chance(0.25)) {
    for (let i = r.int(1, 2); i > 0; i--)
      scps.push({ doc: doc(r, storedName, r.int(1, 2)), target: r.pick(["root", "ou"]) });
  }
  return {
    mode,
    storedName,
    keyUser: r.pick(["ref", "ref", "same", "upper"]),
    path: r.chance(0.8) ? "/" : "/eng/",
    existing: r.chance(0.3),
    identity,
    boundary,
    scps,
  };
}

/** The scenario as a stack, in its mode: the finding is on the key "k". */
export function buildScenario(c: Scenario): StackBuilder {
  const s = new StackBuilder({ mode: c.mode });
  const existing = c.existing;
  const u = s.user("u", { userName: c.storedName, existing });
  // StackBuilder gives every user the path "/" and an ARN without it: set both as the case says.
  u.spec.inputs.path = c.path;
  u.spec.outputs.path = c.path;
  if (typeof u.spec.outputs.arn === "string") {
    u.spec.outputs.arn = `arn:aws:iam::${ACCOUNT_ID}:user${c.path}${c.storedName}`;
  }
  const keyUser =
    c.keyUser === "ref" ? u.out("name") : c.keyUser === "same" ? c.storedName : c.storedName.toUpperCase();
  s.loginProfile("login", u.out("name"), { existing });
  s.accessKey("k", keyUser, { existing });
  const bucket = s.other("aws:s3/bucket:Bucket", "bucket", { bucket: "b" });
  const text = (d: Doc, unknownInPreview: boolean) =>
    unknownInPreview
      ? combine(s.mode === "preview" ? unknown : JSON.stringify(d), bucket.out("arn"))
      : JSON.stringify(d);
  let group: ReturnType<StackBuilder["group"]> | undefined;
  const theGroup = () => {
    if (!group) {
      group = s.group("g");
      s.resource("aws:iam/groupMembership:GroupMembership", "g-members", {
        group: group.out("name"),
        users: list(u.out("name")),
      });
    }
    return group;
  };
  c.identity.forEach((p, i) => {
    const name = `p${i}`;
    switch (p.via) {
      case "inline":
        s.resource("aws:iam/userPolicy:UserPolicy", name, {
          user: u.out("name"),
          policy: text(p.doc!, p.unknownInPreview),
        });
        break;
      case "managed": {
        const m = s.policy(name, text(p.doc!, p.unknownInPreview));
        s.resource("aws:iam/userPolicyAttachment:UserPolicyAttachment", `${name}-a`, {
          user: u.out("name"),
          policyArn: m.out("arn"),
        });
        break;
      }
      case "group-inline":
        s.resource("aws:iam/groupPolicy:GroupPolicy", name, {
          group: theGroup().out("name"),
          policy: text(p.doc!, p.unknownInPreview),
        });
        break;
      case "group-managed": {
        const m = s.policy(name, text(p.doc!, p.unknownInPreview));
        s.resource("aws:iam/groupPolicyAttachment:GroupPolicyAttachment", `${name}-a`, {
          group: theGroup().out("name"),
          policyArn: m.out("arn"),
        });
        break;
      }
      case "aws-managed":
        s.resource("aws:iam/userPolicyAttachment:UserPolicyAttachment", `${name}-a`, {
          user: u.out("name"),
          policyArn: `arn:aws:iam::aws:policy/${p.awsName}`,
        });
        break;
      case "outside":
        s.resource("aws:iam/userPolicyAttachment:UserPolicyAttachment", `${name}-a`, {
          user: u.out("name"),
          policyArn: `arn:aws:iam::${ACCOUNT_ID}:policy/elsewhere-${i}`,
        });
        break;
    }
  });
  if (c.boundary) {
    let arn: unknown;
    if ("outside" in c.boundary) arn = `arn:aws:iam::${ACCOUNT_ID}:policy/boundary-elsewhere`;
    else arn = s.policy("boundary", text(c.boundary.doc, c.boundary.unknownInPreview)).out("arn");
    u.spec.inputs.permissionsBoundary = typeof arn === "string" ? arn : (arn as { value: unknown }).value;
    u.spec.outputs.permissionsBoundary = u.spec.inputs.permissionsBoundary;
    if (typeof arn !== "string") u.spec.propertyDependencies!.permissionsBoundary = (arn as { deps: string[] }).deps;
  }
  c.scps.forEach((scp, i) => {
    const p = s.resource(
      "aws:organizations/policy:Policy",
      `scp${i}`,
      { name: `scp${i}`, type: "SERVICE_CONTROL_POLICY", content: JSON.stringify(scp.doc) },
      { arn: `arn:aws:organizations::111111111111:policy/o-abc/service_control_policy/p-scp${i}` },
    );
    s.resource("aws:organizations/policyAttachment:PolicyAttachment", `scp${i}-a`, {
      policyId: p.out("id"),
      targetId: scp.target === "root" ? "r-root" : "ou-root-eng",
    });
  });
  return s;
}
