import { Worker, type WorkerOptions } from "node:worker_threads";
import { WORKER_RESOURCE_LIMITS } from "./worker-heap.js";

/**
 * The worker threads of one run (reading the files, then comparing columns): every one is started through the group
 * and stopped with it when the run ends, whatever happened meanwhile, and none is started once it has.
 */
export class ThreadGroup {
  private readonly running = new Set<Worker>();
  private stopped = false;

  /**
   * A new thread running `script`, with the run's heap limits; refused once the group is stopped (a reading that
   * only now got its first bytes, of a run that has failed). A thread that fails while no job listens to it is
   * forgotten, its error left to the job that would have used it: an `error` event without a listener would end the
   * process.
   */
  start(script: URL, options: WorkerOptions = {}): Worker {
    if (this.stopped) throw new Error("the run's threads are stopped: it has ended");
    const worker = new Worker(script, { ...options, resourceLimits: WORKER_RESOURCE_LIMITS });
    this.running.add(worker);
    worker.on("error", () => this.running.delete(worker)).once("exit", () => this.running.delete(worker));
    return worker;
  }

  /** Stops one thread now (its job is done, failed or was given up). */
  async stop(worker: Worker): Promise<void> {
    this.running.delete(worker);
    await worker.terminate();
  }

  /** Stops every thread of the group, and any it would be asked to start. */
  async stopAll(): Promise<void> {
    this.stopped = true;
    const workers = [...this.running];
    this.running.clear();
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}
