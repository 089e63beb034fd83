import { defineRoute, pingRoute, type Route } from "@clarus/common";
import { z } from "zod";
import type { RetrainingTrigger } from "../adapters/airflow/retraining-trigger.js";
import type { DatasetPublisher } from "../adapters/ids/dataset-publisher.js";
import type { ObjectStore } from "../adapters/storage/object-store.js";

export interface HealthDependencies {
  store: ObjectStore;
  airflow: RetrainingTrigger | undefined;
  ids: DatasetPublisher | undefined;
}

const check = z.object({
  status: z.enum(["ok", "failed", "not_configured"]).meta({ description: "not_configured: its step is skipped" }),
  reason: z.string().meta({ description: "What was checked and what it found" }),
});
const healthAnswer = z.object({
  status: z.enum(["ok", "degraded"]).meta({ description: "degraded: a configured dependency fails" }),
  checks: z.object({ storage: check, airflow: check, ids: check }),
});
type Check = z.output<typeof check>;

/** A health answer must come quickly even when a dependency hangs and its client would keep retrying. */
const PROBE_DEADLINE_MS = 5_000;

async function probe(what: () => Promise<string>): Promise<Check> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_DEADLINE_MS} ms`)), PROBE_DEADLINE_MS);
  });
  try {
    return { status: "ok", reason: await Promise.race([what(), deadline]) };
  } catch (err) {
    return { status: "failed", reason: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes(deps: HealthDependencies): Route[] {
  return [
    pingRoute({
      summary: "Liveness signal",
      description:
        'Answers `"OK"` while the process serves HTTP (the compose health check); /api/health checks the dependencies.',
      tag: "health",
      upDescription: "The detector is up",
    }),
    defineRoute({
      method: "get",
      path: "/api/health",
      operationId: "health",
      summary: "Reachability of storage, Airflow and the IDS provider, each with its reason",
      description:
        "Storage: the bucket is readable and writable. Airflow: its version, then the DAG read with the configured " +
        "credentials (a paused DAG fails). IDS: its /api/ping. Unconfigured ones are `not_configured`. Answers within 5 s.",
      tags: ["health"],
      public: true,
      responses: {
        200: { description: "Every configured dependency answers", schema: healthAnswer },
        503: { description: "At least one configured dependency fails; `checks` says which and why", schema: healthAnswer },
      },
      handler: async () => {
        const { store, airflow, ids } = deps;
        const notConfigured = (variable: string): Check => ({
          status: "not_configured",
          reason: `${variable} is not set; the step is skipped`,
        });
        const [storage, airflowCheck, idsCheck] = await Promise.all([
          probe(async () => {
            await store.check();
            return `bucket ${store.location} is readable and writable`;
          }),
          airflow
            ? probe(async () => {
                const status = await airflow.dagStatus();
                const where = `Airflow ${status.version} (API /api/${status.api}), DAG ${airflow.dagId}`;
                if (status.paused) throw new Error(`${where} is paused: drift runs would stop at trigger_retraining`);
                return `${where} is active`;
              })
            : notConfigured("AIRFLOW_IP"),
          ids
            ? probe(async () => {
                await ids.ping();
                return "IDS provider answered /api/ping";
              })
            : notConfigured("IDS_PROVIDER_IP"),
        ]);
        const checks = { storage, airflow: airflowCheck, ids: idsCheck };
        const healthy = Object.values(checks).every((c) => c.status !== "failed");
        return { status: healthy ? 200 : 503, body: { status: healthy ? "ok" : "degraded", checks } };
      },
    }),
  ];
}
