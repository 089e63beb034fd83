// (c) The docker backend's replacement gap: while the agent replaces an inference with a new version, a caller asks
// the published port every few milliseconds; the gap is the longest stretch without an answer (refused or failed
// requests), from the last answer before it to the first answer after it. Medians and spread over the repetitions.
import { setTimeout as sleep } from "node:timers/promises";
import { freePort } from "../test/support/free-port.js";
import { deployThroughAgent, removeThroughAgent } from "./agent-api.js";
import { median } from "./median.js";

export interface ReplacementGapSetup {
  agentUrl: string;
  /** Two images of one inference, deployed in turn. */
  images: [string, string];
  internalPort: number;
  namePrefix: string;
  repetitions: number;
  /** Pause between two requests of the caller. */
  intervalMs: number;
}

export interface ReplacementGap {
  repetitions: number;
  gapsMs: number[];
  failedRequests: number[];
  /** The longest stretch without an answer over 2 s with no replacement: what the caller's own pace gives. */
  baselineGapMs: number;
  medianGapMs: number;
  minGapMs: number;
  maxGapMs: number;
}

/** Asks `port` until `until` settles; answers the longest stretch without an answer and the failed requests. */
async function callDuring(port: number, intervalMs: number, until: Promise<unknown>): Promise<{ gapMs: number; failed: number }> {
  let done = false;
  void until.finally(() => {
    done = true;
  });
  let lastAnswer = performance.now();
  let gapMs = 0;
  let failed = 0;
  while (!done) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1000) });
      await response.text();
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const now = performance.now();
      gapMs = Math.max(gapMs, now - lastAnswer);
      lastAnswer = now;
    } catch {
      failed += 1;
    }
    await sleep(intervalMs);
  }
  await until;
  return { gapMs, failed };
}

export async function measureReplacementGap(setup: ReplacementGapSetup): Promise<ReplacementGap> {
  const gapsMs: number[] = [];
  const failedRequests: number[] = [];
  const inferenceId = `${setup.namePrefix}-gap`;
  const hostPort = await freePort();
  const deploy = (image: string) =>
    deployThroughAgent(setup.agentUrl, { inferenceId, image, internalPort: setup.internalPort, hostPort });
  await deploy(setup.images[0]);
  let baselineGapMs = 0;
  try {
    baselineGapMs = Math.round((await callDuring(hostPort, setup.intervalMs, sleep(2000))).gapMs);
    for (let rep = 0; rep < setup.repetitions; rep++) {
      const { gapMs, failed } = await callDuring(hostPort, setup.intervalMs, deploy(setup.images[(rep + 1) % 2]!));
      gapsMs.push(Math.round(gapMs));
      failedRequests.push(failed);
    }
  } finally {
    await removeThroughAgent(setup.agentUrl, inferenceId);
  }
  return {
    repetitions: setup.repetitions,
    gapsMs,
    failedRequests,
    baselineGapMs,
    medianGapMs: median(gapsMs),
    minGapMs: Math.min(...gapsMs),
    maxGapMs: Math.max(...gapsMs),
  };
}
