// What a run uses when given no options, apart from the options schema so that the CLI without --config does not load
// zod (~50 ms of start-up).
import type { DriftOptions } from "./options.js";

export const DEFAULT_DRIFT_SHARE = 0.5;
export const DEFAULT_P_VALUE_CORRECTION = "none";

/** The options of a run given none (the schema's defaults: `driftOptionsSchema.parse({})`). */
export const DEFAULT_DRIFT_OPTIONS: Readonly<DriftOptions> = Object.freeze({
  drift_share: DEFAULT_DRIFT_SHARE,
  p_value_correction: DEFAULT_P_VALUE_CORRECTION,
});
