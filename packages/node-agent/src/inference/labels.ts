import { randomBytes } from "node:crypto";

/**
 * Container labels: Docker itself is the only store of the agent's state. Everything the agent
 * needs to list, replace or roll back an inference is written on its container at creation.
 */
export const LABEL = {
  managedBy: "clarus.managed-by",
  /**
   * A random value written at each creation. An image made from an inference (docker commit) carries it, and so does
   * every container run from that image; a container the agent created has another one than its image.
   */
  instance: "clarus.instance",
  inferenceId: "clarus.inference.id",
  image: "clarus.inference.image",
  internalPort: "clarus.inference.internal-port",
  hostPort: "clarus.inference.host-port",
  expId: "clarus.inference.exp-id",
  /** Images this inference ran, newest first (the current one included), for pruning: see ImageRecord. */
  imageHistory: "clarus.inference.image-history",
  /**
   * The replacement's journal, written on its candidate at creation, before the previous container is touched:
   * whether the previous container ran (so undoing starts it again) and the images to prune once the candidate
   * took over. Read only while the container carries a candidate name.
   */
  restartPrevious: "clarus.replacement.restart-previous",
  pruneAfter: "clarus.replacement.prune-after",
  /** On a swarm deployment mark (see swarm/deployment-marks.ts): a first deployment or a replacement. */
  deploymentKind: "clarus.deployment.kind",
  /** On a swarm deployment mark: the service generation the deployment rolls out. */
  deploymentGeneration: "clarus.deployment.generation",
} as const;

/** The `clarus.managed-by` value of an agent that was given no AGENT_NAME. */
export const DEFAULT_AGENT_NAME = "clarus-node-agent";

/** The list filter that selects one agent's containers (and images' copies of them, see LABEL.instance). */
export function managedFilter(agentName: string): string {
  return `${LABEL.managedBy}=${agentName}`;
}

/** A fresh LABEL.instance value. */
export function newInstanceMark(): string {
  return randomBytes(16).toString("hex");
}

/**
 * An image an inference ran. `pulled` is the tag the agent's own pull made point at it (absent when the tag named
 * that image before the pull): pruning removes that tag and nothing else.
 */
export interface ImageRecord {
  id: string;
  pulled?: string | undefined;
}

export interface InferenceLabels {
  inferenceId: string;
  image: string;
  internalPort: number;
  hostPort: number;
  expId?: string | undefined;
  imageHistory: ImageRecord[];
}

// "id=tag" (tags and ids never hold "=" or ",").
const formatRecord = (record: ImageRecord) => (record.pulled ? `${record.id}=${record.pulled}` : record.id);
function parseRecord(text: string): ImageRecord {
  const equals = text.indexOf("=");
  return equals < 0 ? { id: text } : { id: text.slice(0, equals), pulled: text.slice(equals + 1) };
}
const formatRecords = (records: ImageRecord[]) => records.map(formatRecord).join(",");
const parseRecords = (text: string | undefined) =>
  (text ?? "")
    .split(",")
    .filter((entry) => entry !== "")
    .map(parseRecord);

export function toLabels(values: InferenceLabels, agentName: string, instance: string): Record<string, string> {
  return {
    [LABEL.managedBy]: agentName,
    [LABEL.instance]: instance,
    [LABEL.inferenceId]: values.inferenceId,
    [LABEL.image]: values.image,
    [LABEL.internalPort]: String(values.internalPort),
    [LABEL.hostPort]: String(values.hostPort),
    [LABEL.imageHistory]: formatRecords(values.imageHistory),
    ...(values.expId ? { [LABEL.expId]: values.expId } : {}),
  };
}

/** What a replacement records on its candidate (see LABEL.restartPrevious). */
export interface ReplacementJournal {
  restartPrevious: boolean;
  pruneAfter: ImageRecord[];
}

/** Both keys always written: an image's own labels cannot fill in a missing one. */
export function toJournalLabels(journal: ReplacementJournal): Record<string, string> {
  return {
    [LABEL.restartPrevious]: String(journal.restartPrevious),
    [LABEL.pruneAfter]: formatRecords(journal.pruneAfter),
  };
}

export function journalFromLabels(labels: Record<string, string>): ReplacementJournal {
  return {
    restartPrevious: labels[LABEL.restartPrevious] === "true",
    pruneAfter: parseRecords(labels[LABEL.pruneAfter]),
  };
}

export function fromLabels(labels: Record<string, string>): InferenceLabels {
  return {
    inferenceId: labels[LABEL.inferenceId] ?? "",
    image: labels[LABEL.image] ?? "",
    internalPort: Number(labels[LABEL.internalPort] ?? 0),
    hostPort: Number(labels[LABEL.hostPort] ?? 0),
    expId: labels[LABEL.expId] || undefined,
    imageHistory: parseRecords(labels[LABEL.imageHistory]),
  };
}
