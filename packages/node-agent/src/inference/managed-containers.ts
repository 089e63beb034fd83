import { randomBytes } from "node:crypto";
import { HttpProblem } from "@clarus/common";
import type { ContainerDetails, ContainerSummary } from "../runtime/container-runtime.js";
import type { InferenceContext } from "./inference-context.js";
import { LABEL, managedFilter } from "./labels.js";

/**
 * An inference's container carries its id as name. During a replacement the new container runs
 * under a candidate name until it proved ready; only then it takes the inference's name.
 */
export function isPrimary(container: ContainerSummary): boolean {
  return container.name === container.labels[LABEL.inferenceId];
}

export function candidateName(inferenceId: string): string {
  return `${inferenceId}.next-${randomBytes(3).toString("hex")}`;
}

/** Created by this agent (another agent on the same engine has another AGENT_NAME). */
export function isManaged(ctx: InferenceContext, container: ContainerSummary): boolean {
  return container.labels[LABEL.managedBy] === ctx.policy.agentName;
}

/** Every container of one inference (primary and leftover candidates), stopped ones included. */
export function containersOf(ctx: InferenceContext, inferenceId: string): Promise<ContainerSummary[]> {
  return ctx.runtime.listContainers({
    all: true,
    labels: [managedFilter(ctx.policy.agentName), `${LABEL.inferenceId}=${inferenceId}`],
  });
}

/** The inference's container, or a 404 that says why there is none. */
export async function requireInference(ctx: InferenceContext, inferenceId: string): Promise<ContainerDetails> {
  const container = await ctx.runtime.inspectContainer(inferenceId);
  if (!container)
    throw new HttpProblem(404, `No inference "${inferenceId}" exists on this node.`, { type: "inference-not-found" });
  if (!isManaged(ctx, container) || !isPrimary(container)) {
    throw new HttpProblem(
      404,
      `The container "${inferenceId}" was not created by this agent, so it is not an inference; it was left alone.`,
      {
        type: "inference-not-found",
      },
    );
  }
  return container;
}
