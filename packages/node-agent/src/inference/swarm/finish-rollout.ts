import type { ServiceDetails } from "../../runtime/service-runtime.js";
import { LABEL, managedFilter } from "../labels.js";
import { awaitRollout, rollBack } from "./await-rollout.js";
import { isManagedService } from "./read-services.js";
import type { SwarmContext } from "./swarm-context.js";

/**
 * A deployment the agent has not yet seen serving, recorded in the cluster (a swarm config carrying labels) before the
 * service is created or updated and removed once every new task answers, or once the deployment was undone. It
 * outlives an agent stop, and writing it never touches the service: its spec, its previous spec (what a rollback
 * returns to) and its rollout state stay the engine's.
 */
interface DeploymentMark {
  id: string;
  kind: "first" | "replacement";
  /** The service generation the deployment rolls out (0 for a new service). */
  generation: number;
}

/** What finishing an inference's interrupted deployment did. */
export interface FinishedRollout {
  inferenceId: string;
  action:
    | "first deployment finished"
    | "first deployment removed: it did not come up"
    | "replacement finished: the new version serves"
    | "replacement undone: the previous version is back";
  /** How the rollback ended, for an undone replacement. */
  note?: string;
}

/** Records that `inferenceId` is about to roll out `generation`; answers the mark's id for unmarkDeployment. */
export function markDeployment(
  ctx: SwarmContext,
  inferenceId: string,
  kind: DeploymentMark["kind"],
  generation: number,
): Promise<string> {
  return ctx.services.createRecord({
    [LABEL.managedBy]: ctx.policy.agentName,
    [LABEL.inferenceId]: inferenceId,
    [LABEL.deploymentKind]: kind,
    [LABEL.deploymentGeneration]: String(generation),
  });
}

/** The deployment is settled (serving, or undone): its mark goes. */
export async function unmarkDeployment(ctx: SwarmContext, markId: string): Promise<void> {
  try {
    await ctx.services.removeRecord(markId);
  } catch (err) {
    // Left behind, it is finished again (and found settled) at the next start or change to the inference.
    ctx.logger.warn({ err, mark: markId }, "could not remove a deployment mark");
  }
}

/** This agent's deployment marks, of one inference or of all, by inference id. */
async function deploymentMarks(ctx: SwarmContext, inferenceId?: string): Promise<Map<string, DeploymentMark[]>> {
  const filter = [managedFilter(ctx.policy.agentName), ...(inferenceId ? [`${LABEL.inferenceId}=${inferenceId}`] : [])];
  const marks = new Map<string, DeploymentMark[]>();
  for (const record of await ctx.services.listRecords(filter)) {
    const id = record.labels[LABEL.inferenceId];
    const kind = record.labels[LABEL.deploymentKind];
    if (!id || (kind !== "first" && kind !== "replacement")) continue;
    const mark = { id: record.id, kind, generation: Number(record.labels[LABEL.deploymentGeneration] ?? 0) } as const;
    marks.set(id, [...(marks.get(id) ?? []), mark]);
  }
  return marks;
}

/**
 * Finishes every deployment an agent stop interrupted (run once at start-up), all at once; the inference ids it
 * touched. One that fails is logged and left to the next change to that inference, which finishes it first.
 */
export async function recoverInterruptedRollouts(ctx: SwarmContext): Promise<string[]> {
  const marks = [...(await deploymentMarks(ctx)).entries()];
  const outcomes = await Promise.allSettled(marks.map(([inferenceId, its]) => finishDeployment(ctx, inferenceId, its)));
  return outcomes.flatMap((outcome, i) => {
    if (outcome.status === "fulfilled") return outcome.value ? [outcome.value.inferenceId] : [];
    ctx.logger.error({ err: outcome.reason, inference: marks[i]?.[0] }, "could not finish an interrupted deployment");
    return [];
  });
}

/** Finishes the interrupted deployment of one inference, if any (callers serialise calls per inference id). */
export async function finishInterruptedRollout(ctx: SwarmContext, inferenceId: string): Promise<FinishedRollout | undefined> {
  const marks = (await deploymentMarks(ctx, inferenceId)).get(inferenceId);
  return marks ? finishDeployment(ctx, inferenceId, marks) : undefined;
}

/**
 * Brings an inference whose deployment never proved ready to a state a caller chose, as the deployment would have.
 * The engine kept converging while no agent watched, so the agent waits one more rollout for the new tasks to run
 * and answer: ready, the deployment is done. Otherwise a first deployment is removed (nothing is left) and a
 * replacement is rolled back to the previous spec (the engine may have done so itself; it is then waited for). A
 * deployment that never reached the engine (no service, or the service still at an older generation) leaves nothing
 * to do. The marks go last, so this is safe to interrupt and to run again.
 */
async function finishDeployment(
  ctx: SwarmContext,
  inferenceId: string,
  marks: DeploymentMark[],
): Promise<FinishedRollout | undefined> {
  const mark = marks.reduce((newest, m) => (m.generation > newest.generation ? m : newest));
  const found = await ctx.services.inspectService(inferenceId);
  const service = found && isManagedService(ctx, found) ? found : undefined;
  let finished: FinishedRollout | undefined;
  if (service?.generation === mark.generation) finished = await settle(ctx, service, mark);
  else if (service && mark.kind === "replacement" && service.rollout.state.startsWith("rollback")) {
    // The engine rolled the marked update back itself (the spec is the previous one again): waited for.
    finished = await undo(ctx, service, service.image, false);
  }
  for (const each of marks) await unmarkDeployment(ctx, each.id);
  return finished;
}

/** The service is at the marked generation: done once its tasks run and answer, undone otherwise. */
async function settle(ctx: SwarmContext, service: ServiceDetails, mark: DeploymentMark): Promise<FinishedRollout> {
  const inferenceId = service.name;
  const first = mark.kind === "first";
  // While the engine still rolls the update out, its outcome (every new task through its monitor window) counts too.
  const rollout = !first && service.rollout.state === "updating" ? ctx.rollout : undefined;
  const outcome = await awaitRollout(ctx, service.id, mark.generation, rollout);
  if (outcome.outcome === "ready") {
    const action = first ? "first deployment finished" : "replacement finished: the new version serves";
    return report(ctx, { inferenceId, action });
  }
  if (first) {
    await ctx.services.removeService(service.id, (ctx.stopTimeoutSeconds + 20) * 1000);
    return report(ctx, { inferenceId, action: "first deployment removed: it did not come up" });
  }
  return undo(ctx, service, service.previousImage ?? "of the spec before", outcome.outcome === "exited");
}

/** Rolls the service back to `previousImage` (or waits for the engine doing so). */
async function undo(
  ctx: SwarmContext,
  service: ServiceDetails,
  previousImage: string,
  taskFailed: boolean,
): Promise<FinishedRollout> {
  const note = await rollBack(ctx, service.id, previousImage, ctx.rollout, taskFailed);
  return report(ctx, { inferenceId: service.name, action: "replacement undone: the previous version is back", note });
}

function report(ctx: SwarmContext, change: FinishedRollout): FinishedRollout {
  ctx.logger.warn({ inference: change.inferenceId, note: change.note }, `interrupted deployment: ${change.action}`);
  return change;
}
