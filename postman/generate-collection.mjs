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

const pingTests = () => {
  pm.test("answers 200 OK", () => {
    pm.response.to.have.status(200);
    pm.expect(pm.response.json()).to.eql("OK");
  });
};

const agentHealthTests = () => {
  pm.test("the Docker engine answers", () => {
    pm.response.to.have.status(200);
    const health = pm.response.json();
    pm.expect(health.engine.reachable).to.eql(true);
    pm.expect(health.engine.version).to.be.a("string");
  });
  pm.test("the inference network is present", () => {
    pm.expect(pm.response.json().network.present).to.eql(true);
  });
};

const listTests = () => {
  pm.test("answers a list of inferences", () => {
    pm.response.to.have.status(200);
    pm.expect(pm.response.json()).to.be.an("array");
  });
};

const deployTests = () => {
  const expected = {
    inference_id: pm.environment.get("inference_id"),
    port: Number(pm.environment.get("inference_forward_port")),
  };
  pm.test("answers 201 with the running inference", () => {
    pm.response.to.have.status(201);
    const inference = pm.response.json();
    pm.expect(inference.inference_id).to.eql(expected.inference_id);
    pm.expect(inference.inference_rest_api_forward_port).to.eql(expected.port);
    pm.expect(inference.inference_rest_api_port).to.eql(8080);
    pm.expect(inference.state).to.eql("running");
    pm.expect(inference.readiness.outcome).to.eql("ready");
  });
};

const inferenceServesTests = () => {
  pm.test("the inference answers on its host port", () => {
    pm.response.to.have.status(200);
    pm.expect(pm.response.text().length).to.be.above(0);
  });
};

const listedTests = () => {
  const id = pm.environment.get("inference_id");
  pm.test("lists the deployed inference with its host port", () => {
    pm.response.to.have.status(200);
    const found = pm.response.json().filter((inference) => inference.inference_id === id);
    pm.expect(found).to.have.length(1);
    pm.expect(found[0].port).to.eql(Number(pm.environment.get("inference_forward_port")));
    pm.expect(found[0].name).to.eql(id);
  });
};

const inspectTests = () => {
  pm.test("answers the inference's state", () => {
    pm.response.to.have.status(200);
    const inference = pm.response.json();
    pm.expect(inference.inference_id).to.eql(pm.environment.get("inference_id"));
    pm.expect(inference.running).to.eql(true);
    pm.expect(inference.restart_count).to.be.a("number");
  });
};

const logsTests = () => {
  pm.test("answers the last log lines", () => {
    pm.response.to.have.status(200);
    const logs = pm.response.json();
    pm.expect(logs.inference_id).to.eql(pm.environment.get("inference_id"));
    pm.expect(logs.lines).to.be.an("array");
    pm.expect(logs.lines.length).to.be.at.most(20);
  });
};

const deployV3Tests = () => {
  pm.test("answers 201: the IDS asset's image replaced the running version", () => {
    pm.response.to.have.status(201);
    const inference = pm.response.json();
    pm.expect(inference.inference_id).to.eql(pm.environment.get("inference_id"));
    pm.expect(inference.exp_id).to.eql(pm.environment.get("exp_id"));
    pm.expect(inference.inference_rest_api_forward_port).to.eql(Number(pm.environment.get("inference_v3_forward_port")));
    pm.expect(inference.state).to.eql("running");
    pm.expect(inference.replaced).to.be.an("object");
  });
};

const removeTests = () => {
  pm.test("stops and removes the inference", () => {
    pm.response.to.have.status(200);
    const removed = pm.response.json();
    pm.expect(removed.inference_id).to.eql(pm.environment.get("inference_id"));
    pm.expect(removed.removed).to.eql(true);
  });
};

const problemBodyTests = () => {
  pm.test(`answers ${status} with a problem naming the cause`, () => {
    pm.response.to.have.status(status);
    pm.expect(pm.response.headers.get("Content-Type")).to.include("application/problem+json");
    const problem = pm.response.json();
    pm.expect(problem.status).to.eql(status);
    pm.expect(problem.detail).to.be.a("string");
  });
};

/** Postman scripts cannot close over generator values, so the expected status becomes the script's first line. */
const problemTests = (status) => [`const status = ${status};`, ...scriptLines(problemBodyTests)];

const badPortTests = () => {
  pm.test("answers 422 naming the bad field and changes nothing", () => {
    pm.response.to.have.status(422);
    const fields = pm.response.json().errors.map((error) => error.field);
    pm.expect(fields).to.include("inference_rest_api_forward_port");
  });
};

const driftHealthTests = () => {
  pm.test("storage answers; unconfigured steps are reported, not failed", () => {
    pm.response.to.have.status(200);
    const health = pm.response.json();
    pm.expect(health.checks.storage.status).to.eql("ok");
    for (const name of ["airflow", "ids"]) pm.expect(health.checks[name].status).to.not.eql("failed");
  });
};

const detectTests = () => {
  pm.test("answers the original message and the run's details", () => {
    pm.response.to.have.status(200);
    const answer = pm.response.json();
    // Pilot scripts compare these two strings exactly; what happened to retraining is in `retraining`.
    pm.expect(answer.message).to.be.oneOf(["Drift detected and retraining triggered", "Drift NOT detected"]);
    pm.expect(answer.retraining).to.be.oneOf(["triggered", "not_configured", "not_needed"]);
    pm.expect(answer.run.id).to.eql(answer.run_id);
    pm.expect(answer.run.steps).to.be.an("array").that.is.not.empty;
    pm.environment.set("drift_run_id", answer.run_id);
    if (answer.run.reports) pm.environment.set("drift_report_run_id", answer.run_id);
  });
};

const startRunTests = () => {
  pm.test("answers 201 with the run and where to find it", () => {
    pm.response.to.have.status(201);
    const answer = pm.response.json();
    pm.expect(answer.message).to.be.oneOf(["Drift detected and retraining triggered", "Drift NOT detected"]);
    pm.expect(pm.response.headers.get("Location")).to.eql(`/api/drift/runs/${answer.run_id}`);
    pm.environment.set("drift_latest_run_id", answer.run_id);
  });
};

const listRunsTests = () => {
  pm.test("lists the runs newest first", () => {
    pm.response.to.have.status(200);
    const page = pm.response.json();
    pm.expect(page.runs).to.be.an("array").that.is.not.empty;
    pm.expect(page.runs[0].id).to.eql(pm.environment.get("drift_latest_run_id"));
    pm.expect(page.total).to.be.at.least(page.runs.length);
    pm.expect(page.limit).to.eql(10);
  });
};

const getRunTests = () => {
  pm.test("answers the run recorded by the first call", () => {
    pm.response.to.have.status(200);
    const run = pm.response.json();
    pm.expect(run.id).to.eql(pm.environment.get("drift_run_id"));
    pm.expect(run.experiment_id).to.eql(pm.environment.get("exp_id"));
    pm.expect(run.steps.map((step) => step.name)).to.include("detect_drift");
  });
};

const reportTests = () => {
  pm.test("answers the HTML report of the drifted run", () => {
    pm.response.to.have.status(200);
    pm.expect(pm.response.headers.get("Content-Type")).to.include("text/html");
    pm.expect(pm.response.text()).to.match(/<html/i);
  });
};

const reportJsonTests = () => {
  pm.test("answers the JSON report of the drifted run", () => {
    pm.response.to.have.status(200);
    pm.expect(pm.response.headers.get("Content-Type")).to.include("application/json");
    pm.expect(pm.response.json()).to.be.an("object");
  });
};

const experimentsListTests = () => {
  pm.test("lists the experiments in force, the environment's among them", () => {
    pm.response.to.have.status(200);
    const answer = pm.response.json();
    pm.expect(answer.experiments.map((experiment) => experiment.id)).to.include(pm.environment.get("exp_id"));
    pm.expect(answer.source).to.be.a("string");
  });
};

const experimentGetTests = () => {
  pm.test("answers the experiment with its triggers, queue and links", () => {
    pm.response.to.have.status(200);
    const experiment = pm.response.json();
    pm.expect(experiment.id).to.eql(pm.environment.get("exp_id"));
    pm.expect(experiment.queue.waiting).to.be.a("number");
    pm.expect(experiment.links.monitor).to.eql(`/api/experiments/${encodeURIComponent(experiment.id)}/monitor`);
  });
};

const experimentQueueTests = () => {
  pm.test("queues a run (202)", () => {
    pm.response.to.have.status(202);
    pm.expect(pm.response.json().queued).to.be.an("array");
  });
};

const experimentWaitTests = () => {
  pm.test("runs it and answers the run (201)", () => {
    pm.response.to.have.status(201);
    const answer = pm.response.json();
    pm.expect(answer.message).to.be.oneOf(["Drift detected and retraining triggered", "Drift NOT detected"]);
    pm.expect(answer.run.experiment_id).to.eql(pm.environment.get("exp_id"));
    pm.environment.set("experiment_run_id", answer.run_id);
  });
};

const experimentRunsTests = () => {
  pm.test("lists the experiment's runs and queued triggers", () => {
    pm.response.to.have.status(200);
    const page = pm.response.json();
    pm.expect(page.runs.map((run) => run.id)).to.include(pm.environment.get("experiment_run_id"));
    pm.expect(page.queued).to.be.an("array");
  });
};

const experimentRunTests = () => {
  pm.test("answers the run", () => {
    pm.response.to.have.status(200);
    pm.expect(pm.response.json().id).to.eql(pm.environment.get("experiment_run_id"));
  });
};

const historyTests = () => {
  pm.test("answers drift over time from the run records", () => {
    pm.response.to.have.status(200);
    const history = pm.response.json();
    pm.expect(history.runs).to.be.an("array").that.is.not.empty;
    pm.expect(history.runs[0].drift_share).to.be.a("number");
  });
};

const monitorTests = () => {
  pm.test("answers the monitor page, scriptless under its own CSP", () => {
    pm.response.to.have.status(200);
    pm.expect(pm.response.headers.get("Content-Type")).to.include("text/html");
    pm.expect(pm.response.headers.get("Content-Security-Policy")).to.include("default-src 'none'");
    pm.expect(pm.response.text()).to.include('id="heat-map"');
  });
};

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

/** The original collection's bodies (names and fields unchanged; host ports as variables). */
const ORIGINAL_DEPLOY_BODY = json({
  inference_id: "inference01",
  docker_img_uri: "{{registry}}/redwine:prod",
  inference_rest_api_port: "8080",
  inference_rest_api_forward_port: "{{inference_forward_port}}",
  env: { env1: "envValue1", env2: "envValue2" },
});
const ORIGINAL_DEPLOY_V3_BODY = json({
  exp_id: "{{exp_id}}",
  inference_id: "inference01",
  inference_rest_api_forward_port: "{{inference_v3_forward_port}}",
  env: { env1: "envValue1", env2: "envValue2" },
});

const agent = (path) => ({ port: "{{node_agent_port}}", path });
const detector = (path) => ({ port: "{{drift_detector_port}}", path });

const NODE_AGENT_REQUESTS = [
  { name: "NodeAgentPing", method: "GET", url: agent("/api/ping"), tests: pingTests },
  { name: "NodeAgentHealth", method: "GET", url: agent("/api/health"), tests: agentHealthTests },
  { name: "NodeAgentGetAllInferences", method: "GET", url: agent("/api/inference/all"), tests: listTests },
  {
    name: "NodeAgentDeployInference",
    method: "POST",
    url: agent("/api/inference/deploy"),
    body: ORIGINAL_DEPLOY_BODY,
    tests: deployTests,
  },
  {
    name: "InferenceServiceAnswers",
    description: "The deployed inference itself, on the host port the agent published.",
    method: "GET",
    url: { port: "{{inference_forward_port}}", path: "/" },
    tests: inferenceServesTests,
  },
  { name: "NodeAgentGetAllInferencesAfterDeploy", method: "GET", url: agent("/api/inference/all"), tests: listedTests },
  { name: "NodeAgentGetInference", method: "GET", url: agent("/api/inference/{{inference_id}}"), tests: inspectTests },
  {
    name: "NodeAgentGetInferenceLogs",
    method: "GET",
    url: agent("/api/inference/{{inference_id}}/logs"),
    query: { tail: "20" },
    tests: logsTests,
  },
  {
    name: "NodeAgentDeployInferenceV3",
    description: "Asks the IDS agent (IDS_AGENT_URL) which image and port the experiment's inference asset names, then deploys it.",
    method: "POST",
    url: agent("/api/v3/inference/deploy"),
    body: ORIGINAL_DEPLOY_V3_BODY,
    tests: deployV3Tests,
  },
  {
    name: "NodeAgentDeleteInference",
    method: "DELETE",
    url: agent("/api/inference/deploy"),
    query: { exp_id: "{{inference_id}}" },
    body: "",
    tests: removeTests,
  },
  {
    name: "NodeAgentDeleteUnknownInference",
    description: "The same removal again: the inference is gone, so 404.",
    method: "DELETE",
    url: agent("/api/inference/deploy"),
    query: { inference_id: "{{inference_id}}" },
    tests: problemTests(404),
  },
  {
    name: "NodeAgentDeleteInferenceV3Path",
    description: "The removal route under the v3 path (deprecated, kept for old callers).",
    method: "DELETE",
    url: agent("/api/v3/inference/deploy"),
    query: { inference_id: "{{inference_id}}" },
    tests: problemTests(404),
  },
  {
    name: "NodeAgentDeleteInferenceById",
    description: "The removal route with the id in the path; the inference is already gone, so 404.",
    method: "DELETE",
    url: agent("/api/inference/{{inference_id}}"),
    tests: problemTests(404),
  },
  { name: "NodeAgentGetUnknownInference", method: "GET", url: agent("/api/inference/{{inference_id}}"), tests: problemTests(404) },
  {
    name: "NodeAgentDeployReplicasNeedSwarm",
    description:
      "replicas, placement and update are for RUNTIME=swarm (a replicated service, Swarm's rolling update); an agent on " +
      "RUNTIME=docker answers 422 naming the field. On swarm this request deploys two tasks.",
    method: "POST",
    url: agent("/api/inference/deploy"),
    body: json({
      inference_id: "inference03",
      docker_img_uri: "{{registry}}/redwine:prod",
      inference_rest_api_port: "8080",
      inference_rest_api_forward_port: "{{inference_forward_port}}",
      replicas: 2,
      placement: ["node.role==manager"],
      update: { order: "start-first", monitor_seconds: 5 },
    }),
    tests: problemTests(422),
  },
  {
    name: "NodeAgentDeployGpusNeedConsent",
    description: "gpus (\"all\", a count or device ids) is refused with 403 naming ALLOW_GPUS unless the operator set ALLOW_GPUS=true.",
    method: "POST",
    url: agent("/api/inference/deploy"),
    body: json({
      inference_id: "inference04",
      docker_img_uri: "{{registry}}/redwine:prod",
      inference_rest_api_port: "8080",
      inference_rest_api_forward_port: "{{inference_forward_port}}",
      gpus: 1,
    }),
    tests: problemTests(403),
  },
  {
    name: "NodeAgentDeployRejectsBadPort",
    method: "POST",
    url: agent("/api/inference/deploy"),
    body: json({
      inference_id: "inference02",
      docker_img_uri: "{{registry}}/redwine:prod",
      inference_rest_api_port: "8080",
      inference_rest_api_forward_port: "70000",
    }),
    tests: badPortTests,
  },
];

const DRIFT_DETECTOR_REQUESTS = [
  { name: "DriftDetectorPing", method: "GET", url: detector("/api/ping"), tests: pingTests },
  { name: "DriftDetectorHealth", method: "GET", url: detector("/api/health"), tests: driftHealthTests },
  { name: "DataDriftDetector", method: "GET", url: detector("/api/detect_data_drift"), tests: detectTests },
  { name: "DriftRunStart", method: "POST", url: detector("/api/drift/runs"), tests: startRunTests },
  { name: "DriftRunsList", method: "GET", url: detector("/api/drift/runs"), query: { limit: "10" }, tests: listRunsTests },
  { name: "DriftRunGet", method: "GET", url: detector("/api/drift/runs/{{drift_run_id}}"), tests: getRunTests },
  { name: "DriftRunReport", method: "GET", url: detector("/api/drift/runs/{{drift_report_run_id}}/report"), tests: reportTests },
  {
    name: "DriftRunReportJson",
    method: "GET",
    url: detector("/api/drift/runs/{{drift_report_run_id}}/report"),
    query: { format: "json" },
    tests: reportJsonTests,
  },
  { name: "DriftRunUnknown", method: "GET", url: detector("/api/drift/runs/no-such-run"), tests: problemTests(404) },
  { name: "ExperimentsList", method: "GET", url: detector("/api/experiments"), tests: experimentsListTests },
  { name: "ExperimentGet", method: "GET", url: detector("/api/experiments/{{exp_id}}"), tests: experimentGetTests },
  {
    name: "DataDriftDetectorForExperiment",
    method: "GET",
    url: detector("/api/detect_data_drift"),
    query: { exp_id: "{{exp_id}}" },
    tests: detectTests,
  },
  { name: "ExperimentRunQueue", method: "POST", url: detector("/api/experiments/{{exp_id}}/runs"), tests: experimentQueueTests },
  {
    name: "ExperimentRunWait",
    method: "POST",
    url: detector("/api/experiments/{{exp_id}}/runs"),
    query: { wait: "true" },
    tests: experimentWaitTests,
  },
  {
    name: "ExperimentRunsList",
    method: "GET",
    url: detector("/api/experiments/{{exp_id}}/runs"),
    query: { limit: "20" },
    tests: experimentRunsTests,
  },
  {
    name: "ExperimentRunGet",
    method: "GET",
    url: detector("/api/experiments/{{exp_id}}/runs/{{experiment_run_id}}"),
    tests: experimentRunTests,
  },
  {
    name: "ExperimentRunReport",
    method: "GET",
    url: detector("/api/experiments/{{exp_id}}/runs/{{drift_report_run_id}}/report"),
    tests: reportTests,
  },
  {
    name: "ExperimentHistory",
    method: "GET",
    url: detector("/api/experiments/{{exp_id}}/history"),
    query: { limit: "30" },
    tests: historyTests,
  },
  { name: "ExperimentMonitor", method: "GET", url: detector("/api/experiments/{{exp_id}}/monitor"), tests: monitorTests },
  { name: "ExperimentsReload", method: "POST", url: detector("/api/experiments/reload"), tests: reloadTests },
  { name: "ExperimentUnknown", method: "GET", url: detector("/api/experiments/no-such-experiment"), tests: problemTests(404) },
  {
    name: "MinioEventWithoutToken",
    description: "MinIO sends its auth_token (MINIO_WEBHOOK_TOKEN) as a bearer token; without it nothing is queued.",
    method: "POST",
    url: detector("/api/events/minio"),
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
    tests: eventWithoutTokenTests,
  },
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

function postmanUrl({ port, path }, query) {
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
      url: postmanUrl(request.url, request.query),
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
