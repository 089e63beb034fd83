import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/**
 * A full garbage collection of this thread's heap, now. A run past its memory budget drops large typed arrays
 * at known moments (a batch of spilled numbers written to disk, a spilled column's parts joined): V8 would free
 * them only at its next collection, and the allocator would meanwhile serve new arrays from fresh memory, so
 * that peak memory grew by the arrays held as garbage (a 20 M-row Parquet pair peaked at 720 MiB without these
 * collections, 666 MiB with them). Collected at once, their memory is reused. It costs a few milliseconds on these
 * small heaps, a few dozen times in a large run.
 */
export type CollectGarbage = () => void;

/**
 * V8's collector, for an entry point that wants runs to collect explicitly (the CLI). V8 hands `gc` to contexts
 * made while its `--expose-gc` flag is set, worker threads' included: the flag is set only while one fresh context
 * is made to take it from, then cleared again (unless the process was started with it), so no other code of the
 * process sees a `gc` it did not ask for.
 */
export function exposeGarbageCollector(): CollectGarbage {
  const started = (globalThis as { gc?: CollectGarbage }).gc;
  if (typeof started === "function") return started;
  setFlagsFromString("--expose-gc");
  try {
    return runInNewContext("gc") as CollectGarbage;
  } finally {
    setFlagsFromString("--no-expose-gc");
  }
}
