// The README's Security table stays a true index of issue 10's attacks: every group has rows, and every test it
// names exists (a renamed or moved test file, or a removed script, fails here instead of leaving a dead reference).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { ROOT } from "./support/service-openapi.js";

const readme = readFileSync(join(ROOT, "README.md"), "utf8");
const section = readme.slice(readme.indexOf("\n## Security\n"), readme.indexOf("\n## ", readme.indexOf("\n## Security\n") + 5));
const rows = section
  .split("\n")
  .filter((line) => /^\| \d +\|/.test(line))
  .map((line) => {
    const [, group = "", attack = "", answer = "", tests = ""] = line.split(/(?<!\\)\|/).map((cell) => cell.trim());
    return { group: Number(group), attack, answer, tests };
  });

it("lists attacks of all six groups of issue 10, each with its answer and a test", () => {
  expect(new Set(rows.map((row) => row.group))).toEqual(new Set([1, 2, 3, 4, 5, 6]));
  expect(rows.filter((row) => !row.attack || !row.answer || !row.tests)).toEqual([]);
});

it("names only tests and scripts that exist", () => {
  const scripts = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts as Record<string, string>;
  const missing = rows.flatMap((row) =>
    [...row.tests.matchAll(/`([^`]+)`/g)].flatMap(([, named = ""]) => {
      const script = /^pnpm (\S+)$/.exec(named);
      if (script) return script[1] && scripts[script[1]] ? [] : [named];
      return existsSync(join(ROOT, named)) ? [] : [named];
    }),
  );
  expect(missing).toEqual([]);
});
