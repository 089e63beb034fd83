// Log-gamma and the regularised incomplete gamma functions (the chi-square and normal tails rest on them).
// Series and continued fraction: Numerical Recipes 3rd ed. §6.2; Lentz's method: Thompson & Barnett, J. Comput. Phys. 64 (1986).

const HALF_LOG_2PI = 0.9189385332046727;
/** Stirling series coefficients of ln Γ, B_2k / (2k(2k−1)), highest order first (scipy `_ksstats._STIRLING_COEFFS`). */
export const STIRLING_COEFFICIENTS = [-3617 / 122400, 1 / 156, -691 / 360360, 1 / 1188, -1 / 1680, 1 / 1260, -1 / 360, 1 / 12];
const STIRLING_MIN_X = 10;
const EPSILON = 1e-16;
const MAX_ITERATIONS = 100_000;
const TINY = 1e-300;

/** Horner evaluation of a polynomial given highest order first (numpy `polyval`). */
export function polyval(coefficients: readonly number[], x: number): number {
  let y = 0;
  for (const c of coefficients) y = y * x + c;
  return y;
}

/** ln Γ(x) for x > 0: Stirling series (truncation error < 1e-17 from x = 10), shifted up by recurrence below that. */
function logGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`logGamma needs x > 0, got ${x}`);
  let shift = 0;
  let y = x;
  let product = 1;
  while (y < STIRLING_MIN_X) {
    product *= y;
    y += 1;
    shift += 1;
  }
  const r = 1 / y;
  const stirling = (y - 0.5) * Math.log(y) - y + HALF_LOG_2PI + r * polyval(STIRLING_COEFFICIENTS, r * r);
  return shift === 0 ? stirling : stirling - Math.log(product);
}

/** ln of the largest double (cephes MAXLOG): below −MAX_LOG cephes `igamc` reports underflow and returns 0. */
const MAX_LOG = 709.782712893384;

/** e^(−x) x^a / Γ(a), the common factor of both expansions, computed in logs; 0 where cephes underflows. */
function gammaPrefactor(a: number, x: number): number {
  const log = a * Math.log(x) - x - logGamma(a);
  return log < -MAX_LOG ? 0 : Math.exp(log);
}

/** P(a, x) by its power series; converges quickly for x < a + 1. */
function lowerSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n < MAX_ITERATIONS; n++) {
    term *= x / (a + n);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPSILON) break;
  }
  return sum * gammaPrefactor(a, x);
}

/** Q(a, x) by its continued fraction (modified Lentz); converges quickly for x ≥ a + 1. */
function upperContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPSILON) break;
  }
  return h * gammaPrefactor(a, x);
}

/** Upper regularised incomplete gamma Q(a, x) = Γ(a, x) / Γ(a), accurate in relative terms deep into the tail. */
export function regularizedGammaQ(a: number, x: number): number {
  if (!(a > 0)) throw new RangeError(`regularizedGammaQ needs a > 0, got ${a}`);
  if (Number.isNaN(x)) return Number.NaN;
  if (x <= 0) return 1;
  if (x === Number.POSITIVE_INFINITY) return 0;
  return x < a + 1 ? 1 - lowerSeries(a, x) : upperContinuedFraction(a, x);
}

/** Survival function of the chi-square distribution: Q(df/2, x/2), as scipy `chi2.sf` (cephes `chdtrc`). */
export function chiSquareSf(x: number, degreesOfFreedom: number): number {
  return regularizedGammaQ(degreesOfFreedom / 2, x / 2);
}
