// The node agent started in-process (as main.ts wires it) on 127.0.0.1, on its PORT when env sets one, else on an OS-chosen port,
// plus small HTTP helpers for the tests that drive it.
import { createLogger, listen, type RunningServer } from "@clarus/common";
import { createNodeAgent, type NodeAgent } from "../../src/app.js";
import { readNodeAgentConfig } from "../../src/config.js";
import type { ConnectionProbe } from "../../src/inference/readiness.js";
import { testDocker } from "../support/docker-env.js";

// biome-ignore lint/suspicious/noExplicitAny: tests read answers loosely and assert on them.
export type Json = any;

export interface AgentUnderTest {
  url: string;
  agent: NodeAgent;
  /** The listening server, for tests that watch every request arrive. */
  server: RunningServer;
  /** JSON request; `body` as a string is sent raw (for malformed JSON and verbatim Postman bodies). */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: Json }>;
  close(): Promise<void>;
}

/**
 * Starts an agent configured by `env` alone (the process environment is not read); `probe` replaces its readiness
 * connections (swarm tests probe from a container on the overlay network, where an agent would stand).
 */
export async function startAgent(env: Record<string, string>, probe?: ConnectionProbe): Promise<AgentUnderTest> {
  const config = readNodeAgentConfig({ LOG_LEVEL: "silent", PORT_BIND_HOST: "127.0.0.1", STOP_TIMEOUT_SECONDS: "2", ...env });
  const agent = createNodeAgent(config, createLogger({ name: "node-agent-test", level: config.LOG_LEVEL }), probe);
  // As main.ts: an agent starts even when the engine is unreachable.
  await agent.service.recover().catch(() => []);
  const server: RunningServer = await listen(agent.app, { port: env.PORT === undefined ? 0 : config.PORT, host: "127.0.0.1" });
  let closing: Promise<void> | undefined;
  return {
    url: server.url,
    agent,
    server,
    call: (method, path, body, headers) => callAgent(server.url, method, path, body, headers),
    close() {
      // A test may close an agent itself (to restart it); its test bed closes it again at the end.
      closing ??= (async () => {
        agent.service.stop();
        await server.close();
      })();
      return closing;
    },
  };
}

/** A JSON request to an agent at `url`; `body` as a string is sent raw. The answer's body is parsed when it is JSON. */
export async function callAgent(
  url: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Json }> {
  const response = await fetch(url + path, {
    method,
    headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: Json = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON: keep the text.
  }
  return { status: response.status, body: parsed };
}

/** GET through a published port on 127.0.0.1; the page text. */
export async function fetchInference(hostPort: number, path = "/"): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${hostPort}${path}`, { signal: AbortSignal.timeout(3000) });
  return response.text();
}

/**
 * What the engine holds for a test scope: every container whose name starts with the prefix, with its state, and on
 * a swarm manager every service whose name does, with its spec's version (a change to a service shows too).
 */
export async function engineSnapshot(prefix: string): Promise<string[]> {
  const containers = (await testDocker.listContainers({ all: true, filters: { name: [prefix] } }))
    .map((c) => `${c.Names[0]} ${c.Image} ${c.State} ${c.Id}`)
    .filter((line) => line.startsWith(`/${prefix}`));
  const info = (await testDocker.info()) as { Swarm?: { ControlAvailable?: boolean } };
  const services = info.Swarm?.ControlAvailable
    ? (await testDocker.listServices({ filters: { name: [prefix] } }))
        .filter((service) => service.Spec?.Name?.startsWith(prefix))
        .map((service) => `service ${service.Spec?.Name} ${service.ID} version ${service.Version?.Index}`)
    : [];
  return [...containers, ...services].sort();
}
