import { snappyCompress } from "hyparquet-writer/src/snappy.js";
import { describe, expect, it } from "vitest";
import { decompressorsFor } from "./page-decompressors.js";

describe("the decompressors a Parquet file needs", () => {
  it("are none for uncompressed pages, our snappy alone for snappy pages, and every codec otherwise", async () => {
    expect(await decompressorsFor(["UNCOMPRESSED", "UNCOMPRESSED"])).toEqual({});
    const snappyOnly = await decompressorsFor(["SNAPPY", "UNCOMPRESSED", "SNAPPY"]);
    expect(Object.keys(snappyOnly)).toEqual(["SNAPPY"]);
    const mixed = await decompressorsFor(["SNAPPY", "GZIP"]);
    expect(Object.keys(mixed).sort()).toEqual(["BROTLI", "GZIP", "LZ4", "LZ4_RAW", "SNAPPY", "ZSTD"]);
  });

  it("give back the bytes snappy compressed, with our decompressor also beside the other codecs", async () => {
    const bytes = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 7919) % 251);
    for (const codecs of [["SNAPPY"], ["SNAPPY", "ZSTD"]] as const) {
      const { SNAPPY } = await decompressorsFor(codecs);
      const page = SNAPPY?.(snappyCompress(bytes), bytes.length);
      expect(page).toEqual(bytes);
      // A view of the decoder's reused memory, not a buffer of its own.
      expect(page?.buffer.byteLength).toBeGreaterThan(bytes.length);
    }
  });
});
