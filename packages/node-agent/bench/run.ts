// The node-agent benchmark (docs/benchmarks.md, "Node agent"). In one run against a local registry and the real
// engine: (a) deploy through the agent vs docker pull + docker run by the CLI; (b) GET /api/inference/all under
// load with many inferences running; (c) the replacement gap: how long callers of an inference get no answer while
// the agent replaces it (RUNTIME=docker). Prints figures and their ratios to the goals; removes all it created.
// Options: --reps N (7) --image-mb N (16) --inferences N (50) --connections N (50) --duration S (10)
// --part deploy|list|gap|all
import { mkdir, writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { probeDocker, testDocker } from "../test/support/engine.js";
import { createDockerConfig, type DockerConfigDir, startRegistry, type TestRegistry } from "../test/support/registry.js";
import { createTestScope } from "../test/support/scope.js";
import { buildTestImage, pushImage } from "../test/support/test-image.js";
import { type AgentProcess, startAgent } from "./agent-process.js";
import { type DeployTiming, measureDeployTiming } from "./deploy-timing.js";
import { LIST_P99_GOAL_MS, type ListLoad, type LoadFigures, measureListLoad } from "./list-load.js";
import { measureReplacementGap, type ReplacementGap } from "./replacement-gap.js";

const DEPLOY_RATIO_GOAL = 1.1;
const INTERNAL_PORT = 8080;

function positiveInteger(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer, got "${text}"`);
  return value;
}

const { values } = parseArgs({
  options: {
    reps: { type: "string", default: "7" },
    "image-mb": { type: "string", default: "16" },
    inferences: { type: "string", default: "50" },
    connections: { type: "string", default: "50" },
    duration: { type: "string", default: "10" },
    part: { type: "string", default: "all" },
  },
});
const options = {
  repetitions: positiveInteger("reps", values.reps),
  imageMb: Number(values["image-mb"]),
  inferences: positiveInteger("inferences", values.inferences),
  connections: positiveInteger("connections", values.connections),
  durationSeconds: positiveInteger("duration", values.duration),
  part: values.part,
};
if (!(options.imageMb >= 0)) throw new Error(`--image-mb must be a number of MiB ≥ 0, got "${values["image-mb"]}"`);
if (!["deploy", "list", "gap", "all"].includes(options.part))
  throw new Error(`--part must be deploy, list, gap or all, got "${options.part}"`);
/** Pause between two requests of the caller that measures the replacement gap. */
const GAP_INTERVAL_MS = 5;

const engine = await probeDocker();
if (!engine.available) {
  console.error(`node-agent benchmark needs the Docker engine: ${engine.reason}`);
  process.exit(1);
}

const scope = createTestScope("bench");
let registry: TestRegistry | undefined;
let dockerConfig: DockerConfigDir | undefined;
let agent: AgentProcess | undefined;
let cleaning: Promise<void> | undefined;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    await agent?.stop();
    const removed = await scope.cleanup();
    await registry?.stop();
    await dockerConfig?.remove();
    console.log(
      `cleaned up: ${removed.containers.length} containers, ${removed.networks.length} networks, ${removed.images.length} images, the registry`,
    );
  })();
  return cleaning;
}
process.once("SIGINT", () => {
  console.error("interrupted: cleaning up");
  void cleanup().finally(() => process.exit(130));
});

const ms = (value: number) => `${value.toFixed(0)} ms`;
const verdict = (ok: boolean) => (ok ? "goal met" : "GOAL MISSED");

function printDeploy(timing: DeployTiming): void {
  console.log(
    `\n(a) deploy, ${timing.mode} (${timing.mode === "cold" ? "image removed before each deployment" : "image already local"}), ${timing.repetitions} repetitions`,
  );
  console.log(
    `    agent POST /api/inference/deploy, readiness excluded: median ${ms(timing.agentMedianMs)}  [${timing.agentMs.map(ms).join(", ")}]`,
  );
  console.log(
    `    agent readiness wait (reported apart):               median ${ms(timing.agentReadinessMedianMs)}  [${timing.agentReadinessMs.map(ms).join(", ")}]`,
  );
  console.log(
    `    CLI docker pull + docker run -d -p:                  median ${ms(timing.cliMedianMs)}  [${timing.cliMs.map(ms).join(", ")}]`,
  );
  console.log(
    `    ratio agent/CLI: ${timing.ratio.toFixed(2)} (goal ≤ ${DEPLOY_RATIO_GOAL}): ${verdict(timing.ratio <= DEPLOY_RATIO_GOAL)}`,
  );
}

function printList(load: ListLoad): void {
  const line = (label: string, f: LoadFigures) =>
    console.log(
      `    ${label} ${f.requests} requests in ${f.durationSeconds} s: p50 ${f.p50Ms} ms, p90 ${f.p90Ms} ms, p99 ${f.p99Ms} ms, ` +
        `max ${f.maxMs} ms; errors ${f.errors}, timeouts ${f.timeouts}, non-2xx ${f.non2xx}`,
    );
  const clean = load.agent.errors === 0 && load.agent.timeouts === 0 && load.agent.non2xx === 0;
  console.log(
    `\n(b) GET /api/inference/all with ${load.inferences} inferences running (deployed in ${load.deploySeconds.toFixed(1)} s)`,
  );
  console.log(`    autocannon, ${load.connections} connections on loopback`);
  line("agent GET /api/inference/all:           ", load.agent);
  line("engine list call alone (Docker socket):", load.engine);
  console.log(
    `    ratio agent p99/${LIST_P99_GOAL_MS} ms: ${load.ratioToGoal.toFixed(2)} (goal < 1, no errors): ${verdict(load.ratioToGoal < 1 && clean)}`,
  );
  console.log(`    ratio agent p99/engine p99: ${load.ratioToEngine.toFixed(2)}`);
}

function printGap(gap: ReplacementGap): void {
  console.log(
    `\n(c) replacement gap (RUNTIME=docker), ${gap.repetitions} replacements, a caller asking every ${GAP_INTERVAL_MS} ms`,
  );
  console.log(
    `    longest stretch without an answer: median ${ms(gap.medianGapMs)}, min ${ms(gap.minGapMs)}, max ${ms(gap.maxGapMs)}  [${gap.gapsMs.map(ms).join(", ")}]`,
  );
  console.log(`    failed requests per replacement: [${gap.failedRequests.join(", ")}]`);
  console.log(
    `    baseline, no replacement, 2 s: longest stretch ${ms(gap.baselineGapMs)}; ratio median/baseline ${(gap.medianGapMs / Math.max(1, gap.baselineGapMs)).toFixed(0)}`,
  );
}

try {
  const engineVersion = (await testDocker.version()).Version;
  console.log(
    `node-agent benchmark: Node ${process.version}, Docker engine ${engineVersion}, ${availableParallelism()} CPUs, ` +
      `test image ${options.imageMb} MiB of filler + busybox`,
  );
  [registry, dockerConfig] = await Promise.all([startRegistry(), createDockerConfig()]);
  const network = await scope.createNetwork();
  const image = scope.imageRef(registry.host, "inference", "v1");
  const second = scope.imageRef(registry.host, "inference", "v2");
  for (const [ref, marker] of [
    [image, "bench"],
    [second, "bench-v2"],
  ] as const) {
    await buildTestImage(ref, "http", { marker, fillerBytes: Math.round(options.imageMb * 1024 * 1024) });
    await pushImage(ref);
  }
  agent = await startAgent({
    // Its own name: the agent touches none of the containers of tests running beside the benchmark.
    AGENT_NAME: scope.prefix,
    INFERENCE_NETWORK: network,
    DOCKER_CONFIG: dockerConfig.dir,
    PORT_BIND_HOST: "127.0.0.1",
    READINESS_TIMEOUT_SECONDS: "30",
  });
  console.log(`registry ${registry.host}, network ${network}, agent ${agent.url}`);

  const results: { deploy: DeployTiming[]; list?: ListLoad; gap?: ReplacementGap } = { deploy: [] };
  if (options.part === "deploy" || options.part === "all") {
    for (const mode of ["cold", "warm"] as const) {
      const timing = await measureDeployTiming({
        agentUrl: agent.url,
        image,
        internalPort: INTERNAL_PORT,
        network,
        dockerConfig: dockerConfig.dir,
        namePrefix: scope.prefix,
        repetitions: options.repetitions,
        mode,
      });
      printDeploy(timing);
      results.deploy.push(timing);
    }
  }
  if (options.part === "gap" || options.part === "all") {
    results.gap = await measureReplacementGap({
      agentUrl: agent.url,
      images: [image, second],
      internalPort: INTERNAL_PORT,
      namePrefix: scope.prefix,
      repetitions: options.repetitions,
      intervalMs: GAP_INTERVAL_MS,
    });
    printGap(results.gap);
  }
  if (options.part === "list" || options.part === "all") {
    results.list = await measureListLoad({
      agentUrl: agent.url,
      agentName: scope.prefix,
      image,
      internalPort: INTERNAL_PORT,
      namePrefix: scope.prefix,
      inferences: options.inferences,
      connections: options.connections,
      durationSeconds: options.durationSeconds,
    });
    printList(results.list);
  }
  const out = join(fileURLToPath(new URL("../../..", import.meta.url)), "bench-out", "node-agent-bench.json");
  await mkdir(join(out, ".."), { recursive: true });
  await writeFile(out, `${JSON.stringify({ options, engineVersion, ...results }, null, 2)}\n`);
  console.log(`\nfigures written to ${out}`);
} finally {
  await cleanup();
}
