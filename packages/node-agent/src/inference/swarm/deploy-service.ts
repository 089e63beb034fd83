import type { ServiceDetails, ServiceSpec } from "../../runtime/service-runtime.js";
import type { InferenceRequest } from "../container-spec.js";
import { checkDeployRequest, unsupportedField } from "../deploy-checks.js";
import { InferenceError } from "../inference-error.js";
import type { DeploymentView } from "../inference-view.js";
import { fromLabels, LABEL } from "../labels.js";
import { portHeldByProcess } from "../port-held-by-process.js";
import { privilegeHints, unknownUserProblem } from "../privilege-hints.js";
import { awaitRollout, type RolloutOutcome, rollBack } from "./await-rollout.js";
import { finishInterruptedRollout, markDeployment, unmarkDeployment } from "./finish-rollout.js";
import { describeService, isManagedService } from "./read-services.js";
import { buildServiceSpec } from "./service-spec.js";
import { imageDigest } from "./service-view.js";
import type { SwarmContext } from "./swarm-context.js";

const LOG_LINES_IN_ERRORS = 20;

/**
 * port-taken when another service publishes the port (swarm reserves a published port cluster-wide), or a container outside
 * the swarm publishes it on this node.
 */
async function assertPortFree(ctx: SwarmContext, port: number, except?: string): Promise<void> {
  const holder = (await ctx.services.servicesPublishing(port)).find((service) => service.id !== except);
  const container = holder ? undefined : (await ctx.services.containersPublishing(port))[0];
  if (!holder && !container) return;
  const inferenceId = holder && isManagedService(ctx, holder) ? holder.labels[LABEL.inferenceId] : undefined;
  const who = inferenceId
    ? `inference "${inferenceId}"`
    : holder
      ? `service "${holder.name}" (not managed by this agent)`
      : `container "${container?.name}" (not managed by this agent)`;
  throw new InferenceError("port-taken", `Host port ${port} is already published by ${who}.`, {
    errors: [{ location: "body", field: "inference_rest_api_forward_port", message: `in use by ${who}` }],
    extensions: {
      held_by: holder
        ? { inference_id: inferenceId ?? null, service: holder.name, service_id: holder.id }
        : { inference_id: null, container: container?.name, container_id: container?.id },
    },
  });
}

/** Services join an attachable overlay network; a local bridge of that name cannot carry them. */
async function ensureOverlayNetwork(ctx: SwarmContext): Promise<void> {
  const { network } = ctx.policy;
  const found = await ctx.services.network(network);
  const create = `docker network create --driver overlay --attachable ${network}`;
  if (found && found.scope !== "swarm") {
    throw new InferenceError(
      "network-missing",
      `The Docker network "${network}" is a ${found.driver} network of scope ${found.scope}; swarm services need an overlay network. Remove it or choose another INFERENCE_NETWORK, then: ${create}.`,
    );
  }
  if (found) return;
  if (!ctx.createNetwork) {
    throw new InferenceError(
      "network-missing",
      `The Docker network "${network}" does not exist. Create it as an overlay network (${create}) or start the agent with CREATE_NETWORK=true.`,
    );
  }
  await ctx.services.createOverlayNetwork(network, {});
  ctx.logger.info({ network }, "created the inference overlay network");
}

/** The answer to a rollout that did not come up, with the tasks' last log lines. */
function rolloutProblem(
  ctx: SwarmContext,
  request: InferenceRequest,
  spec: ServiceSpec,
  outcome: Exclude<RolloutOutcome, { outcome: "ready" }>,
  logs: string[],
  note: string,
): InferenceError {
  const who = `The inference "${request.inferenceId}" (image ${request.image})`;
  const port = spec.container.port.containerPort;
  // What in the operator's least-privilege settings the tasks ran into, as on the docker backend.
  const hints = privilegeHints(ctx.policy, logs);
  const withNote = (text: string) => [text, ...hints.map((h) => h.hint), ...(note ? [note] : [])].join(" ");
  const settings = hints.map((h) => h.setting);
  const readiness = { ...outcome };
  switch (outcome.outcome) {
    case "exited": {
      if (/address already in use|port is already allocated/.test(outcome.error)) {
        return portHeldByProcess(ctx.agentPort, spec.container.port.hostPort, outcome.error);
      }
      const unknownUser = unknownUserProblem(
        spec.container,
        outcome.error,
        withNote(`The task did not start: ${outcome.error}.`),
      );
      if (unknownUser) return unknownUser;
      const how = outcome.exitCode >= 0 ? `exited with code ${outcome.exitCode}` : `failed to start (${outcome.error})`;
      return new InferenceError("inference-exited", withNote(`${who} ${how} before port ${port} accepted connections.`), {
        extensions: { readiness, logs, settings },
      });
    }
    case "unschedulable": {
      const field = request.gpus ? "gpus" : request.placement?.length ? "placement" : "replicas";
      const kind = request.gpus ? "gpu-unavailable" : "no-suitable-node";
      const detail = request.gpus
        ? `No node of the swarm can reserve the GPUs asked for (nodes advertise them as generic resources, e.g. dockerd --node-generic-resource NVIDIA-GPU=…); the engine says: ${outcome.error}.`
        : `No node of the swarm can run ${who.replace(/^The /, "the ")}; the engine says: ${outcome.error}.`;
      return new InferenceError(kind, withNote(detail), {
        errors: [{ location: "body", field, message: outcome.error }],
        extensions: { readiness, upstream: { service: "engine", failure: "rejected", body: outcome.error } },
      });
    }
    case "rolled-back":
      return new InferenceError("inference-exited", withNote(`${who} failed during the rollout: ${outcome.message}.`), {
        extensions: { readiness, logs, settings },
      });
    case "timeout":
      return new InferenceError(
        "inference-not-ready",
        withNote(
          `${who} did not accept connections on port ${port} within ${ctx.readiness.timeoutMs / 1000} s (READINESS_TIMEOUT_SECONDS).`,
        ),
        { extensions: { readiness, logs, settings } },
      );
  }
}

/**
 * Runs an inference as a swarm service: a new one is created and, if it does not come up, removed again (nothing
 * is left behind); a running one is updated with the engine's own rolling update and, if the new version fails,
 * rolled back by the engine, so the previous version keeps serving. The nodes pull the image, with the agent's
 * credentials for its registry sent along. Callers serialise calls per inference id.
 */
export async function deployService(ctx: SwarmContext, request: InferenceRequest): Promise<DeploymentView> {
  const reference = checkDeployRequest(ctx, request);
  if (request.gpus?.kind === "all") {
    throw unsupportedField("gpus", 'swarm reserves GPUs by count or by device id; "all" has no swarm form, send a count');
  }
  // What an agent stop left half-done is finished first; the change starts from where that left the service.
  await finishInterruptedRollout(ctx, request.inferenceId);
  const existing = await ctx.services.inspectService(request.inferenceId);
  if (existing && !isManagedService(ctx, existing)) {
    throw new InferenceError(
      "name-conflict",
      `A service named "${request.inferenceId}" exists that is not an inference of this agent; choose another inference_id or remove that service.`,
      { errors: [{ location: "body", field: "inference_id", message: "taken by another service" }] },
    );
  }
  await assertPortFree(ctx, request.hostPort, existing?.id);
  await ensureOverlayNetwork(ctx);

  const pinned = await ctx.services.resolveImage({ reference: reference.pullReference, registry: reference.registry });
  const spec = buildServiceSpec(ctx, { ...request, image: reference.pullReference }, pinned);
  const named = { ...request, image: reference.pullReference };
  return existing
    ? updateService(ctx, named, spec, existing, reference.registry)
    : createService(ctx, named, spec, reference.registry);
}

async function createService(
  ctx: SwarmContext,
  request: InferenceRequest,
  spec: ServiceSpec,
  registry: string,
): Promise<DeploymentView> {
  const mark = await markDeployment(ctx, request.inferenceId, "first", 0);
  try {
    let serviceId: string;
    let outcome: RolloutOutcome;
    try {
      serviceId = await ctx.services.createService(spec, registry);
    } catch (err) {
      // A create the engine may still have carried out: the service goes if it exists.
      const created = await ctx.services.inspectService(request.inferenceId).catch(() => undefined);
      if (created && isManagedService(ctx, created)) await discard(ctx, created.id);
      throw err;
    }
    try {
      outcome = await awaitRollout(ctx, serviceId, 0, undefined);
    } catch (err) {
      await discard(ctx, serviceId);
      throw err;
    }
    if (outcome.outcome !== "ready") {
      const logs = await ctx.services.serviceLogs(serviceId, LOG_LINES_IN_ERRORS).catch(() => []);
      await discard(ctx, serviceId);
      throw rolloutProblem(ctx, request, spec, outcome, logs, "");
    }
    ctx.logger.info({ inference: request.inferenceId, service: serviceId, waitedMs: outcome.waitedMs }, "inference deployed");
    return {
      ...(await describeService(ctx, serviceId)),
      readiness: { outcome: "ready", waited_ms: outcome.waitedMs, address: outcome.address },
      replaced: null,
      pruned_images: [],
    };
  } finally {
    await unmarkDeployment(ctx, mark);
  }
}

/**
 * The generation an update rolls out: above the spec's and every task's still reported, so that the failed tasks of a
 * rolled-back update (whose generation the spec no longer names) never count as the new version's.
 */
async function nextGeneration(ctx: SwarmContext, service: ServiceDetails): Promise<number> {
  const tasks = await ctx.services.listTasks([service.id]);
  return Math.max(service.generation, ...tasks.map((task) => task.generation)) + 1;
}

async function updateService(
  ctx: SwarmContext,
  request: InferenceRequest,
  spec: ServiceSpec,
  existing: ServiceDetails,
  registry: string,
): Promise<DeploymentView> {
  const previous = fromLabels(existing.labels).image;
  const generation = await nextGeneration(ctx, existing);
  const mark = await markDeployment(ctx, request.inferenceId, "replacement", generation);
  try {
    await ctx.services.updateService(existing, spec, registry, generation);
    let outcome: RolloutOutcome;
    try {
      outcome = await awaitRollout(ctx, existing.id, generation, spec.rollout);
    } catch (err) {
      await rollBack(ctx, existing.id, previous, spec.rollout);
      throw err;
    }
    if (outcome.outcome !== "ready") {
      const logs = await ctx.services.serviceLogs(existing.id, LOG_LINES_IN_ERRORS).catch(() => []);
      const note = await rollBack(ctx, existing.id, previous, spec.rollout, outcome.outcome === "exited");
      throw rolloutProblem(ctx, request, spec, outcome, logs, note);
    }
    ctx.logger.info(
      { inference: request.inferenceId, from: previous, to: request.image, waitedMs: outcome.waitedMs },
      "inference rolled out",
    );
    return {
      ...(await describeService(ctx, existing.id)),
      readiness: { outcome: "ready", waited_ms: outcome.waitedMs, address: outcome.address },
      replaced: { docker_img_uri: previous, image_id: imageDigest(existing.image) },
      // The nodes hold the images; each node's engine prunes its own (KEEP_IMAGES applies to RUNTIME=docker).
      pruned_images: [],
    };
  } finally {
    await unmarkDeployment(ctx, mark);
  }
}

/** A service that never came up is removed, so a failed first deployment leaves nothing behind. */
async function discard(ctx: SwarmContext, serviceId: string): Promise<void> {
  await ctx.services.removeService(serviceId, (ctx.stopTimeoutSeconds + 20) * 1000).catch((err: unknown) => {
    ctx.logger.error({ err, service: serviceId }, "could not remove a service that did not come up");
  });
}
