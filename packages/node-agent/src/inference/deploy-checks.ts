import type { InferenceRequest } from "./container-spec.js";
import { type ImageReference, parseImageReference } from "./image-reference.js";
import { InferenceError } from "./inference-error.js";
import { registryAllowed } from "./inference-rules.js";

/** What the operator allows every deployment, whatever the backend. */
export interface DeployRules {
  /** Registry hosts images may come from; empty = any. */
  allowedRegistries: string[];
  /** GPUs may be reserved (ALLOW_GPUS=true). */
  allowGpus: boolean;
  /** Lowest host port a deployment may publish (MIN_HOST_PORT). */
  minHostPort: number;
}

/**
 * The checks every backend makes before it touches the engine: a host port from MIN_HOST_PORT, a valid image
 * reference from an allowed registry, and GPUs only by the operator's consent. Answers the parsed reference.
 */
export function checkDeployRequest(rules: DeployRules, request: InferenceRequest): ImageReference {
  const { minHostPort } = rules;
  if (request.hostPort < minHostPort) {
    const message = `must be at least ${minHostPort} (MIN_HOST_PORT, an operator setting)`;
    throw new InferenceError(
      "invalid-request",
      `inference_rest_api_forward_port ${request.hostPort} is below ${minHostPort}: ports under MIN_HOST_PORT are kept for the host's own services. Choose a port from ${minHostPort}, or have the operator lower MIN_HOST_PORT.`,
      { errors: [{ location: "body", field: "inference_rest_api_forward_port", message }] },
    );
  }
  const reference = parseImageReference(request.image);
  if ("error" in reference) {
    throw new InferenceError("invalid-request", `docker_img_uri "${request.image}": ${reference.error}`, {
      errors: [{ location: "body", field: "docker_img_uri", message: reference.error }],
    });
  }
  if (!registryAllowed(reference.registry, rules.allowedRegistries)) {
    throw new InferenceError(
      "registry-not-allowed",
      `Images from ${reference.registry} are not allowed here; ALLOWED_REGISTRIES is ${rules.allowedRegistries.join(", ")}.`,
      {
        errors: [
          { location: "body", field: "docker_img_uri", message: `registry ${reference.registry} is not in ALLOWED_REGISTRIES` },
        ],
      },
    );
  }
  if (request.gpus && !rules.allowGpus) {
    throw new InferenceError(
      "gpus-not-allowed",
      "GPUs are not allowed on this node: the operator must start the agent with ALLOW_GPUS=true to let inferences reserve them.",
      { errors: [{ location: "body", field: "gpus", message: "needs ALLOW_GPUS=true" }] },
    );
  }
  return reference;
}

/** An invalid request naming a deploy field this backend cannot honour, and what would. */
export function unsupportedField(field: string, reason: string): InferenceError {
  return new InferenceError("invalid-request", `${field}: ${reason}`, {
    errors: [{ location: "body", field, message: reason }],
  });
}

/** The swarm-only fields refused by the docker backend (one container per inference on one engine). */
export function refuseClusterFields(request: InferenceRequest): void {
  const needsSwarm = "needs RUNTIME=swarm; this agent runs one container per inference on one Docker engine (RUNTIME=docker)";
  if (request.replicas !== undefined && request.replicas !== 1) throw unsupportedField("replicas", `more than 1 ${needsSwarm}`);
  if (request.placement?.length) throw unsupportedField("placement", needsSwarm);
  if (request.update) throw unsupportedField("update", needsSwarm);
}
