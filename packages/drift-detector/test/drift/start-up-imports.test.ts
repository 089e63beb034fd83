// What each entry point loads before it does any work: the modules its static imports reach. Every run starts the CLI
// and up to four threads, so a library one of them does not use costs every run its load time (zod ~50 ms a thread,
// hyparquet ~20 ms, all its codecs ~25 ms, csv-parse ~20 ms on the development machine), and so do our own modules
// (the statistics' ~25 modules, ~15 ms, before the CLI could start its reading threads).
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), "../../src");

/** Bare modules reached from `entry` through imports and re-exports that load at run time (not `import type`). */
function librariesLoadedBy(entry: string): Set<string> {
  return modulesLoadedBy(entry).libraries;
}

/** The libraries and the source files (relative to src/) `entry`'s run-time imports reach, itself included. */
function modulesLoadedBy(entry: string): { libraries: Set<string>; files: Set<string> } {
  const libraries = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest);
    for (const statement of source.statements) {
      let specifier: ts.Expression | undefined;
      if (ts.isImportDeclaration(statement) && !statement.importClause?.isTypeOnly) specifier = statement.moduleSpecifier;
      if (ts.isExportDeclaration(statement) && !statement.isTypeOnly) specifier = statement.moduleSpecifier;
      if (!specifier || !ts.isStringLiteral(specifier)) continue;
      const name = specifier.text;
      if (name.startsWith(".")) visit(resolve(dirname(file), name).replace(/\.js$/, ".ts"));
      else if (!name.startsWith("node:")) libraries.add(name.split("/")[0] as string);
    }
  };
  visit(resolve(SRC, entry));
  return { libraries, files: new Set([...seen].map((file) => file.slice(SRC.length + 1))) };
}

describe("start-up imports of the drift engine's entry points", () => {
  it("the CLI loads no schema, CSV or Parquet library itself (its threads do, and --config loads the schema)", () => {
    expect([...librariesLoadedBy("cli.ts")]).toEqual([]);
  });

  it("a column thread loads no library at all", () => {
    expect([...librariesLoadedBy("drift/column-thread.ts")]).toEqual([]);
  });

  it("each reading thread loads only its own format's libraries", () => {
    // The decompressors a file needs are loaded once its footer names them (parquet/page-decompressors.ts).
    expect([...librariesLoadedBy("parquet/read-parquet-thread.ts")]).toEqual(["hyparquet"]);
    expect([...librariesLoadedBy("csv/read-csv-worker.ts")]).toEqual(["csv-parse"]);
  });

  it("the CLI and the reading threads load no statistical test: the CLI loads them while its threads read", () => {
    for (const entry of ["cli.ts", "parquet/read-parquet-thread.ts", "csv/read-csv-worker.ts"]) {
      const { files } = modulesLoadedBy(entry);
      expect(files).toContain("csv/number-column.ts");
      expect(
        [...files].filter((file) => file.startsWith("stats/") && file !== "stats/sorted.ts" && file !== "stats/radix-sort.ts"),
      ).toEqual([]);
    }
    expect(modulesLoadedBy("drift/compare-tables.ts").files).toContain("stats/stattests/ks.ts");
  });

  it("the walk finds a library behind a module (zod behind the options schema) and skips type-only imports", () => {
    expect(librariesLoadedBy("drift/options.ts")).toContain("zod");
    expect(librariesLoadedBy("drift/default-options.ts").size).toBe(0);
  });
});
