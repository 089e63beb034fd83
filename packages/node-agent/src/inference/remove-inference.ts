import type { InferenceContext } from "./inference-context.js";
import { LABEL } from "./labels.js";
import { containersOf, requireInference } from "./managed-containers.js";

export interface RemovalView {
  inference_id: string;
  removed: true;
  container_id: string;
  docker_img_uri: string;
}

/** Stops (gracefully) and removes an inference's container, and any candidate an interrupted replacement left. */
export async function removeInference(ctx: InferenceContext, inferenceId: string): Promise<RemovalView> {
  const container = await requireInference(ctx, inferenceId);
  await ctx.runtime.stopContainer(container.id, ctx.stopTimeoutSeconds);
  await ctx.runtime.removeContainer(container.id);
  for (const leftover of await containersOf(ctx, inferenceId)) await ctx.runtime.removeContainer(leftover.id);
  ctx.logger.info({ inference: inferenceId, container: container.id }, "inference removed");
  return {
    inference_id: inferenceId,
    removed: true,
    container_id: container.id,
    docker_img_uri: container.labels[LABEL.image] ?? container.image,
  };
}
