import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DagPausedError, HttpAirflowClient } from "../../src/adapters/airflow/airflow-client.js";
import { UpstreamError } from "../../src/adapters/upstream-error.js";
import { type FakeAirflow, startFakeAirflow } from "../support/fake-airflow.js";

const POLICY = { timeoutMs: 300, retries: 2, retryDelayMs: 5 };
const REQUEST = { dagRunId: "drift__exp__abc.def", conf: { experiment_id: "exp", drift: { share: 0.6 } }, note: "drift" };

describe.each([2, 3] as const)("Airflow %i client", (major) => {
  let airflow: FakeAirflow;
  const client = (overrides: { password?: string; unpause?: boolean } = {}) =>
    new HttpAirflowClient(
      {
        baseUrl: airflow.url,
        dagId: airflow.dagId,
        credentials: { username: "airflow", password: overrides.password ?? "airflow-secret" },
        unpausePausedDag: overrides.unpause ?? false,
      },
      POLICY,
    );

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
    const missing = new HttpAirflowClient(
      {
        baseUrl: airflow.url,
        dagId: "nope",
        credentials: { username: "airflow", password: "airflow-secret" },
        unpausePausedDag: false,
      },
      POLICY,
    );
    await expect(missing.trigger(REQUEST)).rejects.toThrow(/HTTP 404.*nope/);
  });
});

describe("Airflow 3 token", () => {
  it("is fetched once, and renewed once when Airflow says it expired", async () => {
    const airflow = await startFakeAirflow({ major: 3 });
    try {
      const client = new HttpAirflowClient(
        {
          baseUrl: airflow.url,
          dagId: airflow.dagId,
          credentials: { username: "airflow", password: "airflow-secret" },
          unpausePausedDag: false,
        },
        POLICY,
      );
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
  it("Airflow 3 answers 422 to a trigger without logical_date or with extra keys; Airflow 2 400 to read-only fields", async () => {
    const v3 = await startFakeAirflow({ major: 3 });
    const v2 = await startFakeAirflow({ major: 2 });
    try {
      const token = (await (
        await fetch(`${v3.url}/auth/token`, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ username: "airflow", password: "airflow-secret" }),
        })
      ).json()) as { access_token: string };
      const post = (url: string, auth: string, body: unknown) =>
        fetch(url, {
          method: "POST",
          headers: { "Content-Type": "application/json", Authorization: auth },
          body: JSON.stringify(body),
        });
      const v3Auth = `Bearer ${token.access_token}`;
      const missing = await post(`${v3.url}/api/v2/dags/retrain_model/dagRuns`, v3Auth, { dag_run_id: "a", conf: {} });
      expect(missing.status).toBe(422);
      expect(await missing.json()).toMatchObject({
        detail: [{ type: "missing", loc: ["body", "logical_date"], msg: "Field required" }],
      });
      const extra = await post(`${v3.url}/api/v2/dags/retrain_model/dagRuns`, v3Auth, {
        logical_date: null,
        execution_date: "2026-01-01T00:00:00Z",
      });
      expect(extra.status).toBe(422);
      const v2Auth = `Basic ${Buffer.from("airflow:airflow-secret").toString("base64")}`;
      const readOnly = await post(`${v2.url}/api/v1/dags/retrain_model/dagRuns`, v2Auth, { dag_run_id: "a", state: "queued" });
      expect(readOnly.status).toBe(400);
      expect(await readOnly.json()).toMatchObject({ detail: "Property is read-only - 'state'" });
      expect(v3.violations).toHaveLength(2);
      expect(v2.violations).toHaveLength(1);
    } finally {
      await v3.close();
      await v2.close();
    }
  });
});
