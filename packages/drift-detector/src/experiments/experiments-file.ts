import { readFile, stat } from "node:fs/promises";
import { ConfigError } from "@clarus/common";
import { parseDocument } from "yaml";
import { type Experiment, type ExperimentDefaults, experimentsFileSchema, experimentsFrom } from "./experiment.js";

/** Larger than any hand-written list of 200 experiments; a bigger file is a mistake, not configuration. */
export const EXPERIMENTS_FILE_MAX_BYTES = 1024 * 1024;

/**
 * Reads EXPERIMENTS_FILE (JSON or YAML: YAML 1.2 reads JSON as it is, so one parser serves both and refuses duplicate
 * keys in either) and validates it with one schema. Throws ConfigError listing every problem, each prefixed with the
 * file and the place in it.
 */
export async function readExperimentsFile(file: string, defaults: ExperimentDefaults): Promise<Experiment[]> {
  const problem = (text: string) => new ConfigError([`EXPERIMENTS_FILE ${file}: ${text}`]);
  let text: string;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw problem("is not a file");
    if (info.size > EXPERIMENTS_FILE_MAX_BYTES)
      throw problem(`is ${info.size} bytes, above the limit of ${EXPERIMENTS_FILE_MAX_BYTES} bytes`);
    text = await readFile(file, "utf8");
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw problem(`cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return parseExperiments(text, defaults, `EXPERIMENTS_FILE ${file}`);
}

/** The same rules on text already read; `source` prefixes each problem. */
export function parseExperiments(text: string, defaults: ExperimentDefaults, source: string): Experiment[] {
  // Pretty errors say "… at line L, column C:" followed by the line quoted; the first line is enough.
  const document = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (document.errors.length > 0) {
    throw new ConfigError(document.errors.map((error) => `${source}: ${error.message.split("\n")[0]?.replace(/:$/, "")}`));
  }
  let content: unknown;
  try {
    // Aliases expanding into huge documents ("billion laughs") stop here.
    content = document.toJS({ maxAliasCount: 50 });
  } catch (err) {
    throw new ConfigError([`${source}: ${err instanceof Error ? err.message : String(err)}`]);
  }
  const parsed = experimentsFileSchema.safeParse(content);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${source}: ${issue.path.join(".") || "(root)"}: ${issue.message}`));
  }
  const { experiments, problems } = experimentsFrom(parsed.data, defaults);
  if (problems.length > 0) throw new ConfigError(problems.map((text) => `${source}: ${text}`));
  return experiments;
}
