/** A kind of problem the services answer with: its `type` URN, built from its name, and the statuses it may carry. */
export interface ProblemType {
  /** The short name, e.g. "port-taken". */
  readonly name: string;
  /** `urn:clarus:problem:<name>`: what a caller tests for. */
  readonly type: string;
  /** The statuses it is answered with: the first unless the problem names another. Its title is the status in words. */
  readonly statuses: readonly [number, ...number[]];
}

type ProblemStatuses = number | readonly [number, ...number[]];

/** The `type` URN of the problem type of this name. */
export function problemUrn(name: string): string {
  return `urn:clarus:problem:${name}`;
}

/** A typed table of problem types (name → status, or the statuses it may carry), each `type` built from its name. */
export function defineProblemTypes<const T extends Record<string, ProblemStatuses>>(
  table: T,
): { readonly [K in keyof T]: ProblemType } {
  const entries = Object.entries(table).map(([name, statuses]) => {
    const kind: ProblemType = {
      name,
      type: problemUrn(name),
      statuses: typeof statuses === "number" ? [statuses] : (statuses as readonly [number, ...number[]]),
    };
    return [name, kind];
  });
  return Object.fromEntries(entries) as { readonly [K in keyof T]: ProblemType };
}

/**
 * The problem types of the HTTP plumbing both services share. Those named after a status (not-found, …) are what a
 * problem is when nothing more specific can be said.
 */
export const COMMON_PROBLEMS = defineProblemTypes({
  /** A bad field: 422 in a JSON body, 400 in the path or query. */
  "validation-error": [422, 400],
  "malformed-json": 400,
  "missing-body": 400,
  unauthorized: 401,
  "host-not-allowed": 403,
  "cross-site-request": 403,
  "json-only": 415,
  "bad-request": 400,
  "not-found": 404,
  "method-not-allowed": 405,
  "payload-too-large": 413,
  "unsupported-media-type": 415,
  "internal-server-error": 500,
});
