import { type HttpAnswer, type HttpRequest, httpCall, quoteUpstream, type RetryPolicy, UpstreamError } from "@clarus/common";
import type { AirflowConfig } from "../../config.js";
import { DagPausedError } from "./dag-paused-error.js";
import type {
  AirflowApi,
  AirflowDagStatus,
  AirflowStatus,
  DagRunOutcome,
  DagRunRequest,
  RetrainingTrigger,
} from "./retraining-trigger.js";

const REMOVED_V1 = "/api/v1 has been removed in Airflow 3";

/**
 * Airflow REST client following contracts/airflow/CONTRACT-NOTES.md: version detection (§3), auth (§1/§2.1),
 * paused check (§4.1), trigger with `logical_date: null` on v2 (§2.2), 409 = already triggered → read the run (§4.3).
 */
export class HttpAirflowClient implements RetrainingTrigger {
  readonly dagId: string;
  private detected: AirflowStatus | undefined;
  private token: string | undefined;

  constructor(
    private readonly config: AirflowConfig,
    private readonly policy: RetryPolicy,
  ) {
    this.dagId = config.dagId;
  }

  async status(): Promise<AirflowStatus> {
    const v3 = await this.call("read the Airflow 3 version", { method: "GET", url: `${this.config.baseUrl}/api/v2/version` });
    if (v3.status === 200 && versionOf(v3.body)?.startsWith("3.")) {
      this.detected = { version: versionOf(v3.body) ?? "", api: "v2" };
      return this.detected;
    }
    const v2 = await this.call("read the Airflow 2 version", { method: "GET", url: `${this.config.baseUrl}/api/v1/version` });
    if (v2.status === 200 && versionOf(v2.body)?.startsWith("2.")) {
      this.detected = { version: versionOf(v2.body) ?? "", api: "v1" };
      return this.detected;
    }
    if (v2.status === 404 && quoteUpstream(v2.body).includes(REMOVED_V1)) {
      this.detected = { version: "3", api: "v2" };
      return this.detected;
    }
    throw new UpstreamError(
      "airflow",
      "rejected",
      `${this.config.baseUrl} does not look like Airflow 2 or 3: /api/v2/version answered ${v3.status}, /api/v1/version answered ${v2.status}`,
      { status: v2.status, body: v2.body, transient: false },
    );
  }

  async dagStatus(): Promise<AirflowDagStatus> {
    const status = await this.status();
    return { ...status, paused: await this.isPaused(status.api) };
  }

  async trigger(request: DagRunRequest): Promise<DagRunOutcome> {
    const { api, version } = this.detected ?? (await this.status());
    const dagUrl = this.dagUrl(api);
    let unpaused = false;
    if (await this.isPaused(api)) {
      if (!this.config.unpausePausedDag) throw new DagPausedError(this.dagId);
      // Setting is_paused to false twice leaves it false: safe to retry.
      const patch = {
        method: "PATCH",
        url: `${dagUrl}?update_mask=is_paused`,
        json: { is_paused: false },
        retryable: true,
      } as const;
      this.expect(await this.authorized(api, "unpause the DAG", patch), [200], "unpause the DAG");
      unpaused = true;
    }

    const body =
      api === "v2"
        ? { dag_run_id: request.dagRunId, logical_date: null, conf: request.conf, note: request.note }
        : { dag_run_id: request.dagRunId, conf: request.conf, ...(takesNote(version) ? { note: request.note } : {}) };
    // The run id is deterministic: a repeated trigger answers 409, read back below, and never starts a second run.
    const trigger = { method: "POST", url: `${dagUrl}/dagRuns`, json: body, retryable: true } as const;
    const created = await this.authorized(api, "trigger the DAG run", trigger);
    if (created.status === 409) {
      const runUrl = `${dagUrl}/dagRuns/${encodeURIComponent(request.dagRunId)}`;
      const existing = this.expect(
        await this.authorized(api, "read the existing DAG run", { method: "GET", url: runUrl }),
        [200],
        "read the existing DAG run",
      );
      return { dagRunId: request.dagRunId, state: stateOf(existing), alreadyTriggered: true, api, unpaused };
    }
    this.expect(created, [200], "trigger the DAG run");
    return { dagRunId: request.dagRunId, state: stateOf(created), alreadyTriggered: false, api, unpaused };
  }

  private dagUrl(api: AirflowApi): string {
    return `${this.config.baseUrl}/api/${api}/dags/${encodeURIComponent(this.dagId)}`;
  }

  private async isPaused(api: AirflowApi): Promise<boolean> {
    const dag = this.expect(
      await this.authorized(api, "read the DAG", { method: "GET", url: this.dagUrl(api) }),
      [200],
      "read the DAG",
    );
    return (dag.body as { is_paused?: unknown }).is_paused === true;
  }

  /** Sends a request with the version's credentials; on v2 a rejected token (expired, rotated secret) is renewed once. */
  private async authorized(api: AirflowApi, what: string, request: HttpRequest): Promise<HttpAnswer> {
    const credentials = this.config.credentials;
    if (!credentials) return this.call(what, request);
    if (api === "v1") {
      const basic = Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64");
      return this.call(what, { ...request, headers: { Authorization: `Basic ${basic}` } });
    }
    const hadToken = this.token !== undefined;
    const answer = await this.call(what, { ...request, headers: { Authorization: `Bearer ${await this.bearer()}` } });
    if (!hadToken || (answer.status !== 401 && answer.status !== 403)) return answer;
    this.token = undefined;
    return this.call(what, { ...request, headers: { Authorization: `Bearer ${await this.bearer()}` } });
  }

  private async bearer(): Promise<string> {
    if (this.token) return this.token;
    const credentials = this.config.credentials;
    const answer = this.expect(
      await this.call("get an Airflow token", {
        method: "POST",
        url: `${this.config.baseUrl}/auth/token`,
        json: { username: credentials?.username, password: credentials?.password },
        // Issuing a token changes nothing in Airflow.
        retryable: true,
      }),
      [200, 201],
      "get an Airflow token",
    );
    const token = (answer.body as { access_token?: unknown }).access_token;
    if (typeof token !== "string" || token === "") {
      throw new UpstreamError("airflow", "rejected", "Airflow /auth/token answered without an access_token", {
        status: answer.status,
        body: answer.body,
        transient: false,
      });
    }
    this.token = token;
    return token;
  }

  private call(what: string, request: HttpRequest): Promise<HttpAnswer> {
    return httpCall("airflow", `Airflow: ${what}`, this.policy, request);
  }

  private expect(answer: HttpAnswer, ok: number[], what: string): HttpAnswer {
    if (ok.includes(answer.status) && typeof answer.body === "object" && answer.body !== null) return answer;
    throw new UpstreamError(
      "airflow",
      "rejected",
      `Airflow: ${what} answered HTTP ${answer.status}: ${quoteUpstream(answer.body)}`,
      {
        status: answer.status,
        body: answer.body,
        transient: false,
      },
    );
  }
}

/** `DAGRun.note` is "New in 2.5.0" (contracts/airflow/CONTRACT-NOTES.md §1.1); an older Airflow 2 refuses the unknown field with 400. */
function takesNote(version: string): boolean {
  const [major = 0, minor = 0] = version.split(".").map(Number);
  return major > 2 || (major === 2 && minor >= 5);
}

function versionOf(body: unknown): string | undefined {
  const version = (body as { version?: unknown } | undefined)?.version;
  return typeof version === "string" ? version : undefined;
}

function stateOf(answer: HttpAnswer): string {
  const state = (answer.body as { state?: unknown }).state;
  return typeof state === "string" ? state : "unknown";
}
