// (a) Deploying one image through the agent vs `docker pull` + `docker run -d -p` by the CLI, same image,
// same registry, same network; alternating which goes first, medians over the repetitions.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { freePort } from "../test/support/free-port.js";
import { removeImage } from "../test/support/test-image.js";
import { deployThroughAgent, removeThroughAgent } from "./agent-api.js";
import { median } from "./median.js";

const run = promisify(execFile);

export interface DeployTimingSetup {
  agentUrl: string;
  image: string;
  internalPort: number;
  network: string;
  /** DOCKER_CONFIG of the CLI (the agent gets the same one). */
  dockerConfig: string;
  /** Container names are `${namePrefix}-…`. */
  namePrefix: string;
  repetitions: number;
  /** "cold": the image is removed before each deployment, so each one pulls every layer. */
  mode: "cold" | "warm";
}

export interface DeployTiming {
  mode: "cold" | "warm";
  repetitions: number;
  agentMs: number[];
  agentReadinessMs: number[];
  cliMs: number[];
  agentMedianMs: number;
  agentReadinessMedianMs: number;
  cliMedianMs: number;
  /** agent median / CLI median; the goal is ≤ 1.1. */
  ratio: number;
}

async function docker(config: string, ...args: string[]): Promise<void> {
  await run("docker", args, { env: { ...process.env, DOCKER_CONFIG: config } });
}

async function timeAgent(setup: DeployTimingSetup, round: string) {
  const inferenceId = `${setup.namePrefix}-agent-${setup.mode}-${round}`;
  const timed = await deployThroughAgent(setup.agentUrl, {
    inferenceId,
    image: setup.image,
    internalPort: setup.internalPort,
    hostPort: await freePort(),
  });
  await removeThroughAgent(setup.agentUrl, inferenceId);
  return { ms: timed.totalMs - timed.readinessMs, readinessMs: timed.readinessMs };
}

async function timeCli(setup: DeployTimingSetup, round: string): Promise<number> {
  const name = `${setup.namePrefix}-cli-${setup.mode}-${round}`;
  const hostPort = await freePort();
  const started = performance.now();
  await docker(setup.dockerConfig, "pull", "--quiet", setup.image);
  await docker(
    setup.dockerConfig,
    "run",
    "-d",
    "--name",
    name,
    "--network",
    setup.network,
    "-p",
    `127.0.0.1:${hostPort}:${setup.internalPort}`,
    setup.image,
  );
  const ms = performance.now() - started;
  await docker(setup.dockerConfig, "rm", "-f", name);
  return ms;
}

export async function measureDeployTiming(setup: DeployTimingSetup): Promise<DeployTiming> {
  const agentMs: number[] = [];
  const agentReadinessMs: number[] = [];
  const cliMs: number[] = [];
  const prepare = async () => {
    if (setup.mode === "cold") await removeImage(setup.image);
  };
  // One untimed round first: connections, caches and the first network attach warm up on both sides.
  await prepare();
  await timeAgent(setup, "warmup");
  await prepare();
  await timeCli(setup, "warmup");
  for (let rep = 0; rep < setup.repetitions; rep++) {
    const agentFirst = rep % 2 === 0;
    for (const side of agentFirst ? ["agent", "cli"] : ["cli", "agent"]) {
      await prepare();
      if (side === "agent") {
        const { ms, readinessMs } = await timeAgent(setup, String(rep));
        agentMs.push(ms);
        agentReadinessMs.push(readinessMs);
      } else {
        cliMs.push(await timeCli(setup, String(rep)));
      }
    }
  }
  const agentMedianMs = median(agentMs);
  const cliMedianMs = median(cliMs);
  return {
    mode: setup.mode,
    repetitions: setup.repetitions,
    agentMs,
    agentReadinessMs,
    cliMs,
    agentMedianMs,
    agentReadinessMedianMs: median(agentReadinessMs),
    cliMedianMs,
    ratio: agentMedianMs / cliMedianMs,
  };
}
