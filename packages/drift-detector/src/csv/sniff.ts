/** The delimiters a file may use, in the order that wins a tie. */
export const DELIMITERS = [",", ";", "\t", "|"] as const;
export type Delimiter = (typeof DELIMITERS)[number];

const SAMPLE_LINES = 20;

/**
 * Picks the delimiter from the first lines: the candidate found the same number of times (outside quotes) on
 * every sampled line, most often in the header; failing that, the one most frequent in the header; "," if none
 * occurs (a one-column file).
 */
export function sniffDelimiter(sample: string): Delimiter {
  const lines = sample
    .split("\n")
    .slice(0, SAMPLE_LINES + 1)
    .filter((line) => line.trim() !== "");
  // The last line of a sample may be cut short; drop it when there are others.
  if (lines.length > 1 && !sample.endsWith("\n")) lines.pop();
  let best: { delimiter: Delimiter; inHeader: number; consistent: boolean } | undefined;
  for (const delimiter of DELIMITERS) {
    const counts = lines.map((line) => countOutsideQuotes(line, delimiter));
    const inHeader = counts[0] ?? 0;
    if (inHeader === 0) continue;
    const consistent = counts.every((count) => count === inHeader);
    if (!best || rank(consistent, inHeader) > rank(best.consistent, best.inHeader)) {
      best = { delimiter, inHeader, consistent };
    }
  }
  return best?.delimiter ?? ",";
}

function rank(consistent: boolean, inHeader: number): number {
  return (consistent ? 1_000_000 : 0) + inHeader;
}

function countOutsideQuotes(line: string, delimiter: string): number {
  let count = 0;
  let quoted = false;
  for (const char of line) {
    if (char === '"') quoted = !quoted;
    else if (char === delimiter && !quoted) count++;
  }
  return count;
}
