// Resource type tokens this pack understands, and the property names that matter for each.

export const TYPES = {
  user: "aws:iam/user:User",
  loginProfile: "aws:iam/userLoginProfile:UserLoginProfile",
  accessKey: "aws:iam/accessKey:AccessKey",
  nativeUser: "aws-native:iam:User",
  // Not in aws-native today; handled the same way should it appear.
  nativeAccessKey: "aws-native:iam:AccessKey",
} as const;

/** Types that are IAM users: a key or login profile may name them. */
export const USER_TYPES: ReadonlySet<string> = new Set([TYPES.user, TYPES.nativeUser]);

/** Types this pack reads at all; everything else is skipped without reading a property. */
export const RELEVANT_TYPES: ReadonlySet<string> = new Set(Object.values(TYPES));

/** The property holding a user's name, per type. */
export const USER_NAME_PROP: Readonly<Record<string, string>> = {
  [TYPES.user]: "name",
  [TYPES.nativeUser]: "userName",
};

/** The property naming the user a key or login profile belongs to, per type. */
export const OWNER_PROP: Readonly<Record<string, string>> = {
  [TYPES.loginProfile]: "user",
  [TYPES.accessKey]: "user",
  [TYPES.nativeAccessKey]: "userName",
};

/** Outputs that only exist once a resource was created: unknown means it is being created. */
export const CREATED_OUTPUTS: Readonly<Record<string, readonly string[]>> = {
  [TYPES.user]: ["arn", "uniqueId"],
  [TYPES.nativeUser]: ["arn"],
  [TYPES.loginProfile]: ["password", "encryptedPassword", "keyFingerprint"],
  [TYPES.accessKey]: ["createDate", "secret", "encryptedSecret"],
  [TYPES.nativeAccessKey]: ["secretAccessKey", "id"],
};

export function isProviderType(type: string): boolean {
  return type.startsWith("pulumi:providers:");
}

/**
 * IAM types that decide whether a user can create their own access key: read only when a finding
 * needs that answer (lib/readiness/), never on stacks without findings.
 */
export const IAM_POLICY_TYPES = {
  userPolicy: "aws:iam/userPolicy:UserPolicy",
  userPolicyAttachment: "aws:iam/userPolicyAttachment:UserPolicyAttachment",
  policyAttachment: "aws:iam/policyAttachment:PolicyAttachment",
  policy: "aws:iam/policy:Policy",
  group: "aws:iam/group:Group",
  groupPolicy: "aws:iam/groupPolicy:GroupPolicy",
  groupPolicyAttachment: "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
  groupMembership: "aws:iam/groupMembership:GroupMembership",
  userGroupMembership: "aws:iam/userGroupMembership:UserGroupMembership",
  nativeManagedPolicy: "aws-native:iam:ManagedPolicy",
  nativeGroup: "aws-native:iam:Group",
  nativeUserPolicy: "aws-native:iam:UserPolicy",
  nativeGroupPolicy: "aws-native:iam:GroupPolicy",
  organizationsPolicy: "aws:organizations/policy:Policy",
  organizationsPolicyAttachment: "aws:organizations/policyAttachment:PolicyAttachment",
} as const;

/** Types the self-service answer reads: the IAM policy types, and the users they attach to. */
export const SELF_SERVICE_TYPES: ReadonlySet<string> = new Set([
  ...Object.values(IAM_POLICY_TYPES),
  TYPES.user,
  TYPES.nativeUser,
]);
