import { spawnSync } from "node:child_process";
import { lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
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

  it("takes --workers: the same result on one column thread as on one per core; refuses a count that is not one", () => {
    const current = write("workers-shifted.csv", shiftedWine({ alcohol: 0.5 }));
    const onePerCore = run(wine, current, "--json");
    const oneThread = run(wine, current, "--json", "--workers", "1");
    expect(oneThread).toEqual(onePerCore);
    for (const bad of ["0", "-1", "two", "1.5"]) {
      const refused = run(wine, current, `--workers=${bad}`);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(`--workers: must be a whole number of at least 1, got "${bad}"`);
    }
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

describe("clarus-drift: limits of crafted files (exit 2, one line naming file, row, column, limit and option)", () => {
  const small = () => write("small.csv", "a,b\n1,x\n2,y\n");
  it.each([
    [
      "--max-record-chars",
      "10",
      "a,b\n1,x\n2,yyyyyyyyyyyy\n",
      "(row 3): line too long: more than the limit of 10 characters in one record",
    ],
    [
      "--max-record-chars",
      "10",
      'a,b\n1,"x"\n2,"y\ny\nyyyyyyyy"\n',
      "(row 3): record too long: more than the limit of 10 characters in one record",
    ],
    ["--max-columns", "2", "a,b,c\n1,2,3\n", "(row 1): header has 3 columns: more than the limit of 2 columns"],
    ["--max-distinct-labels", "2", "a,b\n1,x\n1,y\n1,x\n1,z\n", '(row 5, column "b"): too many distinct labels'],
    ["--max-file-bytes", "20", "a,b\n1,x\n2,y\n3,z\n4,w\n5,v\n", ": file too large (24 bytes): more than the limit of 20 bytes"],
  ])("%s %s", (option, value, content, message) => {
    const crafted = write("crafted.csv", content);
    const { code, stdout, stderr } = run(small(), crafted, option, value);
    expect({ code, stdout }).toEqual({ code: 2, stdout: "" });
    expect(stderr).toMatch(new RegExp(`^clarus-drift: ${crafted}`));
    expect(stderr).toContain(message);
    expect(stderr).toMatch(new RegExp(`\\(raise it with ${option}\\)\n$`));
    expect(stderr.split("\n")).toHaveLength(2);
  });

  it("refuses a limit that is not a whole number", () => {
    const { code, stderr } = run(wine, wine, "--max-columns", "1e3");
    expect(code).toBe(2);
    expect(stderr).toMatch(/^clarus-drift: --max-columns: must be a whole number of at least 1, got "1e3"\n/);
  });
});

describe("clarus-drift: what it writes and prints cannot be turned against the user", () => {
  it("never writes through a symbolic link planted at the report's temporary or final name", () => {
    const victim = write("victim.txt", "precious\n");
    const out = join(work, "linked-report.html");
    symlinkSync(victim, `${out}.partial`);
    const { code } = run(wine, wine, "--report", out);
    expect(code).toBe(0);
    expect(readFileSync(victim, "utf8")).toBe("precious\n");
    expect(readlinkSync(`${out}.partial`)).toBe(victim);
    expect(lstatSync(out).isFile()).toBe(true);
    expect(readFileSync(out, "utf8")).toContain("winequality-red.csv");

    // A link at the report's own name is replaced by the report, not followed.
    const linkedOut = join(work, "linked-out.html");
    symlinkSync(victim, linkedOut);
    expect(run(wine, wine, "--report", linkedOut).code).toBe(0);
    expect(readFileSync(victim, "utf8")).toBe("precious\n");
    expect(lstatSync(linkedOut).isFile()).toBe(true);
    expect(readdirSync(work).filter((name) => name.endsWith(".partial") && !name.startsWith("linked-report"))).toEqual([]);
  });

  it("shows control characters of headers and cells escaped in the table, the JSON and error messages", () => {
    const osc = "\u001b]0;owned\u0007";
    const csi = "\u001b[2J";
    const crafted = write("controls.csv", `temp,${osc}name${csi},\u009bgrade\u202e\n1,a,x\n2,b,y\n3,c,x\n`);
    const table = run(crafted, crafted);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain("\\x1B]0;owned\\x07name\\x1B[2J");
    expect(table.stdout).toContain("\\x9Bgrade\\u202E");
    const json = run(crafted, crafted, "--json");
    expect(JSON.parse(json.stdout).columns.map((column: { column: string }) => column.column)).toContain("\u009bgrade\u202e");
    const ragged = write("controls-ragged.csv", `temp,${osc}name${csi}\n1,a\n2,b,c\n`);
    const error = run(crafted, ragged);
    expect(error.code).toBe(2);
    expect(error.stderr).toContain('column "\\x1B]0;owned\\x07name\\x1B[2J"');
    const controls = (text: string) =>
      [...text].filter((char) => {
        const code = char.charCodeAt(0);
        return (code < 0x20 && char !== "\n") || (code >= 0x7f && code <= 0x9f) || (code >= 0x202a && code <= 0x202e);
      });
    for (const output of [table.stdout, json.stdout, error.stderr]) expect(controls(output)).toEqual([]);
  });
});
