import { UpstreamError } from "@clarus/common";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HttpAirflowClient } from "../../src/adapters/airflow/airflow-client.js";
import { DagPausedError } from "../../src/adapters/airflow/dag-paused-error.js";
import { type FakeAirflow, startFakeAirflow } from "../support/fake-airflow.js";

const POLICY = { timeoutMs: 300, retries: 2, retryDelayMs: 5 };
const REQUEST = { dagRunId: "drift__exp__abc.def", conf: { experiment_id: "exp", drift: { share: 0.6 } }, note: "drift" };

/** A client of the fake with its credentials; `overrides` change one thing at a time. */
function clientOf(
  airflow: { url: string; dagId: string },
  overrides: { password?: string; unpause?: boolean; dagId?: string } = {},
): HttpAirflowClient {
  return new HttpAirflowClient(
    {
      baseUrl: airflow.url,
      dagId: overrides.dagId ?? airflow.dagId,
      credentials: { username: "airflow", password: overrides.password ?? "airflow-secret" },
      unpausePausedDag: overrides.unpause ?? false,
    },
    POLICY,
  );
}

describe.each([2, 3] as const)("Airflow %i client", (major) => {
  let airflow: FakeAirflow;
  const client = (overrides: { password?: string; unpause?: boolean } = {}) => clientOf(airflow, overrides);

  beforeEach(async () => {
    airflow = await startFakeAirflow({ major });
  });
  afterEach(async () => {
    await airflow.close();
  });

  it("detects the version without credentials", async () => {
    expect(await client().status()).toEqual({ version: major === 2 ? "2.10.5" : "3.1.0", api: major === 2 ? "v1" : "v2" });
    expect(airflow.violations).toEqual([]);
  });

  it("triggers one run with the given id and conf, as the contract wants it", async () => {
    const outcome = await client().trigger(REQUEST);
    expect(outcome).toEqual({
      dagRunId: REQUEST.dagRunId,
      state: "queued",
      alreadyTriggered: false,
      api: major === 2 ? "v1" : "v2",
      unpaused: false,
    });
    expect([...airflow.runs.values()]).toEqual([
      { dag_run_id: REQUEST.dagRunId, conf: REQUEST.conf, note: "drift", state: "queued" },
    ]);
    expect(airflow.violations).toEqual([]);
  });

  it("treats 409 on its own run id as already triggered and reads the run back", async () => {
    await client().trigger(REQUEST);
    const again = await client().trigger(REQUEST);
    expect(again).toMatchObject({ alreadyTriggered: true, state: "queued" });
    expect(airflow.runs.size).toBe(1);
    expect(airflow.requests).toContain(`GET /api/${major === 2 ? "v1" : "v2"}/dags/retrain_model/dagRuns/${REQUEST.dagRunId}`);
  });

  it("survives a trigger that was committed but whose answer never came: the retry gets 409, one run exists", async () => {
    airflow.faults.fail("trigger", { kind: "hang" }, { times: 1, afterCommit: true });
    const outcome = await client().trigger(REQUEST);
    expect(outcome.alreadyTriggered).toBe(true);
    expect(airflow.runs.size).toBe(1);
  });

  it("retries a 500 with backoff, then succeeds", async () => {
    airflow.faults.fail("trigger", { kind: "status", status: 500 }, { times: 2 });
    expect((await client().trigger(REQUEST)).alreadyTriggered).toBe(false);
    expect(airflow.requests.filter((r) => r.startsWith("POST") && r.endsWith("/dagRuns"))).toHaveLength(3);
  });

  it("gives up on a hanging Airflow after the bounded retries with a timeout", async () => {
    airflow.faults.fail("dag", { kind: "hang" });
    const err = await client()
      .trigger(REQUEST)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ service: "airflow", kind: "timeout" });
    expect(airflow.requests.filter((r) => r === `GET /api/${major === 2 ? "v1" : "v2"}/dags/retrain_model`)).toHaveLength(3);
  });

  it("does not retry wrong credentials and quotes Airflow's answer", async () => {
    const err = await client({ password: "wrong" })
      .trigger(REQUEST)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err).toMatchObject({ kind: "rejected", status: 401, transient: false });
    expect((err as UpstreamError).body).toMatchObject(
      major === 2 ? { title: "Unauthorized" } : { detail: "Invalid credentials" },
    );
    expect(airflow.runs.size).toBe(0);
  });

  it.each([403, 422])("reports an injected %i on the trigger as a rejection", async (status) => {
    airflow.faults.fail("trigger", { kind: "status", status, json: { detail: "no" } });
    const err = await client()
      .trigger(REQUEST)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ service: "airflow", kind: "rejected", status, body: { detail: "no" } });
  });

  it("does not take a 409 for success when the run it names cannot be read back", async () => {
    airflow.faults.fail("trigger", { kind: "status", status: 409, json: { detail: "conflict" } });
    const err = await client()
      .trigger(REQUEST)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ service: "airflow", kind: "rejected", status: 404 });
    expect((err as Error).message).toMatch(/read the existing DAG run answered HTTP 404/);
  });

  it("refuses to queue a run on a paused DAG", async () => {
    airflow.paused = true;
    const err = await client()
      .trigger(REQUEST)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DagPausedError);
    expect(airflow.runs.size).toBe(0);
  });

  it("unpauses the DAG first when told to", async () => {
    airflow.paused = true;
    expect(await client({ unpause: true }).trigger(REQUEST)).toMatchObject({ unpaused: true, alreadyTriggered: false });
    expect(airflow.paused).toBe(false);
    expect(airflow.violations).toEqual([]);
  });

  it("names a missing DAG", async () => {
    await expect(clientOf(airflow, { dagId: "nope" }).trigger(REQUEST)).rejects.toThrow(/HTTP 404.*nope/);
  });
});

describe("Airflow 2 before 2.5", () => {
  it("gets no `note` in the trigger (DAGRun.note is new in 2.5.0, older servers refuse it)", async () => {
    const airflow = await startFakeAirflow({ major: 2, version2: "2.4.3" });
    try {
      const client = clientOf(airflow);
      expect(await client.trigger(REQUEST)).toMatchObject({ alreadyTriggered: false, api: "v1" });
      expect([...airflow.runs.values()]).toEqual([
        { dag_run_id: REQUEST.dagRunId, conf: REQUEST.conf, note: null, state: "queued" },
      ]);
      expect(airflow.violations).toEqual([]);
    } finally {
      await airflow.close();
    }
  });
});

describe("Airflow 3 token", () => {
  it("is fetched once, and renewed once when Airflow says it expired", async () => {
    const airflow = await startFakeAirflow({ major: 3 });
    try {
      const client = clientOf(airflow);
      await client.trigger(REQUEST);
      airflow.expireTokens();
      await client.trigger({ ...REQUEST, dagRunId: "drift__second" });
      expect(airflow.requests.filter((r) => r === "POST /auth/token")).toHaveLength(2);
      expect(airflow.runs.size).toBe(2);
      expect(airflow.violations).toEqual([]);
    } finally {
      await airflow.close();
    }
  });
});

describe("Airflow version detection", () => {
  it("says what it found when the address is not Airflow", async () => {
    const ids = await import("../support/fake-ids-provider.js").then((m) => m.startFakeIdsProvider());
    try {
      const client = new HttpAirflowClient(
        { baseUrl: ids.url, dagId: "d", credentials: undefined, unpausePausedDag: false },
        POLICY,
      );
      await expect(client.status()).rejects.toThrow(
        /does not look like Airflow 2 or 3: \/api\/v2\/version answered 404, \/api\/v1\/version answered 404/,
      );
    } finally {
      await ids.close();
    }
  });

  it("reports an address nobody listens on as unreachable", async () => {
    const client = new HttpAirflowClient(
      { baseUrl: "http://127.0.0.1:1", dagId: "d", credentials: undefined, unpausePausedDag: false },
      POLICY,
    );
    await expect(client.status()).rejects.toMatchObject({ service: "airflow", kind: "unreachable" });
  });
});

describe("the Airflow fakes enforce the contract (so a passing client test means something)", () => {
  const basic = (password: string) => `Basic ${Buffer.from(`airflow:${password}`).toString("base64")}`;
  interface Refusal {
    major: 2 | 3;
    what: string;
    body: unknown;
    status: number;
    answer: object;
    /** Defaults to the trigger route of the version. */
    path?: string;
    /** Defaults to valid credentials (a token from /auth/token on Airflow 3). */
    authorization?: string;
  }
  const CASES: Refusal[] = [
    {
      major: 3,
      what: "no logical_date key",
      body: { dag_run_id: "a", conf: {} },
      status: 422,
      answer: { detail: [{ type: "missing", loc: ["body", "logical_date"], msg: "Field required" }] },
    },
    {
      major: 3,
      what: "an unknown key",
      body: { logical_date: null, execution_date: "2026-01-01T00:00:00Z" },
      status: 422,
      answer: { detail: [{ type: "extra_forbidden", msg: "Extra inputs are not permitted" }] },
    },
    {
      major: 3,
      what: "partition_key (3.2 only)",
      body: { logical_date: null, partition_key: "p" },
      status: 422,
      answer: { detail: [{ type: "extra_forbidden" }] },
    },
    {
      major: 3,
      what: "a naive logical_date",
      body: { logical_date: "2026-01-01T00:00:00" },
      status: 422,
      answer: { detail: [{ loc: ["body", "logical_date"] }] },
    },
    {
      major: 3,
      what: "a run id outside allowed_run_id_pattern",
      body: { logical_date: null, dag_run_id: "a b" },
      status: 422,
      answer: { detail: [{ loc: ["body", "dag_run_id"] }] },
    },
    {
      major: 3,
      what: "an unknown key in the login",
      path: "/auth/token",
      authorization: "",
      body: { username: "airflow", password: "airflow-secret", scope: "x" },
      status: 422,
      answer: {},
    },
    {
      major: 3,
      what: "basic auth instead of a token",
      authorization: basic("airflow-secret"),
      body: { logical_date: null },
      status: 401,
      answer: { detail: "Not authenticated" },
    },
    {
      major: 3,
      what: "a token it never issued",
      authorization: "Bearer forged",
      body: { logical_date: null },
      status: 403,
      answer: { detail: "Invalid JWT token" },
    },
    {
      major: 2,
      what: "a read-only field",
      body: { dag_run_id: "a", state: "queued" },
      status: 400,
      answer: { detail: "Property is read-only - 'state'" },
    },
    {
      major: 2,
      what: "a naive logical_date",
      body: { logical_date: "2026-01-01T00:00:00" },
      status: 400,
      answer: { title: "Bad Request" },
    },
    { major: 2, what: "an unknown key", body: { run_after: null }, status: 400, answer: { title: "Bad Request" } },
    {
      major: 2,
      what: "no credentials",
      authorization: "",
      body: {},
      status: 401,
      answer: { title: "Unauthorized", status: 401 },
    },
    {
      major: 2,
      what: "a wrong password",
      authorization: basic("wrong"),
      body: {},
      status: 401,
      answer: { title: "Unauthorized" },
    },
  ];

  it.each(CASES)("Airflow $major refuses $what", async ({ major, body, status, answer, path, authorization }) => {
    const airflow = await startFakeAirflow({ major });
    try {
      const post = (url: string, headers: Record<string, string>, json: unknown) =>
        fetch(url, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: JSON.stringify(json) });
      let auth = authorization ?? basic("airflow-secret");
      if (major === 3 && authorization === undefined) {
        const login = await post(`${airflow.url}/auth/token`, {}, { username: "airflow", password: "airflow-secret" });
        auth = `Bearer ${((await login.json()) as { access_token: string }).access_token}`;
      }
      const url = `${airflow.url}${path ?? `/api/v${major - 1}/dags/retrain_model/dagRuns`}`;
      const response = await post(url, auth ? { Authorization: auth } : {}, body);
      expect(response.status).toBe(status);
      expect(response.headers.get("content-type")).toBe(major === 2 ? "application/problem+json" : "application/json");
      expect(await response.json()).toMatchObject(answer);
      // Wrong credentials happen in real life; a body off the contract is the client's fault.
      expect(airflow.violations).toHaveLength(status === 401 || status === 403 ? 0 : 1);
      expect(airflow.runs.size).toBe(0);
    } finally {
      await airflow.close();
    }
  });
});
