import type { ContainerDetails, ContainerSpec } from "../runtime/container-runtime.js";
import { RuntimeError } from "../runtime/runtime-error.js";
import type { InferenceContext } from "./inference-context.js";
import { InferenceError } from "./inference-error.js";
import { type DeploymentView, inferenceDetailsView } from "./inference-view.js";
import { fromLabels, LABEL } from "./labels.js";
import { isManaged } from "./managed-containers.js";
import { portHeldByProcess } from "./port-held-by-process.js";
import { privilegeHints, unknownUserProblem } from "./privilege-hints.js";
import { type Readiness, waitUntilReady } from "./readiness.js";

/** Last log lines kept with a container that did not come up. */
export const LOG_LINES_IN_ERRORS = 20;

/** Refuses (port-taken) a host port that a running container other than `except` publishes, naming it. */
export async function assertHostPortFree(ctx: InferenceContext, hostPort: number, except?: string): Promise<void> {
  const holder = (await ctx.runtime.listContainers({ publishedPort: hostPort })).find((c) => c.id !== except);
  if (!holder) return;
  const inferenceId = (await isManaged(ctx, holder)) ? holder.labels[LABEL.inferenceId] : undefined;
  const who = inferenceId ? `inference "${inferenceId}"` : `container "${holder.name}" (not managed by this agent)`;
  throw new InferenceError("port-taken", `Host port ${hostPort} is already published by ${who}.`, {
    errors: [{ location: "body", field: "inference_rest_api_forward_port", message: `in use by ${who}` }],
    extensions: { held_by: { inference_id: inferenceId ?? null, container: holder.name, container_id: holder.id } },
  });
}

/** The inference network must exist before a container joins it; created only when the operator allows. */
export async function ensureNetwork(ctx: InferenceContext): Promise<void> {
  const { network } = ctx.policy;
  if (await ctx.runtime.networkExists(network)) return;
  if (!ctx.createNetwork) {
    throw new InferenceError(
      "network-missing",
      `The Docker network "${network}" does not exist. Create it (docker network create ${network}) or start the agent with CREATE_NETWORK=true.`,
    );
  }
  await ctx.runtime.createNetwork(network, {});
  ctx.logger.info({ network }, "created the inference network");
}

/** Why a new container did not come up, with its last log lines and the setting it ran into, if any. */
function notReadyProblem(
  ctx: InferenceContext,
  spec: ContainerSpec,
  readiness: Exclude<Readiness, { outcome: "ready" }>,
  logs: string[],
) {
  const timeoutMs = ctx.readiness.timeoutMs;
  const who = `The inference "${spec.labels[LABEL.inferenceId]}" (image ${spec.image})`;
  const hints = privilegeHints(ctx.policy, logs);
  const detail = [
    readiness.outcome === "exited"
      ? `${who} exited with code ${readiness.exitCode} before port ${spec.port.containerPort} accepted connections.`
      : `${who} did not accept connections on port ${spec.port.containerPort} within ${timeoutMs / 1000} s (READINESS_TIMEOUT_SECONDS).`,
    ...hints.map((h) => h.hint),
  ].join(" ");
  return new InferenceError(readiness.outcome === "exited" ? "inference-exited" : "inference-not-ready", detail, {
    extensions: { readiness, logs, settings: hints.map((h) => h.setting) },
  });
}

/**
 * Why a start failed: a host port taken since the check names its holder (a container, else some process); a user
 * (CONTAINER_USER) the image does not have names the setting.
 */
async function startProblem(ctx: InferenceContext, spec: ContainerSpec, containerId: string, err: unknown): Promise<unknown> {
  if (!(err instanceof RuntimeError)) return err;
  if (err.kind === "port-taken") {
    try {
      await assertHostPortFree(ctx, spec.port.hostPort, containerId);
    } catch (problem) {
      return problem;
    }
    return portHeldByProcess(ctx.agentPort, spec.port.hostPort, err.engineMessage, err);
  }
  return unknownUserProblem(spec, err.engineMessage, err.message, err) ?? err;
}

/**
 * Creates a container, runs `beforeStart` (a replacement stops the previous version there, once its candidate
 * exists to record the intent), starts it and waits until its port accepts connections. Until then its restart
 * policy is `no` (Docker restarting it would hide its exit and exit code); once ready it gets the spec's policy,
 * which is also the engine's record that it proved ready. Some failures (a missing network, a host port taken by
 * another process) surface only at start. After any failure past the create, the container is stopped (freeing the
 * host port), `onFailure` runs (a rollback, which may need that port) and its note ends the error's text, and only
 * then is the container removed: until the rollback is done it is the journal a restarted agent finds.
 */
export async function launchUntilReady(
  ctx: InferenceContext,
  spec: ContainerSpec,
  onFailure: () => Promise<string>,
  beforeStart: () => Promise<void> = async () => {},
): Promise<{ containerId: string; readiness: Extract<Readiness, { outcome: "ready" }> }> {
  const containerId = await ctx.runtime.createContainer({ ...spec, restartPolicy: "no" });
  const failed = async (err: unknown): Promise<unknown> => {
    const cleanupFailed = (cleanupErr: unknown) =>
      ctx.logger.error({ err: cleanupErr, container: containerId }, "could not remove a container that did not come up");
    await ctx.runtime.stopContainer(containerId, 0).catch(cleanupFailed);
    const note = await onFailure();
    await ctx.runtime.removeContainer(containerId).catch(cleanupFailed);
    return withNote(err, note);
  };
  let readiness: Readiness;
  try {
    await beforeStart();
    await ctx.runtime.startContainer(containerId).catch(async (err: unknown) => {
      throw await startProblem(ctx, spec, containerId, err);
    });
    readiness = await waitUntilReady(
      ctx.runtime,
      {
        containerId,
        network: spec.network,
        internalPort: spec.port.containerPort,
        hostIp: spec.port.hostIp,
        hostPort: spec.port.hostPort,
      },
      ctx.readiness,
    );
    if (readiness.outcome === "ready") await ctx.runtime.setRestartPolicy(containerId, spec.restartPolicy);
  } catch (err) {
    throw await failed(err);
  }
  if (readiness.outcome === "ready") return { containerId, readiness };
  const logs = await ctx.runtime.containerLogs(containerId, LOG_LINES_IN_ERRORS).catch(() => []);
  throw await failed(notReadyProblem(ctx, spec, readiness, logs));
}

/** Waits until an inference's existing container accepts connections, on the port its labels and binding name. */
export function waitUntilServing(ctx: InferenceContext, container: ContainerDetails): Promise<Readiness> {
  const labels = fromLabels(container.labels);
  return waitUntilReady(
    ctx.runtime,
    {
      containerId: container.id,
      network: ctx.policy.network,
      internalPort: labels.internalPort,
      hostIp: container.ports[0]?.hostIp ?? ctx.policy.hostIp,
      hostPort: labels.hostPort,
    },
    ctx.readiness,
  );
}

/** The answer to a deployment that came up: the container as the engine now reports it. */
export async function describeDeployment(
  ctx: InferenceContext,
  containerId: string,
  readiness: Extract<Readiness, { outcome: "ready" }>,
  replaced: DeploymentView["replaced"],
  prunedImages: string[],
): Promise<DeploymentView> {
  const details = await ctx.runtime.inspectContainer(containerId);
  if (!details) throw new InferenceError("engine-error", `The container ${containerId} vanished right after it became ready.`);
  return {
    ...inferenceDetailsView(details, ctx.policy.network),
    readiness: { outcome: "ready", waited_ms: readiness.waitedMs, address: readiness.address },
    replaced,
    pruned_images: prunedImages,
  };
}

/** A failure with what the rollback did added to its sentence. */
function withNote(err: unknown, note: string): unknown {
  if (!note) return err;
  if (err instanceof InferenceError) return err.withNote(note);
  if (err instanceof RuntimeError) return new RuntimeError(err.kind, `${err.message} ${note}`, err.engineMessage, { cause: err });
  return err;
}
