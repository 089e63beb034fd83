// The attack table of docs/security.md stays a true index of the attacks tried: every group has rows, and every test
// it names exists (a renamed or moved test file, or a removed script, fails here instead of leaving a dead reference).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { readDocument } from "./support/documentation.js";
import { ROOT } from "./support/service-openapi.js";

const rows = readDocument("docs/security.md")
  .split("\n")
  .filter((line) => /^\| \d +\|/.test(line))
  .map((line) => {
    const [, group = "", attack = "", answer = "", tests = ""] = line.split(/(?<!\\)\|/).map((cell) => cell.trim());
    return { group: Number(group), attack, answer, tests };
  });

it("lists attacks of all six groups, each with its answer and a test", () => {
  expect(rows.length).toBeGreaterThanOrEqual(34);
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
