// A Pulumi project on disk, and the engine-side record of one run of its program.

import * as fs from "fs";
import * as path from "path";

// js-yaml ships with @pulumi/pulumi (it reads Pulumi.yaml files itself).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const yaml: { load(text: string): unknown } = require("js-yaml");

export const DEFAULT_STACK = "dev";

export interface Project {
  dir: string;
  name: string;
  runtime: string;
  stack: string;
  /** Stack config from Pulumi.<stack>.yaml; secure values stay `{secure: ...}`. */
  config: Record<string, unknown>;
}

export function loadProject(dir: string, stack = DEFAULT_STACK): Project {
  const manifest = yaml.load(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8")) as Record<string, unknown>;
  const runtime = manifest.runtime;
  const runtimeName = typeof runtime === "string" ? runtime : (runtime as { name?: string } | undefined)?.name;
  let config: Record<string, unknown> = {};
  const stackFile = path.join(dir, `Pulumi.${stack}.yaml`);
  if (fs.existsSync(stackFile)) {
    const parsed = yaml.load(fs.readFileSync(stackFile, "utf8")) as { config?: Record<string, unknown> } | null;
    config = parsed?.config ?? {};
  }
  return { dir, name: String(manifest.name), runtime: String(runtimeName), stack, config };
}

/** One resource as the engine records it after its step (state-file shape, values in wire form). */
export interface Registration {
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  parent: string;
  /** Provider reference "<provider urn>::<provider id>"; "" for components and providers. */
  provider: string;
  /** The unknown sentinel while not known (preview of a create); "" for components. */
  id: string;
  /** Checked inputs: what Analyze gets. */
  inputs: Record<string, unknown>;
  /** What AnalyzeStack gets. */
  outputs: Record<string, unknown>;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  /** Registered by the engine itself, not by the program. */
  defaultProvider?: boolean;
}

export interface ProgramRecord {
  project: string;
  stack: string;
  mode: "preview" | "update";
  /** In the order the engine received the registrations. */
  registrations: Registration[];
}
