// The caching rules of the listing, over a stand-in runtime that counts engine list calls and lets the
// test emit engine events (the real engine path is covered by test/inference-lifecycle.test.ts).
import { setTimeout as sleep } from "node:timers/promises";
import { createLogger } from "@clarus/common";
import { expect, test } from "vitest";
import type { ContainerRuntime, ContainerSummary } from "../runtime/container-runtime.js";
import { createContainerBackend } from "./container-backend.js";
import type { InferenceContext } from "./inference-context.js";
import { createInferenceListing } from "./inference-listing.js";
import { DEFAULT_AGENT_NAME, toLabels } from "./labels.js";

function standIn() {
  const engine = {
    listCalls: 0,
    containers: [] as ContainerSummary[],
    change: () => {},
    end: (_err?: unknown) => {},
    watches: 0,
  };
  const runtime = {
    listContainers: async () => {
      engine.listCalls += 1;
      await sleep(2);
      return engine.containers;
    },
    imageLabels: async () => ({}),
    watchContainers: async (_labels: string[], onChange: () => void, onEnd: (err?: unknown) => void) => {
      engine.watches += 1;
      engine.change = onChange;
      engine.end = onEnd;
      return { stop: () => {} };
    },
  } as unknown as ContainerRuntime;
  const ctx = {
    runtime,
    policy: { agentName: DEFAULT_AGENT_NAME },
    logger: createLogger({ name: "listing-test", level: "silent" }),
  } as InferenceContext;
  return { engine, ctx };
}

function container(id: string, state: ContainerSummary["state"] = "running"): ContainerSummary {
  return {
    id: `c-${id}`,
    name: id,
    image: "img:1",
    imageId: "sha256:1",
    labels: toLabels(
      { inferenceId: id, image: "img:1", internalPort: 8080, hostPort: 7070, imageHistory: [{ id: "sha256:1" }] },
      DEFAULT_AGENT_NAME,
      `mark-${id}`,
    ),
    state,
    status: state,
    created: new Date(0),
    ports: [],
  };
}

test("served from memory while the engine reports no change; an event or the agent's own change forces a fresh read", async () => {
  const { engine, ctx } = standIn();
  engine.containers = [container("a")];
  const listing = createInferenceListing(createContainerBackend(ctx), ctx.logger, 60_000);
  expect((await listing.read()).map((i) => i.inference_id)).toEqual(["a"]);
  await sleep(0);
  await listing.read(); // the watch is now up; this read refreshed once more for what it may have missed
  const callsWhileWatched = engine.listCalls;
  for (let i = 0; i < 20; i++) await listing.read();
  expect(engine.listCalls).toBe(callsWhileWatched);

  engine.containers = [container("a", "exited")];
  engine.change();
  expect((await listing.read())[0]?.state).toBe("exited");
  expect(engine.listCalls).toBe(callsWhileWatched + 1);

  engine.containers = [container("a"), container("b")];
  listing.invalidate();
  expect((await listing.read()).map((i) => i.inference_id)).toEqual(["a", "b"]);
  expect(engine.listCalls).toBe(callsWhileWatched + 2);
});

test("without a working event stream every read asks the engine, and the watch is re-established", async () => {
  const { engine, ctx } = standIn();
  engine.containers = [container("a")];
  const listing = createInferenceListing(createContainerBackend(ctx), ctx.logger, 60_000);
  await listing.read();
  await sleep(0);
  engine.end(new Error("engine restarted"));
  const before = engine.listCalls;
  await listing.read();
  expect(engine.listCalls).toBe(before + 1);
  expect(engine.watches).toBe(2);
});

test("an old copy is answered at once and refreshed in the background", async () => {
  const { engine, ctx } = standIn();
  engine.containers = [container("a")];
  const listing = createInferenceListing(createContainerBackend(ctx), ctx.logger, 10);
  await listing.read();
  await sleep(0);
  await listing.read();
  await sleep(20);
  engine.containers = [container("a", "exited")];
  const calls = engine.listCalls;
  expect((await listing.read())[0]?.state).toBe("running");
  await sleep(10);
  expect(engine.listCalls).toBe(calls + 1);
  expect((await listing.read())[0]?.state).toBe("exited");
});
