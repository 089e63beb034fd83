// P(D_n ≤ x) by Pomeranz's recursion, Pomeranz, Comm. ACM 17(12) (1974); as scipy `_ksstats._kolmogn_Pomeranz`.

const SCALE_EXPONENT = 128;
const SCALE_UP = 2 ** SCALE_EXPONENT;
const SCALE_DOWN = 2 ** -SCALE_EXPONENT;

/** Column range [j1, j2] that row i of the recursion touches (scipy `_pomeranz_compute_j1j2`). */
function rowRange(i: number, n: number, ll: number, ceilf: number, roundf: number): [number, number] {
  let j1: number;
  let j2: number;
  if (i === 0) {
    j1 = -ll - ceilf - 1;
    j2 = ll + ceilf - 1;
  } else {
    const half = Math.floor((i + 1) / 2);
    if ((i + 1) % 2 === 0) {
      if (half === n + 1) {
        j1 = n - ll - ceilf - 1;
        j2 = n + ll + ceilf - 1;
      } else {
        j1 = half - 1 - ll - roundf - 1;
        j2 = half + ll - 1 + ceilf - 1;
      }
    } else {
      j1 = half - 1 - ll - 1;
      j2 = half + ll + roundf - 1;
    }
  }
  return [Math.max(j1 + 2, 0), Math.min(j2, n)];
}

/** CDF of the two-sided one-sample Kolmogorov statistic, for small n (scipy uses it for n ≤ 140). */
export function kolmogorovCdfPomeranz(n: number, x: number): number {
  const t = n * x;
  const ll = Math.floor(t);
  const f = t - ll;
  const g = Math.min(f, 1 - f);
  const ceilf = f > 0 ? 1 : 0;
  const roundf = f > 0.5 ? 1 : 0;
  const powers = 2 * (ll + 1);
  // (g/n)^m/m!, (2g/n)^m/m!, ((1−2g)/n)^m/m!
  const gPower = new Float64Array(powers);
  const twoGPower = new Float64Array(powers);
  const oneMinusTwoGPower = new Float64Array(powers);
  gPower[0] = twoGPower[0] = oneMinusTwoGPower[0] = 1;
  for (let m = 1; m < powers; m++) {
    gPower[m] = (gPower[m - 1]! * (g / n)) / m;
    twoGPower[m] = (twoGPower[m - 1]! * ((2 * g) / n)) / m;
    oneMinusTwoGPower[m] = (oneMinusTwoGPower[m - 1]! * ((1 - 2 * g) / n)) / m;
  }

  let previous = new Float64Array(powers);
  let row = new Float64Array(powers);
  row[0] = 1;
  let previousStart = 0;
  let rowStart = 0;
  let exponent = 0;
  let [j1, j2] = rowRange(0, n, ll, ceilf, roundf);
  for (let i = 1; i < 2 * n + 2; i++) {
    const k1 = j1;
    [previous, row] = [row, previous];
    [previousStart, rowStart] = [rowStart, previousStart];
    row.fill(0);
    [j1, j2] = rowRange(i, n, ll, ceilf, roundf);
    const weights = i === 1 || i === 2 * n + 1 ? gPower : i % 2 ? twoGPower : oneMinusTwoGPower;
    const span = j2 - k1 + 1;
    if (span > 0) {
      // Entries conv[j1−k1 … j2−k1] of the full convolution of previous[k1−start …][:span] with weights[:span].
      const offset = k1 - previousStart;
      const available = Math.max(0, Math.min(span, powers - offset));
      const first = j1 - k1;
      const count = j2 - j1 + 1;
      for (let c = 0; c < count; c++) {
        const index = first + c;
        let total = 0;
        const lowest = Math.max(0, index - span + 1);
        const highest = Math.min(index, available - 1);
        for (let a = lowest; a <= highest; a++) total += previous[offset + a]! * weights[index - a]!;
        row[c] = total;
      }
      let max = Number.NEGATIVE_INFINITY;
      for (const value of row) if (value > max) max = value;
      if (max > 0 && max < SCALE_DOWN) {
        for (let c = 0; c < row.length; c++) row[c]! *= SCALE_UP;
        exponent -= SCALE_EXPONENT;
      }
      rowStart = previousStart + j1 - k1;
    }
  }

  let answer = row[n - rowStart]!;
  for (let m = 1; m <= n; m++) {
    if (Math.abs(answer) > SCALE_UP) {
      answer *= SCALE_DOWN;
      exponent += SCALE_EXPONENT;
    }
    answer *= m;
  }
  if (exponent !== 0) answer *= 2 ** exponent;
  return Math.min(1, Math.max(0, answer));
}
