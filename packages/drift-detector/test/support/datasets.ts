/** Small deterministic CSVs: a reference, the same population drawn again (no drift) and a shifted one (drift). */
import { mulberry32, normal } from "./seeded-random.mjs";

export function table(seed: number, rows: number, shift: number): string {
  const next = mulberry32(seed);
  const lines = ["temperature,pressure,grade"];
  for (let i = 0; i < rows; i++) {
    const temperature = normal(next, 20 + shift, 2).toFixed(3);
    const pressure = normal(next, 100 + 5 * shift, 4).toFixed(3);
    const grade = next() < 0.5 + 0.3 * Math.min(shift, 1) ? "A" : "B";
    lines.push(`${temperature},${pressure},${grade}`);
  }
  return `${lines.join("\n")}\n`;
}

export const REFERENCE_CSV = table(1, 400, 0);
export const SAME_POPULATION_CSV = table(2, 400, 0);
export const DRIFTED_CSV = table(3, 400, 1.5);
