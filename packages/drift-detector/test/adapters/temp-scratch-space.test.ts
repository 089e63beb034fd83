// Spilled numbers come back from the scratch folder exactly as written, in every storage a column uses.
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { TempScratchSpace } from "../../src/adapters/scratch/temp-scratch-space.js";
import type { NumberColumnState } from "../../src/csv/number-column.js";

const parent = mkdtempSync(join(tmpdir(), "clarus-drift-scratch-space-"));
afterAll(() => rmSync(parent, { recursive: true, force: true }));

describe("TempScratchSpace", () => {
  it("gives back each part of each column and side as written (int32, float64, counts), then removes everything", async () => {
    const space = new TempScratchSpace(parent);
    const parts: NumberColumnState[] = [
      { storage: "int32", chunks: [Int32Array.of(5, -3), Int32Array.of(7)], scale: 1, min: -3, max: 7 },
      { storage: "float64", chunks: [Float64Array.of(0.1, 1e300, -0)] },
      { storage: "counts", counts: Uint32Array.of(2, 0, 1), scale: 2, min: 40, count: 3 },
    ];
    for (const part of parts) space.appendNumbers("reference", "a", part);
    space.appendNumbers("current", "a", parts[0] as NumberColumnState);
    expect(space.holdsNumbers("reference", "a")).toBe(true);
    expect(space.holdsNumbers("current", "b")).toBe(false);
    expect([...space.readNumbers("reference", "a")]).toEqual([
      { storage: "int32", chunks: [Int32Array.of(5, -3, 7)], scale: 1, min: -3, max: 7 },
      parts[1],
      parts[2],
    ]);
    expect([...space.readNumbers("current", "a")]).toHaveLength(1);
    expect([...space.readNumbers("current", "b")]).toEqual([]);
    const [folder] = readdirSync(parent);
    await space.dispose();
    expect(existsSync(join(parent, folder as string))).toBe(false);
  });
});
