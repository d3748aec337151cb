// The policy documents of a stack, by what can name them: customer managed policies by resource and
// ARN, AWS managed policies by ARN (from the pack's copy), service control policies and whether the
// stack attaches them. Each document is decoded and compiled once, on first use, whatever number of
// users it reaches. Labels are what a message prints: resource names, and an ARN only when it is not
// marked secret (the attaching resource is named instead).

import { ResourceView } from "../model";
import { isSecret } from "../secrets";
import { IAM_POLICY_TYPES as T } from "../types";
import { read, readString, UNKNOWN } from "../values";
import { awsManagedDocument, awsManagedPolicyKey } from "./iam/aws-managed";
import { decodeDocument, Document, Unreadable } from "./iam/document";

/** A policy document and its label; the document is decoded on first use, then kept. */
export class PolicyRecord {
  private decoded?: Document;
  constructor(
    readonly label: string,
    private readonly decode: () => Document,
  ) {}
  get document(): Document {
    return (this.decoded ??= this.decode());
  }
}

/** A service control policy managed in the stack, and the targets (root, OU, account) the stack attaches it to. */
export interface ScpRecord {
  policy: PolicyRecord;
  attached: boolean;
  /** Target ids; a target not known yet counts as a target of its own. */
  targets: Set<string>;
}

export const quoted = (text: string) => `"${text}"`;

/** The last part of an ARN (`.../name`), or the whole text. */
const lastPart = (arn: string) => arn.slice(arn.lastIndexOf("/") + 1);

export class PolicyCatalog {
  private readonly byUrn = new Map<string, PolicyRecord>();
  private readonly byArn = new Map<string, PolicyRecord>();
  /** Policies whose ARN is not known yet (preview), by name: an attachment may name them by ARN. */
  private readonly pendingByName = new Map<string, PolicyRecord>();
  private readonly scpByUrn = new Map<string, ScpRecord>();
  private readonly scpById = new Map<string, ScpRecord>();
  readonly scps: ScpRecord[] = [];

  /** Records a customer managed policy or an SCP resource; other types are ignored. */
  add(r: ResourceView): void {
    if (r.type === T.policy || r.type === T.nativeManagedPolicy) {
      const native = r.type === T.nativeManagedPolicy;
      const record = new PolicyRecord(`${native ? "managed policy" : "policy"} ${quoted(r.name)}`, () =>
        decodeDocument(read(r.props, native ? "policyDocument" : "policy")),
      );
      this.byUrn.set(r.urn, record);
      const arn = readString(r.props, native ? "policyArn" : "arn");
      if (typeof arn === "string") this.byArn.set(arn, record);
      const name = readString(r.props, native ? "managedPolicyName" : "name");
      if (arn === UNKNOWN && typeof name === "string") this.pendingByName.set(name, record);
    } else if (r.type === T.organizationsPolicy && readString(r.props, "type") === "SERVICE_CONTROL_POLICY") {
      const record: ScpRecord = {
        policy: new PolicyRecord(`service control policy ${quoted(r.name)}`, () =>
          decodeDocument(read(r.props, "content")),
        ),
        attached: false,
        targets: new Set(),
      };
      this.scps.push(record);
      this.scpByUrn.set(r.urn, record);
      const arn = readString(r.props, "arn");
      if (typeof arn === "string") this.scpById.set(lastPart(arn), record);
    }
  }

  /** An SCP attachment (`by`): the SCP by the resource its `policyId` came from, or by the id. */
  attachScp(by: ResourceView, urns: readonly string[]): void {
    const id = readString(by.props, "policyId");
    const target = readString(by.props, "targetId");
    const attach = (scp: ScpRecord | undefined) => {
      if (!scp) return;
      scp.attached = true;
      scp.targets.add(typeof target === "string" ? `id:${target}` : `attachment:${by.urn}`);
    };
    for (const urn of urns) attach(this.scpByUrn.get(urn));
    if (typeof id === "string") attach(this.scpById.get(id));
  }

  /** The customer managed policy resource of this URN. */
  ofUrn(urn: string): PolicyRecord | undefined {
    return this.byUrn.get(urn);
  }

  /** The policy an ARN names, attached by the resource `by`. */
  ofArn(arn: string, by: ResourceView): PolicyRecord {
    const known = this.byArn.get(arn) ?? this.pendingByName.get(lastPart(arn));
    if (known) return known;
    const key = awsManagedPolicyKey(arn);
    // An ARN the program marked secret is not printed: the attaching resource is named instead.
    const secret = isSecret(arn);
    if (key !== undefined) {
      const label = secret
        ? `the AWS managed policy attached by ${quoted(by.name)} (its ARN is secret)`
        : `AWS managed policy ${quoted(lastPart(arn))}`;
      return new PolicyRecord(label, () => awsManagedDocument(key) ?? { unreadable: "unlisted" });
    }
    const label = secret
      ? `the policy attached by ${quoted(by.name)} (its ARN is secret)`
      : `policy ${quoted(lastPart(arn))}`;
    return new PolicyRecord(label, () => ({ unreadable: "outside" }));
  }
}

/** A policy that cannot be read, for this reason. */
export function unreadablePolicy(label: string, reason: Unreadable): PolicyRecord {
  return new PolicyRecord(label, () => ({ unreadable: reason }));
}

/** A document held in property `prop` of `holder` (a resource's props, or an inline policy entry). */
export function documentAt(holder: unknown, label: string, prop: string): PolicyRecord {
  return new PolicyRecord(label, () => decodeDocument(read(holder, prop)));
}
