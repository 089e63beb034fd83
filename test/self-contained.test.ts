// A clone anywhere runs the whole suite: no tracked file points outside the repository, neither a relative path
// that climbs out of it nor an absolute path of a developer's machine, and every file a test reads from
// contracts/ is there.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const trackedFiles = execFileSync("git", ["ls-files", "-z"], { cwd: ROOT, encoding: "utf8" })
  .split("\0")
  .filter((file) => file && file !== "pnpm-lock.yaml" && existsSync(join(ROOT, file)));

// Written in pieces so that this file does not match itself.
const outsideReferences = [new RegExp(["\\.\\.", "shared"].join("/")), new RegExp(["", "work", ""].join("/"))];
const relativeSpecifier = /(?:from\s+|import\(\s*|new URL\(\s*)["'](\.\.?\/[^"']+)["']/g;

function textOf(file: string): string | undefined {
  const bytes = readFileSync(join(ROOT, file));
  return bytes.includes(0) ? undefined : bytes.toString("utf8");
}

describe("the repository stands alone", () => {
  it("has no tracked file that names a folder beside the repository or a developer machine's path", () => {
    const offenders = trackedFiles.flatMap((file) => {
      const lines = textOf(file)?.split("\n") ?? [];
      return lines.flatMap((line, index) =>
        outsideReferences.some((pattern) => pattern.test(line)) ? [`${file}:${index + 1}: ${line.trim().slice(0, 120)}`] : [],
      );
    });
    expect(offenders).toEqual([]);
  });

  it("resolves every relative import and URL of its source, test and script files inside the repository", () => {
    const code = trackedFiles.filter((file) => /\.(ts|mts|mjs|js)$/.test(file));
    const escaping = code.flatMap((file) =>
      [...(textOf(file) ?? "").matchAll(relativeSpecifier)]
        .map((match) => resolve(ROOT, dirname(file), match[1] ?? ""))
        .filter((target) => target !== ROOT && !target.startsWith(`${ROOT}/`))
        .map((target) => `${file} → ${target}`),
    );
    expect(code.length).toBeGreaterThan(100);
    expect(escaping).toEqual([]);
  });

  it("carries the contracts the tests check against", () => {
    for (const file of [
      "contracts/clarus-original/ClarusInference.postman_collection.json",
      "contracts/clarus-original/clarus_node_agent_openapi.yml",
      "contracts/ids-agent/ClarusIdsAgent.postman_collection.json",
      "contracts/airflow/CONTRACT-NOTES.md",
    ]) {
      expect(trackedFiles, file).toContain(file);
    }
  });
});
