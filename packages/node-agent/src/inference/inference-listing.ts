import type { Logger } from "@clarus/common";
import type { Watch } from "../runtime/container-runtime.js";
import { coalesce } from "./coalesce.js";
import type { InferenceBackend } from "./inference-backend.js";
import type { InferenceView } from "./inference-view.js";

export interface InferenceListing {
  read(): Promise<InferenceView[]>;
  /** The agent changed something: the next read goes to the engine. */
  invalidate(): void;
  stop(): void;
}

/**
 * The list of inferences, kept in memory while the engine's event stream says nothing changed, so that
 * many clients polling it cost no engine calls. A change reported by the engine (or made by the agent)
 * makes the next read wait for a fresh list. Without a working event stream every read asks the engine
 * (coalesced). Text that changes with time alone ("Up 3 minutes") is refreshed in the background once
 * the copy is older than `maxAgeMs`.
 */
export function createInferenceListing(
  engine: Pick<InferenceBackend, "list" | "watch">,
  logger: Logger,
  maxAgeMs = 1000,
): InferenceListing {
  let copy: { views: InferenceView[]; readAt: number } | undefined;
  let dirty = true;
  let watch: Watch | undefined;
  let watching: Promise<void> | undefined;
  let stopped = false;

  const refresh = coalesce(async () => {
    dirty = false;
    try {
      const views = await engine.list();
      copy = { views, readAt: Date.now() };
      return views;
    } catch (err) {
      dirty = true;
      throw err;
    }
  });

  const ensureWatch = () => {
    if (watching || stopped) return;
    const markDirty = () => {
      dirty = true;
    };
    const lost = (err?: unknown) => {
      logger.warn({ err }, "the engine's event stream ended; listing from the engine until it is back");
      watch = undefined;
      watching = undefined;
      dirty = true;
    };
    watching = engine.watch(markDirty, lost).then(
      (established) => {
        if (stopped) return established.stop();
        watch = established;
        // Changes between the last read and the subscription were not seen.
        dirty = true;
      },
      () => {
        watching = undefined;
      },
    );
  };

  return {
    async read() {
      ensureWatch();
      if (!watch || dirty || !copy) return refresh();
      if (Date.now() - copy.readAt > maxAgeMs) {
        refresh().catch((err: unknown) => logger.warn({ err }, "background refresh of the inference list failed"));
      }
      return copy.views;
    },
    invalidate() {
      dirty = true;
    },
    stop() {
      stopped = true;
      watch?.stop();
    },
  };
}
