import type { InferenceContext } from "./inference-context.js";
import { LABEL } from "./labels.js";
import { isPrimary, managedContainers } from "./managed-containers.js";

/**
 * Finishes deployments an agent stop interrupted (run once at start-up). A candidate beside its
 * primary never proved ready: it is removed and the stopped primary started again. A candidate
 * without a primary had proved ready (the primary is removed only then): it takes the name. Every
 * inference ends with the unless-stopped policy (it has "no" only while proving ready).
 */
export async function recoverInterruptedReplacements(ctx: InferenceContext): Promise<string[]> {
  // Never a foreign container that copies the agent's labels from its image (see isManaged).
  const containers = await managedContainers(ctx);
  const recovered: string[] = [];
  for (const candidate of containers.filter((c) => !isPrimary(c) && c.state !== "removing")) {
    const inferenceId = candidate.labels[LABEL.inferenceId] ?? "";
    const primary = containers.find((c) => isPrimary(c) && c.labels[LABEL.inferenceId] === inferenceId);
    if (primary) {
      await ctx.runtime.removeContainer(candidate.id);
      await ctx.runtime.startContainer(primary.id);
    } else {
      await ctx.runtime.renameContainer(candidate.id, inferenceId);
      await ctx.runtime.startContainer(candidate.id);
    }
    ctx.logger.warn({ inference: inferenceId, kept: primary ? "previous" : "new" }, "finished an interrupted replacement");
    recovered.push(inferenceId);
  }
  for (const container of await managedContainers(ctx)) {
    const details = await ctx.runtime.inspectContainer(container.id);
    if (details && details.restartPolicy !== "unless-stopped") await ctx.runtime.setRestartPolicy(container.id, "unless-stopped");
  }
  return recovered;
}
