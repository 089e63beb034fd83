import type { InferenceContext } from "./inference-context.js";
import { type InferenceDetailsView, type InferenceView, inferenceDetailsView, inferenceView } from "./inference-view.js";
import { isPrimary, managedContainers, requireInference } from "./managed-containers.js";

/** Every inference this agent manages, found by label in one engine call (never by name pattern). */
export async function listInferences(ctx: InferenceContext): Promise<InferenceView[]> {
  const containers = await managedContainers(ctx);
  return containers
    .filter(isPrimary)
    .map(inferenceView)
    .sort((a, b) => a.inference_id.localeCompare(b.inference_id));
}

export async function inspectInference(ctx: InferenceContext, inferenceId: string): Promise<InferenceDetailsView> {
  return inferenceDetailsView(await requireInference(ctx, inferenceId), ctx.policy.network);
}

export async function inferenceLogs(ctx: InferenceContext, inferenceId: string, tail: number): Promise<string[]> {
  const container = await requireInference(ctx, inferenceId);
  return ctx.runtime.containerLogs(container.id, tail);
}
