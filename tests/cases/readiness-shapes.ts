// Large and hostile shapes for the readiness answer (issue 17): many users through one group's
// managed policies, many SCPs, a huge policy, memberships computed from a non-IAM resource,
// wildcards that make backtracking matchers explode, and a Resource of unterminated `${`. Each
// shape says what every finding's readiness sentence must say; the protocol test checks it, and
// bench/hostile.ts times them (`npm run bench -- --only-hostile`).

import { combine, Mode, StackBuilder } from "../helpers/stack";
import { unknown, unknownArray } from "../helpers/wire";

export interface Shape {
  name: string;
  build(s: StackBuilder): void;
  /** What every key's message says, per mode. */
  says: Record<Mode, string>;
  /** The number of findings (keys of console users). */
  findings: number;
}

const SELF = "arn:aws:iam::*:user/${aws:username}";
const doc = (...statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const CAN = "They can create their own key";
const NOTHING = "Nothing in this stack allows them";

/** `n` console users with keys, named so that `name(i)` gives each. */
function consoleUsers(s: StackBuilder, n: number, name = (i: number) => `user-${i}`) {
  return Array.from({ length: n }, (_, i) => {
    const u = s.user(name(i));
    s.loginProfile(`${name(i)}-login`, u.out("name"));
    s.accessKey(`${name(i)}-key`, u.out("name"));
    return u;
  });
}

/** `n` console users with keys, each with the self-service policy attached: the answer is "can" until something denies it. */
function selfServiceUsers(s: StackBuilder, n: number) {
  const all = consoleUsers(s, n);
  const self = s.policy("self-service", doc({ Effect: "Allow", Action: "iam:CreateAccessKey", Resource: SELF }));
  all.forEach((u, i) =>
    s.resource("aws:iam/userPolicyAttachment:UserPolicyAttachment", `self-${i}`, {
      user: u.out("name"),
      policyArn: self.out("arn"),
    }),
  );
  return all;
}

function groupManaged(users: number, policies: number, actions: number): Shape {
  return {
    name: `${users} users in a group with ${policies} managed policies of ${actions} actions`,
    findings: users,
    build(s) {
      const members = consoleUsers(s, users);
      const g = s.group("everyone");
      s.resource("aws:iam/groupMembership:GroupMembership", "everyone-members", {
        group: g.out("name"),
        users: { __ref: true, value: members.map((m) => m.out("name").value), deps: members.map((m) => m.spec.urn) },
      });
      for (let p = 0; p < policies; p++) {
        const list = Array.from({ length: actions }, (_, a) => `service${p}:Action${a}`);
        if (p === policies - 1) list[actions - 1] = "iam:CreateAccessKey";
        const policy = s.policy(`managed-${p}`, doc({ Effect: "Allow", Action: list, Resource: SELF }));
        s.resource("aws:iam/groupPolicyAttachment:GroupPolicyAttachment", `managed-${p}-attach`, {
          group: g.out("name"),
          policyArn: policy.out("arn"),
        });
      }
    },
    says: {
      preview: `${CAN}: policy "managed-${policies - 1}" of group "everyone"`,
      update: `${CAN}: policy "managed-${policies - 1}" of group "everyone"`,
    },
  };
}

function manyScps(users: number, scps: number): Shape {
  return {
    name: `${users} users with ${scps} SCPs`,
    findings: users,
    build(s) {
      selfServiceUsers(s, users);
      for (let i = 0; i < scps; i++) {
        const p = s.resource(
          "aws:organizations/policy:Policy",
          `scp-${i}`,
          {
            name: `scp-${i}`,
            type: "SERVICE_CONTROL_POLICY",
            content: doc(
              { Effect: "Allow", Action: "*", Resource: "*" },
              { Effect: "Deny", Action: `service${i}:*`, Resource: "*" },
            ),
          },
          { arn: `arn:aws:organizations::111111111111:policy/o-abc/service_control_policy/p-${i}` },
        );
        s.resource("aws:organizations/policyAttachment:PolicyAttachment", `scp-${i}-root`, {
          policyId: p.out("id"),
          targetId: "r-abcd",
        });
      }
    },
    says: {
      preview: `${CAN}: policy "self-service" allows iam:CreateAccessKey on their own user.`,
      update: `${CAN}: policy "self-service" allows iam:CreateAccessKey on their own user.`,
    },
  };
}

const hugePolicy: Shape = {
  name: "one 2.8 MB policy",
  findings: 1,
  build(s) {
    const [u] = consoleUsers(s, 1);
    const statements: object[] = [];
    // Statements that cover iam:CreateAccessKey on other paths, with a policy variable each: every
    // one is matched against the user, none applies until the last.
    for (let i = 0; i < 13_000; i++) {
      statements.push({
        Sid: `S${i}`,
        Effect: "Allow",
        Action: i % 2 ? ["iam:CreateAccessKey", `svc${i}:Get*`] : [`svc${i}:Get*`, `svc${i}:List*`],
        Resource: `arn:aws:iam::*:user/team-${i}/${"x".repeat(80)}/\${aws:username}`,
      });
    }
    statements.push({ Sid: "OwnKeys", Effect: "Allow", Action: "iam:CreateAccessKey", Resource: SELF });
    s.resource("aws:iam/userPolicy:UserPolicy", "huge", { user: u.out("name"), policy: doc(...statements) });
  },
  says: {
    preview: `${CAN}: statement "OwnKeys" of user policy "huge"`,
    update: `${CAN}: statement "OwnKeys" of user policy "huge"`,
  },
};

/** Memberships and group policies whose group and users come from a non-IAM resource (a random name). */
function computedMemberships(users: number, memberships: number, groupPolicies: number): Shape {
  return {
    name: `${users} users x ${memberships} memberships x ${groupPolicies} group policies computed from a non-IAM resource`,
    findings: users,
    build(s) {
      const all = consoleUsers(s, users);
      const names = all.map((u) => u.out("name").value as string);
      const pet = s.other("random:index/randomPet:RandomPet", "team-name", { length: 2 });
      const computed = (value: unknown) => combine(s.mode === "preview" ? unknown : value, pet.out("id"));
      for (let m = 0; m < memberships; m++) {
        s.resource("aws:iam/groupMembership:GroupMembership", `members-${m}`, {
          group: computed(`team-${m}`),
          users: combine(s.mode === "preview" ? unknownArray : names, pet.out("id")),
        });
      }
      for (let p = 0; p < groupPolicies; p++) {
        // Only the last group's last policy lets members create their own key.
        const last = p === groupPolicies - 1;
        s.resource("aws:iam/groupPolicy:GroupPolicy", `team-policy-${p}`, {
          group: computed(`team-${last ? memberships - 1 : p % memberships}`),
          policy: doc({ Effect: "Allow", Action: last ? "iam:CreateAccessKey" : `svc${p}:*`, Resource: SELF }),
        });
      }
    },
    says: {
      preview: "Whether they can create their own key cannot be told yet",
      update: `${CAN}: group policy "team-policy-${groupPolicies - 1}" of group "team-${memberships - 1}"`,
    },
  };
}

/**
 * Every user in many groups whose policies are about other services, and one group whose policy
 * denies keys (not known yet in a preview). The pack leaves out, once per group, the policies that
 * cannot change the answer: the one that can must still decide it.
 */
function groupsOfOtherServices(users: number, groups: number): Shape {
  const last = `team-policy-${groups - 1}" of group "team-${groups - 1}"`;
  return {
    name: `${users} users in ${groups} groups whose policies cover other services, the last one denying keys`,
    findings: users,
    build(s) {
      const all = selfServiceUsers(s, users);
      for (let g = 0; g < groups; g++) {
        const group = s.group(`team-${g}`);
        s.resource("aws:iam/groupMembership:GroupMembership", `team-${g}-members`, {
          group: group.out("name"),
          users: { __ref: true, value: all.map((m) => m.out("name").value), deps: all.map((m) => m.spec.urn) },
        });
        const denies = g === groups - 1;
        const policy = denies
          ? doc({ Sid: "NoKeys", Effect: "Deny", Action: "iam:*AccessKey*", Resource: "*" })
          : doc({ Effect: "Allow", Action: [`svc${g}:*`, "iam:List*"], Resource: "*" });
        s.resource("aws:iam/groupPolicy:GroupPolicy", `team-policy-${g}`, {
          group: group.out("name"),
          policy: denies && s.mode === "preview" ? unknown : policy,
        });
      }
    },
    says: {
      preview: `Whether they can create their own key cannot be told yet: group policy "${last}`,
      update: `They cannot create their own key: statement "NoKeys" of group policy "${last} denies`,
    },
  };
}

/** One identity policy with a pattern that a backtracking matcher takes exponential time on. */
function hostilePattern(name: string, statement: object, says: string, userName = "a".repeat(64)): Shape {
  return {
    name,
    findings: 1,
    build(s) {
      const [u] = consoleUsers(s, 1, () => userName);
      s.resource("aws:iam/userPolicy:UserPolicy", "hostile", { user: u.out("name"), policy: doc(statement) });
    },
    says: { preview: says, update: says },
  };
}

export const SHAPES: Shape[] = [
  groupManaged(1000, 10, 110),
  manyScps(100, 200),
  hugePolicy,
  computedMemberships(1000, 20, 50),
  computedMemberships(1000, 200, 200),
  groupsOfOtherServices(200, 100),
  hostilePattern(
    'Resource "arn:aws:iam::*:user/*a*a...*b" (24 stars) against a 64-character name',
    { Effect: "Allow", Action: "iam:CreateAccessKey", Resource: `arn:aws:iam::*:user/${"*a".repeat(23)}*b` },
    NOTHING,
  ),
  hostilePattern(
    'Action "iam:" + 22 stars + "X", and the same as NotAction',
    {
      Effect: "Allow",
      NotAction: `iam:${"*".repeat(22)}X`,
      Resource: "*",
    },
    `${CAN}: user policy "hostile"`,
  ),
  hostilePattern(
    'Action "iam:" + 22 stars + "X" as Action',
    { Effect: "Allow", Action: `iam:${"*".repeat(22)}X`, Resource: "*" },
    NOTHING,
  ),
  hostilePattern(
    'a 400 KB Resource of "${" without "}"',
    { Effect: "Allow", Action: "iam:CreateAccessKey", Resource: `arn:aws:iam::*:user/${"${".repeat(200_000)}` },
    NOTHING,
  ),
];
