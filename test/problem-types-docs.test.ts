// The problem-type tables of docs/ stay true to the services' tables of problem types: the same names, each with the
// statuses it is answered with, and every type of the shared HTTP layer named.
import { describe, expect, it } from "vitest";
import { COMMON_PROBLEMS, type ProblemType } from "../packages/common/src/index.ts";
import { DRIFT_PROBLEMS } from "../packages/drift-detector/src/problem-types.ts";
import { AGENT_PROBLEMS } from "../packages/node-agent/src/problem-types.ts";
import { sectionOf } from "./support/documentation.js";

/** The rows of the section's table: type name → statuses, as the page lists them. */
function documentedTypes(file: string): Map<string, number[]> {
  const rows = sectionOf(file, "### Problem types")
    .split("\n")
    .map((line) => /^\|\s*`([a-z-]+)`\s*\|\s*([\d, ]+?)\s*\|/.exec(line))
    .filter((match) => match !== null);
  return new Map(rows.map(([, name, statuses]) => [name as string, (statuses as string).split(",").map(Number)]));
}

const inCode = (table: Record<string, ProblemType>) =>
  new Map(Object.values(table).map((kind) => [kind.name, [...kind.statuses].sort()]));
const sorted = (documented: Map<string, number[]>) =>
  new Map([...documented].map(([name, statuses]) => [name, [...statuses].sort()]));

describe.each([
  ["docs/node-agent.md", AGENT_PROBLEMS],
  ["docs/drift-detector.md", DRIFT_PROBLEMS],
])("%s: the problem types", (file, table) => {
  it("lists every type of the service's table with its statuses, and no other", () => {
    expect(sorted(documentedTypes(file))).toEqual(inCode(table));
  });
});

it("names every type of the shared HTTP layer", () => {
  const section = sectionOf("docs/node-agent.md", "### Problem types");
  const missing = Object.keys(COMMON_PROBLEMS).filter((name) => !section.includes(`\`${name}\``));
  expect(missing).toEqual([]);
});
