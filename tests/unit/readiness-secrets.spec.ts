// The readiness sentence never prints a value the program marked secret: where a label would quote a
// property value (a policy ARN, an inline policy's name, a group's name, a statement's Sid), it
// names the Pulumi resource instead and says the value is secret. Secret detection is
// lib/secrets.ts's (`isSecret`); here it is replaced by a list of values, so these tests check the
// readiness side of that contract on their own.

import { strict as assert } from "assert";
import { NO_EXEMPTIONS } from "../../lib/exemptions";
import { analyzeStack } from "../../lib/stack-analysis";
import { stackView } from "../helpers/sdk-view";
import { list, StackBuilder } from "../helpers/stack";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const secrets = require("../../lib/secrets") as { isSecret: (value: unknown) => boolean };

/** The finding's message with `values` treated as secret. */
function messageWith(values: string[], build: (s: StackBuilder) => void): string {
  const original = secrets.isSecret;
  secrets.isSecret = (value) => typeof value === "string" && values.includes(value);
  try {
    assert.ok(secrets.isSecret(values[0]), "lib/secrets.ts's isSecret can be replaced in this test");
    const s = new StackBuilder();
    build(s);
    const reports = analyzeStack(stackView(s.resources), NO_EXEMPTIONS, Date.now(), "update");
    const finding = reports.find((r) => r.urn.endsWith("::alice-key"));
    assert.ok(finding, JSON.stringify(reports));
    return finding.message;
  } finally {
    secrets.isSecret = original;
  }
}

function alice(s: StackBuilder) {
  const u = s.user("alice");
  s.loginProfile("alice-login", u.out("name"));
  s.accessKey("alice-key", u.out("name"));
  return u;
}

const SELF_SERVICE = (sid: string) =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Sid: sid, Effect: "Allow", Action: "iam:CreateAccessKey", Resource: "arn:aws:iam::*:user/${aws:username}" },
    ],
  });

describe("readiness sentence: values marked secret", () => {
  const cases: { name: string; secret: string; build: (s: StackBuilder) => void; says: string }[] = [
    {
      name: "names the attachment instead of a secret policy ARN from outside the stack",
      secret: "arn:aws:iam::123456789012:policy/secret-team-policy",
      build(s) {
        s.resource("aws:iam/userPolicyAttachment:UserPolicyAttachment", "alice-extra", {
          user: alice(s).out("name"),
          policyArn: "arn:aws:iam::123456789012:policy/secret-team-policy",
        });
      },
      says: 'the policy attached by "alice-extra" (its ARN is secret) is not managed in this stack',
    },
    {
      name: "names the attachment instead of a secret AWS managed policy ARN",
      secret: "arn:aws:iam::aws:policy/AdministratorAccess",
      build(s) {
        s.resource("aws:iam/userPolicyAttachment:UserPolicyAttachment", "alice-admin", {
          user: alice(s).out("name"),
          policyArn: "arn:aws:iam::aws:policy/AdministratorAccess",
        });
      },
      says: 'They can create their own key: the AWS managed policy attached by "alice-admin" (its ARN is secret)',
    },
    {
      name: "names a group outside the stack whose name is secret without its name",
      secret: "secret-admins",
      build(s) {
        const u = alice(s);
        s.resource("aws:iam/groupMembership:GroupMembership", "m", {
          group: "secret-admins",
          users: list(u.out("name")),
        });
        s.resource("aws:iam/groupPolicy:GroupPolicy", "admins-keys", {
          group: "secret-admins",
          policy: SELF_SERVICE("Own"),
        });
      },
      says: 'group policy "admins-keys" of a group whose name is secret',
    },
    {
      name: "leaves out the Sid of a policy document marked secret",
      secret: SELF_SERVICE("SecretSid"),
      build(s) {
        s.resource("aws:iam/userPolicy:UserPolicy", "alice-keys", {
          user: alice(s).out("name"),
          policy: SELF_SERVICE("SecretSid"),
        });
      },
      says: 'They can create their own key: user policy "alice-keys" allows',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const message = messageWith([c.secret], c.build);
      assert.ok(message.includes(c.says), message);
      for (const part of [c.secret, "secret-team-policy", "secret-admins", "SecretSid"]) {
        assert.ok(!message.includes(part), `leaks ${part}: ${message}`);
      }
    });
  }

  it("names an aws-native inline policy whose name is secret by its position", () => {
    const message = messageWith(["secret-inline-name"], (s) => {
      const nu = s.nativeUser("ines", {
        loginProfile: true,
        iam: { policies: [{ policyName: "secret-inline-name", policyDocument: JSON.parse(SELF_SERVICE("Own")) }] },
      });
      s.accessKey("alice-key", nu.out("userName"));
    });
    assert.ok(message.includes('inline policy 1 of aws-native user "ines" (its name is secret)'), message);
    assert.ok(!message.includes("secret-inline-name"), message);
  });
});
