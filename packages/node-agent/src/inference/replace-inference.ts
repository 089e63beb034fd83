import type { ContainerDetails } from "../runtime/container-runtime.js";
import { buildContainerSpec, type InferenceRequest } from "./container-spec.js";
import { nextImageHistory, pruneImages } from "./image-pruning.js";
import type { InferenceContext } from "./inference-context.js";
import type { DeploymentView } from "./inference-view.js";
import { fromLabels, type ImageRecord } from "./labels.js";
import { describeDeployment, launchUntilReady } from "./launch-container.js";
import { candidateName, containersOf, isPrimary } from "./managed-containers.js";
import { waitUntilReady } from "./readiness.js";

/**
 * Replaces a deployed inference whose new image is already local. The old container keeps its name
 * and is only stopped (it may hold the host port); the new one starts under a candidate name. If the
 * new one does not come up it is removed and the old one started again; if it does, the old one is
 * removed, the new one takes the inference's name, and images beyond the last N are pruned.
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

  await removeLeftoverCandidates(ctx, request.inferenceId);
  await runtime.stopContainer(old.id, ctx.stopTimeoutSeconds);

  const restoreOld = async (): Promise<string> => {
    if (!wasRunning) return `The previous version (image ${oldLabels.image}) was kept, stopped as it was.`;
    try {
      await runtime.startContainer(old.id);
      const back = await waitUntilReady(
        runtime,
        {
          containerId: old.id,
          network: ctx.policy.network,
          internalPort: oldLabels.internalPort,
          hostIp: old.ports[0]?.hostIp ?? ctx.policy.hostIp,
          hostPort: oldLabels.hostPort,
        },
        ctx.readiness,
      );
      if (back.outcome === "ready")
        return `The previous version (image ${oldLabels.image}) was restored and accepts connections again.`;
      const why = back.outcome === "exited" ? `exited with code ${back.exitCode}` : "its port did not open in time";
      return `The previous version (image ${oldLabels.image}) was started again, but ${why}.`;
    } catch (err) {
      ctx.logger.error({ err, inference: request.inferenceId }, "could not restart the previous version");
      return `Restarting the previous version (image ${oldLabels.image}) failed too: ${(err as Error).message}`;
    }
  };

  const spec = buildContainerSpec(request, ctx.policy, { name: candidateName(request.inferenceId), imageHistory: history.kept });
  const { containerId, readiness } = await launchUntilReady(ctx, spec, restoreOld);

  await runtime.removeContainer(old.id);
  await runtime.renameContainer(containerId, request.inferenceId);
  const pruned = await pruneImages(ctx, history.dropped);
  ctx.logger.info(
    { inference: request.inferenceId, from: oldLabels.image, to: request.image, pruned, waitedMs: readiness.waitedMs },
    "inference replaced",
  );
  return describeDeployment(ctx, containerId, readiness, { docker_img_uri: oldLabels.image, image_id: old.imageId }, pruned);
}

/** Candidates left by an interrupted replacement would hold the host port; they never served. */
async function removeLeftoverCandidates(ctx: InferenceContext, inferenceId: string): Promise<void> {
  for (const container of await containersOf(ctx, inferenceId)) {
    if (!isPrimary(container)) await ctx.runtime.removeContainer(container.id);
  }
}
