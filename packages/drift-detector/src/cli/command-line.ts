import { tmpdir } from "node:os";
import { parseArgs } from "node:util";
import { type CsvLimitName, type CsvLimits, csvLimits } from "../csv/limits.js";
import { UsageError } from "./usage-error.js";

export const USAGE = `usage: clarus-drift REFERENCE CURRENT [--json] [--report out.html] [--config options.json] [--workers N]
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

/** What the command line asks for. */
export interface CommandLine {
  files: [string, string];
  json: boolean;
  help: boolean;
  limits: CsvLimits;
  report?: string;
  config?: string;
  workers?: number;
  memoryBudgetMib: number;
  tempDir: string;
}

/** The arguments after `clarus-drift`, checked; a UsageError (with the usage text) for anything wrong. */
export function parseCommandLine(argv: string[]): CommandLine {
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
