/*
 * Raw snappy decompression (https://github.com/google/snappy/blob/main/format_description.txt), as Parquet pages
 * use it: a varint preamble with the uncompressed length, then literal and copy elements. Built to WebAssembly by
 * build.sh; src/parquet/snappy.ts lays out its memory and calls snappy_uncompress once per page.
 *
 * Every element is checked against both ends before it is copied, so a corrupt stream stops with an error code,
 * never a read or write outside the regions the caller gave. The caller leaves 64 writable bytes after the output
 * and 64 readable bytes after the input (SLACK in snappy.ts): the fast paths copy short elements in whole 8-byte words, which
 * may touch those bytes (and never change a byte of the result past what the element itself writes).
 */
#include <stdint.h>

enum {
  SNAPPY_OK = 0,
  SNAPPY_BAD_PREAMBLE = 1,      /* the length varint is truncated or longer than 5 bytes / 32 bits */
  SNAPPY_LENGTH_MISMATCH = 2,   /* the preamble's length is not the length the caller expects */
  SNAPPY_TRUNCATED = 3,         /* an element's tag bytes or a literal's bytes run past the input's end */
  SNAPPY_BAD_OFFSET = 4,        /* a copy's offset is 0 or reaches before the output's start */
  SNAPPY_OUTPUT_OVERRUN = 5,    /* an element writes past the output's end */
  SNAPPY_OUTPUT_SHORT = 6,      /* the input ends before the output is full */
};

static inline uint64_t load64(const uint8_t *p) {
  uint64_t v;
  __builtin_memcpy(&v, p, 8);
  return v;
}

static inline void store64(uint8_t *p, uint64_t v) { __builtin_memcpy(p, &v, 8); }

static inline uint32_t load32(const uint8_t *p) {
  uint32_t v;
  __builtin_memcpy(&v, p, 4);
  return v;
}

/* The little-endian value of the n (1..4) bytes at p: read as a word, since the input has slack after its end. */
static inline uint32_t load_le(const uint8_t *p, uint32_t n) {
  return load32(p) & (0xffffffffu >> (32 - 8 * n));
}

/*
 * Decompresses `input_length` bytes at `input` into `output_length` bytes at `output`. Returns SNAPPY_OK, or the
 * first fault found (the output is then partly written and must not be used).
 */
__attribute__((export_name("snappy_uncompress"))) int snappy_uncompress(const uint8_t *input, uint32_t input_length,
                                                                        uint8_t *output, uint32_t output_length) {
  const uint8_t *ip = input;
  const uint8_t *const input_end = input + input_length;
  uint8_t *op = output;
  uint8_t *const output_end = output + output_length;

  uint32_t length = 0;
  for (uint32_t shift = 0;; shift += 7) {
    if (ip >= input_end || shift > 28) return SNAPPY_BAD_PREAMBLE;
    uint32_t byte = *ip++;
    if (shift == 28 && byte > 0x0f) return SNAPPY_BAD_PREAMBLE;
    length |= (byte & 0x7f) << shift;
    if (byte < 0x80) break;
  }
  if (length != output_length) return SNAPPY_LENGTH_MISMATCH;

  while (ip < input_end) {
    const uint32_t tag = *ip++;
    if ((tag & 3) == 0) {
      uint32_t size = (tag >> 2) + 1;
      if (size > 60) {
        const uint32_t bytes = size - 60;
        if ((uint32_t)(input_end - ip) < bytes) return SNAPPY_TRUNCATED;
        /* Up to 2^32 - 1 + 1: a length that wraps to 0 can only be a corrupt stream. */
        size = load_le(ip, bytes) + 1;
        if (size == 0) return SNAPPY_TRUNCATED;
        ip += bytes;
      }
      if ((uint32_t)(input_end - ip) < size) return SNAPPY_TRUNCATED;
      if ((uint32_t)(output_end - op) < size) return SNAPPY_OUTPUT_OVERRUN;
      if (size <= 16) {
        store64(op, load64(ip));
        store64(op + 8, load64(ip + 8));
      } else {
        __builtin_memcpy(op, ip, size);
      }
      ip += size;
      op += size;
      continue;
    }
    /*
     * A copy. Its kind (1-, 2- or 4-byte offset) is decoded with masks rather than branches: kinds alternate at
     * random, which a branch mispredicts. The offset is read as a word (the input has slack) and masked.
     */
    const uint32_t kind = tag & 3;
    const uint32_t one_byte = -(uint32_t)(kind == 1);
    const uint32_t bytes = (0x040201u >> (8 * (kind - 1))) & 0xff;
    if ((uint32_t)(input_end - ip) < bytes) return SNAPPY_TRUNCATED;
    const uint32_t size = ((((tag >> 2) & 7) + 4) & one_byte) | (((tag >> 2) + 1) & ~one_byte);
    const uint32_t offset = (load32(ip) & (0xffffffffu >> (32 - 8 * bytes))) | (((tag >> 5) << 8) & one_byte);
    ip += bytes;
    if (offset == 0 || offset > (uint32_t)(op - output)) return SNAPPY_BAD_OFFSET;
    if ((uint32_t)(output_end - op) < size) return SNAPPY_OUTPUT_OVERRUN;
    const uint8_t *from = op - offset;
    uint8_t *const to = op + size;
    if (offset >= 8) {
      /* The source at least a word behind: word by word reads only bytes already written. Most copies take 2. */
      store64(op, load64(from));
      store64(op + 8, load64(from + 8));
      for (uint32_t at = 16; at < size; at += 8) store64(op + at, load64(from + at));
    } else {
      /* A pattern shorter than a word: each word copied doubles the distance, until whole words can follow. */
      while (op - from < 8) {
        store64(op, load64(from));
        op += op - from;
      }
      while (op < to) {
        store64(op, load64(from));
        op += 8;
        from += 8;
      }
    }
    op = to;
  }
  return op == output_end ? SNAPPY_OK : SNAPPY_OUTPUT_SHORT;
}
