/**
 * The IDS provider request the fake enforces, built from the IDS agent's own Postman collection
 * (the repository's contracts/ids-agent/ClarusIdsAgent.postman_collection.json), request "createExpIDSAsset": `POST /api/provider/asset` whose raw JSON body is
 * { exp_id, exp_description, asset_type: "dataset", minio_endpoint: "<host>:9000", minio_bucket, minio_path }.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";

interface PostmanItem {
  name: string;
  request: { method: string; url: { path: string[] }; body?: { raw: string } };
}

const collection: { item: PostmanItem[] } = JSON.parse(
  readFileSync(new URL("../../../../contracts/ids-agent/ClarusIdsAgent.postman_collection.json", import.meta.url), "utf8"),
);
const createAsset = collection.item.find((item) => item.name === "createExpIDSAsset");
if (!createAsset?.request.body) throw new Error("createExpIDSAsset has no body in the IDS agent's Postman collection");

export const CREATE_ASSET = {
  method: createAsset.request.method,
  path: `/${createAsset.request.url.path.join("/")}`,
  example: JSON.parse(createAsset.request.body.raw) as Record<string, string>,
};

/** Every key of the example, no other; asset_type fixed to the example's value, minio_endpoint shaped like it. */
const FIELD_RULES: Record<string, z.ZodType> = {
  asset_type: z.literal(CREATE_ASSET.example.asset_type ?? "dataset"),
  minio_endpoint: z.string().regex(/^[^/\s:]+:\d{1,5}$/, "host:port, no scheme"),
  minio_path: z
    .string()
    .min(1)
    .refine((path) => !path.startsWith("/"), "a path inside the bucket"),
};
export const createAssetBody = z.strictObject(
  Object.fromEntries(Object.keys(CREATE_ASSET.example).map((key) => [key, FIELD_RULES[key] ?? z.string().min(1)])),
);
export type CreateAssetBody = Record<keyof typeof CREATE_ASSET.example, string>;
