import { bearerAuth, COMMON_PROBLEMS, defineRoute, HttpProblem, type Route } from "@clarus/common";
import type { RequestHandler } from "express";
import { z } from "zod";
import { watches } from "../experiments/experiment.js";
import type { ExperimentRegistry, TriggerOutcome } from "../experiments/experiment-registry.js";
import { DRIFT_PROBLEMS } from "../problem-types.js";
import { changesOf, EventKeyError, minioEventSchema } from "../triggers/minio-event.js";
import { queuedTriggerSchema } from "../triggers/trigger.js";
import { triggerProblem } from "./run-problem.js";

export interface MinioEventDependencies {
  registry: ExperimentRegistry;
  /** MINIO_WEBHOOK_TOKEN; without it every event is refused. */
  token: string | undefined;
}

const answerSchema = z.object({
  queued: z.array(queuedTriggerSchema).meta({ description: "Runs queued by this event" }),
  ignored: z
    .array(z.object({ object: z.string().optional(), experiment_id: z.string().optional(), reason: z.string() }))
    .meta({ description: "Records that started nothing, and why (removal, no experiment watches the key, duplicate)" }),
});

/** Without MINIO_WEBHOOK_TOKEN the route exists but accepts nothing: an open trigger is a way to load the machine. */
const refuseAll: RequestHandler = (_req, _res, next) => {
  next(
    new HttpProblem(
      DRIFT_PROBLEMS["events-not-configured"],
      "Bucket notifications are off: set MINIO_WEBHOOK_TOKEN, and give MinIO the same value as auth_token.",
    ),
  );
};

export function minioEventRoutes(deps: MinioEventDependencies): Route[] {
  const { registry } = deps;
  return [
    defineRoute({
      method: "post",
      path: "/api/events/minio",
      operationId: "receiveMinioEvent",
      summary: "MinIO bucket notification (webhook target): queue runs for the experiments whose data changed",
      description:
        "Point MinIO's `notify_webhook` at this route with `auth_token` = MINIO_WEBHOOK_TOKEN (sent as " +
        "`Authorization: Bearer`). Each created object that is an experiment's new-data path, or a batch under its " +
        "prefix, queues a run of that experiment. A second delivery of the same object with the same ETag, an object " +
        "already judged with that ETag, removals and keys no experiment watches start nothing. The answer comes once the " +
        "runs are queued (journaled), not when they finish.",
      tags: ["experiments"],
      public: true,
      auth: deps.token ? bearerAuth(deps.token, "MINIO_WEBHOOK_TOKEN") : refuseAll,
      body: minioEventSchema,
      invalidBodyStatus: 400,
      responses: {
        200: { description: "Nothing to run; `ignored` says why for each record", schema: answerSchema },
        202: { description: "At least one run queued", schema: answerSchema },
        400: {
          description: "Not a MinIO event: malformed JSON, or `errors` names each field that is wrong",
          problems: [COMMON_PROBLEMS["malformed-json"], COMMON_PROBLEMS["missing-body"], COMMON_PROBLEMS["validation-error"]],
        },
        401: { description: "No bearer token, or not MINIO_WEBHOOK_TOKEN", problems: [COMMON_PROBLEMS.unauthorized] },
        502: {
          description: "Storage answered an error while the runs were being queued; nothing was queued by this record",
          problems: [DRIFT_PROBLEMS["trigger-not-queued"]],
        },
        503: {
          description: "MINIO_WEBHOOK_TOKEN is not set (events are refused), or storage could not journal the trigger",
          problems: [DRIFT_PROBLEMS["events-not-configured"], DRIFT_PROBLEMS["trigger-not-queued"]],
        },
        504: {
          description: "Storage did not answer in time while the runs were being queued",
          problems: [DRIFT_PROBLEMS["trigger-not-queued"]],
        },
      },
      handler: async ({ body }) => {
        let changes: ReturnType<typeof changesOf>;
        try {
          changes = changesOf(body);
        } catch (err) {
          if (!(err instanceof EventKeyError)) throw err;
          throw new HttpProblem(COMMON_PROBLEMS["validation-error"], `Invalid request body: ${err.message}`, {
            status: 400,
            errors: [{ location: "body", field: `Records.${err.index}.s3.object.key`, message: "not a URL-encoded object key" }],
          });
        }
        const queued: z.output<typeof answerSchema>["queued"] = [];
        const ignored: z.output<typeof answerSchema>["ignored"] = [];
        const note = (outcome: TriggerOutcome, experimentId: string) => {
          if ("accepted" in outcome) queued.push(outcome.accepted);
          else ignored.push({ ...outcome.ignored, experiment_id: experimentId });
        };
        for (const change of changes) {
          const object = `${change.bucket}/${change.key}`;
          if (change.kind !== "created") {
            ignored.push({ object, reason: `${change.eventName} does not bring new data` });
            continue;
          }
          const experiments = registry.list().filter((experiment) => watches(experiment, change.bucket, change.key));
          const listening = experiments.filter((experiment) => experiment.triggers.events);
          if (listening.length === 0) {
            ignored.push({
              object,
              reason:
                experiments.length > 0
                  ? "the experiments watching it have triggers.events: false"
                  : "no experiment watches this object",
            });
            continue;
          }
          if (!change.etag) {
            ignored.push({ object, reason: "the record has no eTag, so a duplicate could not be told apart" });
            continue;
          }
          for (const experiment of listening) {
            const outcome = await registry.objectChanged(experiment.id, change.key, change.etag).catch((err: unknown) => {
              throw triggerProblem(err);
            });
            note(outcome, experiment.id);
          }
        }
        return { status: queued.length > 0 ? 202 : 200, body: { queued, ignored } };
      },
    }),
  ];
}
