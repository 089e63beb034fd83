import { setTimeout as sleep } from "node:timers/promises";
import type { ContainerRuntime } from "../runtime/container-runtime.js";

/**
 * Where readiness is probed: "container" connects to the container's address on the inference
 * network (truthful; the agent must share that network or run on the host), "host" to the published
 * host port (for agents that cannot reach the network; the engine's port proxy may accept early).
 */
export type ReadinessProbe = "container" | "host";

export type Readiness =
  | { outcome: "ready"; waitedMs: number; address: string }
  | { outcome: "exited"; waitedMs: number; exitCode: number; restarts: number }
  | { outcome: "timeout"; waitedMs: number; address: string | undefined };

export interface ReadinessTarget {
  containerId: string;
  network: string;
  internalPort: number;
  hostIp: string;
  hostPort: number;
}

/** Resolves true when a TCP connection to host:port is accepted within `timeoutMs` (an adapter: runtime/tcp-probe.ts). */
export type ConnectionProbe = (host: string, port: number, timeoutMs: number) => Promise<boolean>;

export interface ReadinessOptions {
  probe: ReadinessProbe;
  timeoutMs: number;
  intervalMs?: number;
  acceptsConnections: ConnectionProbe;
}

/**
 * Waits until the inference's port accepts TCP connections, or its process exits (the container is
 * not running, or was restarted), or time runs out.
 */
export async function waitUntilReady(
  runtime: ContainerRuntime,
  target: ReadinessTarget,
  options: ReadinessOptions,
): Promise<Readiness> {
  const started = Date.now();
  const deadline = started + options.timeoutMs;
  const interval = options.intervalMs ?? 150;
  let address: string | undefined;
  let restartsBefore: number | undefined;
  for (;;) {
    const details = await runtime.inspectContainer(target.containerId);
    const waitedMs = Date.now() - started;
    restartsBefore ??= details?.restartCount ?? 0;
    if (!details?.running || details.restarting || details.restartCount > restartsBefore) {
      return { outcome: "exited", waitedMs, exitCode: details?.exitCode ?? -1, restarts: details?.restartCount ?? 0 };
    }
    const host =
      options.probe === "container"
        ? details.ipAddresses[target.network]
        : target.hostIp === "0.0.0.0"
          ? "127.0.0.1"
          : target.hostIp;
    const port = options.probe === "container" ? target.internalPort : target.hostPort;
    address = host ? `${host}:${port}` : undefined;
    const remaining = deadline - Date.now();
    if (host && (await options.acceptsConnections(host, port, Math.max(50, Math.min(1000, remaining))))) {
      return { outcome: "ready", waitedMs: Date.now() - started, address: `${host}:${port}` };
    }
    const left = deadline - Date.now();
    if (left <= 0) return { outcome: "timeout", waitedMs: Date.now() - started, address };
    await sleep(Math.min(interval, left));
  }
}
