// Regenerates the samples that scripts/golden/make_golden.py describes by spec, bit for bit: a mulberry32 stream and
// only IEEE-exact operations (+, −, ×, ÷, floor), so Python and JavaScript produce identical doubles.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { ColumnSamples } from "../../../src/stats/index.js";
import { mulberry32 } from "../../support/seeded-random.mjs";

export interface SampleSpec {
  seed: number;
  n: number;
  loc: number;
  scale: number;
  quantum: number;
  shape: "bell" | "uniform";
}

/** A sample from its spec, or from the plain list of values a few fixtures give instead. */
export function makeSample(spec: SampleSpec | number[]): Float64Array {
  if (Array.isArray(spec)) return Float64Array.from(spec);
  const next = mulberry32(spec.seed);
  const values = new Float64Array(spec.n);
  for (let i = 0; i < spec.n; i++) {
    const z = spec.shape === "bell" ? next() + next() + next() + next() - 2 : next();
    let v = spec.loc + spec.scale * z;
    if (spec.quantum) v = Math.floor(v / spec.quantum) * spec.quantum;
    values[i] = v;
  }
  return values;
}

export type GoldenSamples =
  | { type: "numerical"; reference: SampleSpec; current: SampleSpec }
  | { type: "categorical"; reference: Record<string, number>; current: Record<string, number> };

/** Fresh samples for one run (tests sort numerical arrays in place). */
export function samplesOf(golden: GoldenSamples): ColumnSamples {
  return golden.type === "numerical"
    ? { type: "numerical", reference: makeSample(golden.reference), current: makeSample(golden.current) }
    : {
        type: "categorical",
        reference: new Map(Object.entries(golden.reference)),
        current: new Map(Object.entries(golden.current)),
      };
}

export function readFixture<T>(relativePath: string): T {
  return JSON.parse(readFileSync(fileURLToPath(new URL(`../../fixtures/${relativePath}`, import.meta.url)), "utf8")) as T;
}
