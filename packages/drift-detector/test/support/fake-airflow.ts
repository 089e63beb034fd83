import { randomBytes } from "node:crypto";
import type { z } from "zod";
import {
  AIRFLOW2_READ_ONLY_DAG_RUN_FIELDS,
  AIRFLOW3_UNIQUE_VIOLATION,
  AIRFLOW3_V1_REMOVED,
  airflow2DagRunBody,
  airflow2DagRunBodyBefore25,
  airflow3LoginBody,
  airflow3TriggerBody,
  dagPatchBody,
  type TriggerFields,
} from "./airflow-contract.js";
import { type FakeAnswer, type FakeRequest, FaultSwitch, type RunningFake, startFakeServer } from "./fake-server.js";

export interface FakeDagRun {
  dag_run_id: string;
  conf: Record<string, unknown>;
  note: string | null;
  state: string;
}

export interface FakeAirflow extends RunningFake {
  major: 2 | 3;
  dagId: string;
  /** Runs created, by id: a correct client never creates two for one dataset. */
  runs: Map<string, FakeDagRun>;
  /** Every request the contract forbids, described; a correct client leaves this empty. */
  violations: string[];
  requests: string[];
  faults: FaultSwitch;
  paused: boolean;
  /** Airflow 3: tokens issued so far stop working with 401 "Token Expired". */
  expireTokens(): void;
}

export interface FakeAirflowOptions {
  major: 2 | 3;
  dagId?: string;
  username?: string;
  password?: string;
  paused?: boolean;
  /** Airflow 2 release it answers as (default 2.10.5); before 2.5 its DAGRun has no `note`. */
  version2?: string;
}

/**
 * Airflow 2 (`/api/v1`, basic auth, problem+json) or Airflow 3 (`/api/v2`, `/auth/token` JWT, `{detail}` errors),
 * checking each request against airflow-contract.ts. Operations for faults: version, token, dag, patch, trigger, run.
 */
export async function startFakeAirflow(options: FakeAirflowOptions): Promise<FakeAirflow> {
  const dagId = options.dagId ?? "retrain_model";
  const version2 = options.version2 ?? "2.10.5";
  const username = options.username ?? "airflow";
  const password = options.password ?? "airflow-secret";
  const faults = new FaultSwitch();
  const validTokens = new Set<string>();
  const expiredTokens = new Set<string>();
  const state = {
    runs: new Map<string, FakeDagRun>(),
    violations: [] as string[],
    requests: [] as string[],
    paused: options.paused ?? false,
  };

  const violation = (request: FakeRequest, what: string) => state.violations.push(`${request.method} ${request.path}: ${what}`);
  const zodIssues = (error: z.ZodError) => error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");

  /** Airflow 2 errors are RFC 7807 problem+json (contracts/airflow/CONTRACT-NOTES.md §0.5). */
  const problem2 = (status: number, title: string, detail: string | null = null): FakeAnswer => ({
    status,
    contentType: "application/problem+json",
    json: {
      type: `https://airflow.apache.org/docs/apache-airflow/2.10.0/stable-rest-api-ref.html#section/Errors/${title.replace(/ /g, "")}`,
      title,
      status,
      detail,
    },
  });
  const detail3 = (status: number, detail: unknown): FakeAnswer => ({ status, json: { detail } });

  const dagView = () =>
    options.major === 2
      ? { dag_id: dagId, is_paused: state.paused, is_active: true, max_active_runs: 16 }
      : { dag_id: dagId, is_paused: state.paused, is_stale: false, has_import_errors: false, max_active_runs: 16 };
  const runView = (run: FakeDagRun) =>
    options.major === 2
      ? {
          dag_id: dagId,
          dag_run_id: run.dag_run_id,
          state: run.state,
          conf: run.conf,
          note: run.note,
          run_type: "manual",
          external_trigger: true,
        }
      : {
          dag_id: dagId,
          dag_run_id: run.dag_run_id,
          logical_date: null,
          queued_at: new Date().toISOString(),
          run_after: new Date().toISOString(),
          run_type: "manual",
          state: run.state,
          triggered_by: "rest_api",
          conf: run.conf,
          note: run.note,
          dag_versions: [],
        };

  /** null when authorised, else the version's own 401/403 answer. */
  const unauthorised = (request: FakeRequest): FakeAnswer | null => {
    const header = request.headers.authorization ?? "";
    if (options.major === 2) {
      const expected = `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
      return header === expected ? null : problem2(401, "Unauthorized");
    }
    if (!header.startsWith("Bearer ")) return detail3(401, "Not authenticated");
    const token = header.slice("Bearer ".length);
    if (expiredTokens.has(token)) return detail3(401, "Token Expired");
    return validTokens.has(token) ? null : detail3(403, "Invalid JWT token");
  };

  const api = options.major === 2 ? "/api/v1" : "/api/v2";
  const dagPath = `${api}/dags/${dagId}`;

  const route = (request: FakeRequest) => {
    state.requests.push(`${request.method} ${request.path}`);
    const { method, path } = request;

    // Version probes: no auth on either version (contracts/airflow/CONTRACT-NOTES.md §3).
    if (method === "GET" && path === "/api/v1/version") {
      if (options.major === 3) return { status: 404, json: { error: AIRFLOW3_V1_REMOVED } };
      return {
        operation: "version",
        answer: () => ({ status: 200, json: { version: version2, git_version: `.release:${version2}` } }),
      };
    }
    if (method === "GET" && path === "/api/v2/version") {
      if (options.major === 2) return { status: 404, contentType: "text/html", text: "<h1>Not Found</h1>" };
      return { operation: "version", answer: () => ({ status: 200, json: { version: "3.1.0", git_version: ".release:3.1.0" } }) };
    }
    if (options.major === 3 && path.startsWith("/api/v1/")) {
      violation(request, "Airflow 2 path sent to Airflow 3");
      return method === "GET" ? { status: 404, json: { error: AIRFLOW3_V1_REMOVED } } : detail3(405, "Method Not Allowed");
    }

    if (options.major === 3 && path === "/auth/token") {
      if (method !== "POST") return detail3(405, "Method Not Allowed");
      return {
        operation: "token",
        answer: () => {
          if (!String(request.headers["content-type"]).startsWith("application/json")) {
            violation(request, "token request not JSON");
            return detail3(415, "Unsupported Media Type");
          }
          const login = airflow3LoginBody.safeParse(request.body);
          if (!login.success) {
            violation(request, `LoginBody: ${zodIssues(login.error)}`);
            return detail3(
              422,
              login.error.issues.map((i) => ({ type: "value_error", loc: ["body", ...i.path], msg: i.message })),
            );
          }
          if (login.data.username !== username || login.data.password !== password) return detail3(401, "Invalid credentials");
          const token = randomBytes(16).toString("hex");
          validTokens.add(token);
          return { status: 201, json: { access_token: token } };
        },
      };
    }

    if (!path.startsWith(`${api}/`)) {
      violation(request, "unknown path");
      return options.major === 2
        ? problem2(404, "Not Found", "The requested URL was not found on the server.")
        : detail3(404, "Not Found");
    }
    const denied = unauthorised(request);
    if (denied) return denied;

    const notFound = () =>
      options.major === 2
        ? problem2(404, "DAG not found", `DAG with dag_id: '${path.split("/")[4]}' not found`)
        : detail3(404, `DAG with dag_id: '${path.split("/")[4]}' not found`);
    if (!path.startsWith(dagPath) || (path !== dagPath && !path.startsWith(`${dagPath}/`))) return notFound();

    if (path === dagPath && method === "GET") return { operation: "dag", answer: () => ({ status: 200, json: dagView() }) };
    if (path === dagPath && method === "PATCH") {
      return {
        operation: "patch",
        answer: (): FakeAnswer => {
          if (request.query.get("update_mask") !== "is_paused") {
            violation(request, "PATCH without update_mask=is_paused");
            return options.major === 2
              ? problem2(400, "Bad Request", "Only `is_paused` field can be updated")
              : detail3(400, "Only `is_paused` field can be updated through the REST API");
          }
          const patch = dagPatchBody.safeParse(request.body);
          if (!patch.success) {
            violation(request, `DAGPatchBody: ${zodIssues(patch.error)}`);
            return options.major === 2
              ? problem2(400, "Bad Request", zodIssues(patch.error))
              : detail3(422, zodIssues(patch.error));
          }
          state.paused = patch.data.is_paused === true;
          return { status: 200, json: dagView() };
        },
      };
    }
    if (path === `${dagPath}/dagRuns` && method === "POST") return { operation: "trigger", answer: () => trigger(request) };
    if (path.startsWith(`${dagPath}/dagRuns/`) && method === "GET") {
      const runId = decodeURIComponent(path.slice(`${dagPath}/dagRuns/`.length));
      return {
        operation: "run",
        answer: (): FakeAnswer => {
          const run = state.runs.get(runId);
          if (run) return { status: 200, json: runView(run) };
          return options.major === 2
            ? problem2(404, "DAGRun not found", `DAGRun with DAG ID: '${dagId}' and DagRun ID: '${runId}' not found`)
            : detail3(404, `The DagRun with dag_id: \`${dagId}\` and run_id: \`${runId}\` was not found`);
        },
      };
    }
    violation(request, "method or path outside the contract");
    return options.major === 2 ? problem2(405, "Method Not Allowed") : detail3(405, "Method Not Allowed");
  };

  const trigger = (request: FakeRequest): FakeAnswer => {
    if (!String(request.headers["content-type"]).startsWith("application/json")) {
      violation(request, "trigger body not sent as application/json");
      return options.major === 2 ? problem2(415, "Unsupported Media Type") : detail3(422, "body must be JSON");
    }
    let runId: string | null | undefined;
    let conf: Record<string, unknown> | null | undefined;
    let note: string | null | undefined;
    if (options.major === 2) {
      const readOnly = AIRFLOW2_READ_ONLY_DAG_RUN_FIELDS.find((field) => field in ((request.body as object) ?? {}));
      if (readOnly) {
        violation(request, `read-only field ${readOnly}`);
        return problem2(400, "Bad Request", `Property is read-only - '${readOnly}'`);
      }
      const body = (Number(version2.split(".")[1]) < 5 ? airflow2DagRunBodyBefore25 : airflow2DagRunBody).safeParse(request.body);
      if (!body.success) {
        violation(request, `DAGRun: ${zodIssues(body.error)}`);
        return problem2(400, "Bad Request", zodIssues(body.error));
      }
      ({ dag_run_id: runId, conf, note } = body.data as TriggerFields);
    } else {
      const body = airflow3TriggerBody.safeParse(request.body);
      if (!body.success) {
        violation(request, `TriggerDAGRunPostBody: ${zodIssues(body.error)}`);
        return detail3(
          422,
          body.error.issues.map((i) => ({
            type:
              i.code === "unrecognized_keys"
                ? "extra_forbidden"
                : i.code === "invalid_type" && i.input === undefined
                  ? "missing"
                  : "value_error",
            loc: ["body", ...i.path],
            msg:
              i.code === "unrecognized_keys"
                ? "Extra inputs are not permitted"
                : i.input === undefined
                  ? "Field required"
                  : i.message,
          })),
        );
      }
      ({ dag_run_id: runId, conf, note } = body.data as TriggerFields);
    }
    const id = runId ?? `manual__${new Date().toISOString()}`;
    if (state.runs.has(id)) {
      return options.major === 2
        ? problem2(409, "Conflict", `DAGRun with DAG ID: '${dagId}' and DAGRun ID: '${id}' already exists`)
        : detail3(409, AIRFLOW3_UNIQUE_VIOLATION);
    }
    const run: FakeDagRun = { dag_run_id: id, conf: conf ?? {}, note: note ?? null, state: "queued" };
    state.runs.set(id, run);
    return { status: 200, json: runView(run) };
  };

  const server = await startFakeServer(route, faults);
  return {
    ...server,
    major: options.major,
    dagId,
    faults,
    runs: state.runs,
    violations: state.violations,
    requests: state.requests,
    get paused() {
      return state.paused;
    },
    set paused(value: boolean) {
      state.paused = value;
    },
    expireTokens() {
      for (const token of validTokens) expiredTokens.add(token);
      validTokens.clear();
    },
  };
}
