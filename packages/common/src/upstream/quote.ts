const QUOTE_LIMIT = 500;

/** Line breaks and tabs, each run shown as one space. */
const BREAKS = /[\r\n\t]+/g;
/** Other control characters and bidirectional overrides: they could forge log lines or reorder what a reader sees. */
const UNPRINTABLE = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/gu;

/**
 * An outside system's answer (text, or JSON serialised) on one printable line, cut short enough to quote in a
 * problem detail or a log line.
 */
export function quoteUpstream(body: unknown): string {
  const raw = typeof body === "string" ? body : JSON.stringify(body);
  const text = (raw ?? "").replace(BREAKS, " ").replace(UNPRINTABLE, "\uFFFD");
  return text.length > QUOTE_LIMIT ? `${text.slice(0, QUOTE_LIMIT)}… (${text.length - QUOTE_LIMIT} more characters)` : text;
}

/**
 * An outside system's answer as a problem's `upstream.body`: the parsed answer itself while it is short, else its
 * quote (cut at the same length), so that an upstream cannot make our answers large.
 */
export function boundedUpstreamBody(body: unknown): unknown {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return text === undefined || text.length <= QUOTE_LIMIT ? body : quoteUpstream(text);
}
