// Whether a console user whose access key is reported can create their own key later, under the
// IAM this stack manages: iam:CreateAccessKey on their own user, from their inline and attached
// policies and those of their groups, less an explicit Deny, a permissions boundary that does not
// allow it, and Service Control Policies that may block it.
//
// Built only when the stack has a finding: stacks without findings never read these types.

import { Account, AccountCache, compareAccounts } from "./accounts";
import { awsManagedDocument, awsManagedPolicyKey } from "./iam-policy/aws-managed";
import {
  Document,
  evaluate,
  Evidence,
  parseDocument,
  Request,
  Source,
  Statement,
  Unreadable,
  Verdict,
} from "./iam-policy/evaluate";
import { ArnParts } from "./iam-policy/match";
import { Owner, ResourceView } from "./model";
import { IAM_POLICY_TYPES as T, SELF_SERVICE_TYPES, TYPES } from "./types";
import { nameKey } from "./users";
import { read, readString, toPlain, Unknown, UNKNOWN } from "./values";

export const ACTION = "iam:CreateAccessKey";

/** The answer, with the evidence a message names. Labels are resource and policy names only. */
export type Readiness =
  | { kind: "can"; grant: Evidence<string>; scp?: string }
  | { kind: "denied"; by: Evidence<string> }
  | { kind: "boundary"; boundary: string; grant?: Evidence<string> }
  | { kind: "nothing"; scp?: string }
  | { kind: "condition"; by: Evidence<string>; grant?: Evidence<string>; scp?: string }
  | { kind: "unknown"; by: Evidence<string>; reason: Unreadable; grant?: Evidence<string>; scp?: string };

/** Who or what a property names: the resources its value came from, and the value. */
interface Ref {
  urns: string[];
  name: string | Unknown | undefined;
  account: Account;
}

type Certainty = "yes" | "unknown";

interface Attached {
  to: Ref;
  source: Source<string>;
}

interface PolicyRecord {
  label: string;
  document: () => Document;
}

const POLICY_DOC_TYPES: ReadonlySet<string> = new Set([T.policy, T.nativeManagedPolicy]);
const GROUP_TYPES: ReadonlySet<string> = new Set([T.group, T.nativeGroup]);
const USER_TYPES: ReadonlySet<string> = new Set([TYPES.user, TYPES.nativeUser]);

function match(a: Ref, b: Ref): "yes" | "no" | "unknown" {
  const shared = a.urns.some((u) => b.urns.includes(u));
  const accounts = compareAccounts(a.account, b.account);
  if (typeof a.name === "string" && typeof b.name === "string") {
    if (nameKey(a.name) !== nameKey(b.name) || accounts === "different") return "no";
    return accounts === "same" || shared ? "yes" : "unknown";
  }
  if (shared) return a.urns.length === 1 && b.urns.length === 1 ? "yes" : "unknown";
  // A value not known yet that came from no resource we know of may still name it.
  if ((isVague(a) || isVague(b)) && accounts !== "different") return "unknown";
  return "no";
}

const isVague = (r: Ref) => r.name === UNKNOWN && r.urns.length === 0;

/** Items by the user or group they name, so that an answer looks only at plausible matches. */
class RefIndex<T> {
  private readonly all: T[] = [];
  private readonly byUrn = new Map<string, T[]>();
  private readonly byName = new Map<string, T[]>();
  private readonly vague: T[] = [];

  add(ref: Ref, item: T): void {
    this.all.push(item);
    for (const urn of ref.urns) push(this.byUrn, urn, item);
    if (typeof ref.name === "string") push(this.byName, nameKey(ref.name), item);
    else if (isVague(ref)) this.vague.push(item);
  }

  /** Every item `match` could find for `ref`, each once, in the order they were added. */
  candidates(ref: Ref): T[] {
    if (isVague(ref)) return this.all;
    // Most stacks attach nothing to most users: skip the Set for every finding.
    if (this.all.length === 0) return [];
    const hits = new Set<T>(this.vague);
    for (const urn of ref.urns) for (const item of this.byUrn.get(urn) ?? []) hits.add(item);
    if (typeof ref.name === "string") for (const item of this.byName.get(nameKey(ref.name)) ?? []) hits.add(item);
    return [...hits];
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function both(a: Certainty, b: "yes" | "unknown"): Certainty {
  return a === "yes" && b === "yes" ? "yes" : "unknown";
}

function quoted(text: string): string {
  return `"${text}"`;
}

/** The resources and policies of one stack that bear on iam:CreateAccessKey, indexed once. */
export class SelfServiceIndex {
  private readonly policiesByUrn = new Map<string, PolicyRecord>();
  private readonly policiesByArn = new Map<string, PolicyRecord>();
  private readonly groups = new Map<string, Ref & { label: string }>();
  private readonly users = new Map<string, ResourceView>();
  private readonly toUsers = new RefIndex<Attached>();
  private readonly toGroups = new RefIndex<Attached>();
  private readonly memberships = new RefIndex<{ user: Ref; group: Ref; label: string }>();
  private readonly scps: { label: string; document: () => Document; attached: boolean }[] = [];

  /** @param accounts the stack pass's account cache, so providers are decoded once per stack. */
  constructor(
    resources: Iterable<ResourceView>,
    private readonly accounts: AccountCache = new AccountCache(),
  ) {
    const relevant: ResourceView[] = [];
    for (const r of resources) {
      if (r && typeof r.type === "string" && SELF_SERVICE_TYPES.has(r.type)) relevant.push(r);
    }
    // Documents and groups first, so that attachments can refer to them.
    for (const r of relevant) this.indexTargets(r);
    for (const r of relevant) this.indexLinks(r);
  }

  private account(r: ResourceView): Account {
    return this.accounts.of(r.provider);
  }

  private deps(r: ResourceView, prop: string, types: ReadonlySet<string>): string[] {
    const deps = r.propertyDependencies?.[prop];
    if (!Array.isArray(deps)) return [];
    return [...new Set(deps.filter((d) => d && types.has(d.type)).map((d) => d.urn))];
  }

  /** A single-valued property naming a user or group. */
  private ref(r: ResourceView, prop: string, types: ReadonlySet<string>): Ref {
    const value = readString(r.props, prop);
    const name =
      typeof value === "string" ? value.replace(/^arn:[^:]+:iam::[^:]*:(?:user|group)\/(?:.*\/)?/, "") : value;
    return { urns: this.deps(r, prop, types), name, account: this.account(r) };
  }

  /** A list property naming users or groups: one ref per known name, one for unknown entries. */
  private refs(r: ResourceView, prop: string, types: ReadonlySet<string>): Ref[] {
    const value = toPlain(read(r.props, prop));
    const urns = this.deps(r, prop, types);
    const account = this.account(r);
    if (value === UNKNOWN) return [{ urns, name: UNKNOWN, account }];
    if (!Array.isArray(value)) return [];
    const out: Ref[] = [];
    const single = value.length === 1 && urns.length === 1;
    for (const v of value) {
      if (typeof v === "string" && v.length > 0) out.push({ urns: single ? urns : [], name: v, account });
      else if (v === UNKNOWN) out.push({ urns, name: UNKNOWN, account });
    }
    // Known names that came from user resources: the deps still name those resources.
    if (!single && urns.length > 0 && out.every((o) => o.name !== UNKNOWN)) {
      for (const o of out) o.urns = [];
    }
    return out;
  }

  private indexTargets(r: ResourceView): void {
    switch (r.type) {
      case T.policy:
      case T.nativeManagedPolicy: {
        const native = r.type === T.nativeManagedPolicy;
        const record: PolicyRecord = {
          label: `${native ? "managed policy" : "policy"} ${quoted(r.name)}`,
          document: () => parseDocument(read(r.props, native ? "policyDocument" : "policy")),
        };
        this.policiesByUrn.set(r.urn, record);
        const arn = readString(r.props, native ? "policyArn" : "arn");
        if (typeof arn === "string") this.policiesByArn.set(arn, record);
        break;
      }
      case T.group:
      case T.nativeGroup: {
        const name = readString(r.props, r.type === T.group ? "name" : "groupName");
        this.groups.set(r.urn, { urns: [r.urn], name, account: this.account(r), label: `group ${quoted(r.name)}` });
        break;
      }
      case TYPES.user:
      case TYPES.nativeUser:
        this.users.set(r.urn, r);
        break;
      case T.organizationsPolicy: {
        const type = readString(r.props, "type");
        if (type !== "SERVICE_CONTROL_POLICY") break;
        const record = {
          label: `service control policy ${quoted(r.name)}`,
          document: () => parseDocument(read(r.props, "content")),
          attached: false,
        };
        this.scps.push(record);
        this.scpByUrn.set(r.urn, record);
        const arn = readString(r.props, "arn");
        if (typeof arn === "string") this.scpById.set(arn.slice(arn.lastIndexOf("/") + 1), record);
        break;
      }
    }
  }

  private readonly scpByUrn = new Map<string, { attached: boolean }>();
  private readonly scpById = new Map<string, { attached: boolean }>();

  /** The policy a `policyArn`-like property names. */
  private policyAt(r: ResourceView, prop: string): PolicyRecord {
    const urns = this.deps(r, prop, POLICY_DOC_TYPES);
    if (urns.length === 1) {
      const p = this.policiesByUrn.get(urns[0]);
      if (p) return p;
    }
    const arn = readString(r.props, prop);
    if (arn === UNKNOWN || arn === undefined) {
      const label = `the policy attached by ${quoted(r.name)}`;
      return { label, document: () => ({ unreadable: arn === UNKNOWN ? "unknown" : "invalid" }) };
    }
    return this.policyByArn(arn);
  }

  private policyByArn(arn: string): PolicyRecord {
    const known = this.policiesByArn.get(arn);
    if (known) return known;
    const key = awsManagedPolicyKey(arn);
    const name = arn.slice(arn.lastIndexOf("/") + 1);
    if (key !== undefined) {
      return {
        label: `AWS managed policy ${quoted(name)}`,
        document: () => awsManagedDocument(key) ?? { unreadable: "unlisted" },
      };
    }
    return { label: `policy ${quoted(name)}`, document: () => ({ unreadable: "outside" }) };
  }

  private attach(index: RefIndex<Attached>, to: Ref, source: Source<string>): void {
    index.add(to, { to, source });
  }

  private inline(r: ResourceView, owner: string, to: Ref, list: RefIndex<Attached>): void {
    const policies = toPlain(read(r.props, "policies"));
    if (policies === UNKNOWN) {
      this.attach(list, to, { label: `the inline policies of ${owner}`, document: { unreadable: "unknown" } });
      return;
    }
    if (!Array.isArray(policies)) return;
    for (const p of policies) {
      const name = read(p, "policyName");
      const label = `inline policy ${typeof name === "string" ? `${quoted(name)} ` : ""}of ${owner}`;
      this.attach(list, to, { label, document: parseDocument(read(p, "policyDocument")) });
    }
  }

  private managedArns(r: ResourceView, owner: string, to: Ref, list: RefIndex<Attached>): void {
    for (const ref of this.refs(r, "managedPolicyArns", POLICY_DOC_TYPES)) {
      const record =
        typeof ref.name === "string"
          ? this.policyByArn(ref.name)
          : ref.urns.length === 1 && this.policiesByUrn.get(ref.urns[0])
            ? this.policiesByUrn.get(ref.urns[0])!
            : { label: `a managed policy of ${owner}`, document: (): Document => ({ unreadable: "unknown" }) };
      this.attach(list, to, lazy(record));
    }
  }

  private indexLinks(r: ResourceView): void {
    switch (r.type) {
      case T.userPolicy:
        this.attach(this.toUsers, this.ref(r, "user", USER_TYPES), {
          label: `user policy ${quoted(r.name)}`,
          document: parseDocument(read(r.props, "policy")),
        });
        break;
      case T.nativeUserPolicy:
        this.attach(this.toUsers, this.ref(r, "userName", USER_TYPES), {
          label: `user policy ${quoted(r.name)}`,
          document: parseDocument(read(r.props, "policyDocument")),
        });
        break;
      case T.groupPolicy:
      case T.nativeGroupPolicy: {
        const native = r.type === T.nativeGroupPolicy;
        this.attach(this.toGroups, this.ref(r, native ? "groupName" : "group", GROUP_TYPES), {
          label: `group policy ${quoted(r.name)}`,
          document: parseDocument(read(r.props, native ? "policyDocument" : "policy")),
        });
        break;
      }
      case T.userPolicyAttachment:
        this.attach(this.toUsers, this.ref(r, "user", USER_TYPES), lazy(this.policyAt(r, "policyArn")));
        break;
      case T.groupPolicyAttachment:
        this.attach(this.toGroups, this.ref(r, "group", GROUP_TYPES), lazy(this.policyAt(r, "policyArn")));
        break;
      case T.policyAttachment: {
        const policy = this.policyAt(r, "policyArn");
        for (const to of this.refs(r, "users", USER_TYPES)) this.toUsers.add(to, { to, source: lazy(policy) });
        for (const to of this.refs(r, "groups", GROUP_TYPES)) this.toGroups.add(to, { to, source: lazy(policy) });
        break;
      }
      case T.nativeManagedPolicy: {
        const policy = this.policiesByUrn.get(r.urn)!;
        for (const to of this.refs(r, "users", USER_TYPES)) this.toUsers.add(to, { to, source: lazy(policy) });
        for (const to of this.refs(r, "groups", GROUP_TYPES)) this.toGroups.add(to, { to, source: lazy(policy) });
        break;
      }
      case T.groupMembership: {
        const group = this.ref(r, "group", GROUP_TYPES);
        for (const user of this.refs(r, "users", USER_TYPES)) {
          this.memberships.add(user, { user, group, label: this.groupLabel(group) });
        }
        break;
      }
      case T.userGroupMembership: {
        const user = this.ref(r, "user", USER_TYPES);
        for (const group of this.refs(r, "groups", GROUP_TYPES)) {
          this.memberships.add(user, { user, group, label: this.groupLabel(group) });
        }
        break;
      }
      case T.nativeGroup: {
        const group = this.groups.get(r.urn)!;
        this.inline(r, group.label, group, this.toGroups);
        this.managedArns(r, group.label, group, this.toGroups);
        break;
      }
      case TYPES.nativeUser: {
        const user: Ref = { urns: [r.urn], name: readString(r.props, "userName"), account: this.account(r) };
        const owner = `aws-native user ${quoted(r.name)}`;
        this.inline(r, owner, user, this.toUsers);
        this.managedArns(r, owner, user, this.toUsers);
        for (const group of this.refs(r, "groups", GROUP_TYPES)) {
          this.memberships.add(user, { user, group, label: this.groupLabel(group) });
        }
        break;
      }
      case T.organizationsPolicyAttachment: {
        for (const urn of this.deps(r, "policyId", new Set([T.organizationsPolicy]))) {
          const scp = this.scpByUrn.get(urn);
          if (scp) scp.attached = true;
        }
        const id = readString(r.props, "policyId");
        if (typeof id === "string") {
          const scp = this.scpById.get(id);
          if (scp) scp.attached = true;
        }
        break;
      }
    }
  }

  private groupLabel(group: Ref): string {
    for (const urn of group.urns) {
      const g = this.groups.get(urn);
      if (g) return g.label;
    }
    return typeof group.name === "string" ? `group ${quoted(group.name)}` : "a group";
  }

  /** The user resource of the owner, when the stack manages it. */
  private userResource(owner: Owner): ResourceView | undefined {
    return owner.userUrn !== undefined ? this.users.get(owner.userUrn) : undefined;
  }

  private request(owner: Owner & { userName: string }): Request {
    const user = this.userResource(owner);
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
        resource: userPath === UNKNOWN ? UNKNOWN : `user${userPath}${owner.userName}`,
      };
    }
    const uniqueId = user && user.type === TYPES.user ? readString(user.props, "uniqueId") : undefined;
    return {
      action: ACTION,
      resource,
      variables: {
        "aws:username": owner.userName,
        "aws:userid": typeof uniqueId === "string" ? uniqueId : UNKNOWN,
        "aws:principaltype": "User",
      },
    };
  }

  private identitySources(self: Ref): Source<string>[] {
    const sources: Source<string>[] = [];
    for (const a of this.toUsers.candidates(self)) {
      const m = match(a.to, self);
      if (m !== "no") sources.push({ ...a.source, applies: m });
    }
    const groups: { ref: Ref; label: string; certainty: Certainty }[] = [];
    for (const ms of this.memberships.candidates(self)) {
      const m = match(ms.user, self);
      if (m !== "no") groups.push({ ref: resolveGroup(ms.group, this.groups), label: ms.label, certainty: m });
    }
    for (const g of groups) {
      for (const a of this.toGroups.candidates(g.ref)) {
        const m = match(a.to, g.ref);
        if (m === "no") continue;
        const label = a.source.label.endsWith(g.label) ? a.source.label : `${a.source.label} of ${g.label}`;
        sources.push({ ...a.source, label, applies: both(g.certainty, m) });
      }
    }
    return sources;
  }

  private boundary(owner: Owner): Source<string> | undefined {
    const user = this.userResource(owner);
    if (!user) return undefined;
    const value = read(user.props, "permissionsBoundary");
    const deps = this.deps(user, "permissionsBoundary", POLICY_DOC_TYPES);
    if ((value === undefined || value === null || value === "") && deps.length === 0) return undefined;
    const record = this.policyAt(user, "permissionsBoundary");
    return lazy(record);
  }

  private scpThatMayBlock(request: () => Request): string | undefined {
    for (const scp of this.scps) {
      if (!scp.attached) continue;
      const doc = scp.document();
      // Only a Deny is reported: other SCPs outside the stack (FullAWSAccess) may supply the Allow.
      const denies: Document =
        "unreadable" in doc ? doc : { statements: doc.statements.filter((s) => s.Effect === "Deny") };
      const verdict = evaluate([{ label: scp.label, document: denies }, ALLOW_ALL], request());
      if (verdict.kind !== "allowed") return scp.label;
    }
    return undefined;
  }

  /** Whether the owner of a reported key can create their own key; undefined when the user is not known. */
  readiness(owner: Owner): Readiness | undefined {
    if (owner.unresolved !== undefined || owner.userName === undefined) return undefined;
    // Built only when a policy is evaluated: most findings' users have none attached (a pure read).
    let built: Request | undefined;
    const request = () => (built ??= this.request(owner as Owner & { userName: string }));
    const self: Ref = {
      urns: owner.userUrn !== undefined ? [owner.userUrn] : [],
      name: owner.userName,
      account: owner.account,
    };
    const sources = this.identitySources(self);
    const identity: Verdict<string> = sources.length > 0 ? evaluate(sources, request()) : { kind: "not-allowed" };
    if (identity.kind === "denied") return { kind: "denied", by: identity.by };
    const scp = () => this.scpThatMayBlock(request);
    if (identity.kind === "not-allowed") return withScp({ kind: "nothing" }, scp());
    const boundarySource = this.boundary(owner);
    const boundary = boundarySource ? evaluate([boundarySource], request()) : undefined;
    const grant = identity.kind === "allowed" ? identity.by : identity.allowedBy;
    if (boundary && boundarySource && (boundary.kind === "denied" || boundary.kind === "not-allowed")) {
      // Both must allow: a boundary that does not settles it, whatever stays open in the policies.
      return grant
        ? { kind: "boundary", boundary: boundarySource.label, grant }
        : { kind: "boundary", boundary: boundarySource.label };
    }
    if (identity.kind === "condition" || identity.kind === "unknown") return withScp({ ...identity, grant }, scp());
    if (boundary && (boundary.kind === "condition" || boundary.kind === "unknown")) {
      return withScp({ ...boundary, grant: identity.by }, scp());
    }
    return withScp({ kind: "can", grant: identity.by }, scp());
  }
}

const ALLOW_ALL: Source<string> = {
  label: "",
  document: { statements: [{ Effect: "Allow", Action: "*", Resource: "*" } as Statement] },
};

function withScp<R extends Readiness>(r: R, scp: string | undefined): R {
  return scp ? { ...r, scp } : r;
}

function resolveGroup(ref: Ref, groups: Map<string, Ref>): Ref {
  // A membership naming the group resource: use its known name, so attachments by name match too.
  if (ref.urns.length === 1) {
    const g = groups.get(ref.urns[0]);
    if (g && ref.name === UNKNOWN) return { ...ref, name: g.name };
  }
  return ref;
}

function lazy(record: PolicyRecord): Source<string> {
  let document: Document | undefined;
  return {
    label: record.label,
    get document(): Document {
      return (document ??= record.document());
    },
  };
}
