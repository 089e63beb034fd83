// The documentation a reader walks: the README, the pages under docs/ and the contributor guide. The docs-sync tests
// read them from here, so a page added to docs/ is checked without touching the tests.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./service-openapi.js";

/** docs/*.md, relative to the repository root, sorted. */
export const DOCS_PAGES = readdirSync(join(ROOT, "docs"))
  .filter((name) => name.endsWith(".md"))
  .sort()
  .map((name) => `docs/${name}`);

/** Every Markdown file a reader of the documentation walks through. */
export const DOCUMENTATION = ["README.md", ...DOCS_PAGES, "CONTRIBUTING.md"];

export const readDocument = (file: string) => readFileSync(join(ROOT, file), "utf8");

/** The text of a Markdown file with its fenced code blocks blanked out (line numbers kept). */
export function proseOf(text: string): string {
  let fenced = false;
  return text
    .split("\n")
    .map((line) => {
      if (/^\s*```/.test(line)) {
        fenced = !fenced;
        return "";
      }
      return fenced ? "" : line;
    })
    .join("\n");
}

/**
 * The section of `file` that starts with the heading line `heading` ("## Configuration") and ends before the next
 * heading of the same or a higher level; fails the calling test when there is no such heading or more than one.
 */
export function sectionOf(file: string, heading: string): string {
  const text = readDocument(file);
  const lines = text.split("\n");
  // Headings are looked for outside code blocks, where a `# comment` is no heading.
  const prose = proseOf(text).split("\n");
  const starts = prose.flatMap((line, index) => (line === heading ? [index] : []));
  if (starts.length !== 1) throw new Error(`${file} has ${starts.length} headings "${heading}", expected one`);
  const start = starts[0] as number;
  const level = (/^#+/.exec(heading)?.[0] ?? "").length;
  const end = prose.findIndex(
    (line, index) => index > start && /^#+ /.test(line) && (/^#+/.exec(line)?.[0] ?? "").length <= level,
  );
  return lines.slice(start, end < 0 ? undefined : end).join("\n");
}

/**
 * GitHub's anchor for a heading: lower case, everything but letters, digits, spaces, `-` and `_` dropped, spaces as
 * `-`; a repeated heading gets `-1`, `-2`, … in order.
 */
export function anchorsOf(text: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const line of proseOf(text).split("\n")) {
    const heading = /^#{1,6} (.+)$/.exec(line)?.[1];
    if (!heading) continue;
    const slug = heading
      .toLowerCase()
      .replace(/[^\p{L}\p{N} _-]/gu, "")
      .replace(/ /g, "-");
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}
