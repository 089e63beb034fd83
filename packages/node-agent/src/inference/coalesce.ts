/**
 * Lets concurrent callers share runs of a read. A caller joins the run that starts next, never one
 * already running (its answer could predate the call, e.g. miss a deployment that just finished), so
 * at most one run is in flight and one waits, however many callers there are.
 */
export function coalesce<T>(task: () => Promise<T>): () => Promise<T> {
  let running: Promise<T> | undefined;
  let queued: Promise<T> | undefined;
  const start = (): Promise<T> => {
    const run = task();
    running = run;
    const clear = () => {
      if (running === run) running = undefined;
    };
    run.then(clear, clear);
    return run;
  };
  return () => {
    if (!running) return start();
    if (!queued) {
      const startNext = () => {
        queued = undefined;
        return start();
      };
      queued = running.then(startNext, startNext);
    }
    return queued;
  };
}
