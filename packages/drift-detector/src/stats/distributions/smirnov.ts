// One-sided Smirnov survival function P(D+_n ≥ x): Birnbaum & Tingey, Ann. Math. Statist. 22 (1951), eq. (3),
// with the case split of scipy `cephes/kolmogorov.c` `_smirnov3` (van Mulbregt, arXiv:1802.06966).

/** Below this log, e^x underflows a double (cephes MINLOG). */
const MIN_LOG = -745.1332191019412;
/** scipy switches to an approximation above this n (SMIRNOV_MAX_COMPUTE_N). */
const MAX_COMPUTE_N = 1_000_000;
const EPSILON = 2 ** -52;

/** Exact product n·x split into floor and fractional part, so that n·x landing on an integer is recognised. */
function floorOfProduct(n: number, x: number): { floor: number; fraction: number } {
  const product = n * x;
  // Dekker's two-product: error = n·x − product exactly (both operands split into 26-bit halves).
  const split = (v: number) => {
    const c = 134217729 * v;
    const hi = c - (c - v);
    return [hi, v - hi] as const;
  };
  const [nh, nl] = split(n);
  const [xh, xl] = split(x);
  const error = nh * xh - product + nh * xl + nl * xh + nl * xl;
  let floor = Math.floor(product);
  let fraction = product - floor + error;
  if (fraction < 0) {
    floor -= 1;
    fraction += 1;
  }
  if (fraction >= 1) {
    floor += 1;
    fraction -= 1;
  }
  return { floor, fraction };
}

/** P(D+_n ≥ x), scipy `special.smirnov(n, x)`. */
export function smirnovSf(n: number, x: number): number {
  if (!(n > 0 && Number.isInteger(n) && x >= 0 && x <= 1)) return Number.NaN;
  if (n === 1) return 1 - x;
  if (x === 0) return 1;
  if (x === 1) return 0;
  const { floor: nxFloor, fraction } = floorOfProduct(n, x);
  if (nxFloor === 0 || (nxFloor === 1 && fraction === 0)) return 1 - x * (1 + x) ** (n - 1);
  if (-2 * n * x * x < MIN_LOG) return 0;
  if (nxFloor >= n - 1) return (1 - x) ** n;
  if (n > MAX_COMPUTE_N) return Math.exp(-((6 * n * x + 1) ** 2) / 18 / n);
  // Σ_{v=0}^{⌈n(1−x)⌉−1} C(n,v) (x + v/n)^(v−1) (1 − x − v/n)^(n−v), then times x; all terms positive.
  const lastV = n - nxFloor - 1;
  let logBinomial = 0; // ln C(n, v), updated term by term
  let sum = 0;
  for (let v = 0; v <= lastV; v++) {
    const low = x + v / n;
    const high = (n - v) / n - x;
    if (!(high > 0)) break;
    const term = Math.exp(logBinomial + (v - 1) * Math.log(low) + (n - v) * Math.log(high));
    sum += term;
    // Terms fall off geometrically past the mode: stop once the rest cannot change the sum (scipy's rule).
    if (term > 0 ? 4 * (lastV - v) * term < EPSILON * sum && v !== lastV : v > n / 2) break;
    logBinomial += Math.log((n - v) / (v + 1));
  }
  return Math.min(1, Math.max(0, x * sum));
}
