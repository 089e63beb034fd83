import { createHash } from "node:crypto";
import { type Readable, Transform } from "node:stream";
import { finished } from "node:stream/promises";

/** A stream passed through unchanged while its SHA-256 is computed, for content-derived ids. */
export interface FingerprintedStream {
  stream: Readable;
  /** Resolves once the whole content has gone through; drains whatever the consumer left unread. */
  sha256(): Promise<string>;
  /** Releases the source (file handle, HTTP socket) when the content is no longer wanted. */
  dispose(): void;
}

export function fingerprint(source: Readable): FingerprintedStream {
  const hash = createHash("sha256");
  const through = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  source.on("error", (err) => through.destroy(err));
  source.pipe(through);
  return {
    stream: through,
    sha256: async () => {
      if (!through.readableEnded) {
        through.resume();
        await finished(through);
      }
      return hash.digest("hex");
    },
    dispose: () => {
      source.destroy();
      through.destroy();
    },
  };
}
