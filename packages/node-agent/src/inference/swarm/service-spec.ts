import type { PublishMode, RolloutPolicy, ServiceSpec } from "../../runtime/service-runtime.js";
import { buildContainerSpec, type InferenceRequest } from "../container-spec.js";
import { LABEL } from "../labels.js";
import type { SwarmContext } from "./swarm-context.js";

/**
 * The rollout when the request names none. start-first needs the routing mesh: with host-mode publishing the new
 * task cannot bind the port the old one holds on the same node, and would wait for a free node forever.
 */
export function defaultRolloutOrder(publishMode: PublishMode): RolloutPolicy["order"] {
  return publishMode === "ingress" ? "start-first" : "stop-first";
}

/** The service an inference runs as: the docker backend's container spec, replicated, placed and rolled out. */
export function buildServiceSpec(ctx: SwarmContext, request: InferenceRequest, pinnedImage: string): ServiceSpec {
  const container = buildContainerSpec({ ...request, image: pinnedImage }, ctx.policy, {
    name: request.inferenceId,
    imageHistory: [{ id: pinnedImage.split("@")[1] ?? "" }],
  });
  // The label keeps the reference as the caller sent it; the spec's image is pinned to the digest.
  container.labels[LABEL.image] = request.image;
  return {
    container,
    replicas: request.replicas ?? 1,
    placement: request.placement ?? [],
    publishMode: ctx.publishMode,
    rollout: { ...ctx.rollout, ...request.update },
  };
}
