// P(D_n ≤ d) by Durbin's matrix, Marsaglia, Tsang & Wang, J. Stat. Software 8(18) (2003); as scipy `_ksstats._kolmogn_DMTW`.

const SCALE_EXPONENT = 128;
const SCALE_UP = 2 ** SCALE_EXPONENT;
const SCALE_DOWN = 2 ** -SCALE_EXPONENT;

/** c = a·b for m×m row-major matrices. */
function multiply(a: Float64Array, b: Float64Array, m: number): Float64Array {
  const c = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let k = 0; k < m; k++) {
      const aik = a[i * m + k]!;
      if (aik === 0) continue;
      const rowB = k * m;
      const rowC = i * m;
      for (let j = 0; j < m; j++) c[rowC + j]! += aik * b[rowB + j]!;
    }
  }
  return c;
}

/** CDF of the two-sided one-sample Kolmogorov statistic, exact up to rounding; the matrix has size 2⌈nd⌉ − 1. */
export function kolmogorovCdfDurbin(n: number, d: number): number {
  if (d >= 1) return 1;
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;

  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let factorial = 1;
  for (let j = 1; j <= m; j++) {
    w[j - 1] = factorial;
    factorial /= j;
    v[j - 1] = (1 - h ** j) * factorial;
  }
  const tt = Math.max(2 * h - 1, 0) ** m - 2 * h ** m;
  v[m - 1] = (1 + tt) * factorial;

  let matrix: Float64Array = new Float64Array(m * m);
  for (let col = 1; col < m; col++) {
    for (let row = col - 1; row < m; row++) matrix[row * m + col] = w[row - col + 1]!;
  }
  for (let row = 0; row < m; row++) matrix[row * m] = v[row]!;
  for (let col = 0; col < m; col++) matrix[(m - 1) * m + col] = v[m - 1 - col]!;

  let power: Float64Array = new Float64Array(m * m);
  for (let i = 0; i < m; i++) power[i * m + i] = 1;
  let exponent = 0;
  let matrixExponent = 0;
  for (let remaining = n; remaining > 0; remaining = Math.floor(remaining / 2)) {
    if (remaining % 2) {
      power = multiply(power, matrix, m);
      exponent += matrixExponent;
    }
    matrix = multiply(matrix, matrix, m);
    matrixExponent *= 2;
    if (Math.abs(matrix[(k - 1) * m + (k - 1)]!) > SCALE_UP) {
      for (let i = 0; i < matrix.length; i++) matrix[i]! *= SCALE_DOWN;
      matrixExponent += SCALE_EXPONENT;
    }
  }

  let p = power[(k - 1) * m + (k - 1)]!;
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < SCALE_DOWN) {
      p *= SCALE_UP;
      exponent -= SCALE_EXPONENT;
    }
  }
  if (exponent !== 0) p *= 2 ** exponent;
  return Math.min(1, Math.max(0, p));
}
