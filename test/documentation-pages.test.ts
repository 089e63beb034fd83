// The README stays a short entry point (what it is, the two commands, a picture, a tour and links) and every topic
// lives on its page under docs/, linked from it; no link in the README, docs/ or the contributor guide leads nowhere.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { describe, expect, it } from "vitest";
import { anchorsOf, DOCS_PAGES, DOCUMENTATION, proseOf, readDocument } from "./support/documentation.js";
import { ROOT } from "./support/service-openapi.js";

interface Link {
  file: string;
  line: number;
  target: string;
}

/** Every Markdown link and image `[text](target)` outside code blocks that is not to another site or a mail address. */
function relativeLinks(file: string): Link[] {
  return proseOf(readDocument(file))
    .split("\n")
    .flatMap((text, index) =>
      [...text.matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)]
        .map((match) => match[1] as string)
        .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target))
        .map((target) => ({ file, line: index + 1, target })),
    );
}

/** Why `link` leads nowhere, or undefined when its file (and heading, for `#anchor`) exists. */
function brokenBecause(link: Link): string | undefined {
  const [path = "", anchor] = link.target.split("#");
  const resolved = path === "" ? link.file : normalize(join(dirname(link.file), decodeURIComponent(path)));
  if (resolved.startsWith("..")) return "points outside the repository";
  if (!existsSync(join(ROOT, resolved))) return `${resolved} does not exist`;
  if (anchor === undefined) return undefined;
  if (!resolved.endsWith(".md") || statSync(join(ROOT, resolved)).isDirectory()) return `#${anchor} on a file that is no page`;
  return anchorsOf(readDocument(resolved)).has(anchor) ? undefined : `${resolved} has no heading #${anchor}`;
}

describe("the README", () => {
  const readme = readDocument("README.md");

  it("is shorter than 200 lines", () => {
    expect(readme.split("\n").length).toBeLessThan(200);
  });

  it("starts with the two commands for a fresh machine: install and start, then the whole suite", () => {
    const firstBlock = /^# [^\n]+\n\n```bash\n([^`]+)```/.exec(readme)?.[1]?.split("\n").filter(Boolean) ?? [];
    expect(firstBlock.map((line) => line.split("#")[0]?.trim())).toEqual([
      "npx -y pnpm@10 install && npx -y pnpm@10 start",
      "npx -y pnpm@10 test",
    ]);
  });

  it("links every page under docs/ and the contributor guide", () => {
    const linked = new Set(relativeLinks("README.md").map((link) => normalize(link.target.split("#")[0] as string)));
    expect(DOCS_PAGES.length).toBeGreaterThanOrEqual(8);
    expect([...DOCS_PAGES, "CONTRIBUTING.md"].filter((page) => !linked.has(page))).toEqual([]);
  });

  it("draws the two services with their adapters and upstreams", () => {
    const diagram = /```mermaid\n([^`]+)```/.exec(readme)?.[1] ?? "";
    for (const box of ["node-agent", "drift-detector", "runtime/", "adapters/storage", "adapters/airflow", "Docker engine"])
      expect(diagram, box).toContain(box);
    for (const upstream of ["registry", "MinIO", "Airflow", "IDS"]) expect(diagram, upstream).toContain(upstream);
  });
});

describe("links in the README, docs/ and CONTRIBUTING.md", () => {
  const links = DOCUMENTATION.flatMap(relativeLinks);

  it("lead to a file of the repository, and to a heading that exists", () => {
    expect(links.length).toBeGreaterThan(30);
    const broken = links.flatMap((link) => {
      const reason = brokenBecause(link);
      return reason ? [`${link.file}:${link.line}: (${link.target}) ${reason}`] : [];
    });
    expect(broken).toEqual([]);
  });

  it("are checked for real: a missing file and a missing heading are both caught", () => {
    expect(brokenBecause({ file: "README.md", line: 1, target: "docs/no-such-page.md" })).toMatch(/does not exist/);
    expect(brokenBecause({ file: "docs/node-agent.md", line: 1, target: "security.md#no-such-heading" })).toMatch(/no heading/);
    expect(brokenBecause({ file: "docs/node-agent.md", line: 1, target: "#crash-safety" })).toBeUndefined();
    expect(brokenBecause({ file: "docs/node-agent.md", line: 1, target: "../../outside.md" })).toMatch(/outside/);
  });
});

describe("prose lines", () => {
  it.each(DOCUMENTATION)("of %s are at most 160 characters (tables and code aside)", (file) => {
    const long = proseOf(readDocument(file))
      .split("\n")
      .flatMap((line, index) => (line.length > 160 && !line.startsWith("|") ? [`${file}:${index + 1} (${line.length})`] : []));
    expect(long).toEqual([]);
  });
});

describe("references to a section of the documentation from code, configuration and scripts", () => {
  /** The README or a page under docs/, then a heading in double quotes; across comment line breaks. Not another project's README. */
  const SECTION_REFERENCE = /(?<!its )\b(README|docs\/[\w-]+\.md),? \(?"([^"\n]+)"/g;
  const headingsOf = (file: string) =>
    proseOf(readDocument(file))
      .split("\n")
      .flatMap((line) => {
        const heading = /^#{1,6} (.+)$/.exec(line)?.[1];
        return heading ? [heading.replace(/`/g, "")] : [];
      });
  const references = trackedTextFiles()
    .filter((file) => !file.endsWith(".md") && !file.startsWith("contracts/"))
    .flatMap((file) => {
      const text = readDocument(file).replace(/\n\s*(?:\*|\/\/|#)\s*/g, " ");
      return [...text.matchAll(SECTION_REFERENCE)].map(([, page = "", heading = ""]) => ({
        file,
        page: page === "README" ? "README.md" : page,
        heading,
      }));
    });

  it("name a heading of that page", () => {
    expect(references.length).toBeGreaterThanOrEqual(5);
    const stale = references.filter(({ page, heading }) => !existsSync(join(ROOT, page)) || !headingsOf(page).includes(heading));
    expect(stale.map(({ file, page, heading }) => `${file}: ${page} "${heading}"`)).toEqual([]);
  });
});

/** Files git tracks that are text (no NUL byte in them). */
function trackedTextFiles(): string[] {
  return execFileSync("git", ["ls-files", "-z"], { cwd: ROOT, encoding: "utf8" })
    .split("\0")
    .filter((file) => file && existsSync(join(ROOT, file)) && !readFileSync(join(ROOT, file)).includes(0));
}
