import type { ContainerDetails } from "../runtime/container-runtime.js";
import { buildContainerSpec, type InferenceRequest } from "./container-spec.js";
import { nextImageHistory, pruneImages } from "./image-pruning.js";
import type { InferenceContext } from "./inference-context.js";
import type { DeploymentView } from "./inference-view.js";
import { fromLabels, type ImageRecord } from "./labels.js";
import { describeDeployment, launchUntilReady, waitUntilServing } from "./launch-container.js";
import { candidateName } from "./managed-containers.js";

/**
 * Replaces a deployed inference whose new image is already local. The candidate is created first, under a
 * candidate name, with the replacement's journal on it (whether the old container ran, which images to prune):
 * from then on a restarted agent finds the replacement and finishes or undoes it (finish-interrupted.ts). Only
 * then is the old container stopped (it keeps its name and, stopped, frees the host port for the candidate, which
 * Docker binds at start). If the candidate does not come up, it is stopped, the old one started again, and only
 * then is the candidate removed; if it does, the old one is removed, images beyond the last N are pruned and the
 * candidate takes the inference's name.
 */
export async function replaceInference(
  ctx: InferenceContext,
  request: InferenceRequest,
  old: ContainerDetails,
  image: ImageRecord,
): Promise<DeploymentView> {
  const { runtime } = ctx;
  const oldLabels = fromLabels(old.labels);
  const wasRunning = old.running || old.restarting;
  const history = nextImageHistory(
    image,
    oldLabels.imageHistory.length ? oldLabels.imageHistory : [{ id: old.imageId }],
    ctx.keepImages,
  );

  const spec = buildContainerSpec(request, ctx.policy, {
    name: candidateName(request.inferenceId),
    imageHistory: history.kept,
    replacement: { restartPrevious: wasRunning, pruneAfter: history.dropped },
  });
  const stopOld = () => runtime.stopContainer(old.id, ctx.stopTimeoutSeconds);
  const { containerId, readiness } = await launchUntilReady(ctx, spec, () => restorePrevious(ctx, old, wasRunning), stopOld);

  await runtime.removeContainer(old.id);
  const pruned = await pruneImages(ctx, history.dropped);
  await runtime.renameContainer(containerId, request.inferenceId);
  ctx.logger.info(
    { inference: request.inferenceId, from: oldLabels.image, to: request.image, pruned, waitedMs: readiness.waitedMs },
    "inference replaced",
  );
  return describeDeployment(ctx, containerId, readiness, { docker_img_uri: oldLabels.image, image_id: old.imageId }, pruned);
}

/**
 * The rollback of a replacement whose candidate did not come up: the previous container is started again if it ran
 * and waited for; the answer says in one sentence how that went.
 */
async function restorePrevious(ctx: InferenceContext, old: ContainerDetails, wasRunning: boolean): Promise<string> {
  const { image, inferenceId } = fromLabels(old.labels);
  if (!wasRunning) return `The previous version (image ${image}) was kept, stopped as it was.`;
  try {
    await ctx.runtime.startContainer(old.id);
    const back = await waitUntilServing(ctx, old);
    if (back.outcome === "ready") return `The previous version (image ${image}) was restored and accepts connections again.`;
    const why = back.outcome === "exited" ? `exited with code ${back.exitCode}` : "its port did not open in time";
    return `The previous version (image ${image}) was started again, but ${why}.`;
  } catch (err) {
    ctx.logger.error({ err, inference: inferenceId }, "could not restart the previous version");
    return `Restarting the previous version (image ${image}) failed too: ${(err as Error).message}`;
  }
}
