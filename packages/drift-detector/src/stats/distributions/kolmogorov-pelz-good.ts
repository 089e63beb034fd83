// Pelz–Good asymptotic series for P(D_n ≤ x), Pelz & Good, J. R. Stat. Soc. B 38(2) (1976); as scipy `_ksstats._kolmogn_PelzGood`.

const SQRT_2PI = Math.sqrt(2 * Math.PI);
const SQRT3 = Math.sqrt(3);
const PI2 = Math.PI ** 2;
const PI4 = Math.PI ** 4;
const PI6 = Math.PI ** 6;
const MIN_LOG = -708;

/** CDF of the two-sided one-sample Kolmogorov statistic for large n: K0(z) + K1(z)/√n + K2(z)/n + K3(z)/n^1.5, z = x√n. */
export function kolmogorovCdfPelzGood(n: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const z = Math.sqrt(n) * x;
  const z2 = z ** 2;
  const z3 = z ** 3;
  const z4 = z ** 4;
  const z6 = z ** 6;
  const qlog = -PI2 / 8 / z2;
  if (qlog < MIN_LOG) return 0;
  let q = Math.exp(qlog);

  const k1a = -z2;
  const k1b = PI2 / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * PI2) / 4;
  const k2c = (PI4 * (1 - 2 * z2)) / 16;
  const k3d = (PI6 * (5 - 30 * z2)) / 64;
  const k3c = (PI4 * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (PI2 * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z ** 8;

  const terms = [0, 0, 0, 0];
  const maxK = Math.ceil((16 * z) / Math.PI);
  for (let k = maxK; k > 0; k--) {
    const m = 2 * k - 1;
    const m2 = m ** 2;
    const m4 = m ** 4;
    const m6 = m ** 6;
    const qPower = q ** (8 * k);
    const coefficients = [1, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4, k3a + k3b * m2 + k3c * m4 + k3d * m6];
    for (let i = 0; i < 4; i++) terms[i] = terms[i]! * qPower + coefficients[i]!;
  }
  const denominators = [z, 6 * z4, 72 * z ** 7, 6480 * z ** 10];
  for (let i = 0; i < 4; i++) terms[i] = (terms[i]! * q * SQRT_2PI) / denominators[i]!;

  q = Math.exp(-PI2 / 2 / z2);
  let k2extra = 0;
  let k3extra = 0;
  for (let k = maxK; k > 0; k--) {
    const k2 = k * k;
    const qPower = q ** k2;
    k2extra += k2 * qPower;
    k3extra += (SQRT3 * z + Math.PI * k) * (SQRT3 * z - Math.PI * k) * k2 * qPower;
  }
  terms[2]! += (k2extra * PI2 * SQRT_2PI) / (-36 * z3);
  terms[3]! += (k3extra * PI2 * SQRT_2PI) / (216 * z6);
  let sum = 0;
  for (let i = 0; i < 4; i++) sum += terms[i]! / n ** (i / 2);
  return sum;
}
