import { randomBytes } from "node:crypto";
import type { ContainerDetails, ContainerSummary } from "../runtime/container-runtime.js";
import type { InferenceContext } from "./inference-context.js";
import { InferenceError } from "./inference-error.js";
import { LABEL, managedFilter } from "./labels.js";

/**
 * An inference's container carries its id as name. During a replacement the new container runs
 * under a candidate name until it proved ready; only then it takes the inference's name. A container
 * being removed first takes a removal name. Names are the journal a restarted agent reads: the engine
 * renames atomically, and a name survives the agent.
 */
export function isPrimary(container: ContainerSummary): boolean {
  return container.name === container.labels[LABEL.inferenceId];
}

const REMOVAL_MARK = ".removing-";

export function candidateName(inferenceId: string): string {
  return `${inferenceId}.next-${randomBytes(3).toString("hex")}`;
}

export function removalName(inferenceId: string): string {
  return `${inferenceId}${REMOVAL_MARK}${randomBytes(3).toString("hex")}`;
}

/** A container whose removal an agent began (its id label names the inference, its name the removal). */
export function isBeingRemoved(container: ContainerSummary): boolean {
  return container.name.startsWith(`${container.labels[LABEL.inferenceId]}${REMOVAL_MARK}`);
}

/**
 * Created by this agent. The `clarus.*` labels alone do not say so: an image made from an inference (docker commit)
 * carries them, and so does every container run from it. The agent writes a fresh LABEL.instance at each creation,
 * so its own containers differ from their image there; a container whose mark is its image's (or that lacks a mark
 * while its image names this agent as manager) got its labels from the image and is foreign. Another agent on the
 * same engine has another AGENT_NAME.
 */
export async function isManaged(ctx: InferenceContext, container: ContainerSummary): Promise<boolean> {
  if (container.labels[LABEL.managedBy] !== ctx.policy.agentName) return false;
  const imageLabels = (await ctx.runtime.imageLabels(container.imageId)) ?? {};
  const mark = container.labels[LABEL.instance];
  // Without a mark: created before marks were written, which counts only if the image did not bring the labels.
  if (mark === undefined) return imageLabels[LABEL.managedBy] === undefined;
  return mark !== imageLabels[LABEL.instance];
}

/** This agent's containers carrying all `labels` (stopped ones included), without foreign ones that copy its labels. */
export async function managedContainers(ctx: InferenceContext, labels: string[] = []): Promise<ContainerSummary[]> {
  const labelled = await ctx.runtime.listContainers({ all: true, labels: [managedFilter(ctx.policy.agentName), ...labels] });
  const managed = await Promise.all(labelled.map((container) => isManaged(ctx, container)));
  return labelled.filter((_, index) => managed[index]);
}

/** Every container of one inference (primary and leftover candidates), stopped ones included. */
export function containersOf(ctx: InferenceContext, inferenceId: string): Promise<ContainerSummary[]> {
  return managedContainers(ctx, [`${LABEL.inferenceId}=${inferenceId}`]);
}

/** What stands under the name `inferenceId`: nothing, this agent's inference of that id, or something else. */
export type NameHolder =
  | { kind: "none" }
  | { kind: "inference"; container: ContainerDetails }
  | { kind: "other"; container: ContainerDetails };

/**
 * Looks a name up exactly (the runtime never answers an id-prefix match) and checks what holds it: an inference is
 * a container of this agent named after its own inference id; a candidate of another inference or a foreign
 * container under that name is "other".
 */
export async function holderOfName(ctx: InferenceContext, inferenceId: string): Promise<NameHolder> {
  const container = await ctx.runtime.inspectContainer(inferenceId);
  if (!container) return { kind: "none" };
  const own = container.name === inferenceId && isPrimary(container) && (await isManaged(ctx, container));
  return own ? { kind: "inference", container } : { kind: "other", container };
}

/**
 * The inference's container, or inference-not-found. The answer is the same whether nothing or a container this agent did not
 * create has that name: the API tells nobody which other containers run on the host.
 */
export async function requireInference(ctx: InferenceContext, inferenceId: string): Promise<ContainerDetails> {
  const holder = await holderOfName(ctx, inferenceId);
  if (holder.kind === "inference") return holder.container;
  throw new InferenceError("inference-not-found", `No inference "${inferenceId}" exists on this node.`);
}
