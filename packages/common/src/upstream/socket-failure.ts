import type { UpstreamFailure } from "./upstream-error.js";

/** Socket error codes of a call that got no answer in time. */
const TIMEOUT_CODES = new Set(["ETIMEDOUT", "ESOCKETTIMEDOUT", "ECONNABORTED", "ERR_CANCELED"]);

/**
 * Socket error codes of a call whose peer could not be reached, or dropped the connection before answering: nothing
 * listens (refused, no such host or socket file, no route), the socket may not be opened, or the peer went away.
 */
const UNREACHABLE_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EADDRNOTAVAIL",
  "ENOENT",
  "EACCES",
  "ERR_SOCKET_CONNECTION_TIMEOUT",
  "ECONNRESET",
  "EPIPE",
]);

/** What a socket-level failure means for the call, and the code that says so. */
export interface SocketFailure {
  kind: Exclude<UpstreamFailure, "rejected">;
  code: string;
}

/**
 * The one classification of socket failures, for HTTP upstreams, object storage and the Docker engine alike:
 * a timeout, an unreachable peer, or (undefined) not a socket failure at all (an answer, a TLS refusal, a bug).
 */
export function socketFailure(err: unknown): SocketFailure | undefined {
  const code = (err as { code?: unknown } | null | undefined)?.code;
  if (typeof code !== "string") return undefined;
  if (TIMEOUT_CODES.has(code)) return { kind: "timeout", code };
  if (UNREACHABLE_CODES.has(code)) return { kind: "unreachable", code };
  return undefined;
}
