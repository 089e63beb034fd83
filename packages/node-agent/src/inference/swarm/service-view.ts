import type { NodeSummary, ServiceDetails, TaskSummary } from "../../runtime/service-runtime.js";
import type { InferenceDetailsView, InferenceView } from "../inference-view.js";
import { fromLabels } from "../labels.js";

/** One task of an inference's service, as inspect shows it. */
export interface TaskView {
  id: string;
  slot: number;
  node: string;
  state: string;
  desired_state: string;
  error: string | null;
  exit_code: number | null;
  container_id: string | null;
  address: string | null;
  image: string;
  updated: string;
}

export interface ServiceDetailsView extends InferenceDetailsView {
  service_id: string;
  replicas: { desired: number; running: number };
  rollout: { state: string; message: string };
  tasks: TaskView[];
}

/** The digest a pinned reference names (`repo:tag@sha256:…`), the swarm counterpart of an image id. */
export function imageDigest(reference: string): string {
  return reference.split("@")[1] ?? "";
}

const live = (task: TaskSummary) => task.desiredState === "running";

/** The service's tasks that should run now (not the history of replaced and failed ones), newest first. */
export function currentTasks(tasks: TaskSummary[]): TaskSummary[] {
  return tasks.filter(live);
}

function running(tasks: TaskSummary[]): TaskSummary[] {
  return tasks.filter((task) => live(task) && task.state === "running");
}

/**
 * "running" when every desired replica runs; otherwise the newest current task's state (pending, starting,
 * failed…), so that the listing's `state` means the same as the docker backend's container state.
 */
function serviceState(service: ServiceDetails, tasks: TaskSummary[]): string {
  if (service.replicas === 0) return "stopped";
  if (running(tasks).length >= service.replicas) return "running";
  return currentTasks(tasks)[0]?.state ?? tasks[0]?.state ?? "pending";
}

export function serviceView(service: ServiceDetails, tasks: TaskSummary[]): InferenceView {
  const labels = fromLabels(service.labels);
  const up = running(tasks);
  const rolling = service.rollout.state === "updating" || service.rollout.state === "rollback_started";
  return {
    inference_id: labels.inferenceId,
    name: service.name,
    port: labels.hostPort,
    docker_img_uri: labels.image,
    image_id: imageDigest(service.image),
    inference_rest_api_port: labels.internalPort,
    inference_rest_api_forward_port: labels.hostPort,
    exp_id: labels.expId ?? null,
    state: serviceState(service, tasks),
    status: `${up.length}/${service.replicas} tasks running${rolling ? ` (${service.rollout.state.replace("_", " ")})` : ""}`,
    created: service.created.toISOString(),
    container_id: up[0]?.containerId ?? "",
  };
}

export function serviceDetailsView(
  service: ServiceDetails,
  tasks: TaskSummary[],
  nodes: NodeSummary[],
  network: string,
  /** The health-check status of the running task's container, where this engine can see it. */
  health?: string,
): ServiceDetailsView {
  const up = running(tasks);
  const newest = tasks[0];
  const ended = tasks.find((task) => !live(task) || task.state !== "running");
  const hostname = (id: string) => nodes.find((node) => node.id === id)?.hostname ?? id;
  return {
    ...serviceView(service, tasks),
    running: up.length > 0,
    exit_code: ended?.exitCode ?? 0,
    // Swarm replaces a task that exits with a new one: the failed ones it still reports are the restarts.
    restart_count: tasks.filter((task) => task.state === "failed").length,
    health: health ?? null,
    started_at: up[0]?.updated.toISOString() ?? null,
    finished_at: up.length === 0 && newest ? newest.updated.toISOString() : null,
    error: (currentTasks(tasks)[0] ?? newest)?.error ?? null,
    ip_address: up[0]?.addresses[network] ?? null,
    service_id: service.id,
    replicas: { desired: service.replicas, running: up.length },
    rollout: service.rollout,
    tasks: tasks.map((task) => ({
      id: task.id,
      slot: task.slot,
      node: hostname(task.nodeId),
      state: task.state,
      desired_state: task.desiredState,
      error: task.error ?? null,
      exit_code: task.exitCode ?? null,
      container_id: task.containerId ?? null,
      address: task.addresses[network] ?? null,
      image: task.image,
      updated: task.updated.toISOString(),
    })),
  };
}
