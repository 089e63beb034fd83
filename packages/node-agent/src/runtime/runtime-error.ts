/** Why an engine call failed, in terms the use cases can act on (independent of the engine's wording). */
export type RuntimeErrorKind =
  | "unavailable"
  | "not-found"
  | "name-conflict"
  | "port-taken"
  | "network-missing"
  | "image-not-found"
  | "registry-auth"
  | "registry"
  | "registry-timeout"
  | "configuration"
  | "gpu-unavailable"
  | "swarm-unavailable"
  | "engine";

export class RuntimeError extends Error {
  constructor(
    readonly kind: RuntimeErrorKind,
    message: string,
    /** The engine's or registry's own words, quoted to the caller. */
    readonly engineMessage: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "RuntimeError";
  }
}
