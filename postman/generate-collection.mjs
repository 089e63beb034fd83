#!/usr/bin/env node
// Writes the Postman collection and environment of both services from the request list below:
//   node postman/generate-collection.mjs          (rewrites the two JSON files)
//   node postman/generate-collection.mjs --check  (exits 1 when the committed files differ from this source)
// The requests of the original collection keep their names, methods, paths and body fields; only the
// hard-coded host ports in their bodies became variables, so they run beside the agent on any machine.
// Test scripts are plain functions here (readable, linted) and become Postman `exec` lines on output.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const COLLECTION_FILE = join(here, "ClarusInference.postman_collection.json");
export const ENVIRONMENT_FILE = join(here, "ClarusInference.postman_environment.json");

/** Variables the requests use, with the values of a default local installation. */
export const ENVIRONMENT_VALUES = {
  clarus_inference_kit_ip: "127.0.0.1",
  node_agent_port: "8081",
  drift_detector_port: "5000",
  node_agent_api_token: "",
  drift_detector_api_token: "",
  registry: "127.0.0.1:5001",
  inference_id: "inference01",
  inference_forward_port: "8085",
  inference_v3_forward_port: "7070",
  exp_id: "Clarus_RedWine_experiment",
  minio_webhook_token: "",
};

// ---- test scripts (run by Postman/newman; `pm` is its sandbox) ----

/**
 * A Postman test named `name` that the answer has `status` and a JSON body, which `checks` receives as its one
 * parameter. Postman runs scripts as text, not closures, so the checks' body is spliced in after the lines that read
 * the answer.
 */
const answersJson = (status, name, checks) => [
  `pm.test(${JSON.stringify(name)}, () => {`,
  `  pm.response.to.have.status(${status});`,
  `  const ${/^\(?\s*(\w+)/.exec(checks.toString())[1]} = pm.response.json();`,
  ...scriptLines(checks).map((line) => `  ${line}`),
  "});",
];

/** The same for an answer whose body is not JSON (a page, the inference's own answer). */
const answers = (status, name, checks) => [
  `pm.test(${JSON.stringify(name)}, () => {`,
  `  pm.response.to.have.status(${status});`,
  ...scriptLines(checks).map((line) => `  ${line}`),
  "});",
];

const pingTests = answersJson(200, "answers 200 OK", (answer) => {
  pm.expect(answer).to.eql("OK");
});

const agentHealthTests = [
  ...answersJson(200, "the Docker engine answers", (health) => {
    pm.expect(health.engine.reachable).to.eql(true);
    pm.expect(health.engine.version).to.be.a("string");
  }),
  ...scriptLines(() => {
    pm.test("the inference network is present", () => {
      pm.expect(pm.response.json().network.present).to.eql(true);
    });
  }),
];

const listTests = answersJson(200, "answers a list of inferences", (inferences) => {
  pm.expect(inferences).to.be.an("array");
});

const deployTests = answersJson(201, "answers 201 with the running inference", (inference) => {
  pm.expect(inference.inference_id).to.eql(pm.environment.get("inference_id"));
  pm.expect(inference.inference_rest_api_forward_port).to.eql(Number(pm.environment.get("inference_forward_port")));
  pm.expect(inference.inference_rest_api_port).to.eql(8080);
  pm.expect(inference.state).to.eql("running");
  pm.expect(inference.readiness.outcome).to.eql("ready");
});

const inferenceServesTests = answers(200, "the inference answers on its host port", () => {
  pm.expect(pm.response.text().length).to.be.above(0);
});

const listedTests = answersJson(200, "lists the deployed inference with its host port", (inferences) => {
  const id = pm.environment.get("inference_id");
  const found = inferences.filter((inference) => inference.inference_id === id);
  pm.expect(found).to.have.length(1);
  pm.expect(found[0].port).to.eql(Number(pm.environment.get("inference_forward_port")));
  pm.expect(found[0].name).to.eql(id);
});

const inspectTests = answersJson(200, "answers the inference's state", (inference) => {
  pm.expect(inference.inference_id).to.eql(pm.environment.get("inference_id"));
  pm.expect(inference.running).to.eql(true);
  pm.expect(inference.restart_count).to.be.a("number");
});

const logsTests = answersJson(200, "answers the last log lines", (logs) => {
  pm.expect(logs.inference_id).to.eql(pm.environment.get("inference_id"));
  pm.expect(logs.lines).to.be.an("array");
  pm.expect(logs.lines.length).to.be.at.most(20);
});

const deployV3Tests = answersJson(201, "answers 201: the IDS asset's image replaced the running version", (inference) => {
  pm.expect(inference.inference_id).to.eql(pm.environment.get("inference_id"));
  pm.expect(inference.exp_id).to.eql(pm.environment.get("exp_id"));
  pm.expect(inference.inference_rest_api_forward_port).to.eql(Number(pm.environment.get("inference_v3_forward_port")));
  pm.expect(inference.state).to.eql("running");
  pm.expect(inference.replaced).to.be.an("object");
});

const removeTests = answersJson(200, "stops and removes the inference", (removed) => {
  pm.expect(removed.inference_id).to.eql(pm.environment.get("inference_id"));
  pm.expect(removed.removed).to.eql(true);
});

const problemTests = (status) =>
  answersJson(status, `answers ${status} with a problem naming the cause`, (problem) => {
    pm.expect(pm.response.headers.get("Content-Type")).to.include("application/problem+json");
    pm.expect(problem.status).to.eql(pm.response.code);
    pm.expect(problem.detail).to.be.a("string");
  });

const badPortTests = answersJson(422, "answers 422 naming the bad field and changes nothing", (problem) => {
  pm.expect(problem.errors.map((error) => error.field)).to.include("inference_rest_api_forward_port");
});

const driftHealthTests = answersJson(200, "storage answers; unconfigured steps are reported, not failed", (health) => {
  pm.expect(health.checks.storage.status).to.eql("ok");
  for (const name of ["airflow", "ids"]) pm.expect(health.checks[name].status).to.not.eql("failed");
});

const detectTests = answersJson(200, "answers the original message and the run's details", (answer) => {
  // Pilot scripts compare these two strings exactly; what happened to retraining is in `retraining`.
  pm.expect(answer.message).to.be.oneOf(["Drift detected and retraining triggered", "Drift NOT detected"]);
  pm.expect(answer.retraining).to.be.oneOf(["triggered", "not_configured", "not_needed"]);
  pm.expect(answer.run.id).to.eql(answer.run_id);
  pm.expect(answer.run.steps).to.be.an("array").that.is.not.empty;
  pm.environment.set("drift_run_id", answer.run_id);
  if (answer.run.reports) pm.environment.set("drift_report_run_id", answer.run_id);
});

const startRunTests = answersJson(201, "answers 201 with the run and where to find it", (answer) => {
  pm.expect(answer.message).to.be.oneOf(["Drift detected and retraining triggered", "Drift NOT detected"]);
  pm.expect(pm.response.headers.get("Location")).to.eql(`/api/drift/runs/${answer.run_id}`);
  pm.environment.set("drift_latest_run_id", answer.run_id);
});

const listRunsTests = answersJson(200, "lists the runs newest first", (page) => {
  pm.expect(page.runs).to.be.an("array").that.is.not.empty;
  pm.expect(page.runs[0].id).to.eql(pm.environment.get("drift_latest_run_id"));
  pm.expect(page.total).to.be.at.least(page.runs.length);
  pm.expect(page.limit).to.eql(10);
});

const getRunTests = answersJson(200, "answers the run recorded by the first call", (run) => {
  pm.expect(run.id).to.eql(pm.environment.get("drift_run_id"));
  pm.expect(run.experiment_id).to.eql(pm.environment.get("exp_id"));
  pm.expect(run.steps.map((step) => step.name)).to.include("detect_drift");
});

const reportTests = answers(200, "answers the HTML report of the drifted run", () => {
  pm.expect(pm.response.headers.get("Content-Type")).to.include("text/html");
  pm.expect(pm.response.text()).to.match(/<html/i);
});

const reportJsonTests = answersJson(200, "answers the JSON report of the drifted run", (report) => {
  pm.expect(pm.response.headers.get("Content-Type")).to.include("application/json");
  pm.expect(report).to.be.an("object");
});

const experimentsListTests = answersJson(200, "lists the experiments in force, the environment's among them", (answer) => {
  pm.expect(answer.experiments.map((experiment) => experiment.id)).to.include(pm.environment.get("exp_id"));
  pm.expect(answer.source).to.be.a("string");
});

const experimentGetTests = answersJson(200, "answers the experiment with its triggers, queue and links", (experiment) => {
  pm.expect(experiment.id).to.eql(pm.environment.get("exp_id"));
  pm.expect(experiment.queue.waiting).to.be.a("number");
  pm.expect(experiment.links.monitor).to.eql(`/api/experiments/${encodeURIComponent(experiment.id)}/monitor`);
});

const experimentQueueTests = answersJson(202, "queues a run (202)", (answer) => {
  pm.expect(answer.queued).to.be.an("array");
});

const experimentWaitTests = answersJson(201, "runs it and answers the run (201)", (answer) => {
  pm.expect(answer.message).to.be.oneOf(["Drift detected and retraining triggered", "Drift NOT detected"]);
  pm.expect(answer.run.experiment_id).to.eql(pm.environment.get("exp_id"));
  pm.environment.set("experiment_run_id", answer.run_id);
});

const experimentRunsTests = answersJson(200, "lists the experiment's runs and queued triggers", (page) => {
  pm.expect(page.runs.map((run) => run.id)).to.include(pm.environment.get("experiment_run_id"));
  pm.expect(page.queued).to.be.an("array");
});

const experimentRunTests = answersJson(200, "answers the run", (run) => {
  pm.expect(run.id).to.eql(pm.environment.get("experiment_run_id"));
});

const historyTests = answersJson(200, "answers drift over time from the run records", (history) => {
  pm.expect(history.runs).to.be.an("array").that.is.not.empty;
  pm.expect(history.runs[0].drift_share).to.be.a("number");
});

const monitorTests = answers(200, "answers the monitor page, scriptless under its own CSP", () => {
  pm.expect(pm.response.headers.get("Content-Type")).to.include("text/html");
  pm.expect(pm.response.headers.get("Content-Security-Policy")).to.include("default-src 'none'");
  pm.expect(pm.response.text()).to.include('id="heat-map"');
});

const reloadTests = () => {
  pm.test("re-reads EXPERIMENTS_FILE, or says there is none (409)", () => {
    pm.expect(pm.response.code).to.be.oneOf([200, 409]);
  });
};

const eventWithoutTokenTests = () => {
  pm.test("refuses an event without MinIO's token and queues nothing", () => {
    // 401 when MINIO_WEBHOOK_TOKEN is set, 503 while it is not (events off).
    pm.expect(pm.response.code).to.be.oneOf([401, 503]);
    pm.expect(pm.response.headers.get("Content-Type")).to.include("application/problem+json");
  });
};

// ---- requests ----

const json = (value) => JSON.stringify(value, null, 4);

/** A deploy body of the test image `{{registry}}/redwine:prod` as `inferenceId`, with `fields` added or replaced. */
const redwineDeploy = (inferenceId, fields) =>
  json({
    inference_id: inferenceId,
    docker_img_uri: "{{registry}}/redwine:prod",
    inference_rest_api_port: "8080",
    inference_rest_api_forward_port: "{{inference_forward_port}}",
    ...fields,
  });

/** The original collection's bodies (names and fields unchanged; host ports as variables). */
const ORIGINAL_DEPLOY_BODY = redwineDeploy("inference01", { env: { env1: "envValue1", env2: "envValue2" } });
const ORIGINAL_DEPLOY_V3_BODY = json({
  exp_id: "{{exp_id}}",
  inference_id: "inference01",
  inference_rest_api_forward_port: "{{inference_v3_forward_port}}",
  env: { env1: "envValue1", env2: "envValue2" },
});

const agent = (path, query) => ({ port: "{{node_agent_port}}", path, query });
const detector = (path, query) => ({ port: "{{drift_detector_port}}", path, query });

/** A request of the collection; `more` adds a body, a description or an auth of its own. */
const requestOf =
  (method) =>
  (name, url, tests, more = {}) => ({ name, method, url, tests, ...more });
const get = requestOf("GET");
const post = requestOf("POST");
const del = requestOf("DELETE");

/** The removal routes' query naming the inference. */
const BY_INFERENCE_ID = { inference_id: "{{inference_id}}" };

const NODE_AGENT_REQUESTS = [
  get("NodeAgentPing", agent("/api/ping"), pingTests),
  get("NodeAgentHealth", agent("/api/health"), agentHealthTests),
  get("NodeAgentGetAllInferences", agent("/api/inference/all"), listTests),
  post("NodeAgentDeployInference", agent("/api/inference/deploy"), deployTests, { body: ORIGINAL_DEPLOY_BODY }),
  get("InferenceServiceAnswers", { port: "{{inference_forward_port}}", path: "/" }, inferenceServesTests, {
    description: "The deployed inference itself, on the host port the agent published.",
  }),
  get("NodeAgentGetAllInferencesAfterDeploy", agent("/api/inference/all"), listedTests),
  get("NodeAgentGetInference", agent("/api/inference/{{inference_id}}"), inspectTests),
  get("NodeAgentGetInferenceLogs", agent("/api/inference/{{inference_id}}/logs", { tail: "20" }), logsTests),
  post("NodeAgentDeployInferenceV3", agent("/api/v3/inference/deploy"), deployV3Tests, {
    description: "Asks the IDS agent (IDS_AGENT_URL) which image and port the experiment's inference asset names, then deploys it.",
    body: ORIGINAL_DEPLOY_V3_BODY,
  }),
  del("NodeAgentDeleteInference", agent("/api/inference/deploy", { exp_id: "{{inference_id}}" }), removeTests, { body: "" }),
  del("NodeAgentDeleteUnknownInference", agent("/api/inference/deploy", BY_INFERENCE_ID), problemTests(404), {
    description: "The same removal again: the inference is gone, so 404.",
  }),
  del("NodeAgentDeleteInferenceV3Path", agent("/api/v3/inference/deploy", BY_INFERENCE_ID), problemTests(404), {
    description: "The removal route under the v3 path (deprecated, kept for old callers).",
  }),
  del("NodeAgentDeleteInferenceById", agent("/api/inference/{{inference_id}}"), problemTests(404), {
    description: "The removal route with the id in the path; the inference is already gone, so 404.",
  }),
  get("NodeAgentGetUnknownInference", agent("/api/inference/{{inference_id}}"), problemTests(404)),
  post("NodeAgentDeployReplicasNeedSwarm", agent("/api/inference/deploy"), problemTests(422), {
    description:
      "replicas, placement and update are for RUNTIME=swarm (a replicated service, Swarm's rolling update); an agent on " +
      "RUNTIME=docker answers 422 naming the field. On swarm this request deploys two tasks.",
    body: redwineDeploy("inference03", {
      replicas: 2,
      placement: ["node.role==manager"],
      update: { order: "start-first", monitor_seconds: 5 },
    }),
  }),
  post("NodeAgentDeployGpusNeedConsent", agent("/api/inference/deploy"), problemTests(403), {
    description: "gpus (\"all\", a count or device ids) is refused with 403 naming ALLOW_GPUS unless the operator set ALLOW_GPUS=true.",
    body: redwineDeploy("inference04", { gpus: 1 }),
  }),
  post("NodeAgentDeployRejectsBadPort", agent("/api/inference/deploy"), badPortTests, {
    body: redwineDeploy("inference02", { inference_rest_api_forward_port: "70000" }),
  }),
];

const DRIFT_DETECTOR_REQUESTS = [
  get("DriftDetectorPing", detector("/api/ping"), pingTests),
  get("DriftDetectorHealth", detector("/api/health"), driftHealthTests),
  get("DataDriftDetector", detector("/api/detect_data_drift"), detectTests),
  post("DriftRunStart", detector("/api/drift/runs"), startRunTests),
  get("DriftRunsList", detector("/api/drift/runs", { limit: "10" }), listRunsTests),
  get("DriftRunGet", detector("/api/drift/runs/{{drift_run_id}}"), getRunTests),
  get("DriftRunReport", detector("/api/drift/runs/{{drift_report_run_id}}/report"), reportTests),
  get("DriftRunReportJson", detector("/api/drift/runs/{{drift_report_run_id}}/report", { format: "json" }), reportJsonTests),
  get("DriftRunUnknown", detector("/api/drift/runs/no-such-run"), problemTests(404)),
  get("ExperimentsList", detector("/api/experiments"), experimentsListTests),
  get("ExperimentGet", detector("/api/experiments/{{exp_id}}"), experimentGetTests),
  get("DataDriftDetectorForExperiment", detector("/api/detect_data_drift", { exp_id: "{{exp_id}}" }), detectTests),
  post("ExperimentRunQueue", detector("/api/experiments/{{exp_id}}/runs"), experimentQueueTests),
  post("ExperimentRunWait", detector("/api/experiments/{{exp_id}}/runs", { wait: "true" }), experimentWaitTests),
  get("ExperimentRunsList", detector("/api/experiments/{{exp_id}}/runs", { limit: "20" }), experimentRunsTests),
  get("ExperimentRunGet", detector("/api/experiments/{{exp_id}}/runs/{{experiment_run_id}}"), experimentRunTests),
  get("ExperimentRunReport", detector("/api/experiments/{{exp_id}}/runs/{{drift_report_run_id}}/report"), reportTests),
  get("ExperimentHistory", detector("/api/experiments/{{exp_id}}/history", { limit: "30" }), historyTests),
  get("ExperimentMonitor", detector("/api/experiments/{{exp_id}}/monitor"), monitorTests),
  post("ExperimentsReload", detector("/api/experiments/reload"), reloadTests),
  get("ExperimentUnknown", detector("/api/experiments/no-such-experiment"), problemTests(404)),
  post("MinioEventWithoutToken", detector("/api/events/minio"), eventWithoutTokenTests, {
    description: "MinIO sends its auth_token (MINIO_WEBHOOK_TOKEN) as a bearer token; without it nothing is queued.",
    auth: { type: "noauth" },
    body: json({
      EventName: "s3:ObjectCreated:Put",
      Key: "datasets/uc_wine/winequality-red-new.csv",
      Records: [
        {
          eventName: "s3:ObjectCreated:Put",
          s3: {
            bucket: { name: "datasets" },
            object: { key: "uc_wine%2Fwinequality-red-new.csv", size: 1, eTag: "00000000000000000000000000000000" },
          },
        },
      ],
    }),
  }),
];

// ---- Postman v2.1 output ----

/** A function's body as Postman `exec` lines (dedented). */
function scriptLines(fn) {
  const source = fn.toString();
  const body = source.slice(source.indexOf("{") + 1, source.lastIndexOf("}"));
  const lines = body.split("\n");
  while (lines.length > 0 && lines[0].trim() === "") lines.shift();
  while (lines.length > 0 && lines.at(-1).trim() === "") lines.pop();
  const indent = Math.min(...lines.filter((line) => line.trim()).map((line) => line.match(/^ */)[0].length));
  return lines.map((line) => line.slice(indent));
}

function postmanUrl({ port, path, query }) {
  const search = Object.entries(query ?? {});
  const queryText = search.length > 0 ? `?${search.map(([key, value]) => `${key}=${value}`).join("&")}` : "";
  return {
    raw: `http://{{clarus_inference_kit_ip}}:${port}${path}${queryText}`,
    protocol: "http",
    host: ["{{clarus_inference_kit_ip}}"],
    port,
    path: path.split("/").filter(Boolean),
    ...(search.length > 0 ? { query: search.map(([key, value]) => ({ key, value })) } : {}),
  };
}

function postmanItem(request) {
  const exec = Array.isArray(request.tests) ? request.tests : scriptLines(request.tests);
  return {
    name: request.name,
    event: [{ listen: "test", script: { type: "text/javascript", exec } }],
    request: {
      method: request.method,
      header: [],
      ...(request.body !== undefined
        ? { body: { mode: "raw", raw: request.body, options: { raw: { language: "json" } } } }
        : {}),
      url: postmanUrl(request.url),
      ...(request.auth ? { auth: request.auth } : {}),
      ...(request.description ? { description: request.description } : {}),
    },
    response: [],
  };
}

const bearer = (variable) => ({ type: "bearer", bearer: [{ key: "token", value: `{{${variable}}}`, type: "string" }] });

export function buildCollection() {
  return {
    info: {
      _postman_id: "9a3ad581-c94a-444e-93b8-12689c92aca4",
      name: "ClarusInference",
      description:
        "Every route of the clarus node agent (port 8081) and the drift detector (port 5000). Import it with " +
        "ClarusInference.postman_environment.json and set clarus_inference_kit_ip and registry. Run a folder top to bottom: " +
        "later requests use what earlier ones deployed or recorded. A service reachable from other machines needs its " +
        "token: set node_agent_api_token (AGENT_API_TOKEN) and drift_detector_api_token (DRIFT_API_TOKEN); on loopback " +
        "without tokens leave them empty. Bodies are sent as application/json, the only type the services accept. " +
        "Generated by postman/generate-collection.mjs.",
      schema: "https://schema.getpostman.com/json/collection/v2.1.0/collection.json",
    },
    item: [
      {
        name: "clarus_node_agent",
        description: "Deploys {{registry}}/redwine:prod as inference01, inspects it, replaces it through the IDS route, removes it.",
        auth: bearer("node_agent_api_token"),
        item: NODE_AGENT_REQUESTS.map(postmanItem),
      },
      {
        name: "data_drift_detector",
        description: "Runs drift detection twice (the second run compares the swapped reference with itself), then reads the runs and the report.",
        auth: bearer("drift_detector_api_token"),
        item: DRIFT_DETECTOR_REQUESTS.map(postmanItem),
      },
    ],
  };
}

export function buildEnvironment() {
  return {
    id: "4c7f2a10-6a8e-4f55-9a59-8c1d3b0e7a21",
    name: "ClarusInference (local)",
    values: Object.entries(ENVIRONMENT_VALUES).map(([key, value]) => ({
      key,
      value,
      type: key.endsWith("_token") ? "secret" : "default",
      enabled: true,
    })),
  };
}

const asText = (document) => `${JSON.stringify(document, null, "\t")}\n`;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const outputs = [
    [COLLECTION_FILE, asText(buildCollection())],
    [ENVIRONMENT_FILE, asText(buildEnvironment())],
  ];
  if (process.argv.includes("--check")) {
    const stale = outputs.filter(([file, text]) => {
      try {
        return readFileSync(file, "utf8") !== text;
      } catch {
        return true;
      }
    });
    for (const [file] of stale) console.error(`${file} is out of date: run node postman/generate-collection.mjs`);
    process.exit(stale.length > 0 ? 1 : 0);
  }
  for (const [file, text] of outputs) writeFileSync(file, text);
}
