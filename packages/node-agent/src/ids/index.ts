export { idsAssetAnswerSchema } from "./ids-asset-answer.js";
export { createIdsAssetSource, type IdsAssetSourceOptions } from "./ids-asset-source.js";
export type { InferenceAsset, InferenceAssetSource } from "./inference-asset-source.js";
