import { type CsvLimit, CsvLimitError } from "./limits.js";

/**
 * Cuts a stream of text chunks into runs of whole lines, so that each character is searched for a line break once
 * when it arrives and read once when its line is complete: the unfinished last line of a chunk waits as pieces and
 * is joined only when its end arrives. Re-searching the buffered text on every chunk instead would cost time
 * quadratic in the length of a line. A line longer than the record cap is refused as soon as its pieces exceed
 * it, so the memory held stays within the cap plus one chunk.
 */
export class WholeLines {
  private pieces: string[] = [];
  private waiting = 0;
  /** Characters handed over or searched so far; the proof of linear work (each character counts at most twice). */
  scanned = 0;

  /** `row()`: the row of the line still waiting for its end. */
  constructor(
    private readonly maxChars: CsvLimit,
    private readonly file: string,
    private readonly row: () => number,
  ) {}

  /** The whole lines `chunk` completes, from the start of the waiting line to the chunk's last line break; "" if none. */
  push(chunk: string): string {
    const lastBreak = chunk.lastIndexOf("\n");
    this.scanned += chunk.length - Math.max(lastBreak, 0);
    if (lastBreak === -1) {
      this.wait(chunk);
      return "";
    }
    const lines = this.take(chunk.slice(0, lastBreak + 1));
    this.wait(chunk.slice(lastBreak + 1));
    return lines;
  }

  /** At the end of the stream: the last line, which has no line break. */
  rest(): string {
    return this.take("");
  }

  private wait(piece: string): void {
    if (piece === "") return;
    this.pieces.push(piece);
    this.waiting += piece.length;
    // One more for the CR of a CRLF line end, which is not part of the line.
    if (this.waiting > this.maxChars.value + 1) {
      throw new CsvLimitError(this.file, "recordChars", this.maxChars, "line too long", { row: this.row() });
    }
  }

  private take(head: string): string {
    const text = this.pieces.length === 0 ? head : this.pieces.join("") + head;
    this.pieces = [];
    this.waiting = 0;
    this.scanned += text.length;
    return text;
  }
}
