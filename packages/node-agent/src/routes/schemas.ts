import { z } from "zod";
import { parseImageReference } from "../inference/image-reference.js";
import {
  ENV_NAME,
  ENV_NAME_RULE,
  INFERENCE_ID,
  INFERENCE_ID_RULE,
  MAX_ENV_ENTRIES,
  MAX_ENV_VALUE_LENGTH,
} from "../inference/inference-rules.js";

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
  .meta({ description: "Unique inference identifier, used as the container name", example: "inference01" });

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

const forwardPort = portField("Host port the inference REST API is published on", "7070");

export const deployBody = z.object({
  inference_id: inferenceIdField,
  docker_img_uri: imageField,
  inference_rest_api_port: portField("Port of the inference REST API inside the container", "8080"),
  inference_rest_api_forward_port: forwardPort,
  env: optionalEnv,
});

export const deployV3Body = z.object({
  exp_id: z
    .string()
    .min(1, "must not be empty")
    .max(256, "must be at most 256 characters")
    .meta({ description: "Experiment whose inference asset the IDS agent names", example: "Clarus_RedWine_experiment" }),
  inference_id: inferenceIdField,
  inference_rest_api_forward_port: forwardPort,
  env: optionalEnv,
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
    pruned_images: z
      .array(z.string())
      .meta({ description: "Images of this inference removed beyond the last KEEP_IMAGES (unused by any container)" }),
  })
  .meta({ description: "The deployed inference, how it came up and what it replaced" });
