import { expect, test } from "vitest";
import { logLines } from "./log-frames.js";

function frame(stream: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

test("demultiplexes stdout and stderr frames into lines in written order", () => {
  const output = Buffer.concat([frame(1, "listening on 8080\nready"), frame(2, " (stderr)\nerror: boom\r\n"), frame(1, "bye\n")]);
  expect(logLines(output)).toEqual(["listening on 8080", "ready (stderr)", "error: boom", "bye"]);
});

test("TTY output (not multiplexed) and empty output", () => {
  expect(logLines(Buffer.from("plain\ntext\n"))).toEqual(["plain", "text"]);
  expect(logLines(Buffer.alloc(0))).toEqual([]);
});
