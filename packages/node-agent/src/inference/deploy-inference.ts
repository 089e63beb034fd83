import { buildContainerSpec, type InferenceRequest } from "./container-spec.js";
import { checkDeployRequest, refuseClusterFields } from "./deploy-checks.js";
import { finishInterrupted } from "./finish-interrupted.js";
import { pruneImages } from "./image-pruning.js";
import type { InferenceContext } from "./inference-context.js";
import { InferenceError } from "./inference-error.js";
import type { DeploymentView } from "./inference-view.js";
import { fromLabels, type ImageRecord } from "./labels.js";
import { assertHostPortFree, describeDeployment, ensureNetwork, launchUntilReady } from "./launch-container.js";
import { holderOfName } from "./managed-containers.js";
import { replaceInference } from "./replace-inference.js";

/**
 * Pulls the image (always: a moved tag must be picked up) and runs it as the inference, replacing a
 * running version safely; a change to this inference an agent stop interrupted is finished first. Callers
 * serialise calls per inference id.
 */
export async function deployInference(ctx: InferenceContext, request: InferenceRequest): Promise<DeploymentView> {
  const reference = checkDeployRequest(ctx, request);
  refuseClusterFields(request);
  await finishInterrupted(ctx, request.inferenceId);
  const holder = await holderOfName(ctx, request.inferenceId);
  if (holder.kind === "other") {
    throw new InferenceError(
      "name-conflict",
      `A container named "${request.inferenceId}" exists that is not an inference of this agent; choose another inference_id or remove that container.`,
      { errors: [{ location: "body", field: "inference_id", message: "taken by another container" }] },
    );
  }
  const existing = holder.kind === "inference" ? holder.container : undefined;
  await assertHostPortFree(ctx, request.hostPort, existing?.id);
  await ensureNetwork(ctx);

  const image = { ...request, image: reference.pullReference };
  const localBefore = await ctx.runtime.imageId(image.image);
  await ctx.runtime.pullImage({ reference: image.image, registry: reference.registry });
  const imageId = await ctx.runtime.imageId(image.image);
  if (!imageId) throw new InferenceError("engine-error", `The engine reported ${image.image} as pulled, but it is not there.`);
  ctx.logger.info({ inference: request.inferenceId, image: image.image, imageId }, "image pulled");
  // The pull made the tag name this image: the tag is the agent's to remove when the image is pruned.
  const pulled = imageId !== localBefore;
  const record: ImageRecord = { id: imageId, pulled: pulled ? image.image : undefined };

  try {
    return existing ? await replaceInference(ctx, image, existing, record) : await deployNew(ctx, image, record);
  } catch (err) {
    // An image this failed deployment brought onto the disk is of no use to anyone: do not let failures fill the disk.
    const known = existing ? [existing.imageId, ...fromLabels(existing.labels).imageHistory.map((record) => record.id)] : [];
    if (pulled && !known.includes(imageId)) await pruneImages(ctx, [{ id: imageId, pulled: image.image }]);
    throw err;
  }
}

async function deployNew(ctx: InferenceContext, request: InferenceRequest, image: ImageRecord): Promise<DeploymentView> {
  const spec = buildContainerSpec(request, ctx.policy, { name: request.inferenceId, imageHistory: [image] });
  const { containerId, readiness } = await launchUntilReady(ctx, spec, async () => "");
  ctx.logger.info({ inference: request.inferenceId, container: containerId, waitedMs: readiness.waitedMs }, "inference deployed");
  return describeDeployment(ctx, containerId, readiness, null, []);
}
