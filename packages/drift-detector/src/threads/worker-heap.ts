import type { ResourceLimits } from "node:worker_threads";

/**
 * The heap of every worker thread a run starts (reading files, then comparing columns). Their garbage is short-lived (text
 * chunks, decoded pages, a column's arrays); V8's default young generation lets each thread fill up to 48 MiB of it
 * between collections, which on a 2-core run measured ~30 MiB more peak memory for the same time. 4 MiB semi-spaces
 * keep it small; survivors are promoted as before.
 */
export const WORKER_RESOURCE_LIMITS: ResourceLimits = { maxYoungGenerationSizeMb: 4 };
