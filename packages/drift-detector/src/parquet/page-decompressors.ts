import type { CompressionCodec, Compressors } from "hyparquet";

/**
 * The decompressors a file's column chunks need, loaded for those codecs only, when its footer has named them.
 * Snappy, most writers' default, is ours (snappy.ts: a 1 KB WebAssembly module, compiled in ~0.5 ms, decompressing
 * every page into one reused region); the other codecs (gzip, zstd, brotli, lz4) come from hyparquet-compressors,
 * ~25 ms to load in a fresh thread, so only for a file that uses one. A decompressed page may be a view that the
 * next page's decompression overwrites.
 */
export async function decompressorsFor(codecs: Iterable<CompressionCodec>): Promise<Compressors> {
  const needed = new Set(codecs);
  needed.delete("UNCOMPRESSED");
  const snappy: Compressors = needed.has("SNAPPY") ? { SNAPPY: (await import("./snappy.js")).snappyDecompressor() } : {};
  needed.delete("SNAPPY");
  if (needed.size === 0) return snappy;
  const { compressors } = await import("hyparquet-compressors");
  return { ...compressors, ...snappy };
}
