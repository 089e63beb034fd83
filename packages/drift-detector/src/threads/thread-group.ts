import { Worker, type WorkerOptions } from "node:worker_threads";
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

  /** A new thread running `script`, with the run's heap limits. */
  start(script: URL, options: WorkerOptions = {}): Worker {
    const worker = new Worker(script, { ...options, resourceLimits: WORKER_RESOURCE_LIMITS });
    this.running.add(worker);
    worker.once("exit", () => this.forget(worker));
    return worker;
  }

  /** A thread done with its job, ready for column tasks. */
  release(worker: Worker): void {
    if (this.running.has(worker)) this.idle.push(worker);
  }

  /** An idle thread, if there is one (it is then the caller's to use until the run ends). */
  takeIdle(): Worker | undefined {
    return this.idle.shift();
  }

  /** Stops one thread now (its job failed or was given up). */
  async stop(worker: Worker): Promise<void> {
    this.forget(worker);
    await worker.terminate();
  }

  /** Stops every thread of the group. */
  async stopAll(): Promise<void> {
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
