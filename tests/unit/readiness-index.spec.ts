// What the stack grants a reported user (lib/readiness/stack-index.ts, answer.ts): the links from users to groups and policies, one
// resource type at a time, and that none of it runs on a stack without findings.

import { strict as assert } from "assert";
import * as path from "path";
import { Owner } from "../../lib/model";
import { Readiness, ReadinessIndex } from "../../lib/readiness/answer";
import { IAM_POLICY_TYPES } from "../../lib/types";
import { SELF_SERVICE_POLICY } from "../cases/stack-cases";
import { modulesLoadedBy } from "../helpers/fresh-process";
import { stackView } from "../helpers/sdk-view";
import { list, Mode, StackBuilder } from "../helpers/stack";
import { unknownArray } from "../helpers/wire";
import { accountOf } from "../../lib/accounts";
import { NO_EXEMPTIONS } from "../../lib/exemptions";
import { analyzeStack } from "../../lib/stack-analysis";

/** The readiness of the user resource named `user` (or a user outside the stack by name). */
function readiness(s: StackBuilder, userName: string): Readiness | undefined {
  const views = stackView(s.resources);
  const user = views.find((v) => v.name === userName && v.type.endsWith("User"));
  const provider = views.find((v) => v.urn === s.defaultProvider("aws").urn);
  const owner: Owner = user
    ? { userUrn: user.urn, userName, account: accountOf(user.provider) }
    : { userName, account: accountOf(provider && { ...provider, props: provider.props }) };
  return new ReadinessIndex(views).readiness(owner);
}

function kindAndLabel(r: Readiness | undefined): string {
  if (!r) return "none";
  const ev = "grant" in r && r.kind === "can" ? r.grant : "by" in r ? r.by : undefined;
  return `${r.kind}${ev ? ` ${ev.label}` : ""}`;
}

describe("readiness: links from a user to policies", () => {
  for (const mode of ["preview", "update"] as Mode[]) {
    describe(`in ${mode}`, () => {
      it("follows a PolicyAttachment to a group the user is in", () => {
        const s = new StackBuilder({ mode });
        const u = s.user("alice");
        const g = s.group("devs");
        s.resource("aws:iam/groupMembership:GroupMembership", "m", {
          group: g.out("name"),
          users: list(u.out("name")),
        });
        const p = s.policy("keys", SELF_SERVICE_POLICY);
        s.resource("aws:iam/policyAttachment:PolicyAttachment", "a", {
          groups: list(g.out("name")),
          policyArn: p.out("arn"),
        });
        assert.equal(kindAndLabel(readiness(s, "alice")), 'can policy "keys" of group "devs"');
      });

      it("follows an aws-native ManagedPolicy's users and an aws-native UserPolicy", () => {
        const s = new StackBuilder({ mode });
        const u = s.nativeUser("hana");
        s.resource("aws-native:iam:ManagedPolicy", "native-keys", {
          policyDocument: JSON.parse(SELF_SERVICE_POLICY),
          users: list(u.out("userName")),
        });
        assert.equal(kindAndLabel(readiness(s, "hana")), 'can managed policy "native-keys"');
        const s2 = new StackBuilder({ mode });
        const u2 = s2.nativeUser("hana");
        s2.resource("aws-native:iam:UserPolicy", "hana-keys", {
          userName: u2.out("userName"),
          policyName: "keys",
          policyDocument: JSON.parse(SELF_SERVICE_POLICY),
        });
        assert.equal(kindAndLabel(readiness(s2, "hana")), 'can user policy "hana-keys"');
      });

      it("follows an aws-native user's managedPolicyArns and an aws-native GroupPolicy", () => {
        const s = new StackBuilder({ mode });
        s.nativeUser("ivo", { iam: { managedPolicyArns: ["arn:aws:iam::aws:policy/IAMFullAccess"] } });
        assert.equal(kindAndLabel(readiness(s, "ivo")), 'can AWS managed policy "IAMFullAccess"');
        const s2 = new StackBuilder({ mode });
        s2.nativeUser("ivo", { iam: { groups: ["ops"] } });
        s2.resource("aws-native:iam:GroupPolicy", "ops-keys", {
          groupName: "ops",
          policyName: "keys",
          policyDocument: JSON.parse(SELF_SERVICE_POLICY),
        });
        assert.equal(kindAndLabel(readiness(s2, "ivo")), 'can group policy "ops-keys" of group "ops"');
      });

      it("matches a user outside the stack by name, and user ARNs in attachments", () => {
        const s = new StackBuilder({ mode });
        s.resource("aws:iam/userPolicy:UserPolicy", "p", {
          user: "arn:aws:iam::123456789012:user/zed",
          policy: SELF_SERVICE_POLICY,
        });
        assert.equal(kindAndLabel(readiness(s, "zed")), 'can user policy "p"');
      });

      it("does not take a group's policy for a user who is not in it", () => {
        const s = new StackBuilder({ mode });
        s.user("alice");
        const bob = s.user("bob");
        const g = s.group("devs");
        s.resource("aws:iam/groupMembership:GroupMembership", "m", {
          group: g.out("name"),
          users: list(bob.out("name")),
        });
        s.resource("aws:iam/groupPolicy:GroupPolicy", "gp", { group: g.out("name"), policy: SELF_SERVICE_POLICY });
        assert.equal(kindAndLabel(readiness(s, "alice")), "nothing");
        assert.equal(kindAndLabel(readiness(s, "bob")), 'can group policy "gp" of group "devs"');
      });

      it("does not count a policy for the same user name in another account", () => {
        const s = new StackBuilder({ mode });
        s.config("aws", { allowedAccountIds: ["111111111111"] });
        s.user("alice");
        const other = s.provider("other", { profile: "other-account", allowedAccountIds: ["222222222222"] });
        s.resource(
          "aws:iam/userPolicy:UserPolicy",
          "p",
          { user: "alice", policy: SELF_SERVICE_POLICY },
          {},
          { provider: other },
        );
        assert.equal(kindAndLabel(readiness(s, "alice")), "nothing");
      });

      it("cannot tell about a policy for the same user name behind a provider whose account it cannot tell", () => {
        const s = new StackBuilder({ mode });
        s.user("alice");
        const other = s.provider("other", { profile: "other-account" });
        s.resource(
          "aws:iam/userPolicy:UserPolicy",
          "p",
          { user: "alice", policy: SELF_SERVICE_POLICY },
          {},
          { provider: other },
        );
        assert.equal(kindAndLabel(readiness(s, "alice")), 'unknown user policy "p"');
      });

      it("answers nothing for a user whose name is not known", () => {
        const s = new StackBuilder({ mode });
        const owner: Owner = { account: accountOf(undefined), unresolved: "no name" };
        assert.equal(new ReadinessIndex(stackView(s.resources)).readiness(owner), undefined);
      });
    });
  }

  // As for keys (lib/key-owner.ts): a value that came from one user resource only names that user.
  function previewMembership(users: string[]): StackBuilder {
    const s = new StackBuilder({ mode: "preview" });
    const urns = users.map((name) => s.user(name).spec.urn);
    const g = s.group("devs");
    s.resource("aws:iam/groupMembership:GroupMembership", "m", {
      group: g.out("name"),
      users: { __ref: true, value: unknownArray, deps: urns },
    });
    s.resource("aws:iam/groupPolicy:GroupPolicy", "gp", { group: g.out("name"), policy: SELF_SERVICE_POLICY });
    return s;
  }

  it("takes members not known yet during preview that come from the user's resource alone", () => {
    assert.equal(
      kindAndLabel(readiness(previewMembership(["alice"]), "alice")),
      'can group policy "gp" of group "devs"',
    );
  });

  it("cannot tell yet when members not known during preview come from several users", () => {
    const r = readiness(previewMembership(["alice", "bob"]), "alice");
    assert.equal(kindAndLabel(r), 'unknown group policy "gp" of group "devs"');
  });
});

describe("readiness: resource types", () => {
  it("matches @pulumi/aws and @pulumi/aws-native resource classes", () => {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const aws = require("@pulumi/aws");
    const native = require("@pulumi/aws-native");
    /* eslint-enable @typescript-eslint/no-require-imports */
    const classes: Record<keyof typeof IAM_POLICY_TYPES, { __pulumiType: string }> = {
      userPolicy: aws.iam.UserPolicy,
      userPolicyAttachment: aws.iam.UserPolicyAttachment,
      policyAttachment: aws.iam.PolicyAttachment,
      policy: aws.iam.Policy,
      group: aws.iam.Group,
      groupPolicy: aws.iam.GroupPolicy,
      groupPolicyAttachment: aws.iam.GroupPolicyAttachment,
      groupMembership: aws.iam.GroupMembership,
      userGroupMembership: aws.iam.UserGroupMembership,
      nativeManagedPolicy: native.iam.ManagedPolicy,
      nativeGroup: native.iam.Group,
      nativeUserPolicy: native.iam.UserPolicy,
      nativeGroupPolicy: native.iam.GroupPolicy,
      organizationsPolicy: aws.organizations.Policy,
      organizationsPolicyAttachment: aws.organizations.PolicyAttachment,
    };
    for (const [key, cls] of Object.entries(classes)) {
      assert.equal(cls.__pulumiType, IAM_POLICY_TYPES[key as keyof typeof IAM_POLICY_TYPES], key);
    }
  });
});

describe("readiness: only when a finding needs it", () => {
  // A fresh process: what a stack without findings loads, and what a finding loads.
  function loadedModules(withFinding: boolean): string[] {
    return modulesLoadedBy(`
      const { analyzeStack } = require("./lib/stack-analysis");
      const { NO_EXEMPTIONS } = require("./lib/exemptions");
      const { stackView } = require("./tests/helpers/sdk-view");
      const { StackBuilder } = require("./tests/helpers/stack");
      const s = new StackBuilder();
      const u = s.user("alice");
      s.loginProfile("alice-login", u.out("name"));
      if (${withFinding}) s.accessKey("alice-key", u.out("name"));
      s.resource("aws:iam/userPolicyAttachment:UserPolicyAttachment", "a", {
        user: u.out("name"), policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" });
      analyzeStack(stackView(s.resources), NO_EXEMPTIONS, Date.now());`);
  }

  it("loads neither the evaluator nor the AWS managed policy data on a stack without findings", function () {
    this.timeout(180_000); // a fresh ts-node process; slow when npm test shares a busy machine
    const loaded = loadedModules(false);
    assert.ok(loaded.includes("lib/stack-analysis.ts"));
    assert.deepEqual(
      loaded.filter((f) => f.startsWith("lib/readiness/")),
      [],
    );
  });

  it("loads them when a finding needs the answer", function () {
    this.timeout(180_000); // a fresh ts-node process; slow when npm test shares a busy machine
    const loaded = loadedModules(true);
    for (const f of ["readiness/answer.ts", "readiness/iam/evaluate.ts", "readiness/iam/aws-managed-data.ts"]) {
      assert.ok(loaded.includes(`lib/${f}`), f);
    }
  });
});

describe("readiness: the ready-made policy", () => {
  const root = path.join(__dirname, "..", "..");
  it("is the same in the rule's docs, the behaviour table and both example programs", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fs = require("fs") as typeof import("fs");
    const page = fs.readFileSync(path.join(root, "docs/rules/cis-1-11-no-access-key-with-console-password.md"), "utf8");
    const section = page.slice(page.indexOf("### How the person gets a key"));
    const block = /```json\n([\s\S]*?)\n```/.exec(section);
    assert.ok(block, "the section has a JSON block");
    const policy = JSON.parse(SELF_SERVICE_POLICY);
    assert.deepEqual(JSON.parse(block[1]), policy);
    for (const example of ["compliant-self-service-keys", "violating-key-despite-self-service"]) {
      const source = fs.readFileSync(path.join(root, "examples", example, "index.ts"), "utf8");
      const statement = policy.Statement[0];
      for (const text of [statement.Sid, statement.Resource, ...statement.Action]) {
        assert.ok(source.includes(JSON.stringify(text)), `${example} has ${text}`);
      }
    }
  });
});

describe("readiness: permissions boundary", () => {
  it("settles on no when the boundary does not allow it, even when the policies depend on a condition", () => {
    const s = new StackBuilder();
    const boundary = s.policy(
      "s3-only",
      JSON.stringify({ Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }] }),
    );
    s.user("alice", { permissionsBoundary: boundary.out("arn") });
    s.resource("aws:iam/userPolicy:UserPolicy", "mfa-keys", {
      user: "alice",
      policy: JSON.stringify({
        Statement: [
          {
            Effect: "Allow",
            Action: "iam:*",
            Resource: "*",
            Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } },
          },
        ],
      }),
    });
    assert.deepEqual(readiness(s, "alice"), { kind: "boundary", boundary: 'policy "s3-only"' });
  });

  it("lets the policies decide when the boundary allows it, and reads an AWS managed boundary", () => {
    const s = new StackBuilder();
    s.user("alice", { permissionsBoundary: "arn:aws:iam::aws:policy/AdministratorAccess" });
    s.resource("aws:iam/userPolicy:UserPolicy", "keys", { user: "alice", policy: SELF_SERVICE_POLICY });
    assert.equal(kindAndLabel(readiness(s, "alice")), 'can user policy "keys"');
    const s2 = new StackBuilder();
    s2.user("alice", { permissionsBoundary: "arn:aws:iam::aws:policy/PowerUserAccess" });
    s2.resource("aws:iam/userPolicy:UserPolicy", "keys", { user: "alice", policy: SELF_SERVICE_POLICY });
    assert.equal(kindAndLabel(readiness(s2, "alice")), "boundary");
  });
});

describe("readiness: never dropped without a word", () => {
  it("says the answer could not be determined when reading the stack's IAM policies fails, and keeps the finding", () => {
    const s = new StackBuilder();
    const u = s.user("alice");
    s.loginProfile("alice-login", u.out("name"));
    s.accessKey("alice-key", u.out("name"));
    const views = stackView(s.resources);
    const fail = () => {
      throw new Error("decoder failure");
    };
    views.push({
      type: "aws:iam/userPolicy:UserPolicy",
      urn: "urn:pulumi:dev::app::aws:iam/userPolicy:UserPolicy::broken",
      name: "broken",
      props: new Proxy({}, { get: fail, getOwnPropertyDescriptor: fail, has: fail, ownKeys: fail }),
    });
    const reports = analyzeStack(views, NO_EXEMPTIONS, Date.now(), "update");
    assert.equal(reports.length, 1);
    assert.match(reports[0].message, /Whether they can create their own key could not be determined/);
  });
});
