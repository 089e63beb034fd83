/**
 * Splits the engine's log output into lines. Without a TTY, Docker multiplexes stdout and stderr
 * into frames: 1 byte stream type, 3 zero bytes, a 4-byte big-endian length, then the payload
 * (Docker Engine API, "Attach to a container": stream format).
 */
export function logLines(output: Buffer): string[] {
  const text = isMultiplexed(output) ? demultiplex(output) : output.toString("utf8");
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines.map((line) => line.replace(/\r$/, ""));
}

function isMultiplexed(output: Buffer): boolean {
  const type = output[0];
  return output.length >= 8 && (type === 0 || type === 1 || type === 2) && output[1] === 0 && output[2] === 0 && output[3] === 0;
}

function demultiplex(output: Buffer): string {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= output.length) {
    const length = output.readUInt32BE(offset + 4);
    parts.push(output.subarray(offset + 8, offset + 8 + length));
    offset += 8 + length;
  }
  return Buffer.concat(parts).toString("utf8");
}
