// The readiness sentence of the stack policy's findings ("can the person create their own key?"),
// as behaviours: IAM's evaluation rules as the IAM User Guide states them, and each reason sentence
// only in the mode and case it describes. Merged into STACK_CASES, so each runs in-process and
// through the real pack over gRPC, in preview and in update.

import { ACCOUNT_ID, combine, Handle, StackBuilder } from "../helpers/stack";
import { unknown } from "../helpers/wire";
import type { Expected, StackCase } from "./stack-cases";

const SELF = "arn:aws:iam::*:user/${aws:username}";

/** A policy document; `version` undefined leaves the Version element out. */
function docOf(version: string | undefined, ...statements: object[]): string {
  return JSON.stringify(
    version === undefined ? { Statement: statements } : { Version: version, Statement: statements },
  );
}
const v2012 = (...statements: object[]) => docOf("2012-10-17", ...statements);
const allowKeys = (extra: object = {}) => ({
  Effect: "Allow",
  Action: "iam:CreateAccessKey",
  Resource: SELF,
  ...extra,
});

/** A console user with an access key: the finding whose readiness sentence each case reads. */
function consoleUser(s: StackBuilder, name = "alice", opts: { permissionsBoundary?: unknown; keyUser?: string } = {}) {
  const u = s.user(name, { permissionsBoundary: opts.permissionsBoundary });
  s.loginProfile(`${name}-login`, u.out("name"));
  s.accessKey(`${name}-key`, opts.keyUser ?? u.out("name"));
  return u;
}

function userPolicy(s: StackBuilder, u: Handle, name: string, policy: unknown) {
  s.resource("aws:iam/userPolicy:UserPolicy", name, { user: u.out("name"), policy });
}

function attach(s: StackBuilder, u: Handle, name: string, policyArn: unknown) {
  s.resource("aws:iam/userPolicyAttachment:UserPolicyAttachment", name, { user: u.out("name"), policyArn });
}

/** An SCP managed in the stack, attached to the organization's root. */
function scp(s: StackBuilder, name: string, content: string) {
  const p = s.resource(
    "aws:organizations/policy:Policy",
    name,
    { name, type: "SERVICE_CONTROL_POLICY", content },
    { arn: `arn:aws:organizations::111111111111:policy/o-abc/service_control_policy/p-${name}` },
  );
  s.resource("aws:organizations/policyAttachment:PolicyAttachment", `${name}-root`, {
    policyId: p.out("id"),
    targetId: "r-abcd",
  });
}

/** The finding on "alice-key" (mandatory), saying these texts and never those. */
const alice = (says: string[], never: string[] = []): Expected[] => [
  { on: "alice-key", level: "mandatory", says, never },
];

const NOTHING = "Nothing in this stack allows them iam:CreateAccessKey";
const CAN = "They can create their own key";
const CANNOT = "They cannot create their own key";

export const READINESS_CASES: StackCase[] = [
  // The Version rule: variables are substituted only under 2012-10-17.
  {
    name: "readiness: an Allow on ${aws:username} under Version 2008-10-17 is literal text and allows nothing",
    build(s) {
      userPolicy(s, consoleUser(s), "old-keys", docOf("2008-10-17", allowKeys()));
    },
    expect: alice([NOTHING], [CAN]),
  },
  {
    name: "readiness: a Deny on ${aws:username} without a Version is literal text and denies nothing",
    build(s) {
      const u = consoleUser(s);
      attach(s, u, "admin", "arn:aws:iam::aws:policy/AdministratorAccess");
      userPolicy(s, u, "no-own-keys", docOf(undefined, { Effect: "Deny", Action: "iam:*", Resource: SELF }));
    },
    expect: alice([`${CAN}: AWS managed policy "AdministratorAccess"`], [CANNOT]),
  },
  {
    name: "readiness: a NotResource on ${aws:username} without a Version excludes only that literal text",
    build(s) {
      userPolicy(
        s,
        consoleUser(s),
        "not-literal",
        docOf(undefined, { Effect: "Allow", Action: "iam:*", NotResource: SELF }),
      );
    },
    expect: alice([`${CAN}: user policy "not-literal"`]),
  },
  {
    name: "readiness: a permissions boundary under Version 2008-10-17 does not allow ${aws:username}",
    build(s) {
      const boundary = s.policy("old-boundary", docOf("2008-10-17", allowKeys()));
      const u = consoleUser(s, "alice", { permissionsBoundary: boundary.out("arn") });
      userPolicy(s, u, "keys", v2012(allowKeys()));
    },
    expect: alice([`${CANNOT}`, 'permissions boundary policy "old-boundary" does not']),
  },
  // Policy variables with defaults, and the stored user name.
  {
    name: "readiness: takes the user's name for ${aws:username, 'default'} and the default for a key IAM users never send",
    build(s) {
      const u = consoleUser(s);
      userPolicy(s, u, "with-default", v2012(allowKeys({ Resource: "arn:aws:iam::*:user/${aws:username, 'nobody'}" })));
      userPolicy(
        s,
        u,
        "source-identity",
        v2012({ Effect: "Deny", Action: "iam:*", Resource: "arn:aws:iam::*:user/${aws:SourceIdentity, 'nobody'}" }),
      );
    },
    expect: alice([`${CAN}: user policy "with-default"`]),
  },
  {
    name: "readiness: substitutes the stored name, not the key's spelling, for ${aws:username}",
    build(s) {
      const u = consoleUser(s, "alice", { keyUser: "ALICE" });
      userPolicy(s, u, "own-keys", v2012(allowKeys()));
      userPolicy(s, u, "not-upper", v2012({ Effect: "Deny", Action: "iam:*", Resource: "arn:aws:iam::*:user/ALICE" }));
    },
    expect: alice([`${CAN}: user policy "own-keys"`]),
  },
  // Service control policies.
  {
    name: "readiness: says an allow-list SCP of the stack that does not allow creating keys may block it",
    build(s) {
      userPolicy(s, consoleUser(s), "own-keys", v2012(allowKeys()));
      scp(s, "s3-only", v2012({ Effect: "Allow", Action: "s3:*", Resource: "*" }));
    },
    expect: alice([CAN, 'it may be blocked by service control policy "s3-only"', "replaces FullAWSAccess"]),
  },
  {
    name: "readiness: an SCP of the stack that allows everything adds no caveat",
    build(s) {
      userPolicy(s, consoleUser(s), "own-keys", v2012(allowKeys()));
      scp(s, "allow-all", v2012({ Effect: "Allow", Action: "*", Resource: "*" }));
    },
    expect: alice(
      [`${CAN}: user policy "own-keys" allows iam:CreateAccessKey on their own user.`],
      ["may be blocked", "may block"],
    ),
  },
  {
    name: "readiness: an allow-list SCP beside another SCP of the stack on the same target that allows it blocks nothing",
    build(s) {
      userPolicy(s, consoleUser(s), "own-keys", v2012(allowKeys()));
      scp(s, "s3-only", v2012({ Effect: "Allow", Action: "s3:*", Resource: "*" }));
      scp(s, "iam-too", v2012({ Effect: "Allow", Action: "iam:*", Resource: "*" }));
    },
    expect: alice([`${CAN}: user policy "own-keys"`], ["may be blocked", "may block"]),
  },
  // Condition keys whose value is known for this request.
  {
    name: "readiness: decides conditions on aws:PrincipalType and aws:username",
    build(s) {
      const u = consoleUser(s);
      userPolicy(
        s,
        u,
        "known-keys",
        v2012(
          allowKeys({
            Condition: {
              StringEquals: { "aws:PrincipalType": "User", "aws:username": "alice" },
            },
          }),
        ),
      );
      userPolicy(
        s,
        u,
        "roles-only",
        v2012({
          Effect: "Deny",
          Action: "*",
          Resource: "*",
          Condition: { StringEquals: { "aws:PrincipalType": "AssumedRole" } },
        }),
      );
    },
    expect: alice([`${CAN}: user policy "known-keys"`], ["depends on a condition"]),
  },
  {
    name: "readiness: decides aws:PrincipalAccount and aws:PrincipalArn once the user's ARN is known",
    build(s) {
      const u = consoleUser(s);
      userPolicy(
        s,
        u,
        "this-account",
        v2012(
          allowKeys({
            Condition: {
              StringEquals: { "aws:PrincipalAccount": ACCOUNT_ID },
              ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:user/*" },
            },
          }),
        ),
      );
    },
    expect: {
      preview: alice(["Whether they can create their own key cannot be told yet", 'user policy "this-account"']),
      update: alice([`${CAN}: user policy "this-account"`]),
    },
  },
  {
    name: "readiness: complementary conditions (MFA present, or not) cover every request",
    build(s) {
      const u = consoleUser(s);
      userPolicy(
        s,
        u,
        "mfa-either-way",
        v2012(
          allowKeys({ Sid: "WithMfa", Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } } }),
          allowKeys({ Sid: "WithoutMfa", Condition: { BoolIfExists: { "aws:MultiFactorAuthPresent": "false" } } }),
        ),
      );
    },
    expect: alice([CAN, 'user policy "mfa-either-way"'], ["depends on a condition"]),
  },
  {
    name: "readiness: a condition on a key the pack cannot know stays open",
    build(s) {
      userPolicy(
        s,
        consoleUser(s),
        "office-only",
        v2012(allowKeys({ Condition: { IpAddress: { "aws:SourceIp": "10.0.0.0/8" } } })),
      );
    },
    expect: alice(['depends on a condition in user policy "office-only"']),
  },
  // Each reason sentence only in the mode and case it describes.
  {
    name: "readiness sentence: 'not known until the update' only in a preview, never in the update",
    build(s) {
      const u = consoleUser(s);
      const bucket = s.other("aws:s3/bucket:Bucket", "artifacts", { bucket: "artifacts" });
      // Not known in either mode: in an update the engine would send it known; the sentence must not promise it.
      userPolicy(s, u, "computed", combine(unknown, bucket.out("arn")));
    },
    expect: {
      preview: alice(["cannot be told yet", 'user policy "computed"', "not known until the update"]),
      update: alice(
        ['cannot be told: user policy "computed" depends on values the engine sent as not known'],
        ["until the update", "cannot be told yet"],
      ),
    },
  },
  {
    name: "readiness sentence: 'not managed in this stack' for a policy ARN from elsewhere",
    build(s) {
      attach(s, consoleUser(s), "elsewhere", `arn:aws:iam::${ACCOUNT_ID}:policy/managed-elsewhere`);
    },
    expect: alice(['policy "managed-elsewhere" is not managed in this stack']),
  },
  {
    name: "readiness sentence: never 'not managed in this stack' for a policy of the stack named by its ARN",
    build(s) {
      const u = consoleUser(s);
      s.policy("team-keys", v2012(allowKeys()));
      // The ARN written out, not taken from the policy resource: still this stack's policy.
      attach(s, u, "by-arn", `arn:aws:iam::${ACCOUNT_ID}:policy/team-keys`);
    },
    expect: alice([`${CAN}: policy "team-keys"`], ["not managed in this stack"]),
  },
  {
    name: "readiness sentence: a document this pack cannot read says so, and the finding stands",
    build(s) {
      let nested: unknown = allowKeys();
      for (let i = 0; i < 3000; i++) nested = [nested];
      userPolicy(s, consoleUser(s), "too-deep", JSON.stringify({ Version: "2012-10-17", Statement: nested }));
    },
    expect: alice(['user policy "too-deep" is not a policy document this pack can read']),
  },
  {
    name: "readiness: ${__proto__} and ${constructor} in a Resource are variables like any other",
    build(s) {
      userPolicy(
        s,
        consoleUser(s),
        "odd-variables",
        v2012(allowKeys({ Resource: ["arn:aws:iam::*:user/${__proto__}", "arn:aws:iam::*:user/${constructor}"] })),
      );
    },
    expect: alice(['depends on a condition in user policy "odd-variables"']),
  },
];
