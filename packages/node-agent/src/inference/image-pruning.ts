import type { InferenceContext } from "./inference-context.js";

/** The image history after deploying `current`: newest first, without repeats, `keep` entries long. */
export function nextImageHistory(current: string, previous: string[], keep: number): { kept: string[]; dropped: string[] } {
  const all = [current, ...previous.filter((id) => id !== current)];
  return { kept: all.slice(0, keep), dropped: all.slice(keep) };
}

/**
 * Removes images an inference no longer keeps, unless any container on the host (ours or not,
 * running or stopped) still uses them. Failures are logged, never fatal: the replacement succeeded.
 */
export async function pruneImages(ctx: InferenceContext, dropped: string[]): Promise<string[]> {
  if (dropped.length === 0) return [];
  const removed: string[] = [];
  try {
    const inUse = new Set((await ctx.runtime.listContainers({ all: true })).map((c) => c.imageId));
    for (const imageId of dropped) {
      if (inUse.has(imageId)) continue;
      if (await ctx.runtime.removeImage(imageId)) removed.push(imageId);
    }
  } catch (err) {
    ctx.logger.warn({ err, dropped }, "could not prune old inference images");
  }
  return removed;
}
