#!/usr/bin/env node
// `pnpm bench`: our engine end to end (read + parse + every column's test, through the CLI) against what a data
// scientist would run (pandas.read_csv + scipy ks_2samp per column, /usr/bin/python3), on the same generated pair
// of wine-like files, in one run. Prints wall times, their ratio and both peak RSS. Goals: ratio ≤ 0.5, lower RSS.
// Environment: BENCH_ROWS (default 1000000), BENCH_ROUNDS (default 2; the best round of each counts), BENCH_PYTHON.
import { spawn } from "node:child_process";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeWineLike } from "./wine-like-data.mjs";

const rows = Number(process.env.BENCH_ROWS ?? 1_000_000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
const python = process.env.BENCH_PYTHON ?? "/usr/bin/python3";
const here = new URL(".", import.meta.url).pathname;

/** Runs a command; resolves with its wall time (spawn to exit), stdout, stderr and exit code. */
function run(command, args) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { cwd: tmpdir(), stdio: ["ignore", "pipe", "pipe"] });
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

async function runEngine(reference, current) {
  const result = await run(process.execPath, [join(here, "measure-cli.mjs"), reference, current, "--json"]);
  if (result.code !== 0 && result.code !== 1) throw new Error(`clarus-drift failed (${result.code}): ${result.stderr}`);
  const rss = Number(/BENCH_MAX_RSS_KIB=(\d+)/.exec(result.stderr)?.[1]);
  const drift = JSON.parse(result.stdout);
  return { seconds: result.seconds, rssKib: rss, drift };
}

async function runBaseline(reference, current) {
  const result = await run(python, [join(here, "pandas-baseline.py"), reference, current]);
  if (result.code !== 0) throw new Error(`baseline failed (${result.code}): ${result.stderr}`);
  const report = JSON.parse(result.stdout);
  return { seconds: result.seconds, rssKib: report.max_rss_kib, columns: report.columns };
}

const mib = (kib) => `${(kib / 1024).toFixed(0)} MiB`;

const dir = await mkdtemp(join(tmpdir(), "clarus-drift-bench-"));
try {
  const reference = join(dir, "reference.csv");
  const current = join(dir, "current.csv");
  await writeWineLike(reference, { rows, seed: 1, shifted: false });
  await writeWineLike(current, { rows, seed: 2, shifted: true });
  const sizes = await Promise.all([reference, current].map(async (file) => (await stat(file)).size / 2 ** 20));
  console.log(`data: 2 files × ${rows} rows × 12 columns (${sizes.map((size) => `${size.toFixed(0)} MiB`).join(" + ")})`);
  const engine = [];
  const baseline = [];
  for (let round = 1; round <= rounds; round++) {
    engine.push(await runEngine(reference, current));
    baseline.push(await runBaseline(reference, current));
    const [e, b] = [engine.at(-1), baseline.at(-1)];
    console.log(
      `round ${round}: clarus-drift ${e.seconds.toFixed(2)} s, ${mib(e.rssKib)}; pandas+scipy ${b.seconds.toFixed(2)} s, ${mib(b.rssKib)}`,
    );
  }
  const best = (runs) => runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  const ours = best(engine);
  const theirs = best(baseline);
  const oursRss = Math.max(...engine.map((r) => r.rssKib));
  const theirsRss = Math.max(...baseline.map((r) => r.rssKib));
  const ratio = ours.seconds / theirs.seconds;
  const drift = ours.drift;
  console.log(
    `verdict: ${drift.drift_detected ? "drift" : "no drift"}, ${drift.number_of_drifted_columns} of ${drift.number_of_columns} columns drifted ` +
      `(${drift.columns
        .filter((c) => c.drifted)
        .map((c) => `${c.column} [${c.test}]`)
        .join(", ")})`,
  );
  console.log(`clarus-drift (read + parse + all tests): ${ours.seconds.toFixed(2)} s, peak RSS ${mib(oursRss)}`);
  console.log(`pandas.read_csv + ks_2samp per column:   ${theirs.seconds.toFixed(2)} s, peak RSS ${mib(theirsRss)}`);
  console.log(`wall-time ratio ours/baseline: ${ratio.toFixed(2)} (goal ≤ 0.50) ${ratio <= 0.5 ? "met" : "NOT met"}`);
  console.log(
    `peak RSS ratio ours/baseline: ${(oursRss / theirsRss).toFixed(2)} (goal < 1) ${oursRss < theirsRss ? "met" : "NOT met"}`,
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
