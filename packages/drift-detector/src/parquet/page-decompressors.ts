import type { CompressionCodec, Compressors } from "hyparquet";

/**
 * The decompressors a file's column chunks need, loaded for those codecs only, when its footer has named them:
 * snappy, most writers' default, alone from hysnappy's WebAssembly (~6 ms to load in a fresh thread), where every
 * codec of hyparquet-compressors (snappy, gzip, brotli, zstd, lz4) takes ~25 ms, on the path of every Parquet read.
 */
export async function decompressorsFor(codecs: Iterable<CompressionCodec>): Promise<Compressors> {
  const needed = new Set(codecs);
  needed.delete("UNCOMPRESSED");
  if (needed.size === 0) return {};
  if (needed.size === 1 && needed.has("SNAPPY")) {
    const { snappyUncompressor } = await import("hysnappy");
    return { SNAPPY: snappyUncompressor() };
  }
  const { compressors } = await import("hyparquet-compressors");
  return compressors;
}
