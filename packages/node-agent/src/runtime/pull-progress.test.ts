import { PassThrough } from "node:stream";
import { expect, test } from "vitest";
import { consumePullStream } from "./pull-progress.js";

function streamOf(chunks: string[], error?: Error): PassThrough {
  const stream = new PassThrough();
  setImmediate(() => {
    for (const chunk of chunks) stream.write(chunk);
    if (error) stream.destroy(error);
    else stream.end();
  });
  return stream;
}

test("reads the whole stream, lines split across chunks, and resolves with the last status", async () => {
  const lines = [
    '{"status":"Pulling from redwine","id":"prod"}\n',
    '{"status":"Downloading","progressDetail":{"current":1,"total":2},"id":"ab"}\r\n{"status":"Dig',
    'est: sha256:abc"}\n\n{"status":"Status: Downloaded newer image for reg/redwine:prod"}',
  ];
  await expect(consumePullStream(streamOf(lines))).resolves.toBe("Status: Downloaded newer image for reg/redwine:prod");
});

test("an error event inside a 200 stream fails the pull with the registry's message, even after later lines", async () => {
  const lines = [
    '{"status":"Pulling from x"}\n',
    '{"errorDetail":{"message":"manifest for reg/x:1 not found: manifest unknown"},"error":"manifest for reg/x:1 not found"}\n',
    '{"status":"ignored"}\n',
  ];
  await expect(consumePullStream(streamOf(lines))).rejects.toThrow("manifest for reg/x:1 not found: manifest unknown");
});

test("an error without errorDetail, unreadable lines and broken streams fail too", async () => {
  await expect(consumePullStream(streamOf(['{"error":"unauthorized: authentication required"}\n']))).rejects.toThrow(
    "unauthorized: authentication required",
  );
  await expect(consumePullStream(streamOf(["<html>proxy error</html>\n"]))).rejects.toThrow("unreadable progress line");
  await expect(consumePullStream(streamOf(['{"status":"Downloading"}\n'], new Error("socket hang up")))).rejects.toThrow(
    "the pull stream broke: socket hang up",
  );
});
