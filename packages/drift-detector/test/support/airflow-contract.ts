/**
 * The Airflow request bodies the fakes accept, built from the contract schemas themselves:
 * contracts/airflow-request-schemas.json holds them verbatim, copied by contracts/extract-airflow-schemas.py out of the
 * repository's contracts/airflow/ (see its CONTRACT-NOTES.md), each with its source file's blob SHA:
 * - Airflow 2: `airflow2-v1.yaml` = apache/airflow airflow/api_connexion/openapi/v1.yaml @ 0d87d27d (2.10.0), `DAGRun`.
 * - Airflow 3: `airflow3-v2-rest-api.yaml` @ c57fba0e, `TriggerDAGRunPostBody` and `DAGPatchBody`;
 *   `airflow3-simple-auth-manager.yaml`, `LoginBody` (POST /auth/token answers 201 {access_token}).
 */
import { readFileSync } from "node:fs";
import { z } from "zod";

interface JsonSchema {
  type?: string;
  format?: string;
  nullable?: boolean;
  readOnly?: boolean;
  anyOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
}

const CONTRACT: Record<string, { schema: JsonSchema }> = JSON.parse(
  readFileSync(new URL("./contracts/airflow-request-schemas.json", import.meta.url), "utf8"),
);

/** `[scheduler] allowed_run_id_pattern` default (config.yml l.2615 on 2.x, l.2552 on 3.x): not in the schemas. */
const ALLOWED_RUN_ID = /^[A-Za-z0-9_.~:+-]+$/;

/** `format: date-time` as the servers read it: naive values give 400 on 2.x ("Naive datetime is disallowed"), 422 on 3.x. */
const awareDateTime = z.string().refine((text) => /(Z|[+-]\d{2}:?\d{2})$/.test(text) && !Number.isNaN(Date.parse(text)), {
  message: "Naive datetime is disallowed",
});

function fieldOf(schema: JsonSchema): z.ZodType {
  if (schema.anyOf) {
    const [value, ...rest] = schema.anyOf.filter((option) => option.type !== "null");
    if (!value || rest.length > 0) throw new Error(`unsupported anyOf ${JSON.stringify(schema.anyOf)}`);
    return fieldOf(value).nullable();
  }
  const field =
    schema.type === "string"
      ? schema.format === "date-time"
        ? awareDateTime
        : z.string()
      : schema.type === "boolean"
        ? z.boolean()
        : schema.type === "object"
          ? z.record(z.string(), z.unknown())
          : undefined;
  if (!field) throw new Error(`unsupported schema ${JSON.stringify(schema)}`);
  return schema.nullable ? field.nullable() : field;
}

/**
 * The writable fields of a contract schema as a strict zod object: required ones required, unknown keys rejected (3.x
 * says `additionalProperties: false`; 2.x's marshmallow load raises on unknown fields too). `omit` drops fields the
 * targeted release does not have; `refine` tightens a field with a rule from outside the schema.
 */
function requestBody(
  key: string,
  options: { omit?: string[]; refine?: Record<string, (field: z.ZodType) => z.ZodType> } = {},
): z.ZodObject {
  const schema = CONTRACT[key]?.schema;
  if (!schema?.properties) throw new Error(`no contract schema ${key}`);
  const shape: Record<string, z.ZodType> = {};
  for (const [name, property] of Object.entries(schema.properties)) {
    if (property.readOnly || options.omit?.includes(name)) continue;
    const field = options.refine?.[name]?.(fieldOf(property)) ?? fieldOf(property);
    shape[name] = schema.required?.includes(name) ? field : field.optional();
  }
  return z.strictObject(shape);
}

const runIdRule = {
  dag_run_id: (field: z.ZodType) =>
    field.refine((id) => id === null || ALLOWED_RUN_ID.test(String(id)), "must match allowed_run_id_pattern"),
};

/** The fields the fake Airflow reads from a valid trigger body (both versions). */
export interface TriggerFields {
  dag_run_id?: string | null;
  conf?: Record<string, unknown> | null;
  note?: string | null;
}

/** Airflow 2 `DAGRun` fields marked readOnly: sending one gives 400 "Property is read-only - '<field>'". */
export const AIRFLOW2_READ_ONLY_DAG_RUN_FIELDS = Object.entries(CONTRACT["airflow2.DAGRun"]?.schema.properties ?? {})
  .filter(([, property]) => property.readOnly)
  .map(([name]) => name);
export const airflow2DagRunBody = requestBody("airflow2.DAGRun", { refine: runIdRule });
/** Before 2.5.0 `DAGRun` had no `note` ("New in 2.5.0" in the schema's description). */
export const airflow2DagRunBodyBefore25 = requestBody("airflow2.DAGRun", { omit: ["note"], refine: runIdRule });

/** `partition_key` came with 3.2 (contracts/airflow/CONTRACT-NOTES.md §2.5); the fake is a 3.0-3.1 server, which answers it with 422. */
export const airflow3TriggerBody = requestBody("airflow3.TriggerDAGRunPostBody", { omit: ["partition_key"], refine: runIdRule });

/** Sent with `?update_mask=is_paused` (v1 takes the same body on its `DAG` schema, where only is_paused is writable). */
export const dagPatchBody = requestBody("airflow3.DAGPatchBody");

export const airflow3LoginBody = requestBody("airflow3.LoginBody");

/** Fixed answers quoted in CONTRACT-NOTES.md §2.4 and §2.2. */
export const AIRFLOW3_V1_REMOVED = "/api/v1 has been removed in Airflow 3, please use its upgraded version /api/v2 instead.";
export const AIRFLOW3_UNIQUE_VIOLATION = {
  reason: "Unique constraint violation",
  statement: "hidden",
  orig_error: "hidden",
  message:
    "Serious error when handling your request. Check logs for more details - you will find it in api server when you look for ID 1",
};
