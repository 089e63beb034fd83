import type { ContainerDetails, ContainerSummary } from "../runtime/container-runtime.js";
import { pruneImages } from "./image-pruning.js";
import type { InferenceContext } from "./inference-context.js";
import { journalFromLabels, LABEL } from "./labels.js";
import { LOG_LINES_IN_ERRORS, waitUntilServing } from "./launch-container.js";
import { containersOf, isBeingRemoved, isPrimary, managedContainers } from "./managed-containers.js";
import type { Readiness } from "./readiness.js";

/** What finishing an inference's interrupted change did; `serving` is its readiness after that, when something runs. */
export interface FinishedChange {
  inferenceId: string;
  action:
    | "removal finished"
    | "replacement finished: the new version serves"
    | "replacement undone: the previous version is back"
    | "replacement undone: the previous version stays stopped, as it was"
    | "first deployment finished"
    | "first deployment removed: it did not come up";
  serving?: Readiness["outcome"];
}

/**
 * Finishes every change an agent stop interrupted (run once at start-up), all inferences at once; the ids it touched.
 * One that fails is logged and left to the next change to that inference, which finishes it first.
 */
export async function recoverInterruptedChanges(ctx: InferenceContext): Promise<string[]> {
  const ids = await interruptedInferences(ctx);
  const outcomes = await Promise.allSettled(ids.map((id) => finishInterrupted(ctx, id)));
  return outcomes.flatMap((outcome, i) => {
    if (outcome.status === "fulfilled") return outcome.value ? [outcome.value.inferenceId] : [];
    ctx.logger.error({ err: outcome.reason, inference: ids[i] }, "could not finish an interrupted change");
    return [];
  });
}

/**
 * The inferences an agent stop left in the middle of a change: a container under a candidate or removal name, or
 * an inference's container that never proved ready (restart policy still `no`).
 */
async function interruptedInferences(ctx: InferenceContext): Promise<string[]> {
  // Never a foreign container that copies the agent's labels from its image (see isManaged).
  const containers = await managedContainers(ctx);
  const ids = new Set<string>();
  for (const container of containers) {
    if (container.state === "removing") continue;
    const inferenceId = container.labels[LABEL.inferenceId] ?? "";
    if (!isPrimary(container) || (await unproven(ctx, container))) ids.add(inferenceId);
  }
  return [...ids].sort();
}

/**
 * Brings one inference to a state a caller chose: it serves (old version or new) or it is gone. Each step is one
 * engine call and the journal (names, the candidate's labels, restart policies) is removed last, so this is safe to
 * interrupt and to run again. Run at start-up for every interrupted inference and before every change to one
 * (callers serialise calls per inference id).
 * - a removal name: the removal finishes (with any candidate): stopped, then removed;
 * - a candidate that proved ready: the previous container goes, the journal's images are pruned, the candidate takes
 *   the name and runs;
 * - a candidate that did not: it is stopped, the previous container started again if it ran (stopped first: the
 *   engine finishes a stop whose caller died), then the candidate is removed;
 * - an inference's container that never proved ready (a first deployment): it is started and given one readiness
 *   timeout; ready, it keeps running; else it is removed, as the deployment would have done, its logs in the log.
 */
export async function finishInterrupted(ctx: InferenceContext, inferenceId: string): Promise<FinishedChange | undefined> {
  const { runtime } = ctx;
  const containers = (await containersOf(ctx, inferenceId)).filter((c) => c.state !== "removing");
  const removals = containers.filter(isBeingRemoved);
  const candidates = containers.filter((c) => !isPrimary(c) && !isBeingRemoved(c));
  let primary = containers.find(isPrimary);

  if (removals.length > 0) {
    // Stopped first, gracefully as the removal would have: the engine may still be doing the dead agent's stop.
    for (const container of [...removals, ...candidates]) {
      await runtime.stopContainer(container.id, ctx.stopTimeoutSeconds);
      await runtime.removeContainer(container.id);
    }
    return report(ctx, { inferenceId, action: "removal finished" });
  }

  const inspected = (await Promise.all(candidates.map((c) => runtime.inspectContainer(c.id)))).filter(
    (c): c is ContainerDetails => c !== undefined,
  );
  const proven = inspected.filter((c) => c.restartPolicy !== "no").sort((a, b) => b.created.getTime() - a.created.getTime())[0];
  const unprovenCandidates = inspected.filter((c) => c !== proven);
  for (const candidate of unprovenCandidates) await runtime.stopContainer(candidate.id, 0);

  if (proven) {
    if (primary) await runtime.removeContainer(primary.id);
    for (const candidate of unprovenCandidates) await runtime.removeContainer(candidate.id);
    await pruneImages(ctx, journalFromLabels(proven.labels).pruneAfter);
    await runtime.renameContainer(proven.id, inferenceId);
    await runtime.startContainer(proven.id);
    const serving = (await waitUntilServing(ctx, proven)).outcome;
    return report(ctx, { inferenceId, action: "replacement finished: the new version serves", serving });
  }

  const journal = unprovenCandidates[0] && journalFromLabels(unprovenCandidates[0].labels);
  if (journal && primary) {
    let serving: Readiness["outcome"] | undefined;
    if (journal.restartPrevious) {
      await runtime.stopContainer(primary.id, ctx.stopTimeoutSeconds);
      await runtime.startContainer(primary.id);
      const previous = await runtime.inspectContainer(primary.id);
      serving = previous ? (await waitUntilServing(ctx, previous)).outcome : "exited";
    }
    for (const candidate of unprovenCandidates) await runtime.removeContainer(candidate.id);
    const action = journal.restartPrevious
      ? "replacement undone: the previous version is back"
      : "replacement undone: the previous version stays stopped, as it was";
    return report(ctx, { inferenceId, action, serving });
  }

  const newest = unprovenCandidates.sort((a, b) => b.created.getTime() - a.created.getTime())[0];
  if (newest && !primary) {
    // Its previous version was removed by someone else: the candidate is all there is, proven like a first deployment.
    for (const candidate of unprovenCandidates.slice(1)) await runtime.removeContainer(candidate.id);
    await runtime.renameContainer(newest.id, inferenceId);
    primary = newest;
  }
  if (!primary || !(await unproven(ctx, primary))) return undefined;
  return report(ctx, await proveFirstDeployment(ctx, inferenceId, primary));
}

async function proveFirstDeployment(
  ctx: InferenceContext,
  inferenceId: string,
  container: ContainerSummary,
): Promise<FinishedChange> {
  const { runtime } = ctx;
  await runtime.startContainer(container.id);
  const details = await runtime.inspectContainer(container.id);
  const readiness = details ? await waitUntilServing(ctx, details) : undefined;
  if (readiness?.outcome === "ready") {
    await runtime.setRestartPolicy(container.id, "unless-stopped");
    return { inferenceId, action: "first deployment finished", serving: "ready" };
  }
  const logs = await runtime.containerLogs(container.id, LOG_LINES_IN_ERRORS).catch(() => []);
  await runtime.stopContainer(container.id, 0);
  await runtime.removeContainer(container.id);
  ctx.logger.error({ inference: inferenceId, readiness, logs }, "an interrupted first deployment did not come up");
  return { inferenceId, action: "first deployment removed: it did not come up", serving: readiness?.outcome ?? "exited" };
}

/** Never proved ready: its restart policy is still the `no` it was created with. */
async function unproven(ctx: InferenceContext, container: ContainerSummary): Promise<boolean> {
  return (await ctx.runtime.inspectContainer(container.id))?.restartPolicy === "no";
}

function report(ctx: InferenceContext, change: FinishedChange): FinishedChange {
  ctx.logger.warn({ inference: change.inferenceId, serving: change.serving }, `interrupted change: ${change.action}`);
  return change;
}
