// Exact two-sided p-value of the two-sample Kolmogorov–Smirnov statistic D = h / lcm(m, n), by lattice-path counting:
// Hodges, Arkiv för Matematik 3(43) (1958) for m = n, and the inside method computing 1 − p directly
// (Viehmann, arXiv:2102.08037) otherwise, as scipy `_compute_prob_outside_square` / `_compute_outer_prob_inside_method`.

/** P(D_{n,n} ≥ h/n): alternating sum of binomial ratios, evaluated Horner-like to avoid cancellation. */
export function probOutsideSquare(n: number, h: number): number {
  let p = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let term = 1;
    for (let j = 0; j < h; j++) term = ((n - k * h - j) * term) / (n + k * h + j + 1);
    p = term * (1 - p);
  }
  return 2 * p;
}

/** Share of lattice paths from (0,0) to (m,n) that leave the band |x/m − y/n| < h/lcm(m,n); g = gcd(m, n). */
export function probOutsideBand(m0: number, n0: number, g: number, h: number): number {
  const m = Math.max(m0, n0);
  const n = Math.min(m0, n0);
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  const a = new Float64Array(lenA).fill(1);
  a.fill(0, minj, maxj);
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let value = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      value = (a[jj + minj - lastminj]! * i + value * j) / (i + j);
      a[jj] = value;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) a.fill(1, maxj - minj, maxj - minj + (lastlen - curlen));
  }
  return a[maxj - minj - 1]!;
}
