import type { Logger } from "@clarus/common";
import type { ObjectInfo, ObjectStore } from "../adapters/storage/object-store.js";
import { readContent, sameContent } from "./read-back.js";
import { ORIGINAL_MESSAGES, type ReferenceState, type RunRecord } from "./run-record.js";
import { interruptedMessage, type RunStore } from "./run-store.js";

export type ReferenceReading =
  | { state: "replaced"; info: ObjectInfo; detail: string }
  | { state: Exclude<ReferenceState, "replaced">; detail: string };

/** How far a chain of resumed runs is followed back when the last one finishes their work. */
const MAX_RESUME_CHAIN = 20;

/**
 * Gives stopped runs their true status after the fact, by reading the storage back: a run whose process died, or
 * whose swap answer was lost, becomes `completed` when the reference holds its new data, and otherwise says what the
 * reference holds; a failed or interrupted run names the later run that finished its work or superseded it.
 */
export class RunSettlement {
  constructor(
    private readonly store: ObjectStore,
    private readonly runs: RunStore,
    private readonly clock: () => Date,
  ) {}

  /** What the reference holds now compared with the run's two datasets. */
  async referenceState(record: RunRecord): Promise<ReferenceReading> {
    const path = record.reference.path;
    const found = await readContent(this.store, path);
    if (found.kind === "unreadable") return { state: "unknown", detail: `storage could not be read (${found.reason})` };
    if (found.kind === "missing") return { state: "unknown", detail: `${path} is missing` };
    const { info } = found;
    const what = `${info.size} bytes, ETag ${info.etag}`;
    if (await sameContent(this.store, info, record.current))
      return { state: "replaced", info, detail: `${path} holds the new data (${what})` };
    if (await sameContent(this.store, info, record.reference))
      return { state: "unchanged", detail: `${path} holds the old data (${what})` };
    return {
      state: "unknown",
      detail: `${path} holds neither the run's old nor its new data (${what}): something else wrote it`,
    };
  }

  /** Settles the newest run if it needs it; resolves with the newest run as it stands afterwards. */
  async settleLatest(log: Logger): Promise<RunRecord | undefined> {
    const latest = await this.runs.latest();
    if (!latest || !needsSettling(latest)) return latest;
    const swap = latest.steps.find((step) => step.name === "replace_reference");
    const swapStarted = swap !== undefined && swap.status !== "not_run";
    const reading: ReferenceReading = swapStarted
      ? await this.referenceState(latest)
      : { state: "unchanged", detail: "the run stopped before replace_reference" };
    const at = this.clock().toISOString();
    const why =
      latest.status === "failed" ? "the storage's answer to the swap was lost" : interruptedMessage(latest).replace(/;.*$/, "");
    let settled: RunRecord;
    if (reading.state === "replaced") {
      const { error: _error, ...rest } = latest;
      settled = {
        ...rest,
        status: "completed",
        message: ORIGINAL_MESSAGES.driftDetected,
        reference_state: "replaced",
        finished_at: latest.finished_at ?? at,
        recovered: { at, detail: `${why}; read back: ${reading.detail}` },
        steps: latest.steps.map((step) =>
          step.name === "replace_reference"
            ? {
                ...step,
                status: "succeeded",
                detail: `done: ${why}, and reading back found that ${reading.detail}`,
                finished_at: step.finished_at ?? at,
              }
            : step,
        ),
      };
    } else if (latest.status === "failed") {
      if (reading.state === "unknown") return latest;
      settled = {
        ...latest,
        reference_state: reading.state,
        message: `Drift detected; the run stopped at replace_reference and the reference was left unchanged (read back at ${at}: it holds the old data)`,
        recovered: { at, detail: `${why}; read back: ${reading.detail}` },
      };
    } else {
      if (latest.recovered && reading.state === latest.reference_state) return latest;
      const base = interruptedMessage(latest);
      settled = {
        ...latest,
        status: "interrupted",
        reference_state: reading.state,
        message:
          reading.state === "unknown"
            ? `${base.replace(/;.*$/, "")}; ${referenceUnknownDetail(latest)}`
            : swapStarted
              ? `${base.replace(/;.*$/, "")}; read back: the reference holds the old data; a call on the same data resumes it`
              : base,
        recovered: { at, detail: `${why}; ${reading.detail}` },
      };
    }
    await this.runs.save(settled);
    log.info({ run: settled.id, status: settled.status, reference_state: settled.reference_state }, "settled a stopped run");
    return settled;
  }

  /**
   * After `run` ended: the stopped run before it learns who finished its work (the run that resumed it, and every run
   * in the chain it resumed), or that a run on other data superseded it, so nothing will.
   */
  async link(previous: RunRecord | undefined, run: RunRecord, log: Logger): Promise<void> {
    if (!previous || previous.id === run.id || !isOpen(previous)) return;
    try {
      if (run.resumed_from === previous.id) {
        if (run.status !== "completed") return;
        let cursor: RunRecord | undefined = previous;
        for (let depth = 0; cursor && depth < MAX_RESUME_CHAIN; depth++) {
          if (isOpen(cursor))
            await this.runs.save({
              ...cursor,
              finished_by: run.id,
              message: `${cursor.message}; run ${run.id} resumed it and finished its work`,
            });
          cursor = cursor.resumed_from ? await this.runs.get(cursor.resumed_from) : undefined;
        }
        return;
      }
      const sameData = previous.current.sha256 === run.current.sha256 && previous.reference.sha256 === run.reference.sha256;
      if (sameData) return;
      await this.runs.save({
        ...previous,
        superseded_by: run.id,
        message: `${previous.message}; superseded by run ${run.id}, which read other data, so this run's remaining steps will not be done`,
      });
    } catch (err) {
      log.warn({ err, previous: previous.id }, "could not link the stopped run to the one after it");
    }
  }
}

/** Failed or interrupted, and not yet finished or superseded by a later run. */
function isOpen(run: RunRecord): boolean {
  return (run.status === "failed" || run.status === "interrupted") && !run.finished_by && !run.superseded_by;
}

function needsSettling(run: RunRecord): boolean {
  if (run.finished_by || run.superseded_by) return false;
  if (run.status === "interrupted") return !run.recovered || run.reference_state === "unknown";
  return run.status === "failed" && run.reference_state === "unknown";
}

/** For a run that cannot tell whether its swap happened: how an operator tells, and what the service does next. */
export function referenceUnknownDetail(record: RunRecord): string {
  const { reference, current, archived_reference } = record;
  return (
    `whether ${reference.path} was replaced is unknown: storage could not be read after the copy was sent. It holds ` +
    `the new data if its ETag is ${current.etag} (${current.size} bytes), the old data if ${reference.etag} ` +
    `(${reference.size} bytes${archived_reference ? `, also archived at ${archived_reference}` : ""}); the next call reads it back and settles this run`
  );
}
