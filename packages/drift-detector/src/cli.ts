#!/usr/bin/env node
// clarus-drift: the drift engine on two local CSV files. Composition root of the CLI; exit 0 no drift, 1 drift, 2 error.
import { createReadStream, readFileSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { setFlagsFromString } from "node:v8";
import { TempScratchSpace } from "./adapters/scratch/temp-scratch-space.js";
import { parseCommandLine, USAGE } from "./cli/command-line.js";
import { checkReportTarget, writeReportFile } from "./cli/report-file.js";
import { describeError, jsonForTerminal } from "./cli/terminal-output.js";
import { fileProblem, UsageError } from "./cli/usage-error.js";
import { type CsvLimit, CsvLimitError } from "./csv/limits.js";
import { exposeGarbageCollector } from "./drift/collect-garbage.js";
import { DEFAULT_DRIFT_OPTIONS } from "./drift/default-options.js";
import { detectDrift } from "./drift/detect-drift.js";
import { formatDriftText } from "./drift/format-text.js";
import type { DriftOptions } from "./drift/options.js";

/** Read-ahead for local files: 256 KiB (Node: 64 KiB) measured best; 1 MiB chunks cost ~50 MiB more peak RSS, no time. */
const READ_CHUNK = 1 << 18;

/**
 * V8 optimises hot functions on a helper thread by default; a run keeps every core busy with its own threads (one per
 * file reading, then one per core comparing), so those compilations wait for a core while the threads that need them
 * run unoptimised code. Compiled on the thread that needs them instead (measured on 2 cores, 1 M rows a file: the
 * Parquet pair 0.75–0.79 → 0.64–0.67 s, the CSV pair 1.17–1.28 → 1.15–1.22 s). Set before any thread starts, as
 * each thread's engine reads it when it is made.
 */
setFlagsFromString("--no-concurrent-recompilation");

async function main(argv: string[]): Promise<number> {
  const args = parseCommandLine(argv);
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const options = args.config ? await readOptions(args.config) : DEFAULT_DRIFT_OPTIONS;
  // Checked before the comparison, so a long run on large files does not end in "cannot write".
  if (args.report) await checkReportTarget(args.report);
  const [referencePath, currentPath] = args.files;
  await Promise.all(args.files.map((path) => checkFileSize(path, args.limits.fileBytes)));
  const result = await detectDrift(
    { name: referencePath, stream: openFile(referencePath), path: referencePath },
    { name: currentPath, stream: openFile(currentPath), path: currentPath },
    options,
    args.limits,
    {
      ...(args.workers !== undefined && { workers: args.workers }),
      memoryBudgetBytes: args.memoryBudgetMib * 1024 ** 2,
      scratchSpace: () => new TempScratchSpace(args.tempDir),
      // The process is this one run: the garbage a spill leaves is collected at once (lower peak memory).
      collectGarbage: exposeGarbageCollector(),
    },
  );
  if (args.report) {
    const [referenceStat, currentStat] = await Promise.all([stat(referencePath), stat(currentPath)]);
    const { renderHtmlReport } = await import("./report/index.js");
    const html = renderHtmlReport(result, {
      referenceSource: referencePath,
      currentSource: currentPath,
      referenceModifiedAt: referenceStat.mtime,
      currentModifiedAt: currentStat.mtime,
      generatedAt: new Date(),
      detectorVersion: packageVersion(),
    });
    await writeReportFile(args.report, html);
  }
  process.stdout.write(
    args.json ? `${jsonForTerminal(result)}\n` : formatDriftText(result, { reference: referencePath, current: currentPath }),
  );
  return result.drift_detected ? 1 : 0;
}

async function readOptions(path: string): Promise<DriftOptions> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new UsageError(`${path}: ${fileProblem(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${path}: not valid JSON: ${(error as Error).message}`);
  }
  // The schema (zod) is loaded only for a --config file: ~50 ms of every run's start-up otherwise.
  const { driftOptionsSchema } = await import("./drift/options.js");
  const parsed = driftOptionsSchema.safeParse(json);
  if (!parsed.success) {
    const known = `known options: ${Object.keys(driftOptionsSchema.shape).join(", ")}`;
    const problems = parsed.error.issues.flatMap((issue) =>
      issue.code === "unrecognized_keys"
        ? issue.keys.map((key) => `  ${[...issue.path, key].join(".")}: unknown option (${known})`)
        : [`  ${issue.path.join(".") || "(top level)"}: ${issue.message}`],
    );
    throw new UsageError(`${path}: invalid drift options:\n${problems.join("\n")}`);
  }
  return parsed.data;
}

/** A file larger than the limit is refused from its size, before it is read (pipes and devices report no size). */
async function checkFileSize(path: string, limit: CsvLimit): Promise<void> {
  const info = await stat(path).catch((error: unknown) => {
    throw new UsageError(`${path}: ${fileProblem(error)}`);
  });
  if (info.isFile() && info.size > limit.value) {
    throw new CsvLimitError(path, "fileBytes", limit, `file too large (${info.size} bytes)`);
  }
}

function openFile(path: string): AsyncIterable<Uint8Array> {
  const stream = createReadStream(path, { highWaterMark: READ_CHUNK });
  return (async function* () {
    try {
      yield* stream;
    } catch (error) {
      throw new UsageError(`${path}: ${fileProblem(error)}`);
    }
  })();
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}

// A reader that stops early (`| head`) closes the pipe: nothing left to say, so no stack trace either.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
  process.exit(process.exitCode ?? 0);
});

// A signal ends the run through process.exit, so the scratch folder is removed on the way out.
for (const [signal, code] of [
  ["SIGTERM", 143],
  ["SIGINT", 130],
] as const) {
  process.once(signal, () => process.exit(code));
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`clarus-drift: ${describeError(error)}\n`);
    process.exitCode = 2;
  },
);
