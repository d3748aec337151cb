// Generated stacks for the benchmark: many teams, each a component with a few IAM users (some with a
// console password, some with access keys, a few with both) and many unrelated resources, spread
// over two AWS accounts (the default provider and an explicit one). In preview, one team in ten is
// being created: its computed outputs are unknown, and half of its users take their name from a
// random suffix, so the name itself is unknown.

import { Handle, Mode, StackBuilder } from "../tests/helpers/stack";
import { ResourceSpec, unknown } from "../tests/helpers/wire";

/** Deterministic PRNG (mulberry32): the same seed gives the same stack on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GeneratedStack {
  resources: ResourceSpec[];
  /** Resources per kind, for the report. */
  counts: Record<string, number>;
}

const TAGS = (team: string) => ({ team, env: "prod", costCenter: "cc-1234", owner: `${team}@example.com` });

function assumeRolePolicy(service: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
  });
}

/** Sets computed outputs on a resource the builder made: unknown while it is being created. */
function computed(h: Handle, creating: boolean, values: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(values)) h.spec.outputs[k] = creating ? unknown : v;
}

export function generateStack(target: number, mode: Mode, seed = 1): GeneratedStack {
  const rnd = prng(seed);
  const b = new StackBuilder({ stack: "bench", project: "app", mode });
  const prod = b.provider("prod", { region: "eu-west-1", profile: "prod-admin" });
  const counts: Record<string, number> = {};
  const count = (kind: string) => (counts[kind] = (counts[kind] ?? 0) + 1);

  for (let t = 0; b.resources.length < target; t++) {
    const team = `team${t}`;
    const creating = mode === "preview" && rnd() < 0.1;
    const existing = !creating;
    const provider = t % 2 === 0 ? undefined : prod;
    const parent = b.component(team);
    count("component");
    const opts = { parent, existing, provider };

    const users = 2 + Math.floor(rnd() * 3);
    for (let u = 0; u < users; u++) {
      const name = `${team}-user${u}`;
      // A random-suffixed name is not known until the user is created.
      const userName = creating && rnd() < 0.5 ? unknown : name;
      const user = b.user(name, { ...opts, userName });
      count("iam user");
      const hasConsole = rnd() < 0.4;
      if (hasConsole) {
        b.loginProfile(`${name}-login`, user.out("name"), opts);
        count("login profile");
      }
      // Service users get keys; a console user rarely does (those are the findings).
      if (rnd() < (hasConsole ? 0.1 : 0.6)) {
        const owner = rnd() < 0.8 ? user.out("name") : user.out("id");
        b.accessKey(`${name}-key`, owner, { ...opts, status: rnd() < 0.1 ? "Inactive" : undefined });
        count("access key");
      }
    }
    if (t % 20 === 7) {
      b.nativeUser(`${team}-native`, { parent, existing, loginProfile: rnd() < 0.5 });
      count("aws-native user");
    }

    // Unrelated resources, with property bags of realistic size.
    const role = b.other(
      "aws:iam/role:Role",
      `${team}-role`,
      { assumeRolePolicy: assumeRolePolicy("lambda.amazonaws.com"), tags: TAGS(team) },
      opts,
    );
    computed(role, creating, { arn: `arn:aws:iam::123456789012:role/${team}-role`, id: `${team}-role` });
    count("other");
    const perTeam = 14 + Math.floor(rnd() * 10);
    for (let i = 0; i < perTeam; i++) {
      const r = rnd();
      let h: Handle;
      if (r < 0.3) {
        h = b.other("aws:s3/bucketV2:BucketV2", `${team}-bucket${i}`, { forceDestroy: false, tags: TAGS(team) }, opts);
        computed(h, creating, { arn: `arn:aws:s3:::${team}-bucket${i}`, bucketDomainName: `${team}-bucket${i}.s3` });
      } else if (r < 0.5) {
        h = b.other(
          "aws:lambda/function:Function",
          `${team}-fn${i}`,
          {
            role: role.out("arn"),
            runtime: "nodejs20.x",
            handler: "index.handler",
            memorySize: 256,
            timeout: 30,
            environment: { variables: { TABLE: `${team}-table`, STAGE: "prod", LOG_LEVEL: "info" } },
            tags: TAGS(team),
          },
          opts,
        );
        computed(h, creating, { arn: `arn:aws:lambda:eu-west-1:123456789012:function:${team}-fn${i}` });
      } else if (r < 0.65) {
        h = b.other("aws:cloudwatch/logGroup:LogGroup", `${team}-logs${i}`, { retentionInDays: 30 }, opts);
      } else if (r < 0.8) {
        h = b.other(
          "aws:ec2/securityGroup:SecurityGroup",
          `${team}-sg${i}`,
          {
            vpcId: "vpc-0abc",
            ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.0.0.0/8"] }],
            egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
            tags: TAGS(team),
          },
          opts,
        );
      } else if (r < 0.9) {
        h = b.other(
          "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
          `${team}-attach${i}`,
          { role: role.out("id"), policyArn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole" },
          opts,
        );
      } else {
        h = b.other(
          "aws:dynamodb/table:Table",
          `${team}-table${i}`,
          {
            billingMode: "PAY_PER_REQUEST",
            hashKey: "pk",
            attributes: [{ name: "pk", type: "S" }],
            tags: TAGS(team),
          },
          opts,
        );
      }
      computed(h, creating, { id: h.spec.name });
      count("other");
    }
  }
  counts.provider = b.resources.filter((r) => r.type.startsWith("pulumi:providers:")).length;
  return { resources: b.resources, counts };
}

/**
 * An IAM-dense stack: nearly every resource is an IAM user, login profile or access key, as in an
 * organisation's user directory managed by Pulumi. Per seven users: two console users with a key
 * (the findings), three console users without one, two service users with a key; a fifth of the
 * keys name their user through `user.id`. One finding per 16 resources: about 1,000 at 8k.
 */
export function generateIamDenseStack(target: number, mode: Mode, seed = 3): GeneratedStack {
  const rnd = prng(seed);
  const b = new StackBuilder({ stack: "bench", project: "directory", mode });
  const counts: Record<string, number> = {};
  const count = (kind: string) => (counts[kind] = (counts[kind] ?? 0) + 1);
  for (let i = 0; b.resources.length < target; i++) {
    const creating = mode === "preview" && rnd() < 0.1;
    const opts = { existing: !creating };
    const name = `user${i}`;
    const user = b.user(name, opts);
    count("iam user");
    const slot = i % 7;
    if (slot < 5 && b.resources.length < target) {
      b.loginProfile(`${name}-login`, user.out("name"), opts);
      count("login profile");
    }
    if ((slot < 2 || slot >= 5) && b.resources.length < target) {
      b.accessKey(`${name}-key`, rnd() < 0.8 ? user.out("name") : user.out("id"), opts);
      count("access key");
    }
  }
  counts.provider = b.resources.filter((r) => r.type.startsWith("pulumi:providers:")).length;
  return { resources: b.resources, counts };
}
