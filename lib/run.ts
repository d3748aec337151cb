// Which kind of run the pack is in, for sentences that are only true in one of them.

/**
 * - "preview": values of resources being created are unknown until the update.
 * - "update": the engine configured the stack for an update; values are known when analyzed.
 * - "analysis": no stack configuration at all, as in `pulumi policy analyze` (stored state).
 */
export type Run = "preview" | "update" | "analysis";

/**
 * What the CLI told the pack about this run. It sets PULUMI_NODEJS_DRY_RUN for every preview and
 * update (`constructEnv`, pkg/resource/plugin/analyzer_plugin.go; the 3.221+ proxy from ConfigureStack);
 * it is unset only when no stack is configured, as in `pulumi policy analyze`.
 */
export function currentRun(): Run {
  const dryRun = process.env.PULUMI_NODEJS_DRY_RUN;
  if (dryRun === "true") return "preview";
  return dryRun === "false" ? "update" : "analysis";
}

/** How to say that a value is unknown, true in this run. */
export function notKnown(run: Run = currentRun()): string {
  return run === "preview" ? "not known yet" : "unknown in this run";
}
