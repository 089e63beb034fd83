// The IDS agent's answer to GET /api/v2/consumer/asset is undocumented: these schemas say what the node agent
// accepts (and document it in the OpenAPI), readIdsAsset picks the two fields out of it.
import { z } from "zod";
import { parseImageReference } from "../inference/image-reference.js";

const portNumber = z.number().int().min(1).max(65535);

/** The two fields the v3 deploy needs; other members are allowed and ignored. */
const idsInferenceAssetSchema = z
  .object({
    docker_img_uri: z
      .string()
      .min(1)
      .max(512)
      // The same grammar the deploy applies, so a bad reference from the IDS is the IDS's fault (502), not a 422.
      .superRefine((text, ctx) => {
        const reference = parseImageReference(text);
        if ("error" in reference) ctx.addIssue({ code: "custom", message: reference.error });
      })
      .meta({ description: "Image reference of the inference service", example: "registry.example:5000/redwine:prod" }),
    inference_rest_api_port: z
      .union(
        [
          portNumber,
          z
            .string()
            .regex(/^\d{1,5}$/)
            .transform(Number)
            .pipe(portNumber),
        ],
        {
          error: "must be a port 1-65535, as an integer or a string of digits",
        },
      )
      .meta({ description: "Port of the inference REST API inside the container (string or integer, 1-65535)", example: "8080" }),
  })
  .loose()
  .meta({ description: "Inference metadata of an experiment as the IDS agent gives it" });

/**
 * Every answer shape the agent accepts: the fields at the top level, or inside exactly one member of the top-level
 * object (any name, e.g. `{"data": {...}}` or `{"asset": {...}}`).
 */
export const idsAssetAnswerSchema = z.union([idsInferenceAssetSchema, z.record(z.string(), z.unknown())]).meta({
  description:
    "Answer of the IDS agent's GET /api/v2/consumer/asset?exp_id=…&provider_ip=…: an object with docker_img_uri and " +
    "inference_rest_api_port at the top level, or an object with exactly one member that is such an object, " +
    'e.g. {"data": {"docker_img_uri": "…", "inference_rest_api_port": "8080"}}. Any other answer gives 502.',
});

export type IdsAssetReading = { ok: true; image: string; internalPort: number } | { ok: false; reason: string };

const FIELDS = ["docker_img_uri", "inference_rest_api_port"] as const;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function mentionsAssetFields(value: Record<string, unknown>): boolean {
  return FIELDS.some((field) => field in value);
}

/** Finds and validates the asset fields in a parsed answer; says why when it cannot. */
export function readIdsAsset(answer: unknown): IdsAssetReading {
  if (!isObject(answer)) return { ok: false, reason: "the answer is not a JSON object" };
  let candidate = answer;
  let where = "";
  if (!mentionsAssetFields(answer)) {
    const wrappers = Object.entries(answer).filter(([, value]) => isObject(value) && mentionsAssetFields(value));
    if (wrappers.length !== 1) {
      return {
        ok: false,
        reason:
          wrappers.length === 0
            ? "neither docker_img_uri nor inference_rest_api_port is at the top level or inside one member"
            : `several members hold asset fields (${wrappers.map(([key]) => key).join(", ")}); which one is meant is unclear`,
      };
    }
    const [key, value] = wrappers[0] as [string, Record<string, unknown>];
    candidate = value;
    where = `${key}.`;
  }
  const parsed = idsInferenceAssetSchema.safeParse(candidate);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${where}${issue.path.map(String).join(".")}: ${issue.message}`);
    return { ok: false, reason: problems.join("; ") };
  }
  return { ok: true, image: parsed.data.docker_img_uri, internalPort: parsed.data.inference_rest_api_port };
}
