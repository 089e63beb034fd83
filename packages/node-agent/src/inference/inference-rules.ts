import { canonicalRegistry } from "./image-reference.js";

/** Rules for what a caller may ask for, shared by the HTTP schemas and the use cases. */

/**
 * Docker's container-name rule (daemon/names: `[a-zA-Z0-9][a-zA-Z0-9_.-]+`, so at least 2 characters), capped at
 * 128 so that the name of a replacement's candidate (the id plus 12 characters) stays short too. An id is checked
 * before the engine sees it: Docker would read other text as an id prefix or refuse it with its own words.
 */
export const MAX_INFERENCE_ID_LENGTH = 128;
export const INFERENCE_ID = new RegExp(`^[a-zA-Z0-9][a-zA-Z0-9_.-]{1,${MAX_INFERENCE_ID_LENGTH - 1}}$`);
export const INFERENCE_ID_RULE = `must be 2-${MAX_INFERENCE_ID_LENGTH} letters, digits, "_", "." or "-", starting with a letter or digit (a Docker container name)`;

/** POSIX portable environment variable names. */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,255}$/;
export const ENV_NAME_RULE = 'must start with a letter or "_" and contain only letters, digits and "_"';
export const MAX_ENV_ENTRIES = 8;
export const MAX_ENV_VALUE_LENGTH = 32_768;

/** The registry hosts an allowlist admits; an empty allowlist admits every registry. */
export function registryAllowed(registry: string, allowlist: readonly string[]): boolean {
  return allowlist.length === 0 || allowlist.some((allowed) => canonicalRegistry(allowed) === canonicalRegistry(registry));
}

/** Bounds of the cluster fields: a plant's edge cluster has a handful of nodes and GPUs. */
export const MAX_REPLICAS = 64;
export const MAX_PLACEMENT_CONSTRAINTS = 16;
export const MAX_GPUS = 64;
/** A swarm placement constraint: `attribute==value` or `attribute!=value`, e.g. `node.labels.gpu==true`. */
export const PLACEMENT_CONSTRAINT = /^[A-Za-z0-9_.-]{1,128}\s*(==|!=)\s*[A-Za-z0-9_.:/@-]{1,128}$/;
export const PLACEMENT_CONSTRAINT_RULE =
  'must be "attribute==value" or "attribute!=value" (e.g. "node.labels.gpu==true", "node.role==worker")';
/** A GPU as `--gpus device=` names it: an index or a UUID such as GPU-3a23c669-1f69-c64e-cf85-44e9b07e7a2a. */
export const GPU_DEVICE_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;
