#!/usr/bin/env node
// clarus-drift: the drift engine on two local CSV files. Composition root of the CLI; exit 0 no drift, 1 drift, 2 error.
import { randomBytes } from "node:crypto";
import { createReadStream, readFileSync } from "node:fs";
import { access, constants, type FileHandle, open, readFile, rename, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { TempScratchSpace } from "./adapters/scratch/temp-scratch-space.js";
import { CsvFormatError } from "./csv/errors.js";
import { type CsvLimit, CsvLimitError, type CsvLimitName, type CsvLimits, csvLimits } from "./csv/limits.js";
import { detectDrift } from "./drift/detect-drift.js";
import { formatDriftText, visibleControlCharacters } from "./drift/format-text.js";
import { type DriftOptions, DriftOptionsError, driftOptionsSchema } from "./drift/options.js";
import { renderHtmlReport } from "./report/index.js";

const USAGE = `usage: clarus-drift REFERENCE CURRENT [--json] [--report out.html] [--config options.json] [--workers N]
                   [--memory-budget MIB] [--temp-dir DIR]

Compares every column of CURRENT with REFERENCE (each a CSV or a Parquet file) and says whether the dataset drifted.
  --json            print the result as JSON only
  --report FILE     also write a self-contained HTML report
  --config FILE     drift options (JSON): drift_share, stattest, num_stattest, cat_stattest, per_column_stattest,
                    *_threshold, numerical_columns, categorical_columns, columns (Evidently's names),
                    p_value_correction (none, bonferroni, benjamini-hochberg; default none)
  --workers N       compare at most N columns at once, each on its own thread (default: one per core)
  --memory-budget MIB  values held in memory (default 512); beyond it they are spilled to files under --temp-dir
  --temp-dir DIR    where the run's scratch folder is made and removed (default: the system's temporary folder)
Limits of each file (a file beyond one is refused, exit 2):
  --max-file-bytes N       bytes (default 4294967296, 4 GiB)
  --max-record-chars N     characters of one record (default 1048576)
  --max-columns N          columns (default 10000)
  --max-distinct-labels N  distinct labels in one column (default 1000000)
Exit status: 0 no drift, 1 drift, 2 error.`;

/** The option that sets each CSV limit. */
const LIMIT_OPTIONS = {
  fileBytes: "max-file-bytes",
  recordChars: "max-record-chars",
  columns: "max-columns",
  distinctLabels: "max-distinct-labels",
} as const satisfies Record<CsvLimitName, string>;

/** A problem the user can fix; printed without a stack trace. */
class UsageError extends Error {}

/** Read-ahead for local files: 256 KiB (Node: 64 KiB) measured best; 1 MiB chunks cost ~50 MiB more peak RSS, no time. */
const READ_CHUNK = 1 << 18;

async function main(argv: string[]): Promise<number> {
  const args = parseCommandLine(argv);
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const options = args.config ? await readOptions(args.config) : driftOptionsSchema.parse({});
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
    },
  );
  if (args.report) {
    const [referenceStat, currentStat] = await Promise.all([stat(referencePath), stat(currentPath)]);
    const html = renderHtmlReport(result, {
      referenceSource: referencePath,
      currentSource: currentPath,
      referenceModifiedAt: referenceStat.mtime,
      currentModifiedAt: currentStat.mtime,
      generatedAt: new Date(),
      detectorVersion: packageVersion(),
    });
    await writeReport(args.report, html);
  }
  process.stdout.write(
    args.json ? `${jsonForTerminal(result)}\n` : formatDriftText(result, { reference: referencePath, current: currentPath }),
  );
  return result.drift_detected ? 1 : 0;
}

function parseCommandLine(argv: string[]): {
  files: [string, string];
  json: boolean;
  help: boolean;
  limits: CsvLimits;
  report?: string;
  config?: string;
  workers?: number;
  memoryBudgetMib: number;
  tempDir: string;
} {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    // Node's own text for an unknown option goes on about positionals after "--"; the option is what matters.
    const unknown = /^Unknown option '([^']+)'/.exec((error as Error).message);
    const problem = unknown ? `unknown option ${unknown[1]}` : (error as Error).message;
    throw new UsageError(`${problem}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  const limits = csvLimits(limitValues(values), (name) => `--${LIMIT_OPTIONS[name]}`);
  const memoryBudgetMib = values["memory-budget"] === undefined ? 512 : wholeNumber("memory-budget", values["memory-budget"]);
  const tempDir = values["temp-dir"] ?? tmpdir();
  if (values.help) return { files: ["", ""], json: false, help: true, limits, memoryBudgetMib, tempDir };
  if (positionals.length !== 2) {
    throw new UsageError(`expected 2 files (reference and current), got ${positionals.length}\n${USAGE}`);
  }
  return {
    files: positionals as [string, string],
    json: values.json ?? false,
    help: false,
    limits,
    memoryBudgetMib,
    tempDir,
    ...(values.report !== undefined && { report: values.report }),
    ...(values.config !== undefined && { config: values.config }),
    ...(values.workers !== undefined && { workers: wholeNumber("workers", values.workers) }),
  };
}

const OPTIONS = {
  json: { type: "boolean" },
  report: { type: "string" },
  config: { type: "string" },
  workers: { type: "string" },
  "memory-budget": { type: "string" },
  "temp-dir": { type: "string" },
  help: { type: "boolean", short: "h" },
  "max-file-bytes": { type: "string" },
  "max-record-chars": { type: "string" },
  "max-columns": { type: "string" },
  "max-distinct-labels": { type: "string" },
} as const;

function limitValues(values: Partial<Record<string, string | boolean>>): Partial<Record<CsvLimitName, number>> {
  const limits: Partial<Record<CsvLimitName, number>> = {};
  for (const [name, option] of Object.entries(LIMIT_OPTIONS) as Array<[CsvLimitName, string]>) {
    const text = values[option];
    if (typeof text !== "string") continue;
    limits[name] = wholeNumber(option, text);
  }
  return limits;
}

function wholeNumber(option: string, text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < 1) {
    throw new UsageError(`--${option}: must be a whole number of at least 1, got ${JSON.stringify(text)}\n${USAGE}`);
  }
  return value;
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

async function checkReportTarget(path: string): Promise<void> {
  const folder = dirname(path);
  const folderInfo = await stat(folder).catch(() => undefined);
  if (!folderInfo?.isDirectory()) {
    const why = folderInfo ? "is not a folder" : "does not exist";
    throw new UsageError(`${path}: cannot write the report: folder ${folder} ${why}`);
  }
  if ((await stat(path).catch(() => undefined))?.isDirectory()) {
    throw new UsageError(`${path}: cannot write the report: it is a folder; name a file, e.g. ${path}/drift.html`);
  }
  await access(folder, constants.W_OK).catch((error: unknown) => {
    throw new UsageError(`${path}: cannot write the report: ${fileProblem(error)} on folder ${folder}`);
  });
}

/**
 * Written beside the target under a fresh random name, then renamed: a failed write never leaves half a report. The
 * temporary file is created exclusively and never through a symbolic link, so a link planted in the folder cannot
 * redirect the write to another file; the rename replaces `path` itself, never what a link there points to.
 */
async function writeReport(path: string, html: string): Promise<void> {
  const partial = join(dirname(path), `.${basename(path)}.${randomBytes(8).toString("hex")}.partial`);
  let file: FileHandle | undefined;
  try {
    file = await open(partial, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
    await file.writeFile(html);
    await file.close();
    file = undefined;
    await rename(partial, path);
  } catch (error) {
    if (file) await file.close().catch(() => undefined);
    // Only a file this run created is removed: O_EXCL failing means the name was someone else's.
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") await rm(partial, { force: true });
    throw new UsageError(`${path}: cannot write the report: ${fileProblem(error)}`);
  }
}

function fileProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such file";
  if (code === "EISDIR") return "is a directory, not a file";
  if (code === "EACCES") return "permission denied";
  return (error as Error).message;
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}

/** The result as JSON, with the controls JSON leaves as they are (DEL, C1, bidi overrides) escaped too. */
function jsonForTerminal(result: unknown): string {
  return JSON.stringify(result, null, 2).replace(
    /[\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** An error as the lines to print; what came from a file (names, cells) has its control characters escaped. */
function describeError(error: unknown): string {
  // A CSV error is one line, even when a name in it holds a line break.
  if (error instanceof CsvFormatError) return visibleControlCharacters(error.message);
  const text =
    error instanceof UsageError
      ? error.message
      : error instanceof DriftOptionsError
        ? `drift options: ${error.message}`
        : `internal error: ${(error as Error).stack ?? String(error)}`;
  return text.split("\n").map(visibleControlCharacters).join("\n");
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
