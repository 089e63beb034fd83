// (b) With many inferences running, GET /api/inference/all under concurrent clients (autocannon, loopback).
import autocannon, { type Result } from "autocannon";
import { managedFilter } from "../src/inference/labels.js";
import { DOCKER_SOCKET } from "../test/support/engine.js";
import { freePort } from "../test/support/free-port.js";
import { deployThroughAgent, inParallel, listedInferenceIds, removeThroughAgent } from "./agent-api.js";

export interface ListLoadSetup {
  agentUrl: string;
  /** The agent's AGENT_NAME: the baseline lists the containers it manages. */
  agentName: string;
  image: string;
  internalPort: number;
  namePrefix: string;
  inferences: number;
  connections: number;
  durationSeconds: number;
}

export interface LoadFigures {
  durationSeconds: number;
  requests: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: number;
  timeouts: number;
  non2xx: number;
}

export interface ListLoad {
  inferences: number;
  deploySeconds: number;
  connections: number;
  /** GET /api/inference/all on the agent. */
  agent: LoadFigures;
  /** Baseline: the engine's own list call with the agent's label filter, straight on the Docker socket. */
  engine: LoadFigures;
  /** agent p99 / 50 ms; the goal is < 1 with no errors. */
  ratioToGoal: number;
  /** agent p99 / engine p99: what the agent adds to the engine call it makes. */
  ratioToEngine: number;
}

export const LIST_P99_GOAL_MS = 50;
const DEPLOY_CONCURRENCY = 4;

export async function measureListLoad(setup: ListLoadSetup): Promise<ListLoad> {
  const ids = Array.from({ length: setup.inferences }, (_, i) => `${setup.namePrefix}-load-${i}`);
  const deployStarted = performance.now();
  await inParallel(ids, DEPLOY_CONCURRENCY, async (inferenceId) => {
    await deployThroughAgent(setup.agentUrl, {
      inferenceId,
      image: setup.image,
      internalPort: setup.internalPort,
      hostPort: await freePort(),
    });
  });
  const deploySeconds = (performance.now() - deployStarted) / 1000;
  try {
    const listed = new Set(await listedInferenceIds(setup.agentUrl));
    const missing = ids.filter((id) => !listed.has(id));
    if (missing.length > 0) throw new Error(`the agent does not list ${missing.length} deployed inferences, e.g. ${missing[0]}`);

    const agent = figures(
      await autocannon({
        url: `${setup.agentUrl}/api/inference/all`,
        connections: setup.connections,
        duration: setup.durationSeconds,
      }),
    );
    const engine = figures(
      await autocannon({
        url: `http://docker/containers/json?all=1&filters=${encodeURIComponent(JSON.stringify({ label: [managedFilter(setup.agentName)] }))}`,
        socketPath: DOCKER_SOCKET,
        connections: setup.connections,
        duration: setup.durationSeconds,
      }),
    );
    return {
      inferences: setup.inferences,
      deploySeconds,
      connections: setup.connections,
      agent,
      engine,
      ratioToGoal: agent.p99Ms / LIST_P99_GOAL_MS,
      ratioToEngine: agent.p99Ms / engine.p99Ms,
    };
  } finally {
    await inParallel(ids, DEPLOY_CONCURRENCY, (id) => removeThroughAgent(setup.agentUrl, id));
  }
}

function figures(result: Result): LoadFigures {
  return {
    durationSeconds: result.duration,
    requests: result.requests.total,
    p50Ms: result.latency.p50,
    p90Ms: result.latency.p90,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
  };
}
