import { canonicalRegistry } from "./image-reference.js";

/** Rules for what a caller may ask for, shared by the HTTP schemas and the use cases. */

/** Docker's container-name rule (daemon/names: `[a-zA-Z0-9][a-zA-Z0-9_.-]+`), kept to a length hosts handle. */
export const INFERENCE_ID = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;
export const INFERENCE_ID_RULE = 'must be 1-128 letters, digits, "_", "." or "-", starting with a letter or digit';

/** POSIX portable environment variable names. */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,255}$/;
export const ENV_NAME_RULE = 'must start with a letter or "_" and contain only letters, digits and "_"';
export const MAX_ENV_ENTRIES = 8;
export const MAX_ENV_VALUE_LENGTH = 32_768;

/** The registry hosts an allowlist admits; an empty allowlist admits every registry. */
export function registryAllowed(registry: string, allowlist: readonly string[]): boolean {
  return allowlist.length === 0 || allowlist.some((allowed) => canonicalRegistry(allowed) === canonicalRegistry(registry));
}
