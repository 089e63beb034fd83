import type { Readable } from "node:stream";

/** One line of the engine's pull progress stream (newline-delimited JSON). */
export interface PullEvent {
  status?: string;
  id?: string;
  error?: string;
  errorDetail?: { message?: string; code?: number };
}

/** A pull that failed inside an HTTP 200 progress stream; `message` is the registry's own text. */
export class PullStreamError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PullStreamError";
  }
}

/**
 * Reads a pull progress stream to its end. Docker answers 200 and reports a failed pull (unknown
 * manifest, refused credentials, broken layer) only as an event carrying `error`/`errorDetail`, so
 * success is: the stream ended, and no event carried an error. Resolves with the last status line.
 */
export function consumePullStream(stream: Readable): Promise<string> {
  return new Promise((resolve, reject) => {
    let pending = "";
    let lastStatus = "";
    let failure: string | undefined;

    const handleLine = (line: string) => {
      const text = line.trim();
      if (text === "") return;
      let event: PullEvent;
      try {
        event = JSON.parse(text) as PullEvent;
      } catch {
        failure ??= `unreadable progress line from the engine: ${text.slice(0, 200)}`;
        return;
      }
      const error = event.errorDetail?.message ?? event.error;
      if (error) failure ??= error;
      else if (event.status) lastStatus = event.status;
    };

    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      pending += chunk;
      let newline = pending.indexOf("\n");
      while (newline >= 0) {
        handleLine(pending.slice(0, newline));
        pending = pending.slice(newline + 1);
        newline = pending.indexOf("\n");
      }
    });
    stream.once("error", (err) => reject(new PullStreamError(`the pull stream broke: ${err.message}`)));
    stream.once("end", () => {
      handleLine(pending);
      if (failure) reject(new PullStreamError(failure));
      else resolve(lastStatus);
    });
  });
}
