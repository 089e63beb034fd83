// The rule that tells the agent's containers from containers that copy its labels from their image, over a
// stand-in runtime that knows image labels (the real engine's case is test/engine-attacks.test.ts).
import { expect, test } from "vitest";
import type { ContainerRuntime, ContainerSummary } from "../runtime/container-runtime.js";
import type { InferenceContext } from "./inference-context.js";
import { isManaged } from "./managed-containers.js";

const images: Record<string, Record<string, string>> = {
  "sha256:plain": { maintainer: "plant" },
  "sha256:committed": { "clarus.managed-by": "agent-a", "clarus.instance": "mark-1", "clarus.inference.id": "redwine" },
};
const ctx = {
  policy: { agentName: "agent-a" },
  runtime: { imageLabels: async (id: string) => images[id] } as unknown as ContainerRuntime,
} as InferenceContext;

const container = (imageId: string, labels: Record<string, string>) => ({ imageId, labels }) as unknown as ContainerSummary;

test("a container is the agent's when it names the agent and its mark is not its image's", async () => {
  const marked = { "clarus.managed-by": "agent-a", "clarus.instance": "mark-2" };
  expect(await isManaged(ctx, container("sha256:plain", marked))).toBe(true);
  // The agent deploying a committed image: the container got a fresh mark.
  expect(await isManaged(ctx, container("sha256:committed", marked))).toBe(true);
  // docker run of the committed image: every label, the mark included, is the image's.
  expect(await isManaged(ctx, container("sha256:committed", images["sha256:committed"]!))).toBe(false);
  // Another agent's, or nobody's.
  expect(await isManaged(ctx, container("sha256:plain", { ...marked, "clarus.managed-by": "agent-b" }))).toBe(false);
  expect(await isManaged(ctx, container("sha256:plain", {}))).toBe(false);
});

test("an unmarked container counts only when its image does not carry the agent's labels", async () => {
  const unmarked = { "clarus.managed-by": "agent-a" };
  expect(await isManaged(ctx, container("sha256:plain", unmarked))).toBe(true);
  expect(await isManaged(ctx, container("sha256:committed", unmarked))).toBe(false);
  // An image the engine no longer has brought no labels.
  expect(await isManaged(ctx, container("sha256:gone", unmarked))).toBe(true);
});
