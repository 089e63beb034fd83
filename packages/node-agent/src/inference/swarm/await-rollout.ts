import { setTimeout as sleep } from "node:timers/promises";
import { RuntimeError } from "../../runtime/runtime-error.js";
import type { NodeSummary, RolloutPolicy, ServiceDetails, TaskState, TaskSummary } from "../../runtime/service-runtime.js";
import { fromLabels } from "../labels.js";
import type { SwarmContext } from "./swarm-context.js";

export type RolloutOutcome =
  | { outcome: "ready"; waitedMs: number; address: string }
  | { outcome: "exited"; waitedMs: number; exitCode: number; error: string; restarts: number }
  | { outcome: "unschedulable"; waitedMs: number; error: string }
  | { outcome: "rolled-back"; waitedMs: number; message: string }
  | { outcome: "timeout"; waitedMs: number; address: string | undefined };

const ENDED: TaskState[] = ["failed", "rejected"];
const TERMINAL: TaskState[] = ["complete", "shutdown", "failed", "rejected", "orphaned", "remove"];
/** A task the scheduler cannot place for this long counts as unplaceable (a node may just be rejoining). */
const UNSCHEDULABLE_AFTER_MS = 2000;
const ROLLED_BACK = new Set(["rollback_started", "rollback_paused", "rollback_completed", "paused"]);

/** Where the agent probes a task: its address on the overlay network, or the port published for it. */
function probeTarget(
  ctx: SwarmContext,
  service: ServiceDetails,
  task: TaskSummary,
  nodes: NodeSummary[],
): { host: string; port: number } | undefined {
  const labels = fromLabels(service.labels);
  if (ctx.readiness.probe === "container") {
    const host = task.addresses[ctx.policy.network];
    return host ? { host, port: labels.internalPort } : undefined;
  }
  const loopback = (ip: string | undefined) => (!ip || ip === "0.0.0.0" ? "127.0.0.1" : ip);
  // Host mode: only the task's own node publishes the port; ingress: every node does, this one included.
  const host =
    ctx.publishMode === "host" ? loopback(nodes.find((node) => node.id === task.nodeId)?.address) : loopback(ctx.policy.hostIp);
  return { host, port: labels.hostPort };
}

/**
 * Waits until the tasks of `generation` all run, the engine finished its rollout (for an update: every new task
 * survived its monitor window; an image's HEALTHCHECK gates that too) and each task's port accepts connections.
 * Gives up on the first task that fails or is rejected, on a task no node can take, on the engine rolling back,
 * or when READINESS_TIMEOUT_SECONDS (plus the rollout's monitor windows) ran out.
 */
export async function awaitRollout(
  ctx: SwarmContext,
  serviceId: string,
  generation: number,
  /** The rollout of an update; undefined for a new service (or one the engine already rolled back). */
  update: RolloutPolicy | undefined,
  /**
   * After a rollback the question is only whether the previous version answers again: tasks that failed during the
   * rollout are history, and the wait ends when enough tasks run and answer, or on time.
   */
  afterRollback = false,
): Promise<RolloutOutcome> {
  const started = Date.now();
  const interval = ctx.readiness.intervalMs ?? 250;
  const unplaceable = new Map<string, number>();
  let address: string | undefined;
  let nodes: NodeSummary[] | undefined;
  for (;;) {
    const service = await ctx.services.inspectService(serviceId);
    if (!service) throw new RuntimeError("not-found", `The service ${serviceId} vanished during its rollout.`, "no such service");
    const { rollout, replicas } = service;
    const budget = ctx.readiness.timeoutMs + (update ? (update.monitorSeconds + update.delaySeconds) * 1000 * replicas : 0);
    const waitedMs = () => Date.now() - started;
    const all = await ctx.services.listTasks([serviceId]);
    // Once the engine completed a rollback, every task it keeps running is the previous version's.
    const tasks = afterRollback ? all : all.filter((task) => task.generation === generation);
    // While older tasks are still on their way out (stop-first), what they hold is about to be freed.
    const leaving = all.some((task) => task.generation !== generation && !TERMINAL.includes(task.state));
    const failed = afterRollback ? undefined : tasks.find((task) => ENDED.includes(task.state));
    if (failed) {
      return {
        outcome: "exited",
        waitedMs: waitedMs(),
        exitCode: failed.exitCode ?? -1,
        error: failed.error ?? failed.message,
        restarts: tasks.filter((task) => ENDED.includes(task.state)).length,
      };
    }
    // Checked after the failed tasks: one of them tells why (its exit code) better than the engine's message.
    if (update && ROLLED_BACK.has(rollout.state))
      return { outcome: "rolled-back", waitedMs: waitedMs(), message: rollout.message };
    for (const task of tasks) {
      const stuck = !afterRollback && task.state === "pending" && /no suitable node/.test(task.error ?? "") && !leaving;
      if (!stuck) unplaceable.delete(task.id);
      else if (!unplaceable.has(task.id)) unplaceable.set(task.id, Date.now());
      else if (Date.now() - (unplaceable.get(task.id) ?? 0) >= UNSCHEDULABLE_AFTER_MS) {
        return { outcome: "unschedulable", waitedMs: waitedMs(), error: task.error ?? "no suitable node" };
      }
    }

    const up = tasks.filter((task) => task.state === "running" && task.desiredState === "running");
    const settled = up.length >= replicas && (!update || rollout.state === "completed");
    if (settled) {
      nodes ??= ctx.readiness.probe === "host" && ctx.publishMode === "host" ? await ctx.services.listNodes() : [];
      const targets = up.map((task) => probeTarget(ctx, service, task, nodes ?? []));
      const remaining = started + budget - Date.now();
      const probeMs = Math.max(50, Math.min(1000, remaining));
      let all = targets.length > 0;
      for (const target of targets) {
        address = target ? `${target.host}:${target.port}` : undefined;
        if (!target || !(await ctx.readiness.acceptsConnections(target.host, target.port, probeMs))) {
          all = false;
          break;
        }
      }
      const first = targets[0];
      if (all && first) return { outcome: "ready", waitedMs: waitedMs(), address: `${first.host}:${first.port}` };
    }
    const left = started + budget - Date.now();
    if (left <= 0) return { outcome: "timeout", waitedMs: waitedMs(), address };
    await sleep(Math.min(interval, left));
  }
}

/**
 * After a failed update: lets the engine's own rollback finish, or starts one, and waits until the previous
 * version's tasks run and answer again. Answers the sentence that ends the failure's answer.
 */
export async function rollBack(
  ctx: SwarmContext,
  serviceId: string,
  previousImage: string,
  rollout: RolloutPolicy,
  /** A task of the new version failed: the engine's own rollback (FailureAction) is on its way. */
  taskFailed = false,
): Promise<string> {
  const previous = `the previous version (image ${previousImage})`;
  const gone = `The service was removed meanwhile, ${previous} with it.`;
  try {
    let service = await ctx.services.inspectService(serviceId);
    // A rollback asked for while the engine starts its own would race it (the second returns to the failed spec):
    // after a failed task the engine is given its monitor window and a readiness timeout to begin.
    const engineBegins = Date.now() + ctx.readiness.timeoutMs + (rollout.monitorSeconds + rollout.delaySeconds) * 1000;
    while (taskFailed && service?.rollout.state === "updating" && Date.now() < engineBegins) {
      await sleep(ctx.readiness.intervalMs ?? 250);
      service = await ctx.services.inspectService(serviceId);
    }
    if (!service) return gone;
    if (!ROLLED_BACK.has(service.rollout.state) || service.rollout.state === "paused")
      await ctx.services.rollbackService(service);
    // The engine first notices the failure, then starts the previous version's tasks and watches them for its own
    // monitor window: twice one rollout's budget, so that a slow engine's rollback is waited for, not misreported.
    const deadline =
      Date.now() +
      2 * (ctx.readiness.timeoutMs + (rollout.monitorSeconds + rollout.delaySeconds) * 1000 * Math.max(1, service.replicas));
    for (;;) {
      const now = await ctx.services.inspectService(serviceId);
      if (!now) return gone;
      if (now.rollout.state === "rollback_paused") return `The engine's rollback to ${previous} paused: ${now.rollout.message}`;
      if (now.rollout.state === "rollback_completed") {
        const outcome = await awaitRollout(ctx, serviceId, now.generation, undefined, true);
        if (outcome.outcome === "ready")
          return `The engine rolled the service back: ${previous} was restored and accepts connections again.`;
        return `The engine rolled the service back to ${previous}, but it does not answer yet (${outcome.outcome}).`;
      }
      if (Date.now() > deadline) return `The engine is still rolling back to ${previous} (${now.rollout.state}).`;
      await sleep(ctx.readiness.intervalMs ?? 250);
    }
  } catch (err) {
    ctx.logger.error({ err, service: serviceId }, "could not roll the service back");
    return `Rolling back to ${previous} failed too: ${(err as Error).message}`;
  }
}
