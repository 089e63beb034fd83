// Standard normal tails through the incomplete gamma function: erfc(t) = Q(1/2, t²), so no cancellation in the tails.
import { regularizedGammaQ } from "./gamma.js";

/** P(Z > z) for a standard normal Z, accurate in relative terms far into the upper tail. */
export function normalSf(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  const tail = 0.5 * regularizedGammaQ(0.5, (z * z) / 2);
  return z >= 0 ? tail : 1 - tail;
}

/** P(Z ≤ z) for a standard normal Z. */
export function normalCdf(z: number): number {
  return normalSf(-z);
}

/** Two-sided p-value P(|Z| ≥ |z|) = erfc(|z|/√2), without the cancellation of 2·(1 − Φ(|z|)). */
export function normalTwoSidedP(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  return regularizedGammaQ(0.5, (z * z) / 2);
}
