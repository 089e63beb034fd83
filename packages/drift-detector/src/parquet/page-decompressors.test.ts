import { snappyCompress } from "hyparquet-writer/src/snappy.js";
import { describe, expect, it } from "vitest";
import { decompressorsFor } from "./page-decompressors.js";

describe("the decompressors a Parquet file needs", () => {
  it("are none for uncompressed pages, snappy alone for snappy pages, and every codec otherwise", async () => {
    expect(await decompressorsFor(["UNCOMPRESSED", "UNCOMPRESSED"])).toEqual({});
    const snappyOnly = await decompressorsFor(["SNAPPY", "UNCOMPRESSED", "SNAPPY"]);
    expect(Object.keys(snappyOnly)).toEqual(["SNAPPY"]);
    const mixed = await decompressorsFor(["SNAPPY", "GZIP"]);
    expect(Object.keys(mixed).sort()).toEqual(["BROTLI", "GZIP", "LZ4", "LZ4_RAW", "SNAPPY", "ZSTD"]);
  });

  it("give back the bytes snappy compressed", async () => {
    const { SNAPPY } = await decompressorsFor(["SNAPPY"]);
    const bytes = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 7919) % 251);
    expect(SNAPPY?.(snappyCompress(bytes), bytes.length)).toEqual(bytes);
  });
});
