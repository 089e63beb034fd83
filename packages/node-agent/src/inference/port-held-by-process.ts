import { InferenceError } from "./inference-error.js";

/**
 * The port-taken failure of a host port no container or service publishes but some process holds. When it is the agent's own PORT the
 * answer says so: it stays true under compose, where the agent listens on PORT inside its container and the host may
 * publish that under another number.
 */
export function portHeldByProcess(agentPort: number, hostPort: number, engineMessage: string, cause?: unknown): InferenceError {
  const ownPort = hostPort === agentPort;
  const detail = ownPort
    ? `Host port ${hostPort} is the port this node agent listens on (PORT=${agentPort}) and is taken on the host; choose another inference_rest_api_forward_port: ${engineMessage}`
    : `Host port ${hostPort} is held by another process on the host (not by a container): ${engineMessage}`;
  const message = ownPort
    ? `is the port this node agent listens on (PORT=${agentPort}); choose another`
    : "in use by another process";
  return new InferenceError("port-taken", detail, {
    errors: [{ location: "body", field: "inference_rest_api_forward_port", message }],
    extensions: { held_by: { process: "another process" }, upstream: { source: "engine", message: engineMessage } },
    cause,
  });
}
