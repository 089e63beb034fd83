import { finishInterrupted } from "./finish-interrupted.js";
import type { InferenceContext } from "./inference-context.js";
import { LABEL } from "./labels.js";
import { removalName, requireInference } from "./managed-containers.js";

export interface RemovalView {
  inference_id: string;
  removed: true;
  container_id: string;
  docker_img_uri: string;
}

/**
 * Stops (gracefully) and removes an inference's container. It first takes a removal name, the journal a restarted
 * agent finds if it is killed during the stop (it then finishes the removal); an interrupted change is finished first.
 */
export async function removeInference(ctx: InferenceContext, inferenceId: string): Promise<RemovalView> {
  await finishInterrupted(ctx, inferenceId);
  const container = await requireInference(ctx, inferenceId);
  await ctx.runtime.renameContainer(container.id, removalName(inferenceId));
  await ctx.runtime.stopContainer(container.id, ctx.stopTimeoutSeconds);
  await ctx.runtime.removeContainer(container.id);
  ctx.logger.info({ inference: inferenceId, container: container.id }, "inference removed");
  return removalView(inferenceId, container);
}

/** The answer to a removal, on either backend: `container_id` holds the id of the container or the service removed. */
export function removalView(
  inferenceId: string,
  removed: { id: string; image: string; labels: Record<string, string> },
): RemovalView {
  return {
    inference_id: inferenceId,
    removed: true,
    container_id: removed.id,
    docker_img_uri: removed.labels[LABEL.image] ?? removed.image,
  };
}
