import { TextDecoder } from "node:util";
import { CsvFormatError } from "./errors.js";

/**
 * Turns a byte stream into UTF-8 text chunks (a leading BOM removed), refusing what is not text: bytes that are
 * not UTF-8, or NUL characters, which no CSV contains but every binary file does.
 */
export async function* decodeText(source: AsyncIterable<Uint8Array | string>, file: string): AsyncGenerator<string> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let offset = 0;
  for await (const chunk of source) {
    const text =
      typeof chunk === "string" ? (offset === 0 ? chunk.replace(/^\uFEFF/, "") : chunk) : decode(decoder, chunk, file, offset);
    const nul = text.indexOf("\0");
    if (nul !== -1) throw new CsvFormatError(file, "not a text file: it contains NUL bytes (binary data?)");
    offset += chunk.length;
    if (text !== "") yield text;
  }
  const tail = decode(decoder, undefined, file, offset);
  if (tail !== "") yield tail;
}

function decode(decoder: TextDecoder, chunk: Uint8Array | undefined, file: string, offset: number): string {
  try {
    return chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode();
  } catch {
    throw new CsvFormatError(
      file,
      `not UTF-8 text near byte ${offset}: a binary file, or text in another encoding (save it as UTF-8)`,
    );
  }
}
