// Which policies of a stack reach a user: their inline and attached policies, their groups' inline
// and attached policies, and their permissions boundary (the documents themselves are in
// policies.ts). Built once per stack (only when the stack has a finding); each answer then looks only
// at the attachments that can name that user. Labels print property values only when not secret.

import { Account, AccountCache } from "../accounts";
import { Owner, ResourceView } from "../model";
import { isSecret } from "../secrets";
import { IAM_POLICY_TYPES as T, SELF_SERVICE_TYPES, TYPES } from "../types";
import { nameKey } from "../users";
import { read, readString, toPlain, UNKNOWN } from "../values";
import { Source } from "./iam/evaluate";
import { documentAt, PolicyCatalog, PolicyRecord, quoted, ScpRecord, unreadablePolicy } from "./policies";
import { both, Certainty, isVague, Ref, RefIndex, refsMatch } from "./refs";

interface Attached {
  to: Ref;
  policy: PolicyRecord;
}

/** The group one membership resource (or one entry of its `groups`) names, shared by all its users. */
interface MembershipGroup {
  group: Ref;
  label: string;
  /** What the group reaches, resolved on first use (it does not depend on the user). */
  reach?: GroupReach;
}

/**
 * The user side of a membership, with the group it puts the user in. One object per listed user:
 * a GroupMembership of 1,000 users in 200 resources makes 200,000 of them, so the user's ref and the
 * membership are the same object.
 */
type Membership = Ref & { of: MembershipGroup };

function membership(user: Ref, of: MembershipGroup): Membership {
  return { urns: user.urns, name: user.name, account: user.account, of };
}

/**
 * The policies attached to one group that bear on iam:CreateAccessKey, with how certain each
 * attachment names the group. A policy none of whose statements covers the action is left out once
 * here rather than evaluated for each member.
 */
interface GroupReach {
  attachments: { policy: PolicyRecord; label: string; certainty: Certainty }[];
}

/** Whether a policy can change the answer: a statement covers the action, or it cannot be read. */
function bears(policy: PolicyRecord): boolean {
  const doc = policy.document;
  return "unreadable" in doc || doc.statements.length > 0;
}

/** The urns of a name ref that no resource names: one shared empty list rather than one per ref. */
const NO_URNS: string[] = [];

const POLICY_DOC_TYPES: ReadonlySet<string> = new Set([T.policy, T.nativeManagedPolicy]);
const GROUP_TYPES: ReadonlySet<string> = new Set([T.group, T.nativeGroup]);
const USER_TYPES: ReadonlySet<string> = new Set([TYPES.user, TYPES.nativeUser]);
const SCP_TYPES: ReadonlySet<string> = new Set([T.organizationsPolicy]);

/** The resources and policies of one stack that bear on iam:CreateAccessKey, indexed once. */
export class StackIndex {
  private readonly policies = new PolicyCatalog();
  private readonly groups = new Map<string, Ref & { label: string }>();
  private readonly users = new Map<string, ResourceView>();
  private readonly toUsers = new RefIndex<Attached>();
  private readonly toGroups = new RefIndex<Attached>();
  private readonly memberships = new RefIndex<Membership>();
  /** The service control policies managed in the stack. */
  get scps(): readonly ScpRecord[] {
    return this.policies.scps;
  }

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
    let unknownSeen = false;
    for (const v of value) {
      if (typeof v === "string" && v.length > 0) out.push({ urns: single ? urns : NO_URNS, name: v, account });
      // Unknown entries are all alike: one ref stands for them.
      else if (v === UNKNOWN && !unknownSeen) {
        unknownSeen = true;
        out.push({ urns, name: UNKNOWN, account });
      }
    }
    // Known names that came from user resources: the deps still name those resources.
    if (!single && urns.length > 0 && !unknownSeen) for (const o of out) o.urns = NO_URNS;
    return out;
  }

  private indexTargets(r: ResourceView): void {
    switch (r.type) {
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
      default:
        this.policies.add(r);
    }
  }

  /** The policy a `policyArn`-like property of `r` names. */
  private policyAt(r: ResourceView, prop: string): PolicyRecord {
    const urns = this.deps(r, prop, POLICY_DOC_TYPES);
    if (urns.length === 1) {
      const p = this.policies.ofUrn(urns[0]);
      if (p) return p;
    }
    const arn = readString(r.props, prop);
    if (arn === UNKNOWN || arn === undefined) {
      return unreadablePolicy(`the policy attached by ${quoted(r.name)}`, arn === UNKNOWN ? "unknown" : "invalid");
    }
    return this.policies.ofArn(arn, r);
  }

  private inline(r: ResourceView, owner: string, to: Ref, list: RefIndex<Attached>): void {
    const policies = toPlain(read(r.props, "policies"));
    if (policies === UNKNOWN) {
      list.add(to, {
        to,
        policy: unreadablePolicy(`the inline policies of ${owner}`, "unknown"),
      });
      return;
    }
    if (!Array.isArray(policies)) return;
    policies.forEach((p, i) => {
      const name = read(p, "policyName");
      const label =
        typeof name !== "string"
          ? `inline policy ${i + 1} of ${owner}`
          : isSecret(name)
            ? `inline policy ${i + 1} of ${owner} (its name is secret)`
            : `inline policy ${quoted(name)} of ${owner}`;
      list.add(to, { to, policy: documentAt(p, label, "policyDocument") });
    });
  }

  private managedArns(r: ResourceView, owner: string, to: Ref, list: RefIndex<Attached>): void {
    for (const ref of this.refs(r, "managedPolicyArns", POLICY_DOC_TYPES)) {
      const policy =
        typeof ref.name === "string"
          ? this.policies.ofArn(ref.name, r)
          : (ref.urns.length === 1 && this.policies.ofUrn(ref.urns[0])) ||
            unreadablePolicy(`a managed policy of ${owner}`, "unknown");
      list.add(to, { to, policy });
    }
  }

  private indexLinks(r: ResourceView): void {
    switch (r.type) {
      case T.userPolicy:
      case T.nativeUserPolicy: {
        const native = r.type === T.nativeUserPolicy;
        const to = this.ref(r, native ? "userName" : "user", USER_TYPES);
        this.toUsers.add(to, {
          to,
          policy: documentAt(r.props, `user policy ${quoted(r.name)}`, native ? "policyDocument" : "policy"),
        });
        break;
      }
      case T.groupPolicy:
      case T.nativeGroupPolicy: {
        const native = r.type === T.nativeGroupPolicy;
        const to = this.ref(r, native ? "groupName" : "group", GROUP_TYPES);
        this.toGroups.add(to, {
          to,
          policy: documentAt(r.props, `group policy ${quoted(r.name)}`, native ? "policyDocument" : "policy"),
        });
        break;
      }
      case T.userPolicyAttachment: {
        const to = this.ref(r, "user", USER_TYPES);
        this.toUsers.add(to, { to, policy: this.policyAt(r, "policyArn") });
        break;
      }
      case T.groupPolicyAttachment: {
        const to = this.ref(r, "group", GROUP_TYPES);
        this.toGroups.add(to, { to, policy: this.policyAt(r, "policyArn") });
        break;
      }
      case T.policyAttachment:
      case T.nativeManagedPolicy: {
        const policy = r.type === T.policyAttachment ? this.policyAt(r, "policyArn") : this.policies.ofUrn(r.urn)!;
        for (const to of this.refs(r, "users", USER_TYPES)) this.toUsers.add(to, { to, policy });
        for (const to of this.refs(r, "groups", GROUP_TYPES)) this.toGroups.add(to, { to, policy });
        break;
      }
      case T.groupMembership: {
        // One group for all the users listed: its reach is resolved once, not once per user.
        const group = this.ref(r, "group", GROUP_TYPES);
        const of: MembershipGroup = { group, label: this.groupLabel(group) };
        for (const user of this.refs(r, "users", USER_TYPES)) {
          // The refs are new objects of this resource's: each becomes its membership in place.
          const ms = user as Membership;
          ms.of = of;
          this.memberships.add(ms, ms);
        }
        break;
      }
      case T.userGroupMembership: {
        const user = this.ref(r, "user", USER_TYPES);
        for (const group of this.refs(r, "groups", GROUP_TYPES)) {
          const ms = membership(user, { group, label: this.groupLabel(group) });
          this.memberships.add(ms, ms);
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
          const ms = membership(user, { group, label: this.groupLabel(group) });
          this.memberships.add(ms, ms);
        }
        break;
      }
      case T.organizationsPolicyAttachment:
        this.policies.attachScp(r, this.deps(r, "policyId", SCP_TYPES));
        break;
    }
  }

  private groupLabel(group: Ref): string {
    for (const urn of group.urns) {
      const g = this.groups.get(urn);
      if (g) return g.label;
    }
    if (typeof group.name !== "string") return "a group";
    return isSecret(group.name) ? "a group whose name is secret" : `group ${quoted(group.name)}`;
  }

  /** The user resource of the owner, when the stack manages it. */
  userResource(owner: Owner): ResourceView | undefined {
    return owner.userUrn !== undefined ? this.users.get(owner.userUrn) : undefined;
  }

  /**
   * The identity policies that may reach the user, each once: a policy reached twice (directly and
   * through a group, or through two groups) is evaluated once, certain if either path is.
   */
  identitySources(self: Ref): Source<string>[] {
    const found = new Map<PolicyRecord, Source<string>>();
    const add = (policy: PolicyRecord, label: string, applies: Certainty) => {
      const seen = found.get(policy);
      if (!seen) found.set(policy, { label, document: policy.document, applies });
      else if (applies === "yes" && seen.applies !== "yes")
        found.set(policy, { label, document: policy.document, applies });
    };
    for (const a of this.toUsers.candidates(self)) {
      const m = refsMatch(a.to, self);
      // Matched first: deciding whether a policy bears decodes its document.
      if (m !== "no" && bears(a.policy)) add(a.policy, a.policy.label, m);
    }
    // Groups the user may be in, each once: memberships that name the same group (memberships
    // computed from other resources all name "some group") share what the group reaches, so the
    // cost is memberships + attachments per user, not their product. A group whose policies cannot
    // change the answer is passed over before its membership is even matched.
    const groups = new Map<GroupReach, Certainty>();
    for (const ms of this.memberships.candidates(self)) {
      const known = ms.of.reach;
      if (known && known.attachments.length === 0) continue;
      const m = refsMatch(ms, self);
      if (m === "no") continue;
      const reach = known ?? (ms.of.reach = this.reachOf(ms.of));
      if (m === "yes" || !groups.has(reach)) groups.set(reach, m);
    }
    for (const [reach, certainty] of groups) {
      for (const a of reach.attachments) add(a.policy, a.label, both(certainty, a.certainty));
    }
    return [...found.values()];
  }

  private readonly reaches = new Map<string, GroupReach>();

  /** The policies attached to the group a membership names; one per distinct group. */
  private reachOf(ms: MembershipGroup): GroupReach {
    const ref = this.resolveGroup(ms.group);
    const key = groupKey(ref);
    let reach = this.reaches.get(key);
    if (!reach) {
      reach = { attachments: [] };
      for (const a of this.toGroups.candidates(ref)) {
        const m = refsMatch(a.to, ref);
        if (m === "no" || !bears(a.policy)) continue;
        const label = a.policy.label.endsWith(ms.label) ? a.policy.label : `${a.policy.label} of ${ms.label}`;
        reach.attachments.push({ policy: a.policy, label, certainty: m });
      }
      this.reaches.set(key, reach);
    }
    return reach;
  }

  /** A membership naming the group resource: use its known name, so attachments by name match too. */
  private resolveGroup(ref: Ref): Ref {
    if (ref.urns.length === 1) {
      const g = this.groups.get(ref.urns[0]);
      if (g && ref.name === UNKNOWN) return { ...ref, name: g.name };
    }
    return ref;
  }

  /** The user's permissions boundary, when the stack manages the user and it has one. */
  boundary(owner: Owner): PolicyRecord | undefined {
    const user = this.userResource(owner);
    if (!user) return undefined;
    const value = read(user.props, "permissionsBoundary");
    const deps = this.deps(user, "permissionsBoundary", POLICY_DOC_TYPES);
    if ((value === undefined || value === null || value === "") && deps.length === 0) return undefined;
    return this.policyAt(user, "permissionsBoundary");
  }
}

const accountIds = new WeakMap<Account, number>();
let nextAccountId = 0;

/** Refs that `refsMatch` treats alike share a key: account, and the resource, else the name, else "some group". */
function groupKey(ref: Ref): string {
  let account = accountIds.get(ref.account);
  if (account === undefined) accountIds.set(ref.account, (account = nextAccountId++));
  const name = typeof ref.name === "string" ? nameKey(ref.name) : isVague(ref) ? "?" : "-";
  return `${account}:${ref.urns.length > 0 ? [...ref.urns].sort().join(" ") : ""}:${name}`;
}
