// Survival function of the finite-n two-sided Kolmogorov statistic D_n (scipy `kstwo.sf`), choosing the method by
// region of (n, n·x²) as Simard & L'Ecuyer, J. Stat. Software 39(11) (2011), and scipy `_ksstats._kolmogn`.
import { polyval, STIRLING_COEFFICIENTS } from "./gamma.js";
import { kolmogorovCdfDurbin } from "./kolmogorov-durbin.js";
import { kolmogorovCdfPelzGood } from "./kolmogorov-pelz-good.js";
import { kolmogorovCdfPomeranz } from "./kolmogorov-pomeranz.js";
import { smirnovSf } from "./smirnov.js";

const HALF_LOG_2PI = Math.log(2 * Math.PI) / 2;

const clip = (p: number) => Math.min(1, Math.max(0, p));

/** ln(n! / nⁿ) by Stirling's series. */
function logFactorialOverPower(n: number): number {
  const r = 1 / n;
  return Math.log(n) / 2 - n + HALF_LOG_2PI + r * polyval(STIRLING_COEFFICIENTS, r / n);
}

/** P(D_n ≥ x) for a sample of n values, 0 ≤ x ≤ 1. */
export function kolmogorovSf(n: number, x: number): number {
  if (!(Number.isInteger(n) && n > 0)) throw new RangeError(`kolmogorovSf needs a positive integer n, got ${n}`);
  if (Number.isNaN(x)) return Number.NaN;
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const t = n * x;
  if (t <= 1) {
    // Ruben & Gambino (1982): exact for 1/(2n) ≤ x ≤ 1/n.
    if (t <= 0.5) return 1;
    let cdf: number;
    if (n <= 140) {
      cdf = 1;
      for (let i = 1; i <= n; i++) cdf *= i * (1 / n) * (2 * t - 1);
    } else {
      cdf = Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
    }
    return clip(1 - cdf);
  }
  // Ruben & Gambino: exact for x ≥ 1 − 1/n.
  if (t >= n - 1) return clip(2 * (1 - x) ** n);
  // For x ≥ 1/2 the two one-sided tails cannot both be exceeded: exactly twice the Smirnov tail.
  if (x >= 0.5) return clip(2 * smirnovSf(n, x));

  const nx2 = t * x;
  if (n <= 140) {
    if (nx2 <= 0.754693) return clip(1 - kolmogorovCdfDurbin(n, x));
    if (nx2 <= 4) return clip(1 - kolmogorovCdfPomeranz(n, x));
    return clip(2 * smirnovSf(n, x));
  }
  if (nx2 >= 370) return 0;
  if (nx2 >= 2.2) return clip(2 * smirnovSf(n, x));
  if (n <= 100_000 && n * x ** 1.5 <= 1.4) return clip(1 - kolmogorovCdfDurbin(n, x));
  return clip(1 - kolmogorovCdfPelzGood(n, x));
}
