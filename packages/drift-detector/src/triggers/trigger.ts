import { randomBytes } from "node:crypto";
import { z } from "zod";

export const TRIGGER_SOURCES = ["api", "event", "poll", "schedule"] as const;
export type TriggerSource = (typeof TRIGGER_SOURCES)[number];

/** A run asked for and accepted, not yet done: stored beside the experiment's run records until it has run. */
export const queuedTriggerSchema = z
  .object({
    id: z
      .string()
      .meta({ description: "Trigger id: UTC acceptance time and a random suffix", example: "20261205T100000123Z-00002a9c1e" }),
    experiment_id: z.string(),
    source: z.enum(TRIGGER_SOURCES).meta({ description: "What asked for the run" }),
    object: z
      .string()
      .optional()
      .meta({ description: "The new-data object (or batch) to judge; absent: the experiment's new-data path" }),
    etag: z.string().optional().meta({ description: "The object's ETag when the trigger was accepted (events, polls)" }),
    accepted_at: z.iso.datetime().meta({ example: "2026-12-05T10:00:00.123Z" }),
  })
  .meta({ description: "A run accepted and waiting in the queue (it survives a restart)" });
export type QueuedTrigger = z.output<typeof queuedTriggerSchema>;

let sequence = 0;
const processTag = randomBytes(2).toString("hex");

/**
 * UTC time, then a per-process sequence: ids sort in acceptance order, also within one millisecond, so the queue runs
 * them in that order and a restart restores it.
 */
export function newTriggerId(at: Date): string {
  sequence = (sequence + 1) % 0x1000000;
  return `${at.toISOString().replace(/[-:.]/g, "")}-${sequence.toString(16).padStart(6, "0")}${processTag}`;
}

/** The same object with the same content: what makes a second delivery of an event a duplicate. */
export function contentKey(object: string, etag: string | undefined): string {
  return `${object}\u0000${etag ?? ""}`;
}
