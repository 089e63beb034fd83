import { socketFailure } from "@clarus/common";
import { RuntimeError, type RuntimeErrorKind } from "./runtime-error.js";

/** What docker-modem attaches to a failed call. */
interface ModemError extends Error {
  statusCode?: number;
  code?: string;
  json?: { message?: string } | null;
}

/** The engine answered 404 (whatever the message says: "network x not found" too). */
export function isNotFound(err: unknown): boolean {
  return (err as ModemError).statusCode === 404;
}

/** The engine's own words for a failure. */
export function engineMessage(err: unknown): string {
  const modem = err as ModemError;
  const text = modem.json?.message ?? modem.message ?? String(err);
  // docker-modem prefixes streamed error bodies with its own "(HTTP code 500) server error - ".
  return text.replace(/^\(HTTP code \d+\) [^-]*- /, "").trim();
}

/** Classifies an error of a pull (HTTP error or an error event inside the progress stream). */
export function pullFailureKind(message: string): RuntimeErrorKind {
  const text = message.toLowerCase();
  if (/unauthorized|authentication required|incorrect username or password|no basic auth credentials|denied/.test(text)) {
    return "registry-auth";
  }
  if (/manifest unknown|not found|does not exist|no such image|name unknown/.test(text)) return "image-not-found";
  return "registry";
}

/** Classifies an error of a container, network or image call. */
export function engineFailureKind(err: unknown): RuntimeErrorKind {
  const modem = err as ModemError;
  // No answer from the engine's socket, however it failed: the engine is unavailable.
  if (socketFailure(err)) return "unavailable";
  const text = engineMessage(err).toLowerCase();
  if (/port is already allocated|address already in use/.test(text)) return "port-taken";
  if (/network .*not found/.test(text)) return "network-missing";
  // No NVIDIA container runtime (or no GPU) on the engine: `docker run --gpus` fails the same way.
  if (/could not select device driver/.test(text)) return "gpu-unavailable";
  if (/not a swarm manager|swarm is not initialized|this node is not part of a swarm/.test(text)) return "swarm-unavailable";
  if (modem.statusCode === 409 && /already in use/.test(text)) return "name-conflict";
  if (modem.statusCode === 404) return "not-found";
  return "engine";
}

/** Wraps an engine failure; `action` says what the agent was doing, for the log and the answer. */
export function toRuntimeError(err: unknown, action: string, kind: RuntimeErrorKind = engineFailureKind(err)): RuntimeError {
  if (err instanceof RuntimeError) return err;
  if (kind === "unavailable") {
    // The socket error names the socket's path on the host; answers name the variable instead.
    const quoted = engineMessage(err).replace(/(^|\s)\/[^\s'"]+/g, "$1(the DOCKER_HOST socket)");
    const how = socketFailure(err)?.kind === "timeout" ? "did not answer in time" : "is unreachable";
    return new RuntimeError(kind, `The Docker engine (DOCKER_HOST) ${how} while trying to ${action}: ${quoted}`, quoted, {
      cause: err,
    });
  }
  const quoted = engineMessage(err);
  const message = `Docker could not ${action}: ${quoted}`;
  return new RuntimeError(kind, message, quoted, { cause: err });
}
