import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const packageDir = resolve(import.meta.dirname, "..");
const cli = join(packageDir, "dist", "cli.js");
const wine = join(packageDir, "test", "fixtures", "winequality-red.csv");
const work = mkdtempSync(join(tmpdir(), "clarus-drift-cli-"));

/** The wine data with alcohol, pH and sulphates shifted: 3 of 12 columns drift, below the default share. */
function shiftedWine(columns: Record<string, number>): string {
  const [header = "", ...lines] = readFileSync(wine, "utf8").trimEnd().split("\n");
  const names = header.split(",");
  const shifted = lines.map((line) =>
    line
      .split(",")
      .map((cell, k) => String(Number(cell) + (columns[names[k] as string] ?? 0)))
      .join(","),
  );
  return `${header}\n${shifted.join("\n")}\n`;
}

function write(name: string, content: string): string {
  const path = join(work, name);
  writeFileSync(path, content);
  return path;
}

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", cwd: work });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

// The CLI is spawned as users run it: from the build, brought up to date first (a no-op when it is).
beforeAll(() => {
  const tsc = resolve(packageDir, "../../node_modules/typescript/bin/tsc");
  const build = spawnSync(process.execPath, [tsc, "-b", packageDir], { encoding: "utf8" });
  if (build.status !== 0) throw new Error(`build failed:\n${build.stdout}${build.stderr}`);
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("clarus-drift", () => {
  it("exits 0 and prints only the result JSON when nothing drifted", () => {
    const { code, stdout, stderr } = run(wine, wine, "--json");
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    const result = JSON.parse(stdout);
    expect(result).toMatchObject({ drift_detected: false, number_of_columns: 12, rows_reference: 1599, rows_current: 1599 });
  });

  it("exits 1 when the dataset drifted", () => {
    const current = write(
      "drifted.csv",
      shiftedWine({ alcohol: 1, pH: 0.3, sulphates: 0.2, density: 0.002, "fixed acidity": 1.5, chlorides: 0.05 }),
    );
    const { code, stdout } = run(wine, current, "--json");
    expect(code).toBe(1);
    const result = JSON.parse(stdout);
    expect(result.drift_detected).toBe(true);
    expect(result.number_of_drifted_columns).toBeGreaterThanOrEqual(6);
  });

  it("prints a readable table without --json", () => {
    const current = write("some-drift.csv", shiftedWine({ alcohol: 1 }));
    const { code, stdout } = run(wine, current);
    expect(code).toBe(0);
    const lines = stdout.split("\n");
    expect(lines[0]).toBe(
      "No dataset drift: 1 of 12 tested columns drifted (8.3%), below the 50% share at which the dataset counts as drifted",
    );
    expect(stdout).toMatch(/^column\s+type\s+test\s+statistic\s+p-value\s+threshold\s+drifted\s+effect\s+missing ref\/cur$/m);
    expect(stdout).toMatch(/^alcohol\s+numerical\s+wasserstein\s+\S+\s+-\s+0\.1\s+DRIFT\s/m);
    expect(stdout).toMatch(/^quality\s+categorical\s+jensenshannon\s+0\s+-\s+0\.1\s+no\s/m);
  });

  it("takes drift options from --config", () => {
    const config = write(
      "options.json",
      JSON.stringify({ drift_share: 0.05, num_stattest: "ks", p_value_correction: "bonferroni" }),
    );
    const current = write("alcohol.csv", shiftedWine({ alcohol: 1 }));
    const { code, stdout } = run(wine, current, "--json", "--config", config);
    expect(code).toBe(1);
    const result = JSON.parse(stdout);
    expect(result).toMatchObject({ drift_share_threshold: 0.05, p_value_correction: "bonferroni" });
    expect(result.columns.find((column: { column: string }) => column.column === "alcohol")).toMatchObject({
      test: "ks",
      adjusted_p_value: expect.any(Number),
      drifted: true,
    });
  });

  it("writes the HTML report with --report", () => {
    const out = join(work, "report.html");
    const { code } = run(wine, wine, "--report", out);
    expect(code).toBe(0);
    const html = readFileSync(out, "utf8");
    expect(html.toLowerCase().startsWith("<!doctype html>")).toBe(true);
    expect(html).toContain("winequality-red.csv");
  });

  it("refuses a report it cannot write before comparing, naming the path, and leaves no partial file", () => {
    const absent = join(work, "no-such-folder", "report.html");
    expect(run(wine, wine, "--report", absent)).toEqual({
      code: 2,
      stdout: "",
      stderr: `clarus-drift: ${absent}: cannot write the report: folder ${join(work, "no-such-folder")} does not exist\n`,
    });
    expect(run(wine, wine, "--report", work)).toEqual({
      code: 2,
      stdout: "",
      stderr: `clarus-drift: ${work}: cannot write the report: it is a folder; name a file, e.g. ${work}/drift.html\n`,
    });
    expect(readdirSync(work).filter((name) => name.endsWith(".partial"))).toEqual([]);
  });

  it.each([
    [["only-one.csv"], /^clarus-drift: expected 2 files \(reference and current\), got 1\nusage: clarus-drift/],
    [["--frobnicate", "a.csv", "b.csv"], /^clarus-drift: unknown option --frobnicate\nusage: clarus-drift/],
    [["missing.csv", wine], /^clarus-drift: missing\.csv: no such file\n$/],
  ])("exits 2 with a clear message for bad arguments %j", (args, message) => {
    const { code, stdout, stderr } = run(...args);
    expect({ code, stdout }).toEqual({ code: 2, stdout: "" });
    expect(stderr).toMatch(message);
  });

  it("exits 2 naming the file, row and column of a malformed CSV", () => {
    const bad = write("ragged.csv", "fixed acidity,quality\n7.4,5\n7.8\n");
    const { code, stderr } = run(wine, bad);
    expect(code).toBe(2);
    expect(stderr).toBe(
      `clarus-drift: ${bad} (row 3, column "quality"): ragged row: 1 cell where the header has 2 (this column and those after it are missing)\n`,
    );
  });

  it("reads the UCI layout (semicolons, quoted header) and refuses binary data, on its reading threads", () => {
    const [header = "", ...lines] = readFileSync(wine, "utf8").trimEnd().split("\n");
    const uci = [
      header
        .split(",")
        .map((name) => `"${name}"`)
        .join(";"),
      ...lines.map((line) => line.replaceAll(",", ";")),
    ];
    const semicolons = write("winequality-red-uci.csv", `${uci.join("\r\n")}\r\n`);
    const same = run(wine, semicolons, "--json");
    expect(same.code).toBe(0);
    expect(JSON.parse(same.stdout)).toMatchObject({ number_of_columns: 12, rows_current: 1599, drift_share: 0 });
    const binary = write("model.bin", "\u0000\u0001binary\u0000");
    expect(run(wine, binary)).toEqual({
      code: 2,
      stdout: "",
      stderr: `clarus-drift: ${binary}: not a text file: it contains NUL bytes (binary data?)\n`,
    });
  });

  it("exits 2 listing every problem of a bad config file", () => {
    const config = write("bad-options.json", JSON.stringify({ drift_share: 2, stattest: "t-test", drift_shar: 0.3 }));
    const { code, stderr } = run(wine, wine, "--config", config);
    expect(code).toBe(2);
    const [first, ...problems] = stderr.trimEnd().split("\n");
    expect(first).toBe(`clarus-drift: ${config}: invalid drift options:`);
    expect(problems).toEqual([
      expect.stringMatching(/^ {2}drift_share: .+/),
      expect.stringMatching(/^ {2}stattest: .+/),
      expect.stringMatching(/^ {2}drift_shar: unknown option \(known options: drift_share, columns, .*p_value_correction\)$/),
    ]);
    const notJson = write("not-json.json", "{ drift_share: 0.3 }");
    expect(run(wine, wine, "--config", notJson).stderr).toMatch(/^clarus-drift: .*not-json\.json: not valid JSON: /);
  });

  it("exits 2 when the options do not fit the data", () => {
    const config = write("typo.json", JSON.stringify({ per_column_stattest: { alcool: "ks" } }));
    const { code, stderr } = run(wine, wine, "--config", config);
    expect(code).toBe(2);
    expect(stderr).toBe('clarus-drift: drift options: per_column_stattest names column "alcool", which is not in both files\n');
  });
});
