// Whether the owner of a reported key can create their own key later, under the IAM this stack
// manages: iam:CreateAccessKey on their own user, from their inline and attached policies and those
// of their groups, less an explicit Deny, a permissions boundary that does not allow it, and service
// control policies that may block it (IAM User Guide, "Policy evaluation logic").
//
// The request is the one IAM would see: the user's stored name as aws:username (user names are
// unique regardless of case, so a key for "ALICE" is user "alice"'s), their ARN and account when
// known, and the context keys whose value is fixed for an IAM user calling IAM. Where the answer
// depends on other keys, every combination of the values the policies compare them to is tried:
// complementary conditions (MFA present / not present) give a definite answer.

import { AccountCache } from "../accounts";
import { Owner, ResourceView } from "../model";
import { TYPES } from "../types";
import { readString, UNKNOWN } from "../values";
import { Clause, domainOf } from "./iam/conditions";
import { CompiledStatement, Document, Unreadable } from "./iam/document";
import { evaluate, Evidence, Request, Source, Verdict } from "./iam/evaluate";
import { ArnParts } from "./iam/match";
import { ABSENT, Context, KeyValue } from "./iam/variables";
import { Ref } from "./refs";
import { PolicyRecord, ScpRecord } from "./policies";
import { StackIndex } from "./stack-index";

/** An SCP of the stack that may block the request: by a Deny, or by allowing too little (allow-list). */
export interface ScpCaveat {
  label: string;
  why: "deny" | "allow-list" | "unreadable";
}

/** The answer, with the evidence a message names. Labels are resource and policy names only. */
export type Readiness =
  | { kind: "can"; grant: Evidence<string>; scp?: ScpCaveat }
  | { kind: "denied"; by: Evidence<string> }
  | { kind: "boundary"; boundary: string; grant?: Evidence<string> }
  | { kind: "nothing" }
  | { kind: "condition"; by: Evidence<string>; grant?: Evidence<string>; scp?: ScpCaveat }
  | { kind: "unknown"; by: Evidence<string>; reason: Unreadable; grant?: Evidence<string>; scp?: ScpCaveat }
  /** Answering failed inside the pack: the sentence says so rather than dropping it. */
  | { kind: "failed" };

/** Keys absent from any request an IAM user signs (AWS global condition context keys). */
const ABSENT_FOR_USERS: ReadonlySet<string> = new Set(["aws:principalservicename", "aws:sourceidentity"]);

/** The known keys of the request, and the values tried for other keys in one combination. */
class RequestContext implements Context {
  constructor(
    private readonly known: ReadonlyMap<string, KeyValue>,
    private readonly tried?: ReadonlyMap<string, KeyValue>,
  ) {}
  value(key: string): KeyValue {
    return this.tried?.get(key) ?? this.known.get(key) ?? (ABSENT_FOR_USERS.has(key) ? ABSENT : undefined);
  }
  with(tried: ReadonlyMap<string, KeyValue>): RequestContext {
    return new RequestContext(this.known, tried);
  }
}

/** At most this many combinations of context values are tried for one answer. */
const MAX_COMBINATIONS = 64;

const ALLOW_ALL_DOCUMENT: Document = {
  statements: [{ effect: "Allow", condition: [], variables: [] } as CompiledStatement],
};

export class ReadinessIndex {
  private readonly index: StackIndex;
  /** Per SCP, its Deny statements (beside an Allow of everything) and its Allow statements, built once. */
  private readonly scpParts = new Map<ScpRecord, { deny: Source<string>[]; allow: Source<string>[] } | Unreadable>();

  constructor(resources: Iterable<ResourceView>, accounts: AccountCache = new AccountCache()) {
    this.index = new StackIndex(resources, accounts);
  }

  private request(owner: Owner & { userName: string }): Request {
    const user = this.index.userResource(owner);
    // aws:username is the name IAM stores, which the user resource holds; a key may spell it otherwise.
    const stored = user ? readString(user.props, user.type === TYPES.user ? "name" : "userName") : undefined;
    const userName = typeof stored === "string" ? stored : owner.userName;
    const arn = user ? readString(user.props, "arn") : undefined;
    const parsed = typeof arn === "string" ? /^arn:([^:]+):iam::(\d*):(user\/.*)$/.exec(arn) : null;
    let resource: ArnParts;
    if (parsed) {
      resource = { partition: parsed[1], service: "iam", region: "", account: parsed[2], resource: parsed[3] };
    } else {
      // Not known yet (a user being created) or not managed here: the default path unless it says otherwise.
      const path = user ? readString(user.props, "path") : undefined;
      const userPath = path === undefined ? "/" : path;
      resource = {
        // The commercial partition: the provider's partition is not visible to a policy.
        partition: "aws",
        service: "iam",
        region: "",
        account: UNKNOWN,
        resource: userPath === UNKNOWN ? UNKNOWN : `user${userPath}${userName}`,
      };
    }
    const uniqueId = user && user.type === TYPES.user ? readString(user.props, "uniqueId") : undefined;
    const known = new Map<string, KeyValue>([
      ["aws:username", userName],
      ["aws:userid", typeof uniqueId === "string" ? uniqueId : UNKNOWN],
      ["aws:principaltype", "User"],
      ["aws:principalisawsservice", "false"],
      ["aws:principalaccount", resource.account],
      ["aws:principalarn", typeof arn === "string" && parsed ? arn : UNKNOWN],
    ]);
    return { resource, context: new RequestContext(known) };
  }

  /** Whether the owner of a reported key can create their own key; undefined when the user is not known. */
  readiness(owner: Owner): Readiness | undefined {
    if (owner.unresolved !== undefined || owner.userName === undefined) return undefined;
    const self: Ref = {
      urns: owner.userUrn !== undefined ? [owner.userUrn] : [],
      name: owner.userName,
      account: owner.account,
    };
    const sources = this.index.identitySources(self);
    const boundary = this.index.boundary(owner);
    const scps = this.index.scps.filter((s) => s.attached);
    // Most findings' users have no policy at all: no request to build.
    if (sources.length === 0) return { kind: "nothing" };
    const request = this.request(owner as Owner & { userName: string });
    const answer = this.answer(sources, boundary, scps, request);
    if (!isOpen(answer)) return answer;
    return this.acrossContexts(answer, sources, boundary, scps, request);
  }

  private answer(
    sources: Source<string>[],
    boundaryRecord: PolicyRecord | undefined,
    scps: ScpRecord[],
    request: Request,
  ): Readiness {
    const identity: Verdict<string> = evaluate(sources, request);
    if (identity.kind === "denied") return { kind: "denied", by: identity.by };
    if (identity.kind === "not-allowed") return { kind: "nothing" };
    const boundarySource = boundaryRecord && { label: boundaryRecord.label, document: boundaryRecord.document };
    const boundary = boundarySource ? evaluate([boundarySource], request) : undefined;
    const grant = identity.kind === "allowed" ? identity.by : identity.allowedBy;
    if (boundarySource && boundary && (boundary.kind === "denied" || boundary.kind === "not-allowed")) {
      // Both must allow: a boundary that does not settles it, whatever stays open in the policies.
      return grant
        ? { kind: "boundary", boundary: boundarySource.label, grant }
        : { kind: "boundary", boundary: boundarySource.label };
    }
    const scp = this.scpCaveat(scps, request);
    if (identity.kind === "condition" || identity.kind === "unknown") return withScp({ ...identity, grant }, scp);
    if (boundary && (boundary.kind === "condition" || boundary.kind === "unknown")) {
      return withScp({ ...boundary, grant: identity.by }, scp);
    }
    return withScp({ kind: "can", grant: identity.by }, scp);
  }

  /**
   * An attached SCP of the stack that may block the request. SCPs never settle the answer here: they
   * do not apply to the management account, an OU may not be above the user's account, and
   * FullAWSAccess (outside the stack) may still be attached beside an allow-list SCP.
   */
  private scpCaveat(scps: ScpRecord[], request: Request): ScpCaveat | undefined {
    const allows = new Map<ScpRecord, boolean>();
    for (const scp of scps) {
      const parts = this.parts(scp);
      const label = scp.policy.label;
      if (typeof parts === "string") return { label, why: "unreadable" };
      if (evaluate(parts.deny, request).kind !== "allowed") return { label, why: "deny" };
      allows.set(scp, evaluate(parts.allow, request).kind === "allowed");
    }
    // Allow-list strategy: at each target, an Allow from one of the SCPs attached there is needed
    // (or FullAWSAccess, which may be attached there from outside the stack).
    const byTarget = new Map<string, ScpRecord[]>();
    for (const scp of scps) {
      for (const target of scp.targets) {
        const list = byTarget.get(target);
        if (list) list.push(scp);
        else byTarget.set(target, [scp]);
      }
    }
    for (const list of byTarget.values()) {
      if (!list.some((scp) => allows.get(scp))) return { label: list[0].policy.label, why: "allow-list" };
    }
    return undefined;
  }

  private parts(scp: ScpRecord): { deny: Source<string>[]; allow: Source<string>[] } | Unreadable {
    let parts = this.scpParts.get(scp);
    if (!parts) {
      const doc = scp.policy.document;
      const label = scp.policy.label;
      const only = (effect: string): Source<string> => ({
        label,
        document: "unreadable" in doc ? doc : { statements: doc.statements.filter((s) => s.effect === effect) },
      });
      parts =
        "unreadable" in doc
          ? doc.unreadable
          : { deny: [only("Deny"), { label, document: ALLOW_ALL_DOCUMENT }], allow: [only("Allow")] };
      this.scpParts.set(scp, parts);
    }
    return parts;
  }

  /**
   * Tries every combination of values for the keys the policies compare to literal text (Bool,
   * Null, String(Not)Equals) and whose value the pack does not know. Definite only when every
   * combination gives the same definite answer; otherwise the open answer stands.
   */
  private acrossContexts(
    open: Readiness,
    sources: Source<string>[],
    boundary: PolicyRecord | undefined,
    scps: ScpRecord[],
    request: Request,
  ): Readiness {
    const documents = [...sources.map((s) => s.document), boundary?.document, ...scps.map((s) => s.policy.document)];
    const clauses = new Map<string, Clause[]>();
    // A key that a policy variable also reads may hold any value, not only those compared to.
    const variables = new Set<string>();
    for (const doc of documents) {
      if (!doc || "unreadable" in doc) continue;
      for (const s of doc.statements) {
        for (const key of s.variables) variables.add(key);
        if (s.condition === "malformed") continue;
        for (const c of s.condition) {
          if (request.context.value(c.key) !== undefined) continue;
          const list = clauses.get(c.key);
          if (list) list.push(c);
          else clauses.set(c.key, [c]);
        }
      }
    }
    if (clauses.size === 0) return open;
    const keys: string[] = [];
    const domains: KeyValue[][] = [];
    let combinations = 1;
    for (const [key, list] of clauses) {
      if (variables.has(key)) return open;
      const domain = domainOf(key, list);
      // A key compared in a way that cannot be enumerated keeps the answer open.
      if (!domain) return open;
      combinations *= domain.length;
      if (combinations > MAX_COMBINATIONS) return open;
      keys.push(key);
      domains.push(domain);
    }
    const context = request.context as RequestContext;
    let first: Readiness | undefined;
    let sameKind = true;
    for (let n = 0; n < combinations; n++) {
      const tried = new Map<string, KeyValue>();
      let rest = n;
      keys.forEach((key, i) => {
        tried.set(key, domains[i][rest % domains[i].length]);
        rest = Math.floor(rest / domains[i].length);
      });
      const r = this.answer(sources, boundary, scps, { resource: request.resource, context: context.with(tried) });
      if (isOpen(r)) return open;
      first ??= r;
      const no = r.kind !== "can";
      if (no !== (first.kind !== "can")) return open;
      if (!no) continue;
      if (r.kind !== first.kind) sameKind = false;
    }
    if (!first) return open;
    // Not allowed in any combination, for different reasons: nothing allows it in any request.
    return sameKind ? first : { kind: "nothing" };
  }
}

/** An answer that depends on something the pack cannot see. */
function isOpen(r: Readiness): boolean {
  return r.kind === "condition" || r.kind === "unknown" || (r.kind === "can" && r.scp !== undefined);
}

function withScp<R extends Readiness>(r: R, scp: ScpCaveat | undefined): R {
  return scp ? { ...r, scp } : r;
}
