#!/usr/bin/env node
// `pnpm bench`: the scale curve of our engine end to end (read + parse + every column's test, through the built CLI)
// against what a data scientist would run (pandas.read_csv + scipy ks_2samp per column, /usr/bin/python3), on the same
// generated wine-like pairs, alternating in one run; and the same data as Parquet (written by DuckDB) through our CLI.
// Prints, per size, wall time and peak RSS of each (best, and the spread over rounds), the ratios against the targets,
// the machine and its load before and after, and a Markdown table for docs/benchmarks.md.
//
//   node bench/drift-bench.mjs [--rows 1000000,5000000,20000000] [--parquet-rows 1000000,20000000] [--rounds 2]
//                              [--big-rounds 1] [--big-from 10000000] [--baseline-max-rows 20000000] [--data DIR]
//
// Sizes from --big-from rows on run --big-rounds rounds (pandas needs ~6 GiB at 20 M rows). --data keeps the
// generated files there for the next run (default: a temporary folder, deleted at the end).
import { spawn } from "node:child_process";
import { createReadStream, existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, stat } from "node:fs/promises";
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { writeWineLike } from "./wine-like-data.mjs";

const { values: args } = parseArgs({
  options: {
    rows: { type: "string", default: "1000000,5000000,20000000" },
    "parquet-rows": { type: "string", default: "1000000,20000000" },
    rounds: { type: "string", default: "2" },
    "big-rounds": { type: "string", default: "1" },
    "big-from": { type: "string", default: "10000000" },
    "baseline-max-rows": { type: "string", default: "20000000" },
    data: { type: "string" },
    python: { type: "string", default: process.env.BENCH_PYTHON ?? "/usr/bin/python3" },
  },
});
const list = (text) => text.split(",").filter(Boolean).map(Number);
const sizes = list(args.rows);
const parquetSizes = new Set(list(args["parquet-rows"]));
const roundsFor = (rows) => Number(rows >= Number(args["big-from"]) ? args["big-rounds"] : args.rounds);
const here = new URL(".", import.meta.url).pathname;

/** Runs a command; resolves with its wall time (spawn to exit), stdout, stderr and exit code. */
function run(command, commandArgs) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, commandArgs, { cwd: tmpdir(), stdio: ["ignore", "pipe", "pipe"] });
    const stdout = [];
    const stderr = [];
    child.stdout.on("data", (chunk) => stdout.push(chunk));
    child.stderr.on("data", (chunk) => stderr.push(chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      resolve({ seconds, code, stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString() });
    });
  });
}

/**
 * Reads the files once through, just before a timed run, so that it finds them in the page cache: this kind of
 * machine reclaims idle file pages (DAMON), and a run that finds its files on disk measures the disk, not the engine
 * (1 M-row Parquet runs of 0.83–1.09 s among 0.53–0.60 s without this).
 */
async function intoPageCache(...paths) {
  for (const path of paths) for await (const _ of createReadStream(path, { highWaterMark: 1 << 20 }));
}

async function runEngine(reference, current) {
  await intoPageCache(reference, current);
  const result = await run(process.execPath, [join(here, "measure-cli.mjs"), reference, current, "--json"]);
  if (result.code !== 0 && result.code !== 1) throw new Error(`clarus-drift failed (${result.code}): ${result.stderr}`);
  const rssKib = Number(/BENCH_MAX_RSS_KIB=(\d+)/.exec(result.stderr)?.[1]);
  return { seconds: result.seconds, rssKib, drift: JSON.parse(result.stdout) };
}

async function runBaseline(reference, current) {
  await intoPageCache(reference, current);
  const result = await run(args.python, [join(here, "pandas-baseline.py"), reference, current]);
  if (result.code !== 0) return { failed: result.stderr.trim().split("\n").at(-1) ?? `exit ${result.code}` };
  const report = JSON.parse(result.stdout);
  return { seconds: result.seconds, rssKib: report.max_rss_kib };
}

/** The wine-like CSV pair of `rows` rows, and its Parquet copy when asked, made once per data folder. */
async function dataset(dir, rows, parquet) {
  const files = { reference: join(dir, `reference-${rows}.csv`), current: join(dir, `current-${rows}.csv`) };
  if (!existsSync(files.current)) {
    await writeWineLike(files.reference, { rows, seed: 1, shifted: false });
    await writeWineLike(files.current, { rows, seed: 2, shifted: true });
  }
  if (!parquet) return files;
  const parquetFiles = { reference: join(dir, `reference-${rows}.parquet`), current: join(dir, `current-${rows}.parquet`) };
  if (!existsSync(parquetFiles.current)) {
    const { DuckDBInstance } = await import("@duckdb/node-api");
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    for (const side of ["reference", "current"]) {
      await connection.run(`COPY (SELECT * FROM read_csv('${files[side]}')) TO '${parquetFiles[side]}' (FORMAT parquet)`);
    }
    connection.closeSync();
    instance.closeSync();
  }
  return { ...files, parquet: parquetFiles };
}

const mib = (kib) => kib / 1024;
const range = (values, digits, unit) => {
  const low = Math.min(...values);
  const high = Math.max(...values);
  return low === high ? `${low.toFixed(digits)}${unit}` : `${low.toFixed(digits)}–${high.toFixed(digits)}${unit}`;
};
/** The rounds of one side: best wall time, the spread of all rounds, and the highest peak RSS. */
const summaryOf = (runs) => ({
  best: Math.min(...runs.map((r) => r.seconds)),
  spread: range(
    runs.map((r) => r.seconds),
    2,
    " s",
  ),
  peakMib: mib(Math.max(...runs.map((r) => r.rssKib))),
});
const printSummary = (label, summary) =>
  console.log(
    `  ${label} best ${summary.best.toFixed(2)} s (rounds ${summary.spread}), peak RSS ${summary.peakMib.toFixed(0)} MiB`,
  );
const verdict = (value, goal) => `${value.toFixed(2)} (goal ≤ ${goal}) ${value <= goal ? "met" : "NOT met"}`;
/** The targets: 1 M rows wall ≤ 0.35 × and peak ≤ 0.6 × pandas; 20 M rows peak ≤ 700 MiB and wall ≤ 0.4 ×. */
const targets = (rows) =>
  rows >= 20_000_000 ? { wall: 0.4, peakMib: 700 } : rows === 1_000_000 ? { wall: 0.35, peak: 0.6 } : {};

const cpu = cpus()[0]?.model ?? "unknown CPU";
console.log(
  `machine: ${cpu}, ${availableParallelism()} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; node ${process.version}; ` +
    `load average before: ${loadavg()
      .map((load) => load.toFixed(1))
      .join(" ")}`,
);
const dataDir = args.data ?? (await mkdtemp(join(tmpdir(), "clarus-drift-bench-")));
await mkdir(dataDir, { recursive: true });
const rowsOfTable = [];
try {
  for (const rows of sizes) {
    const files = await dataset(dataDir, rows, parquetSizes.has(rows));
    const sizeMib = (await stat(files.reference)).size / 2 ** 20;
    const baselineRuns = rows <= Number(args["baseline-max-rows"]);
    console.log(`\n${rows.toLocaleString("en-US")} rows per file × 12 columns (reference CSV ${sizeMib.toFixed(0)} MiB)`);
    const engine = [];
    const baseline = [];
    const parquet = [];
    for (let round = 1; round <= roundsFor(rows); round++) {
      const load = loadavg()[0].toFixed(1);
      engine.push(await runEngine(files.reference, files.current));
      if (baselineRuns) baseline.push(await runBaseline(files.reference, files.current));
      if (files.parquet) parquet.push(await runEngine(files.parquet.reference, files.parquet.current));
      const [e, b, p] = [engine.at(-1), baseline.at(-1), parquet.at(-1)];
      console.log(
        `  round ${round} (load ${load}): clarus-drift CSV ${e.seconds.toFixed(2)} s ${mib(e.rssKib).toFixed(0)} MiB` +
          (b
            ? b.failed
              ? `; pandas+scipy failed: ${b.failed}`
              : `; pandas+scipy ${b.seconds.toFixed(2)} s ${mib(b.rssKib).toFixed(0)} MiB`
            : "") +
          (p ? `; clarus-drift Parquet ${p.seconds.toFixed(2)} s ${mib(p.rssKib).toFixed(0)} MiB` : ""),
      );
    }
    if (parquet.length > 0 && JSON.stringify(parquet[0].drift) !== JSON.stringify(engine[0].drift)) {
      throw new Error(`${rows} rows: the Parquet copy gave another result than the CSV`);
    }
    const ok = baseline.filter((b) => !b.failed);
    const goal = targets(rows);
    const line = { rows, engine: summaryOf(engine) };
    printSummary("clarus-drift CSV:", line.engine);
    if (goal.peakMib)
      console.log(
        `  peak RSS ${line.engine.peakMib.toFixed(0)} MiB: goal ≤ ${goal.peakMib} MiB ${line.engine.peakMib <= goal.peakMib ? "met" : "NOT met"}`,
      );
    if (ok.length > 0) {
      line.baseline = summaryOf(ok);
      line.wallRatio = line.engine.best / line.baseline.best;
      line.peakRatio = line.engine.peakMib / line.baseline.peakMib;
      // Each round's own ratio: both ran back to back, under (nearly) the same load.
      const paired = engine.map((e, k) => [e, baseline[k]]).filter(([, b]) => b && !b.failed);
      line.wallRatios = range(
        paired.map(([e, b]) => e.seconds / b.seconds),
        2,
        "",
      );
      line.peakRatios = range(
        paired.map(([e, b]) => e.rssKib / b.rssKib),
        2,
        "",
      );
      printSummary("pandas+scipy:    ", line.baseline);
      console.log(
        `  wall ratio ours/pandas: ${goal.wall ? verdict(line.wallRatio, goal.wall) : line.wallRatio.toFixed(2)} (per round ${line.wallRatios})`,
      );
      console.log(
        `  peak RSS ratio ours/pandas: ${goal.peak ? verdict(line.peakRatio, goal.peak) : line.peakRatio.toFixed(2)} (per round ${line.peakRatios})`,
      );
    } else if (baselineRuns) {
      console.log(`  pandas+scipy could not run: ${baseline[0]?.failed}`);
    } else {
      console.log(`  pandas+scipy not run at this size (--baseline-max-rows ${args["baseline-max-rows"]})`);
    }
    if (parquet.length > 0) {
      line.parquet = summaryOf(parquet);
      line.parquetRatio = line.parquet.best / line.engine.best;
      line.parquetRatios = range(
        parquet.map((p, k) => p.seconds / engine[k].seconds),
        2,
        "",
      );
      printSummary("clarus-drift Parquet:", line.parquet);
      const ratio = rows === 1_000_000 ? verdict(line.parquetRatio, 0.5) : line.parquetRatio.toFixed(2);
      console.log(`  Parquet / CSV wall: ${ratio} (per round ${line.parquetRatios})`);
      if (goal.peakMib) {
        const met = line.parquet.peakMib <= goal.peakMib ? "met" : "NOT met";
        console.log(`  Parquet peak RSS ${line.parquet.peakMib.toFixed(0)} MiB: goal ≤ ${goal.peakMib} MiB ${met}`);
      }
    }
    rowsOfTable.push(line);
  }
  console.log(
    `\nload average after: ${loadavg()
      .map((load) => load.toFixed(1))
      .join(" ")}\n`,
  );
  console.log(
    "| rows per file | clarus-drift CSV wall (rounds) | peak RSS | pandas+scipy wall (rounds) | peak RSS | wall ratio (per round) | peak ratio (per round) | clarus-drift Parquet wall | Parquet peak | Parquet/CSV (per round) |",
  );
  console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
  for (const l of rowsOfTable) {
    const cells = [
      l.rows.toLocaleString("en-US"),
      `${l.engine.best.toFixed(2)} s (${l.engine.spread})`,
      `${l.engine.peakMib.toFixed(0)} MiB`,
      l.baseline ? `${l.baseline.best.toFixed(2)} s (${l.baseline.spread})` : "–",
      l.baseline ? `${l.baseline.peakMib.toFixed(0)} MiB` : "–",
      l.wallRatio ? `${l.wallRatio.toFixed(2)} (${l.wallRatios})` : "–",
      l.peakRatio ? `${l.peakRatio.toFixed(2)} (${l.peakRatios})` : "–",
      l.parquet ? `${l.parquet.best.toFixed(2)} s (${l.parquet.spread})` : "–",
      l.parquet ? `${l.parquet.peakMib.toFixed(0)} MiB` : "–",
      l.parquetRatio ? `${l.parquetRatio.toFixed(2)} (${l.parquetRatios})` : "–",
    ];
    console.log(`| ${cells.join(" | ")} |`);
  }
} finally {
  if (!args.data) await rm(dataDir, { recursive: true, force: true });
}
