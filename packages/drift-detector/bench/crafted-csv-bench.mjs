#!/usr/bin/env node
// `pnpm bench:crafted`: files crafted to be huge in one dimension, each given to the built clarus-drift as the current
// file beside a small honest reference. Every one must be refused cleanly (exit 2, one line naming the limit) within
// the stated time and peak RSS of the child process; the script exits 1 if any is not. Then linear time: a 100 MB
// and a 200 MB line, read with the record limit raised, must take at most ~1.6× twice as long (quadratic: 4×).
// Files are generated streaming into a temporary folder and deleted as soon as done (at most 1 GiB on disk at once).
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The limits each refusal must stay under: wall seconds from spawn to exit, and the child's peak RSS. */
const LIMITS = { seconds: 15, rssMib: 300 };
/** Time of the 200 MB line over the 100 MB one: 2 when linear, 4 when quadratic; margin for a shared machine. */
const MAX_LINE_TIME_RATIO = 3.2;
const here = new URL(".", import.meta.url).pathname;
const MIB = 1024 * 1024;

/** Writes the chunks `produce` yields, waiting whenever the file stream is full: constant memory whatever the size. */
async function writeStreaming(path, produce) {
  const out = createWriteStream(path);
  for (const chunk of produce()) if (!out.write(chunk)) await once(out, "drain");
  out.end();
  await once(out, "finish");
}

const CRAFTED = [
  {
    name: "1 GB single line",
    file: "single-line.csv",
    expect: /line too long: more than the limit of 1,048,576 characters in one record \(raise it with --max-record-chars\)$/,
    *produce() {
      yield "value,other\n1,";
      const block = "7".repeat(MIB);
      for (let i = 0; i < 1024; i++) yield block;
      yield "\n";
    },
  },
  {
    name: "1 M columns × 2 rows (default limits: the header is the too-long record)",
    file: "million-columns.csv",
    expect: /\(row 1\): line too long: more than the limit of 1,048,576 characters/,
    *produce() {
      yield* millionColumns();
    },
  },
  {
    name: "1 M columns × 2 rows, --max-record-chars 16777216 (the column limit refuses)",
    file: "million-columns.csv",
    args: ["--max-record-chars", "16777216"],
    expect: /\(row 1\): header has 1000000 columns: more than the limit of 10,000 columns \(raise it with --max-columns\)$/,
  },
  {
    name: "20 M distinct labels in one column",
    file: "distinct-labels.csv",
    expect: /\(row 1000002, column "batch"\): too many distinct labels .*more than the limit of 1,000,000 distinct labels/,
    *produce() {
      yield "batch,value\n";
      const rows = 20_000_000;
      const perChunk = 100_000;
      for (let start = 0; start < rows; start += perChunk) {
        let text = "";
        for (let i = start; i < start + perChunk; i++) text += `B${i},1\n`;
        yield text;
      }
    },
  },
];

function* millionColumns() {
  const columns = 1_000_000;
  const perChunk = 50_000;
  for (let start = 0; start < columns; start += perChunk) {
    const names = [];
    for (let i = start; i < start + perChunk; i++) names.push(`c${i}`);
    yield `${start > 0 ? "," : ""}${names.join(",")}`;
  }
  yield "\n";
  const row = `${"1,".repeat(columns - 1)}1\n`;
  yield row;
  yield row;
}

/** Runs the CLI under measure-cli.mjs (which prints the child's own peak RSS); wall time from spawn to exit. */
function runCli(args) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [join(here, "measure-cli.mjs"), ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const rssMib = Number(/BENCH_MAX_RSS_KIB=(\d+)/.exec(stderr)?.[1]) / 1024;
      const message = stderr.split("\n").find((line) => line.startsWith("clarus-drift:")) ?? "";
      resolve({ code, seconds, rssMib, message, stdout });
    });
  });
}

const dir = await mkdtemp(join(tmpdir(), "clarus-crafted-csv-"));
let failures = 0;
console.log(`limits per refusal: ${LIMITS.seconds} s wall, ${LIMITS.rssMib} MiB peak RSS of the clarus-drift process`);
try {
  const reference = join(dir, "reference.csv");
  await writeFile(reference, "value,other\n1,2\n3,4\n");
  for (const [index, crafted] of CRAFTED.entries()) {
    const path = join(dir, crafted.file);
    if (crafted.produce) await writeStreaming(path, crafted.produce.bind(crafted));
    const size = (await stat(path)).size;
    const result = await runCli([reference, path, ...(crafted.args ?? [])]);
    const refused = result.code === 2 && result.stdout === "" && crafted.expect.test(result.message);
    const withinLimits = result.seconds <= LIMITS.seconds && result.rssMib <= LIMITS.rssMib;
    if (!refused || !withinLimits) failures++;
    console.log(
      `${refused && withinLimits ? "ok  " : "FAIL"} ${crafted.name} (${(size / MIB).toFixed(0)} MiB): ` +
        `${result.seconds.toFixed(2)} s, ${result.rssMib.toFixed(0)} MiB, exit ${result.code}\n     ${result.message.replace(dir, "$TMP")}`,
    );
    // Disk is freed as soon as no later case reads the file.
    if (!CRAFTED.slice(index + 1).some((later) => later.file === crafted.file)) await rm(path);
  }
  const seconds = [];
  for (const mib of [100, 200]) {
    const path = join(dir, `line-${mib}.csv`);
    await writeStreaming(path, function* () {
      yield "value,other\n1,";
      const block = "7".repeat(MIB);
      for (let i = 0; i < mib; i++) yield block;
      yield "\n";
    });
    const result = await runCli([reference, path, "--max-record-chars", String(2 * mib * MIB)]);
    await rm(path);
    if (result.code !== 0) failures++;
    seconds.push(result.seconds);
    console.log(
      `${result.code === 0 ? "read" : "FAIL"} ${mib} MB single line, --max-record-chars ${2 * mib * MIB}: ` +
        `${result.seconds.toFixed(2)} s, ${result.rssMib.toFixed(0)} MiB, exit ${result.code}`,
    );
  }
  const ratio = (seconds[1] ?? 0) / (seconds[0] ?? 1);
  const linear = ratio <= MAX_LINE_TIME_RATIO;
  if (!linear) failures++;
  console.log(
    `${linear ? "ok  " : "FAIL"} time ratio 200 MB / 100 MB line: ${ratio.toFixed(2)} (linear 2, quadratic 4; limit ${MAX_LINE_TIME_RATIO})`,
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
if (failures > 0) {
  console.log(`${failures} crafted file(s) not refused within the limits`);
  process.exitCode = 1;
}
