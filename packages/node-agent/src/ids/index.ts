export { idsAssetAnswerSchema } from "./ids-asset-answer.js";
export { createIdsAssetSource } from "./ids-asset-source.js";
export { IdsLookupError, type IdsLookupErrorKind } from "./ids-lookup-error.js";
export type { InferenceAssetSource } from "./inference-asset-source.js";
