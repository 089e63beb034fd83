// EXPERIMENTS_FILE: one schema for JSON and YAML, unknown keys refused, every problem listed with its place.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "@clarus/common";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { environmentExperiment, loadServiceConfig } from "../../src/config.js";
import type { ExperimentDefaults } from "../../src/experiments/experiment.js";
import { EXPERIMENTS_FILE_MAX_BYTES, parseExperiments, readExperimentsFile } from "../../src/experiments/experiments-file.js";

const DEFAULTS: ExperimentDefaults = {
  bucket: "datasets",
  airflowConfigured: true,
  airflowDagId: "retrain_model",
  idsConfigured: false,
  drift: { drift_share: 0.5, p_value_correction: "none" },
};

const YAML = `
experiments:
  - id: red_wine
    description: Red wine line 1
    reference: uc_wine/winequality-red.csv
    new_data: uc_wine/winequality-red-new.csv
    reports: uc_wine/reports
    drift: { drift_share: 0.3, stattest: psi }
    airflow: { dag_id: retrain_red }
    triggers: { poll_seconds: 60, schedule: "0 */2 * * *", timezone: Europe/Madrid }
  - id: white_wine
    bucket: line-2
    reference: white/reference.csv
    batch_prefix: white/batches/
    reports: white/reports
    ids: false
    airflow: { dag_id: retrain_white, trigger: false }
    triggers: { events: false }
`;

function problemsOf(text: string, defaults = DEFAULTS): string[] {
  try {
    parseExperiments(text, defaults, "EXPERIMENTS_FILE x.yaml");
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error("expected the file to be refused");
}

describe("the experiments file", () => {
  it("reads YAML with every default applied", () => {
    const [red, white] = parseExperiments(YAML, DEFAULTS, "test");
    expect(red).toEqual({
      id: "red_wine",
      description: "Red wine line 1",
      bucket: "datasets",
      referencePath: "uc_wine/winequality-red.csv",
      newData: { kind: "path", path: "uc_wine/winequality-red-new.csv" },
      reportPath: "uc_wine/reports",
      historyPath: "uc_wine/history",
      drift: { drift_share: 0.3, stattest: "psi", p_value_correction: "none" },
      airflow: { dagId: "retrain_red" },
      ids: { off: "not configured (IDS_PROVIDER_IP unset)" },
      triggers: { events: true, pollSeconds: 60, schedule: "0 */2 * * *", timezone: "Europe/Madrid" },
    });
    expect(white).toMatchObject({
      bucket: "line-2",
      newData: { kind: "prefix", prefix: "white/batches/" },
      drift: DEFAULTS.drift,
      airflow: { off: "off for this experiment (airflow.trigger: false)" },
      ids: { off: "off for this experiment (ids: false)" },
      triggers: { events: false, pollSeconds: undefined, schedule: undefined },
    });
  });

  it("reads the same content written as JSON", () => {
    const json = JSON.stringify({
      experiments: [
        {
          id: "red_wine",
          description: "Red wine line 1",
          reference: "uc_wine/winequality-red.csv",
          new_data: "uc_wine/winequality-red-new.csv",
          reports: "uc_wine/reports",
          drift: { drift_share: 0.3, stattest: "psi" },
          airflow: { dag_id: "retrain_red" },
          triggers: { poll_seconds: 60, schedule: "0 */2 * * *", timezone: "Europe/Madrid" },
        },
      ],
    });
    expect(parseExperiments(json, DEFAULTS, "test")[0]).toEqual(parseExperiments(YAML, DEFAULTS, "test")[0]);
  });

  it("lists every problem at once, each with its place, unknown keys named", () => {
    const problems = problemsOf(`
experiments:
  - id: "bad/id"
    reference: ../ref.csv
    reports: r
    new_data: a.csv
    batch_prefix: b/
    colour: red
    drift: { drift_share: 2, stattest: nonsense }
    triggers: { poll_seconds: 1, schedule: "every day", timezone: Mars/Olympus }
`);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^EXPERIMENTS_FILE x\.yaml: experiments\.0\.id: must be 1-100 letters/),
        expect.stringContaining("experiments.0.reference: must not contain . or .. segments"),
        expect.stringContaining('experiments.0: Unrecognized key: "colour"'),
        expect.stringContaining("experiments.0.drift.drift_share"),
        expect.stringContaining("experiments.0.drift.stattest"),
        expect.stringContaining("experiments.0.triggers.poll_seconds: must be at least 5"),
        expect.stringContaining("experiments.0.triggers.schedule: is not a cron expression"),
        expect.stringContaining("experiments.0.triggers.timezone: is not an IANA time zone"),
      ]),
    );
    expect(problems.length).toBeGreaterThanOrEqual(8);
  });

  it("refuses two experiments sharing an id or a report folder, and folders inside a batch prefix", () => {
    const problems = problemsOf(`
experiments:
  - { id: a, reference: x/ref.csv, new_data: x/new.csv, reports: shared/reports }
  - { id: a, reference: y/ref.csv, new_data: y/new.csv, reports: y/reports }
  - { id: c, reference: z/ref.csv, new_data: z/new.csv, reports: shared/reports }
  - { id: d, reference: w/batches/ref.csv, batch_prefix: w/batches, reports: w/batches/reports }
  - { id: e, reference: v/ref.csv, new_data: v/ref.csv, reports: v/reports }
`);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining("experiments.3.reference: must lie outside batch_prefix w/batches/"),
        expect.stringContaining("experiments.3.reports: must lie outside batch_prefix w/batches/"),
        expect.stringContaining("experiments.4.new_data: must differ from reference"),
      ]),
    );
    // Rules across experiments are checked once every entry is valid on its own.
    const across = problemsOf(`
experiments:
  - { id: a, reference: x/ref.csv, new_data: x/new.csv, reports: shared/reports }
  - { id: a, reference: y/ref.csv, new_data: y/new.csv, reports: y/reports }
  - { id: c, reference: z/ref.csv, new_data: z/new.csv, reports: shared/reports }
`);
    expect(across).toEqual([
      'EXPERIMENTS_FILE x.yaml: experiments.1.id: "a" is also the id of experiments.0',
      'EXPERIMENTS_FILE x.yaml: experiments.2.reports: datasets/shared/reports is also the report folder of "a" (their run records would mix)',
    ]);
  });

  it("refuses a DAG when Airflow is not configured, duplicate keys, YAML aliases bombs and an empty list", () => {
    expect(
      problemsOf("experiments:\n  - { id: a, reference: r.csv, new_data: n.csv, reports: rep, airflow: { dag_id: retrain } }\n", {
        ...DEFAULTS,
        airflowConfigured: false,
        airflowDagId: undefined,
      }),
    ).toEqual(["EXPERIMENTS_FILE x.yaml: experiments.0 (a).airflow: AIRFLOW_IP is unset, so DAG retrain cannot be triggered"]);
    expect(problemsOf('{"experiments": [], "experiments": []}')[0]).toMatch(/Map keys must be unique at line 1, column \d+$/);
    expect(problemsOf("experiments: []\n")).toEqual(["EXPERIMENTS_FILE x.yaml: experiments: must list at least one experiment"]);
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x]"];
    for (let level = 1; level < 12; level++)
      bomb.push(
        `${String.fromCharCode(97 + level)}: &${String.fromCharCode(97 + level)} [${Array(9)
          .fill(`*${String.fromCharCode(96 + level)}`)
          .join(", ")}]`,
      );
    expect(problemsOf(`${bomb.join("\n")}\nexperiments: []\n`)).toEqual([
      expect.stringMatching(/^EXPERIMENTS_FILE x\.yaml: Excessive alias count/),
    ]);
  });
});

describe("EXPERIMENTS_FILE on disk", () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "experiments-file-"));
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it("is read, and refused with its path when missing or above the size limit", async () => {
    const file = join(folder, "experiments.yaml");
    await writeFile(file, YAML);
    expect((await readExperimentsFile(file, DEFAULTS)).map((experiment) => experiment.id)).toEqual(["red_wine", "white_wine"]);
    await expect(readExperimentsFile(join(folder, "missing.yaml"), DEFAULTS)).rejects.toThrow(
      `EXPERIMENTS_FILE ${join(folder, "missing.yaml")}: cannot be read (ENOENT)`,
    );
    const huge = join(folder, "huge.yaml");
    await writeFile(huge, `# ${"x".repeat(EXPERIMENTS_FILE_MAX_BYTES)}\n`);
    await expect(readExperimentsFile(huge, DEFAULTS)).rejects.toThrow(/above the limit of 1048576 bytes/);
  });
});

describe("without EXPERIMENTS_FILE", () => {
  it("the environment's variables make exactly one experiment, as before", () => {
    const config = loadServiceConfig({
      EXPERIMENT_ID: "UC_test experiment",
      MINIO_NEW_DATA: "uc/new.csv",
      MINIO_REF_DATA: "uc/ref.csv",
    });
    expect(environmentExperiment(config)).toEqual({
      id: "UC_test experiment",
      description: "New dataset of UC_test experiment after data drift",
      bucket: "datasets",
      referencePath: "uc/ref.csv",
      newData: { kind: "path", path: "uc/new.csv" },
      reportPath: "uc_wine/reports",
      historyPath: "uc/history",
      drift: { drift_share: 0.5, p_value_correction: "none" },
      airflow: { off: "not configured (AIRFLOW_IP unset)" },
      ids: { off: "not configured (IDS_PROVIDER_IP unset)" },
      triggers: { events: true, pollSeconds: undefined, schedule: undefined, timezone: undefined },
    });
  });

  it("AIRFLOW_IP needs ID_AIRFLOW_DAG only without an experiments file", () => {
    expect(() => loadServiceConfig({ AIRFLOW_IP: "127.0.0.1" })).toThrow(/ID_AIRFLOW_DAG: required when AIRFLOW_IP is set/);
    expect(loadServiceConfig({ AIRFLOW_IP: "127.0.0.1", EXPERIMENTS_FILE: "/etc/x.yaml" }).airflowConnection?.baseUrl).toBe(
      "http://127.0.0.1:8080",
    );
  });
});
