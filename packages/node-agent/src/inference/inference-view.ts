import type { ContainerDetails, ContainerSummary } from "../runtime/container-runtime.js";
import { fromLabels } from "./labels.js";

/** An inference as the API shows it; names follow the original agent's snake_case fields. */
export interface InferenceView {
  inference_id: string;
  /** Container name (the original agent's field). */
  name: string;
  /** Host port the inference's REST API is published on (the original agent's field). */
  port: number;
  docker_img_uri: string;
  image_id: string;
  inference_rest_api_port: number;
  inference_rest_api_forward_port: number;
  exp_id: string | null;
  state: string;
  status: string;
  created: string;
  container_id: string;
}

export interface InferenceDetailsView extends InferenceView {
  running: boolean;
  exit_code: number;
  restart_count: number;
  health: string | null;
  started_at: string | null;
  finished_at: string | null;
  error: string | null;
  ip_address: string | null;
}

/** The answer to a deployment: the inference, how it came up, and what it replaced. */
export interface DeploymentView extends InferenceDetailsView {
  readiness: { outcome: "ready"; waited_ms: number; address: string };
  /** The version this deployment replaced, if any. */
  replaced: { docker_img_uri: string; image_id: string } | null;
  /** Old images of this inference removed after the replacement. */
  pruned_images: string[];
}

export function inferenceView(container: ContainerSummary): InferenceView {
  const labels = fromLabels(container.labels);
  return {
    inference_id: labels.inferenceId,
    name: container.name,
    port: labels.hostPort,
    docker_img_uri: labels.image,
    image_id: container.imageId,
    inference_rest_api_port: labels.internalPort,
    inference_rest_api_forward_port: labels.hostPort,
    exp_id: labels.expId ?? null,
    state: container.state,
    status: container.status,
    created: container.created.toISOString(),
    container_id: container.id,
  };
}

export function inferenceDetailsView(container: ContainerDetails, network: string): InferenceDetailsView {
  return {
    ...inferenceView(container),
    running: container.running,
    exit_code: container.exitCode,
    restart_count: container.restartCount,
    health: container.health ?? null,
    started_at: container.startedAt?.toISOString() ?? null,
    finished_at: container.finishedAt?.toISOString() ?? null,
    error: container.error ?? null,
    ip_address: container.ipAddresses[network] ?? null,
  };
}
