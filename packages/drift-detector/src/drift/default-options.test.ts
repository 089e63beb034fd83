import { describe, expect, it } from "vitest";
import { DEFAULT_DRIFT_OPTIONS } from "./default-options.js";
import { driftOptionsSchema } from "./options.js";

describe("the options of a run given none", () => {
  it("are the schema's defaults, so the CLI without --config runs as the service with no options does", () => {
    expect(DEFAULT_DRIFT_OPTIONS).toEqual(driftOptionsSchema.parse({}));
  });
});
