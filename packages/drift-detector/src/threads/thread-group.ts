import { Worker, type WorkerOptions } from "node:worker_threads";
import type { FromColumnThread, ToColumnThread } from "../drift/column-transfer.js";
import { WORKER_RESOURCE_LIMITS } from "./worker-heap.js";

/**
 * The worker threads of one run: every one is started through the group and stopped with it when the run ends,
 * whatever happened meanwhile. A reading thread that has handed over its table is released to the group, and the
 * comparison takes it to compare columns on (it answers column tasks then): a fresh thread costs ~20 ms of start-up
 * before its first line of ours runs.
 */
export class ThreadGroup {
  private readonly running = new Set<Worker>();
  private readonly idle: Worker[] = [];
  private stopped = false;

  /**
   * A new thread running `script`, with the run's heap limits; refused once the group is stopped (a reading that
   * only now got its first bytes, of a run that has failed). A thread that fails while no job listens to it (idle)
   * is forgotten, its error left to the job that would have used it: an `error` event without a listener would end
   * the process.
   */
  start(script: URL, options: WorkerOptions = {}): Worker {
    if (this.stopped) throw new Error("the run's threads are stopped: it has ended");
    const worker = new Worker(script, { ...options, resourceLimits: WORKER_RESOURCE_LIMITS });
    this.running.add(worker);
    worker.on("error", () => this.forget(worker)).once("exit", () => this.forget(worker));
    return worker;
  }

  /** A thread done with its job, ready for column tasks. */
  release(worker: Worker): void {
    if (this.running.has(worker)) this.idle.push(worker);
  }

  /**
   * Has every idle thread collect its garbage (what its finished job left) before it takes other work: a run that
   * collects explicitly (the CLI) does, so that the comparison reuses that memory. One thread after the other, as
   * each takes V8's collector by setting a flag of the whole process for a moment (collect-garbage.ts).
   */
  async collectIdleGarbage(): Promise<void> {
    for (const worker of [...this.idle]) {
      if (!this.idle.includes(worker)) continue;
      await new Promise<void>((resolve, reject) => {
        const onMessage = (message: FromColumnThread) => {
          if ("type" in message && message.type === "garbage-collected") done(resolve);
        };
        const onError = (error: Error) => done(() => reject(error));
        const onExit = (code: number) => done(() => reject(new Error(`a thread stopped (exit code ${code})`)));
        const done = (outcome: () => void) => {
          worker.off("message", onMessage).off("error", onError).off("exit", onExit);
          outcome();
        };
        worker.on("message", onMessage).on("error", onError).on("exit", onExit);
        worker.postMessage({ type: "collect-garbage" } satisfies ToColumnThread);
      });
    }
  }

  /** An idle thread, if there is one (it is then the caller's to use until the run ends). */
  takeIdle(): Worker | undefined {
    return this.idle.shift();
  }

  /** Stops the idle threads no job took: their memory goes back before the comparison. */
  async stopIdle(): Promise<void> {
    await Promise.all(this.idle.map((worker) => this.stop(worker)));
  }

  /** Stops one thread now (its job failed or was given up). */
  async stop(worker: Worker): Promise<void> {
    this.forget(worker);
    await worker.terminate();
  }

  /** Stops every thread of the group, and any it would be asked to start. */
  async stopAll(): Promise<void> {
    this.stopped = true;
    const workers = [...this.running];
    this.running.clear();
    this.idle.length = 0;
    await Promise.all(workers.map((worker) => worker.terminate()));
  }

  private forget(worker: Worker): void {
    this.running.delete(worker);
    const at = this.idle.indexOf(worker);
    if (at >= 0) this.idle.splice(at, 1);
  }
}
