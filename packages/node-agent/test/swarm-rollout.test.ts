// The swarm backend's rolling update as callers on the inference network see it. Swarm routes callers through a
// service VIP or the ingress mesh, which need IPVS; this machine's kernel has none. So the test records what those
// would route to: every task's own address, asked from a container on the overlay network, next to the engine's task
// states, while a start-first update runs (the new task must serve before an old one stops) and while a broken
// version is rolled back (some task of the old version must answer at every instant). The record is printed.
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, expect, test } from "vitest";
import { type AgentTestBed, openAgentTestBed } from "./helpers/agent-test-bed.js";
import type { AgentUnderTest } from "./helpers/agent-under-test.js";
import { describeWithDocker, freePort, testDocker } from "./support/docker-env.js";
import { type OverlayProber, startOverlayProber } from "./support/overlay-prober.js";

interface Sample {
  ms: number;
  tasks: Array<{ id: string; state: string; desired: string; answer: string }>;
}

describeWithDocker("node agent: RUNTIME=swarm rolling updates, seen from the overlay network", () => {
  let bed: AgentTestBed;
  let agent: AgentUnderTest;
  let prober: OverlayProber;
  let inferenceId: string;
  const refs = { v1: "", v2: "", crash: "" };

  /** Every task's state and answer now; "-" when a task has no address or does not answer. */
  async function sample(started: number): Promise<Sample> {
    const tasks = await testDocker.listTasks({ filters: { service: [inferenceId] } });
    const seen = await Promise.all(
      tasks.map(async (task) => {
        const attachments = (
          task as { NetworksAttachments?: Array<{ Network?: { Spec?: { Name?: string } }; Addresses?: string[] }> }
        ).NetworksAttachments;
        const address = attachments?.find((a) => a.Network?.Spec?.Name === bed.network)?.Addresses?.[0];
        const answer = address ? await prober.get(address.split("/")[0]!, 8080) : undefined;
        return {
          id: task.ID!.slice(0, 6),
          state: task.Status?.State ?? "?",
          desired: task.DesiredState ?? "?",
          answer: answer?.trim() ?? "-",
        };
      }),
    );
    return { ms: Date.now() - started, tasks: seen };
  }

  /**
   * Samples every ~100 ms until `done` settled and then until the engine reached the state `settled` waits for (its
   * own rollout or rollback may end after the agent's answer), at most `ceilingMs`.
   */
  async function record<T>(
    done: Promise<T>,
    settled: (last: Sample) => Promise<boolean>,
    ceilingMs = 180_000,
  ): Promise<{ result: T; samples: Sample[] }> {
    const samples: Sample[] = [];
    const started = Date.now();
    let answered = false;
    const result = done.finally(() => {
      answered = true;
    });
    for (;;) {
      const last = await sample(started);
      samples.push(last);
      if (answered && (await settled(last))) break;
      if (Date.now() - started > ceilingMs) throw new Error(`the engine did not settle within ${ceilingMs} ms`);
      await sleep(100);
    }
    return { result: await result, samples };
  }

  /** The service's rollout state as the engine reports it. */
  const rolloutState = async () =>
    ((await testDocker.getService(inferenceId).inspect()) as { UpdateStatus?: { State?: string } }).UpdateStatus?.State;
  /** Settled: the engine's rollout is in `state` and both replicas answer with `marker`. */
  const settledAt = (state: string, marker: string) => async (last: Sample) =>
    last.tasks.filter((t) => t.desired === "running" && t.answer.startsWith(marker)).length === 2 &&
    (await rolloutState()) === state;

  /** Settled after a rollback: two tasks answer with `marker` and every task meant to run is one of them. */
  const previousServesAlone = (marker: string) => async (last: Sample) => {
    const running = last.tasks.filter((t) => t.desired === "running");
    return running.length === 2 && running.every((t) => t.answer.startsWith(marker));
  };

  const print = (title: string, samples: Sample[]) =>
    console.log(
      `${title}\n${samples
        .map(
          (s) =>
            `${String(s.ms).padStart(6)} ms  ${s.tasks.map((t) => `${t.id} ${t.state}/${t.desired} "${t.answer}"`).join(" | ")}`,
        )
        .join("\n")}`,
    );

  /** Deploys `image` over the running inference, two replicas, one task at a time, each new one before an old one stops. */
  const rollTo = async (image: string) =>
    agent.call("POST", "/api/inference/deploy", {
      inference_id: inferenceId,
      docker_img_uri: image,
      inference_rest_api_port: 8080,
      inference_rest_api_forward_port: (await agent.call("GET", `/api/inference/${inferenceId}`)).body.port,
      replicas: 2,
      update: { order: "start-first", monitor_seconds: 1 },
    });

  beforeAll(async () => {
    bed = await openAgentTestBed("rollout", { runtime: "swarm" });
    inferenceId = bed.scope.name("rolling");
    const built = await Promise.all([
      bed.publishImage("model", "v1", "http", { marker: "model-v1", keepLocal: true }),
      bed.publishImage("model", "v2", "http", { marker: "model-v2" }),
      bed.publishImage("model", "broken", "crash", { exitCode: 4 }),
    ]);
    [refs.v1, refs.v2, refs.crash] = built.map((image) => image.ref) as [string, string, string];
    prober = await startOverlayProber(refs.v1, bed.network, bed.scope.name("prober"));
    agent = await bed.startAgent(
      {
        SWARM_PUBLISH_MODE: "ingress",
        READINESS_PROBE: "container",
        READINESS_TIMEOUT_SECONDS: "20",
        SWARM_UPDATE_MONITOR_SECONDS: "2",
      },
      prober.accepts,
    );
    const first = await agent.call("POST", "/api/inference/deploy", {
      inference_id: inferenceId,
      docker_img_uri: refs.v1,
      inference_rest_api_port: 8080,
      inference_rest_api_forward_port: await freePort(),
      replicas: 2,
    });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({ replicas: { desired: 2, running: 2 }, state: "running" });
  });

  afterAll(async () => {
    await prober?.remove();
    await bed?.close();
  });

  test("start-first: each new task serves before an old one stops; some task answers at every instant", {
    timeout: 240_000,
  }, async () => {
    const { result: res, samples } = await record(rollTo(refs.v2), settledAt("completed", "model-v2"));
    print('start-first rollout of 2 replicas, model-v1 -> model-v2 (task state/desired "answer")', samples);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      docker_img_uri: refs.v2,
      replaced: { docker_img_uri: refs.v1 },
      rollout: { state: "completed" },
    });
    // Never a moment without an answer.
    for (const sample of samples)
      expect(
        sample.tasks.some((t) => t.answer.startsWith("model-")),
        `${sample.ms} ms`,
      ).toBe(true);
    // Each old task is told to stop only once more new tasks answer than old ones were stopped.
    const oldIds = new Set(samples[0]!.tasks.filter((t) => t.answer.startsWith("model-v1")).map((t) => t.id));
    expect(oldIds.size).toBe(2);
    for (const sample of samples) {
      const stopped = sample.tasks.filter((t) => oldIds.has(t.id) && t.desired !== "running").length;
      const serving = sample.tasks.filter((t) => t.answer.startsWith("model-v2")).length;
      expect(
        serving,
        `${sample.ms} ms: ${stopped} old task(s) stopping with ${serving} new one(s) serving`,
      ).toBeGreaterThanOrEqual(stopped);
    }
    expect(samples.some((s) => s.tasks.some((t) => t.answer.startsWith("model-v2")))).toBe(true);
  });

  test("a broken version is rolled back by the engine while the previous version serves throughout", {
    timeout: 240_000,
  }, async () => {
    // Recorded until both replicas of the previous version answer again and the engine no longer runs the broken one.
    // Not until the engine calls its rollback completed: on a loaded engine swarmkit's updater sometimes finds a task
    // it meant to stop already shut down and leaves the service marked rollback_started with the previous version
    // fully serving, which is what callers see.
    const { result: res, samples } = await record(rollTo(refs.crash), previousServesAlone("model-v2"));
    print('start-first rollout of a crashing version, rolled back (task state/desired "answer")', samples);
    expect(res.status, JSON.stringify(res.body)).toBe(502);
    expect(res.body.type).toBe("urn:clarus:problem:inference-exited");
    // The agent waits a bounded time for the engine's rollback: it answers that the previous version is back or, on
    // a machine slow enough, that the engine is still rolling back to it (the recording waited for the end).
    const previous = `the previous version (image ${refs.v2})`;
    const restored = res.body.detail.includes(`${previous} was restored and accepts connections again.`);
    const stillRollingBack = res.body.detail.includes(`The engine is still rolling back to ${previous}`);
    expect(restored || stillRollingBack, res.body.detail).toBe(true);
    for (const sample of samples) {
      expect(
        sample.tasks.filter((t) => t.answer.startsWith("model-v2")).length,
        `${sample.ms} ms: the previous version answers`,
      ).toBeGreaterThanOrEqual(1);
    }
    const after = (await agent.call("GET", `/api/inference/${inferenceId}`)).body;
    expect(after).toMatchObject({ docker_img_uri: refs.v2, replicas: { desired: 2, running: 2 } });
  });
});
