/**
 * Container labels: Docker itself is the only store of the agent's state. Everything the agent
 * needs to list, replace or roll back an inference is written on its container at creation.
 */
export const LABEL = {
  managedBy: "clarus.managed-by",
  inferenceId: "clarus.inference.id",
  image: "clarus.inference.image",
  internalPort: "clarus.inference.internal-port",
  hostPort: "clarus.inference.host-port",
  expId: "clarus.inference.exp-id",
  /** Image ids this inference ran, newest first (the current one included), for pruning. */
  imageHistory: "clarus.inference.image-history",
} as const;

/** The `clarus.managed-by` value of an agent that was given no AGENT_NAME. */
export const DEFAULT_AGENT_NAME = "clarus-node-agent";

/** The list filter that selects one agent's containers and nothing else on the host. */
export function managedFilter(agentName: string): string {
  return `${LABEL.managedBy}=${agentName}`;
}

export interface InferenceLabels {
  inferenceId: string;
  image: string;
  internalPort: number;
  hostPort: number;
  expId?: string | undefined;
  imageHistory: string[];
}

export function toLabels(values: InferenceLabels, agentName: string): Record<string, string> {
  return {
    [LABEL.managedBy]: agentName,
    [LABEL.inferenceId]: values.inferenceId,
    [LABEL.image]: values.image,
    [LABEL.internalPort]: String(values.internalPort),
    [LABEL.hostPort]: String(values.hostPort),
    [LABEL.imageHistory]: values.imageHistory.join(","),
    ...(values.expId ? { [LABEL.expId]: values.expId } : {}),
  };
}

export function fromLabels(labels: Record<string, string>): InferenceLabels {
  return {
    inferenceId: labels[LABEL.inferenceId] ?? "",
    image: labels[LABEL.image] ?? "",
    internalPort: Number(labels[LABEL.internalPort] ?? 0),
    hostPort: Number(labels[LABEL.hostPort] ?? 0),
    expId: labels[LABEL.expId] || undefined,
    imageHistory: (labels[LABEL.imageHistory] ?? "").split(",").filter((id) => id !== ""),
  };
}
