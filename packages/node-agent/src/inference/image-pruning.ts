import type { InferenceContext } from "./inference-context.js";
import type { ImageRecord } from "./labels.js";

/**
 * The image history after deploying `current`: newest first, one record per image, `keep` records long. A tag the
 * agent pulled for an image earlier stays recorded when a later deployment found that tag already in place.
 */
export function nextImageHistory(
  current: ImageRecord,
  previous: ImageRecord[],
  keep: number,
): { kept: ImageRecord[]; dropped: ImageRecord[] } {
  const earlier = previous.find((record) => record.id === current.id);
  const all = [{ id: current.id, pulled: current.pulled ?? earlier?.pulled }, ...previous.filter((r) => r.id !== current.id)];
  return { kept: all.slice(0, keep), dropped: all.slice(keep) };
}

/**
 * Removes what the agent's own pulls put on the disk for images an inference no longer keeps: the tag it pulled when
 * that tag still names the image, or the image when no tag names it any more (its tag moved on with a later pull).
 * Tags others gave an image, images the agent did not pull, and images any container on the host (ours or not,
 * running or stopped) uses stay. Failures are logged, never fatal: the deployment itself succeeded.
 */
export async function pruneImages(ctx: InferenceContext, dropped: ImageRecord[]): Promise<string[]> {
  const pulled = dropped.filter((record) => record.pulled !== undefined);
  if (pulled.length === 0) return [];
  const removed: string[] = [];
  try {
    const inUse = new Set((await ctx.runtime.listContainers({ all: true })).map((c) => c.imageId));
    for (const record of pulled) {
      if (inUse.has(record.id)) continue;
      if (await ctx.runtime.removeImage(record.id, record.pulled)) removed.push(record.id);
    }
  } catch (err) {
    ctx.logger.warn({ err, dropped }, "could not prune old inference images");
  }
  return removed;
}
