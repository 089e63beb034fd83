import { createLogger } from "@clarus/common";
import { describe, expect, it } from "vitest";
import { RunQueue, type TriggerJournal } from "./run-queue.js";
import { newTriggerId, type QueuedTrigger } from "./trigger.js";

const logger = createLogger({ name: "run-queue-test", level: "silent" });

function trigger(experimentId: string, object: string): QueuedTrigger {
  const at = new Date();
  return {
    id: newTriggerId(at),
    experiment_id: experimentId,
    source: "event",
    object,
    etag: object,
    accepted_at: at.toISOString(),
  };
}

/** A journal in memory; `failSaves` makes saves throw as an unreachable storage would. */
function memoryJournal() {
  const saved = new Map<string, QueuedTrigger>();
  const journal: TriggerJournal & { saved: typeof saved; failSaves: boolean } = {
    saved,
    failSaves: false,
    save: async (t) => {
      if (journal.failSaves) throw new Error("storage unreachable");
      saved.set(t.id, t);
    },
    remove: async (t) => {
      saved.delete(t.id);
    },
  };
  return journal;
}

describe("RunQueue", () => {
  it("runs in acceptance order, at most `limit` at once and one at a time per experiment, then empties the journal", async () => {
    const journal = memoryJournal();
    const order: string[] = [];
    let running = 0;
    let most = 0;
    const perExperiment = new Map<string, number>();
    const queue = new RunQueue(
      2,
      journal,
      async (t) => {
        running += 1;
        most = Math.max(most, running);
        perExperiment.set(t.experiment_id, (perExperiment.get(t.experiment_id) ?? 0) + 1);
        expect(perExperiment.get(t.experiment_id)).toBe(1);
        order.push(t.object ?? "");
        await new Promise((resolve) => setTimeout(resolve, 5));
        perExperiment.set(t.experiment_id, (perExperiment.get(t.experiment_id) ?? 1) - 1);
        running -= 1;
      },
      logger,
    );
    const triggers = ["a1", "a2", "b1", "a3", "b2", "c1"].map((object) => trigger(object.slice(0, 1), object));
    for (const t of triggers) await queue.accept(t);
    expect(journal.saved.size).toBeGreaterThan(0);
    await queue.idle();
    expect(most).toBe(2);
    expect(order.filter((o) => o.startsWith("a"))).toEqual(["a1", "a2", "a3"]);
    expect(order.filter((o) => o.startsWith("b"))).toEqual(["b1", "b2"]);
    expect(journal.saved.size).toBe(0);
    expect(queue.pending()).toEqual([]);
  });

  it("does not accept what it could not journal, and counts a failed run as done", async () => {
    const journal = memoryJournal();
    const handled: string[] = [];
    const queue = new RunQueue(
      1,
      journal,
      async (t) => {
        handled.push(t.id);
        throw new Error("the run failed");
      },
      logger,
    );
    journal.failSaves = true;
    await expect(queue.accept(trigger("a", "x"))).rejects.toThrow("storage unreachable");
    expect(queue.pending()).toEqual([]);
    journal.failSaves = false;
    await queue.accept(trigger("a", "y"));
    await queue.idle();
    expect(handled).toHaveLength(1);
    expect(journal.saved.size).toBe(0);
  });

  it("restores journaled triggers once each, in id order, and tells duplicates and waiting sources apart", async () => {
    const journal = memoryJournal();
    const release: Array<() => void> = [];
    const seen: string[] = [];
    const queue = new RunQueue(
      1,
      journal,
      (t) => {
        seen.push(t.object ?? "");
        return new Promise<void>((resolve) => release.push(resolve));
      },
      logger,
    );
    const [first, second, third] = [trigger("a", "1"), trigger("a", "2"), trigger("a", "3")] as [
      QueuedTrigger,
      QueuedTrigger,
      QueuedTrigger,
    ];
    queue.restore([third, first, second, first]);
    expect(queue.pending("a").map((t) => t.object)).toEqual(["1", "2", "3"]);
    expect(queue.isRunning("a")).toBe(true);
    expect(queue.length("a")).toBe(2);
    expect(queue.holds("a", "2", "2")).toBe(true);
    expect(queue.holds("a", "2", "other etag")).toBe(false);
    expect(queue.waitingFrom("a", "event")).toBe(true);
    expect(queue.waitingFrom("a", "schedule")).toBe(false);
    queue.restore([second]);
    expect(queue.length("a")).toBe(2);
    // A caller waiting for the experiment takes its turn after the triggers accepted before it.
    const caller = queue.exclusive("a", async () => "caller ran");
    while (release.length > 0 || seen.length < 3) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      release.shift()?.();
    }
    expect(await caller).toBe("caller ran");
    expect(seen).toEqual(["1", "2", "3"]);
    await queue.idle();
  });
});
