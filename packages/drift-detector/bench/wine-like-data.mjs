// Deterministic wine-like CSV pairs for the benchmark: the 12 columns of the UCI red wine data, each drawn from a
// normal (or log-normal) distribution with that column's mean and spread, printed with a data logger's precision (~90 MB per million rows).
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { mulberry32, normal } from "../test/support/seeded-random.mjs";

// name, draw(z, random, shifted), decimals. Means and spreads of winequality-red.csv; `shifted` moves a few columns.
const COLUMNS = [
  ["fixed acidity", (z) => 8.32 + 1.74 * z, 3],
  ["volatile acidity", (z) => Math.max(0.08, 0.528 + 0.179 * z), 5],
  ["citric acid", (z) => Math.max(0, 0.271 + 0.195 * z), 5],
  ["residual sugar", (z) => Math.exp(0.85 + 0.35 * z), 4],
  ["chlorides", (z) => Math.max(0.012, 0.087 + 0.047 * z), 5],
  ["free sulfur dioxide", (z) => Math.max(1, 15.9 + 10.5 * z), 3],
  ["total sulfur dioxide", (z) => Math.max(6, 46.5 + 32.9 * z), 4],
  ["density", (z) => 0.99675 + 0.00189 * z, 8],
  ["pH", (z, shifted) => 3.311 + 0.154 * z + (shifted ? 0.05 : 0), 4],
  ["sulphates", (z, shifted) => Math.max(0.33, 0.658 + 0.17 * z) * (shifted ? 1.1 : 1), 4],
  ["alcohol", (z, shifted) => 10.42 + 1.07 * z + (shifted ? 0.5 : 0), 4],
];
// Grades 3–8 with the wine file's shares; the shifted file moves 10% of the weight from grade 5 to grade 6.
const QUALITY = [3, 4, 5, 6, 7, 8];
const QUALITY_SHARES = [0.006, 0.033, 0.426, 0.399, 0.124, 0.012];
const QUALITY_SHARES_SHIFTED = [0.006, 0.033, 0.326, 0.499, 0.124, 0.012];

function qualityOf(u, shares) {
  let cumulative = 0;
  for (let k = 0; k < shares.length; k++) {
    cumulative += shares[k];
    if (u < cumulative) return QUALITY[k];
  }
  return QUALITY[QUALITY.length - 1];
}

/** Writes `rows` rows to `path`; `shifted` draws the drifted variant. Same seed, same bytes. */
export async function writeWineLike(path, { rows, seed, shifted }) {
  const random = mulberry32(seed);
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  out.write(`${[...COLUMNS.map(([name]) => name), "quality"].join(",")}\n`);
  const shares = shifted ? QUALITY_SHARES_SHIFTED : QUALITY_SHARES;
  let batch = "";
  for (let row = 0; row < rows; row++) {
    for (const [, draw, decimals] of COLUMNS) batch += `${draw(normal(random), shifted).toFixed(decimals)},`;
    batch += `${qualityOf(random(), shares)}\n`;
    if (batch.length > 1 << 20) {
      if (!out.write(batch)) await once(out, "drain");
      batch = "";
    }
  }
  out.end(batch);
  await once(out, "finish");
}
