// The engine's request sequences for one deployment, with every diagnostic and not-applicable entry as
// the engine receives them (full messages, pack name included). Sources: pulumi/pulumi 1b5949891b3c,
// pkg/engine/update.go (Configure: ReconcilePolicyPackConfig), and for `pulumi policy analyze`
// pkg/resource/deploy/analyze_snapshot.go (AnalyzeSnapshot: Remediate and Analyze per resource, then
// AnalyzeStack; no ConfigureStack).

import { analyzeRequest, analyzerpb, emptypb, PackProcess, stackResource } from "./pack";
import { ResourceSpec } from "./wire";

export type Obj = Record<string, unknown>;

export interface Run {
  analyze: Obj[];
  analyzeNotApplicable: Obj[];
  remediations: number;
  stack: Obj[];
  stackNotApplicable: Obj[];
}

export const LEVEL_NUMBER: Record<string, number> = { advisory: 0, mandatory: 1, disabled: 2, remediate: 3 };
export const LEVEL_NAME = ["advisory", "mandatory", "disabled", "remediate"];

/** What GetAnalyzerInfo says of each policy, as far as Configure needs it. */
export interface PoliciesInfo {
  getPoliciesList(): Array<{
    getName(): string;
    getEnforcementlevel(): number;
    getConfigschema(): { getProperties(): { toJavaScript(): Record<string, { default?: unknown }> } } | undefined;
  }>;
}

/**
 * Configure as the engine reconciles it (pkg/engine/update.go, ReconcilePolicyPackConfig): every policy
 * of the pack, the file's level or else the policy's own, and its schema defaults under the file's values.
 */
export function reconciledConfig(
  info: PoliciesInfo,
  file: Record<string, unknown>,
): Record<string, { enforcementLevel: number; properties: Obj }> {
  const config: Record<string, { enforcementLevel: number; properties: Obj }> = {};
  for (const p of info.getPoliciesList()) {
    const entry = file[p.getName()];
    const { enforcementLevel, ...props } = (
      typeof entry === "string" ? { enforcementLevel: entry } : (entry ?? {})
    ) as {
      enforcementLevel?: string;
    } & Obj;
    const properties: Obj = {};
    for (const [k, v] of Object.entries(p.getConfigschema()?.getProperties().toJavaScript() ?? {})) {
      if (v && "default" in v) properties[k] = v.default;
    }
    config[p.getName()] = {
      enforcementLevel: enforcementLevel ? LEVEL_NUMBER[enforcementLevel] : p.getEnforcementlevel(),
      properties: { ...properties, ...props },
    };
  }
  return config;
}

/** GetAnalyzerInfo, then Configure as the engine sends it. */
export async function configureAsEngine(pack: PackProcess, file: Record<string, unknown>): Promise<void> {
  const info = await pack.raw<PoliciesInfo>("getAnalyzerInfo", new emptypb.Empty());
  await pack.configureExactly(reconciledConfig(info, file));
}

interface Msg {
  toObject(): Obj;
}
interface RpcResult {
  getDiagnosticsList(): Msg[];
  getNotApplicableList(): Msg[];
}

/** One deployment's requests, with every diagnostic and not-applicable entry as the engine receives them. */
export async function deployment(
  pack: PackProcess,
  specs: ResourceSpec[],
  mode: "preview" | "update" | "analyze",
  config: Record<string, unknown>,
): Promise<Run> {
  if (mode !== "analyze") await pack.configureStack("prod", "app", mode === "preview");
  await configureAsEngine(pack, config);
  const out: Run = { analyze: [], analyzeNotApplicable: [], remediations: 0, stack: [], stackNotApplicable: [] };
  for (const spec of specs) {
    const remediated = await pack.raw<{ getRemediationsList(): unknown[] }>("remediate", analyzeRequest(spec));
    out.remediations += remediated.getRemediationsList().length;
    const res = await pack.raw<RpcResult>("analyze", analyzeRequest(spec));
    // The engine attributes a resource policy's diagnostic to the analyzed resource; the SDK leaves urn empty.
    out.analyze.push(...res.getDiagnosticsList().map((d) => ({ resource: spec.urn, ...d.toObject() })));
    out.analyzeNotApplicable.push(...res.getNotApplicableList().map((n) => ({ urn: spec.urn, ...n.toObject() })));
  }
  const req = new analyzerpb.AnalyzeStackRequest();
  req.setResourcesList(specs.map(stackResource));
  const res = await pack.raw<RpcResult>("analyzeStack", req);
  out.stack = res.getDiagnosticsList().map((d) => d.toObject());
  out.stackNotApplicable = res.getNotApplicableList().map((n) => n.toObject());
  return out;
}
