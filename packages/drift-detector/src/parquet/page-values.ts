import { endianness } from "node:os";
import type { DataReader, ParquetType } from "hyparquet";
import { deltaBinaryUnpack, deltaByteArray, deltaLengthByteArray } from "hyparquet/src/delta.js";
import { byteStreamSplit, readRleBitPackedHybrid } from "hyparquet/src/encoding.js";
import type { ParquetColumn } from "./parquet-columns.js";

/**
 * The non-null values of one page (or a dictionary), decoded straight into what the column builder keeps:
 * - `numbers`: the doubles pandas would read (integers, floats, decimals scaled), one typed array, no boxing;
 * - `codes`: indices into `labels` (a dictionary-encoded text column, or booleans as "False"/"True");
 * - `texts`: text values one by one (plain-encoded text);
 * - `counted`: numbers of a dictionary-encoded page, counted per dictionary entry for the whole column chunk
 *   (see `countDictionaryIndices`), not one by one.
 */
export type PageValues = DecodedValues | { kind: "counted" };
/** Values decoded one by one (every page's values but counted dictionary numbers). */
export type DecodedValues =
  | { kind: "numbers"; numbers: Float64Array }
  | { kind: "codes"; codes: Int32Array; labels: readonly string[] }
  | { kind: "texts"; texts: string[] };

/** A dictionary page's values: numbers as doubles, text and booleans as labels. */
export type Dictionary = { kind: "numbers"; numbers: Float64Array } | { kind: "labels"; labels: readonly string[] };

const LITTLE_ENDIAN = endianness() === "LE";
const BOOLEAN_LABELS = ["False", "True"] as const;
const TWO_TO_32 = 2 ** 32;
/** Magnitudes up to this many bytes of a big-endian decimal fit a double exactly (2^48 < 2^53). */
const EXACT_DECIMAL_BYTES = 6;
const utf8 = new TextDecoder();
/** Powers of ten up to 10^22 are exact doubles, so one division by them is correctly rounded. */
const MAX_EXACT_SCALE = 22;
const POWERS_OF_TEN = Float64Array.from({ length: MAX_EXACT_SCALE + 1 }, (_, k) => 10 ** k);

/** How a column's stored values become the values compared: physical type, and for numbers, unsigned and scale. */
export interface ValueCodec {
  type: ParquetType;
  typeLength: number | undefined;
  unsigned: boolean;
  /** Decimal digits after the point of a decimal column; undefined for every other column. */
  decimalScale: number | undefined;
  /** Text or boolean columns become labels; the others numbers. */
  labels: boolean;
}

export function valueCodec(column: ParquetColumn): ValueCodec {
  return {
    type: column.physicalType,
    typeLength: column.typeLength,
    unsigned: column.unsigned,
    decimalScale: column.kind === "decimal" ? column.scale : undefined,
    labels: column.kind === "string" || column.kind === "boolean",
  };
}

/** `count` PLAIN-encoded values from the reader's position. */
export function readPlainValues(reader: DataReader, count: number, codec: ValueCodec): DecodedValues {
  const { view } = reader;
  const start = reader.offset;
  switch (codec.type) {
    case "BOOLEAN": {
      requireBytes(reader, Math.ceil(count / 8));
      const codes = new Int32Array(count);
      for (let i = 0; i < count; i++) codes[i] = (view.getUint8(start + (i >> 3)) >> (i & 7)) & 1;
      reader.offset += Math.ceil(count / 8);
      return { kind: "codes", codes, labels: BOOLEAN_LABELS };
    }
    case "INT32": {
      requireBytes(reader, count * 4);
      const numbers = new Float64Array(count);
      if (codec.unsigned) for (let i = 0; i < count; i++) numbers[i] = view.getUint32(start + i * 4, true);
      else for (let i = 0; i < count; i++) numbers[i] = view.getInt32(start + i * 4, true);
      reader.offset += count * 4;
      return { kind: "numbers", numbers: scaled(numbers, codec.decimalScale) };
    }
    case "INT64": {
      requireBytes(reader, count * 8);
      const numbers = new Float64Array(count);
      const scale = codec.decimalScale;
      for (let i = 0; i < count; i++) {
        const value = int64At(view, start + i * 8, codec);
        if (scale === undefined) numbers[i] = value;
        else if (Number.isSafeInteger(value)) numbers[i] = decimalOf(value, scale);
        else numbers[i] = decimalFromText(view.getBigInt64(start + i * 8, true), scale);
      }
      reader.offset += count * 8;
      return { kind: "numbers", numbers };
    }
    case "FLOAT":
    case "DOUBLE": {
      const width = codec.type === "FLOAT" ? 4 : 8;
      requireBytes(reader, count * width);
      reader.offset += count * width;
      if (LITTLE_ENDIAN) {
        // PLAIN stores IEEE 754 little-endian: on such a machine the page's bytes are the array itself, viewed where
        // they are aligned (a decompressed page's values usually are), else after one block copy.
        const at = view.byteOffset + start;
        if (width === 8 && at % 8 === 0) return { kind: "numbers", numbers: new Float64Array(view.buffer, at, count) };
        const copy = view.buffer.slice(view.byteOffset + start, view.byteOffset + start + count * width);
        return { kind: "numbers", numbers: width === 8 ? new Float64Array(copy) : Float64Array.from(new Float32Array(copy)) };
      }
      const numbers = new Float64Array(count);
      if (width === 4) for (let i = 0; i < count; i++) numbers[i] = view.getFloat32(start + i * 4, true);
      else for (let i = 0; i < count; i++) numbers[i] = view.getFloat64(start + i * 8, true);
      return { kind: "numbers", numbers };
    }
    case "BYTE_ARRAY": {
      const arrays: Uint8Array[] = new Array(count);
      for (let i = 0; i < count; i++) {
        requireBytes(reader, 4);
        const length = view.getUint32(reader.offset, true);
        reader.offset += 4;
        requireBytes(reader, length);
        arrays[i] = new Uint8Array(view.buffer, view.byteOffset + reader.offset, length);
        reader.offset += length;
      }
      return fromByteArrays(arrays, codec);
    }
    case "FIXED_LEN_BYTE_ARRAY": {
      const length = codec.typeLength ?? 0;
      requireBytes(reader, count * length);
      const arrays = Array.from(
        { length: count },
        (_, i) => new Uint8Array(view.buffer, view.byteOffset + start + i * length, length),
      );
      reader.offset += count * length;
      return fromByteArrays(arrays, codec);
    }
    default:
      throw new Error(`values of physical type ${codec.type} cannot be read`);
  }
}

/**
 * Values of the encodings data pipelines use less often (DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY,
 * DELTA_BYTE_ARRAY, BYTE_STREAM_SPLIT), decoded by hyparquet's decoders and then turned into the same shapes.
 */
export function readOtherValues(reader: DataReader, count: number, codec: ValueCodec, encoding: string): DecodedValues {
  switch (encoding) {
    case "DELTA_BINARY_PACKED": {
      // Decoded in 64 bits even for INT32 (hyparquet's 32-bit path loses the high bits of a first value or delta
      // past 2^31, which DuckDB writes for unsigned columns), then wrapped to 32 bits as the format says.
      const output = new BigInt64Array(count);
      deltaBinaryUnpack(reader, count, output);
      return fromDecoded(
        codec.type === "INT32" ? Int32Array.from(output, (value) => Number(BigInt.asIntN(32, value))) : output,
        codec,
      );
    }
    case "DELTA_LENGTH_BYTE_ARRAY":
    case "DELTA_BYTE_ARRAY": {
      const output: Uint8Array[] = new Array(count);
      (encoding === "DELTA_BYTE_ARRAY" ? deltaByteArray : deltaLengthByteArray)(reader, count, output);
      // hyparquet's decoders view the values in the page's buffer without checking the page's end, and a reused
      // decompression buffer goes on past it.
      requireBytes(reader, 0);
      return fromByteArrays(output, codec);
    }
    case "BYTE_STREAM_SPLIT":
      return fromDecoded(byteStreamSplit(reader, count, codec.type, codec.typeLength), codec);
    default:
      throw new Error(`values in ${encoding} encoding cannot be read`);
  }
}

/** `count` dictionary indices (RLE_DICTIONARY / PLAIN_DICTIONARY: a bit width, then the RLE/bit-packed hybrid). */
export function readDictionaryIndices(reader: DataReader, count: number, dictionarySize: number): Int32Array {
  const bitWidth = indexBitWidth(reader);
  const indices = new Int32Array(count);
  if (bitWidth > 0) readRleBitPackedHybrid(reader, bitWidth, indices, reader.view.byteLength - reader.offset);
  for (let i = 0; i < count; i++) {
    const index = indices[i] as number;
    if (index < 0 || index >= dictionarySize) throw outsideDictionary(index, dictionarySize);
  }
  return indices;
}

/**
 * `count` dictionary indices, as `readDictionaryIndices` reads them, added up per entry into `counts` (one counter
 * per dictionary entry) without an array of indices: a run adds its length to one counter, a bit-packed group one
 * to a counter per value. Every index is checked against the dictionary, and the hybrid against the page's end.
 */
export function countDictionaryIndices(reader: DataReader, count: number, counts: Uint32Array): void {
  const bitWidth = indexBitWidth(reader);
  const size = counts.length;
  if (bitWidth === 0) {
    if (count > 0 && size === 0) throw outsideDictionary(0, size);
    if (count > 0) counts[0]! += count;
    return;
  }
  const { view } = reader;
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  const end = bytes.length;
  const truncated = (seen: number) => new Error(`the dictionary indices end after ${seen} of ${count} values`);
  let offset = reader.offset;
  let seen = 0;
  while (seen < count) {
    // The run's header, a ULEB128 varint: its low bit says bit-packed (1) or a run (0), the rest its length.
    let header = 0;
    for (let shift = 0; ; shift += 7) {
      if (offset >= end) throw truncated(seen);
      if (shift > 28) throw new Error("the dictionary indices hold a run header longer than 5 bytes");
      const byte = bytes[offset++] as number;
      header += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) break;
    }
    const length = Math.floor(header / 2);
    if (header % 2 === 1) {
      const used = Math.min(length * 8, count - seen);
      if (offset + Math.ceil((used * bitWidth) / 8) > end) throw truncated(seen);
      countBitPacked(bytes, view, offset, bitWidth, used, counts);
      offset = Math.min(end, offset + length * bitWidth);
      seen += used;
    } else {
      const width = (bitWidth + 7) >> 3;
      if (offset + width > end) throw truncated(seen);
      let index = 0;
      for (let b = 0; b < width; b++) index += (bytes[offset + b] as number) * 2 ** (8 * b);
      offset += width;
      const used = Math.min(length, count - seen);
      if (used > 0 && index >= size) throw outsideDictionary(index, size);
      if (used > 0) counts[index]! += used;
      seen += used;
    }
  }
  reader.offset = end;
}

/**
 * Counts `n` bit-packed values of `bitWidth` bits from `bytes[offset]` on (least significant bits first); `words`
 * views the same bytes.
 */
function countBitPacked(
  bytes: Uint8Array,
  words: DataView,
  offset: number,
  bitWidth: number,
  n: number,
  counts: Uint32Array,
): void {
  const size = counts.length;
  let i = 0;
  if (bitWidth <= 25) {
    // A value starts within a byte (≤ 7 bits in) and is ≤ 25 bits long: one little-endian 32-bit read holds it, as long
    // as 4 bytes remain from its first byte on; the last few values are read byte by byte below.
    const mask = (1 << bitWidth) - 1;
    const lastWord = bytes.length - 4;
    let byte = offset;
    let shift = 0;
    for (; i < n && byte <= lastWord; i++) {
      const index = (words.getUint32(byte, true) >>> shift) & mask;
      if (index >= size) throw outsideDictionary(index, size);
      counts[index]!++;
      shift += bitWidth;
      byte += shift >> 3;
      shift &= 7;
    }
  }
  for (; i < n; i++) {
    const first = offset * 8 + i * bitWidth;
    let index = 0;
    for (let bit = 0; bit < bitWidth; bit++) {
      const position = first + bit;
      if (((bytes[Math.floor(position / 8)] as number) >> (position % 8)) & 1) index += 2 ** bit;
    }
    if (index >= size) throw outsideDictionary(index, size);
    counts[index]!++;
  }
}

function indexBitWidth(reader: DataReader): number {
  requireBytes(reader, 1);
  const bitWidth = reader.view.getUint8(reader.offset++);
  if (bitWidth > 32) throw new Error(`dictionary index bit width ${bitWidth} is over 32`);
  return bitWidth;
}

function outsideDictionary(index: number, size: number): Error {
  return new Error(`dictionary index ${index} outside a dictionary of ${size}`);
}

/** Booleans in RLE encoding (data pages v2): a 4-byte length, then the hybrid at bit width 1. */
export function readRleBooleans(reader: DataReader, count: number): DecodedValues {
  const codes = new Int32Array(count);
  readRleBitPackedHybrid(reader, 1, codes);
  return { kind: "codes", codes, labels: BOOLEAN_LABELS };
}

/** A dictionary page's values (always PLAIN), as numbers or labels. */
export function asDictionary(values: DecodedValues): Dictionary {
  if (values.kind === "numbers") return values;
  if (values.kind === "texts") return { kind: "labels", labels: values.texts };
  return { kind: "labels", labels: Array.from(values.codes, (code) => values.labels[code] as string) };
}

/**
 * A signed or unsigned 64-bit integer as the double closest to it: exact below 2^53 (read as two 32-bit halves),
 * beyond that rounded to nearest as pandas' int64 → float64 cast and a CSV reader both do.
 */
function int64At(view: DataView, offset: number, codec: ValueCodec): number {
  const high = view.getInt32(offset + 4, true);
  if (high >= -0x200000 && high < 0x200000 && !(codec.unsigned && high < 0)) {
    return high * TWO_TO_32 + view.getUint32(offset, true);
  }
  return Number(codec.unsigned ? view.getBigUint64(offset, true) : view.getBigInt64(offset, true));
}

/**
 * Unscaled decimal integers (exact doubles) divided by 10^scale: for scales up to 22 the divisor is exact, so the
 * one division is correctly rounded, the same double a CSV reader gets from the decimal text.
 */
function scaled(unscaled: Float64Array, scale: number | undefined): Float64Array {
  if (scale === undefined || scale === 0) return unscaled;
  for (let i = 0; i < unscaled.length; i++) unscaled[i] = decimalOf(unscaled[i] as number, scale);
  return unscaled;
}

/** An exact unscaled integer (|value| < 2^53) over 10^scale. */
function decimalOf(unscaled: number, scale: number): number {
  return scale <= MAX_EXACT_SCALE ? unscaled / (POWERS_OF_TEN[scale] as number) : decimalFromText(BigInt(unscaled), scale);
}

/** Byte arrays as text (UTF-8), or as big-endian two's-complement decimals. */
function fromByteArrays(arrays: Uint8Array[], codec: ValueCodec): DecodedValues {
  if (codec.decimalScale === undefined) return { kind: "texts", texts: arrays.map((bytes) => utf8.decode(bytes)) };
  const scale = codec.decimalScale;
  return { kind: "numbers", numbers: Float64Array.from(arrays, (bytes) => decimalFromBytes(bytes, scale)) };
}

function decimalFromBytes(bytes: Uint8Array, scale: number): number {
  if (bytes.length <= EXACT_DECIMAL_BYTES) {
    let value = 0;
    for (const byte of bytes) value = value * 256 + byte;
    if (bytes.length > 0 && (bytes[0] as number) >= 0x80) value -= 256 ** bytes.length;
    return decimalOf(value, scale);
  }
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  if ((bytes[0] as number) >= 0x80) value -= 1n << BigInt(8 * bytes.length);
  return decimalFromText(value, scale);
}

/** A decimal too wide for one exact division: the double closest to its text, as a CSV reader parses it. */
function decimalFromText(unscaled: bigint, scale: number): number {
  return Number(`${unscaled}e-${scale}`);
}

/** What hyparquet's decoders give (typed arrays of the physical type) in the shapes above. */
function fromDecoded(decoded: ArrayLike<unknown>, codec: ValueCodec): DecodedValues {
  if (decoded instanceof BigInt64Array) {
    const numbers = Float64Array.from(decoded, (value) => Number(codec.unsigned ? BigInt.asUintN(64, value) : value));
    return { kind: "numbers", numbers: scaled(numbers, codec.decimalScale) };
  }
  if (decoded instanceof Int32Array) {
    const numbers = Float64Array.from(decoded, (value) => (codec.unsigned ? value >>> 0 : value));
    return { kind: "numbers", numbers: scaled(numbers, codec.decimalScale) };
  }
  if (decoded instanceof Float32Array || decoded instanceof Float64Array) {
    return { kind: "numbers", numbers: Float64Array.from(decoded) };
  }
  return fromByteArrays(Array.from(decoded as ArrayLike<Uint8Array>), codec);
}

function requireBytes(reader: DataReader, bytes: number): void {
  if (reader.offset + bytes > reader.view.byteLength) {
    throw new Error(`the page ends ${reader.offset + bytes - reader.view.byteLength} bytes before its values do`);
  }
}
