// Which backend a node-agent test file drives (the vitest project sets RUNTIME), and tests for one backend only.
import { test } from "vitest";

/** The backend the node-agent test files drive: RUNTIME=swarm runs the same files against a swarm manager. */
export const TEST_RUNTIME: "docker" | "swarm" = process.env.RUNTIME === "swarm" ? "swarm" : "docker";

/**
 * A test of what only the docker backend does (the agent pulls the image itself, the container is the inference):
 * registered only when the file runs against RUNTIME=docker, so a swarm run counts no skipped test for it.
 */
export function testOnDocker(name: string, fn: () => Promise<void>): void {
  if (TEST_RUNTIME === "docker") test(name, fn);
}

/** A test of what only the swarm backend does (tasks, replicas, placement), registered only on RUNTIME=swarm. */
export function testOnSwarm(name: string, fn: () => Promise<void>, timeoutMs?: number): void {
  if (TEST_RUNTIME === "swarm") test(name, fn, timeoutMs);
}
