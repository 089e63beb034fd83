import { z } from "zod";
import type { InferenceRequest } from "../inference/container-spec.js";
import { parseImageReference } from "../inference/image-reference.js";
import {
  ENV_NAME,
  ENV_NAME_RULE,
  GPU_DEVICE_ID,
  INFERENCE_ID,
  INFERENCE_ID_RULE,
  MAX_ENV_ENTRIES,
  MAX_ENV_VALUE_LENGTH,
  MAX_GPUS,
  MAX_PLACEMENT_CONSTRAINTS,
  MAX_REPLICAS,
  PLACEMENT_CONSTRAINT,
  PLACEMENT_CONSTRAINT_RULE,
} from "../inference/inference-rules.js";
import type { GpuRequest } from "../runtime/container-runtime.js";

/** A TCP port as old callers send it: an integer or a string of digits ("8080"). */
const portField = (description: string, example: string) =>
  z
    .union(
      [
        z.number().int(),
        z
          .string()
          .trim()
          .regex(/^\d{1,5}$/)
          .transform(Number),
      ],
      {
        error: "must be a port 1-65535, as an integer or a string of digits",
      },
    )
    .pipe(z.number().int().min(1, "must be 1-65535").max(65535, "must be 1-65535"))
    .meta({ description, example });

const inferenceIdField = z
  .string()
  .regex(INFERENCE_ID, INFERENCE_ID_RULE)
  .meta({
    description:
      "Unique inference identifier, used as the container name (Docker's name rule, 2-128 characters); looked up by exact " +
      "name only, never as an id prefix",
    example: "inference01",
  });

const imageField = z
  .string()
  .superRefine((text, ctx) => {
    const parsed = parseImageReference(text);
    if ("error" in parsed) ctx.addIssue({ code: "custom", message: parsed.error });
  })
  .meta({ description: "Image reference to pull and run; re-pulled on every deploy", example: "127.0.0.1:5001/redwine:prod" });

/** Environment variables for the inference: at most 8, names POSIX-portable, values strings (numbers and booleans are written as text). */
const envField = z
  .record(z.string(), z.union([z.string(), z.number(), z.boolean()], { error: "must be a string (or a number or boolean)" }))
  .superRefine((env, ctx) => {
    const entries = Object.entries(env);
    if (entries.length > MAX_ENV_ENTRIES) {
      ctx.addIssue({ code: "custom", message: `at most ${MAX_ENV_ENTRIES} variables, got ${entries.length}` });
    }
    for (const [name, value] of entries) {
      if (!ENV_NAME.test(name)) ctx.addIssue({ code: "custom", path: [name], message: `"${name}" ${ENV_NAME_RULE}` });
      const text = String(value);
      if (text.includes("\0")) ctx.addIssue({ code: "custom", path: [name], message: "must not contain NUL characters" });
      if (text.length > MAX_ENV_VALUE_LENGTH) {
        ctx.addIssue({ code: "custom", path: [name], message: `must be at most ${MAX_ENV_VALUE_LENGTH} characters` });
      }
    }
  })
  .transform((env) => Object.fromEntries(Object.entries(env).map(([name, value]) => [name, String(value)])));

/** Optional; null or absent means none. */
const optionalEnv = envField
  .nullish()
  .transform((env) => env ?? {})
  .meta({
    description: "Environment variables for the inference (at most 8; names of letters, digits and _; values as text)",
    example: { env1: "envValue1", env2: "envValue2" },
  });

/** Fields a cluster honours (RUNTIME=swarm); the docker backend refuses them with 422 naming the field. */
const clusterFields = {
  replicas: z
    .number("must be a whole number of tasks")
    .int("must be a whole number of tasks")
    .min(1, "must be at least 1")
    .max(MAX_REPLICAS, `must be at most ${MAX_REPLICAS}`)
    .optional()
    .meta({ description: `Tasks to run, 1-${MAX_REPLICAS} (RUNTIME=swarm; default 1)`, example: 2 }),
  placement: z
    .array(z.string().max(260, "must be at most 260 characters").regex(PLACEMENT_CONSTRAINT, PLACEMENT_CONSTRAINT_RULE))
    .max(MAX_PLACEMENT_CONSTRAINTS, `at most ${MAX_PLACEMENT_CONSTRAINTS} constraints`)
    .optional()
    .meta({ description: "Swarm placement constraints, all must hold (RUNTIME=swarm)", example: ["node.labels.gpu==true"] }),
  update: z
    .strictObject({
      order: z
        .enum(["start-first", "stop-first"], 'must be "start-first" or "stop-first"')
        .optional()
        .meta({ description: "start-first: the new task runs before the old stops (default with SWARM_PUBLISH_MODE=ingress)" }),
      parallelism: z
        .number()
        .int("must be a whole number")
        .min(1, "must be at least 1")
        .max(MAX_REPLICAS, `must be at most ${MAX_REPLICAS}`)
        .optional()
        .meta({ description: "Tasks replaced at once (default 1)" }),
      delay_seconds: z
        .number()
        .min(0, "must be 0-3600")
        .max(3600, "must be 0-3600")
        .optional()
        .meta({ description: "Pause between batches (default 0)" }),
      monitor_seconds: z.number().min(0, "must be 0-3600").max(3600, "must be 0-3600").optional().meta({
        description: "How long each new task must keep running before the next batch (default SWARM_UPDATE_MONITOR_SECONDS)",
      }),
    })
    .optional()
    .meta({
      description:
        "How a replacement rolls out (RUNTIME=swarm): the engine's rolling update, health-gated, rolled back automatically on failure",
      example: { order: "start-first", monitor_seconds: 5 },
    }),
  gpus: z
    .union(
      [
        z.literal("all"),
        z
          .number()
          .int("must be a whole number of GPUs")
          .min(1, "must be at least 1 GPU")
          .max(MAX_GPUS, `must be at most ${MAX_GPUS} GPUs`),
        z
          .array(z.string().regex(GPU_DEVICE_ID, "must be a GPU index or UUID"))
          .min(1, "must name at least one device")
          .max(MAX_GPUS, `at most ${MAX_GPUS} devices`),
      ],
      { error: `must be "all", a count 1-${MAX_GPUS}, or a list of device ids` },
    )
    .optional()
    .transform((gpus): GpuRequest | undefined =>
      gpus === undefined
        ? undefined
        : gpus === "all"
          ? { kind: "all" }
          : typeof gpus === "number"
            ? { kind: "count", count: gpus }
            : { kind: "devices", ids: gpus },
    )
    .meta({
      description:
        'GPUs to reserve: "all" (docker backend), a count, or device ids. Needs ALLOW_GPUS=true (403 otherwise) and the NVIDIA runtime on the engine',
      example: 1,
    }),
};

const forwardPort = portField(
  "Host port the inference REST API is published on (on PORT_BIND_HOST); at least MIN_HOST_PORT, 1024 unless the operator lowered it",
  "7070",
);

export const deployBody = z.object({
  inference_id: inferenceIdField,
  docker_img_uri: imageField,
  inference_rest_api_port: portField("Port of the inference REST API inside the container", "8080"),
  inference_rest_api_forward_port: forwardPort,
  env: optionalEnv,
  ...clusterFields,
});

/** The cluster fields of a deploy body as the use cases take them (unset ones stay unset). */
export function clusterRequest(
  body: Pick<z.output<typeof deployBody>, "replicas" | "placement" | "update" | "gpus">,
): Pick<InferenceRequest, "replicas" | "placement" | "update" | "gpus"> {
  const { update } = body;
  return {
    replicas: body.replicas,
    placement: body.placement,
    gpus: body.gpus,
    update: update && {
      ...(update.order ? { order: update.order } : {}),
      ...(update.parallelism === undefined ? {} : { parallelism: update.parallelism }),
      ...(update.delay_seconds === undefined ? {} : { delaySeconds: update.delay_seconds }),
      ...(update.monitor_seconds === undefined ? {} : { monitorSeconds: update.monitor_seconds }),
    },
  };
}

export const deployV3Body = z.object({
  exp_id: z
    .string()
    .min(1, "must not be empty")
    .max(256, "must be at most 256 characters")
    .meta({ description: "Experiment whose inference asset the IDS agent names", example: "Clarus_RedWine_experiment" }),
  inference_id: inferenceIdField,
  inference_rest_api_forward_port: forwardPort,
  env: optionalEnv,
  ...clusterFields,
});

/** Who to remove: `inference_id`, or `exp_id` as the original agent's callers send it. */
export const removalSelector = z.object({
  inference_id: inferenceIdField.optional(),
  exp_id: inferenceIdField.optional().meta({ description: "Same as inference_id (the original agent's name for it)" }),
});

export const inferenceIdParams = z.object({ id: inferenceIdField });

export const logsQuery = z.object({
  tail: z
    .string()
    .regex(/^\d+$/, "must be a whole number")
    .default("100")
    .transform(Number)
    .pipe(z.number().int().min(1, "must be at least 1").max(10_000, "must be at most 10000"))
    .meta({ description: "Number of last log lines (1-10000, default 100)", example: "50" }),
});

export const inferenceSchema = z
  .object({
    inference_id: z.string().meta({ description: "The inference's id, also its container name", example: "inference01" }),
    name: z.string().meta({ description: "Container name (field of the original agent)", example: "inference01" }),
    port: z.number().int().meta({ description: "Host port of the REST API (field of the original agent)", example: 7070 }),
    docker_img_uri: z
      .string()
      .meta({ description: "The image reference it was deployed from", example: "127.0.0.1:5001/redwine:prod" }),
    image_id: z.string().meta({ description: "The engine's id of the image the container runs (sha256:…)" }),
    inference_rest_api_port: z.number().int().meta({ description: "Port of the REST API inside the container", example: 8080 }),
    inference_rest_api_forward_port: z
      .number()
      .int()
      .meta({ description: "Host port the REST API is published on", example: 7070 }),
    exp_id: z.string().nullable().meta({ description: "Set when deployed through the v3 route" }),
    state: z
      .string()
      .meta({ description: "The engine's container state: created, running, restarting, exited, …", example: "running" }),
    status: z.string().meta({ description: "The engine's status text", example: "Up 3 minutes" }),
    created: z.string().meta({ description: "When the container was created (UTC)", format: "date-time" }),
    container_id: z.string().meta({ description: "The engine's container id" }),
  })
  .meta({ description: "An inference this agent manages" });

export const inferenceDetailsSchema = inferenceSchema
  .extend({
    running: z.boolean().meta({ description: "Whether the container runs now" }),
    exit_code: z.number().int().meta({ description: "Exit code of the last run (0 while running)" }),
    restart_count: z.number().int().meta({ description: "Restarts by the engine's restart policy" }),
    health: z.string().nullable().meta({ description: "Health-check status when the image defines one" }),
    started_at: z.string().nullable().meta({ description: "When it last started (UTC)", format: "date-time" }),
    finished_at: z.string().nullable().meta({ description: "When it last stopped (UTC); null while it never stopped" }),
    error: z.string().nullable().meta({ description: "The engine's error for the container, e.g. a failed start" }),
    ip_address: z.string().nullable().meta({ description: "Address on the inference network" }),
    service_id: z.string().optional().meta({ description: "RUNTIME=swarm: the service's id" }),
    replicas: z
      .object({ desired: z.number().int(), running: z.number().int() })
      .optional()
      .meta({ description: "RUNTIME=swarm: tasks wanted and running" }),
    rollout: z
      .object({ state: z.string(), message: z.string() })
      .optional()
      .meta({ description: "RUNTIME=swarm: the engine's last rollout (none, updating, completed, rollback_completed, …)" }),
    tasks: z
      .array(
        z.object({
          id: z.string(),
          slot: z.number().int(),
          node: z.string().meta({ description: "Hostname of the node the task runs on" }),
          state: z.string().meta({ description: "pending, starting, running, failed, rejected, shutdown, …" }),
          desired_state: z.string(),
          error: z.string().nullable().meta({ description: "The engine's error for the task, e.g. why it cannot be placed" }),
          exit_code: z.number().int().nullable(),
          container_id: z.string().nullable(),
          address: z.string().nullable().meta({ description: "The task's address on the inference network" }),
          image: z.string(),
          updated: z.string().meta({ format: "date-time" }),
        }),
      )
      .optional()
      .meta({ description: "RUNTIME=swarm: the service's tasks, newest first, replaced and failed ones included" }),
  })
  .meta({ description: "An inference with its container state" });

export const deploymentSchema = inferenceDetailsSchema
  .extend({
    readiness: z
      .object({
        outcome: z.literal("ready"),
        waited_ms: z.number().meta({ description: "How long the agent waited for the internal port, in ms" }),
        address: z.string().meta({ description: "Where the port accepted a connection" }),
      })
      .meta({ description: "How the inference came up (READINESS_PROBE decides where it is probed)" }),
    replaced: z
      .object({ docker_img_uri: z.string(), image_id: z.string() })
      .nullable()
      .meta({ description: "The version this deployment replaced; null for a first deployment" }),
    pruned_images: z.array(z.string()).meta({
      description:
        "Images of this inference removed beyond the last KEEP_IMAGES: only what the agent's own pulls brought, unused by any container",
    }),
  })
  .meta({ description: "The deployed inference, how it came up and what it replaced" });
