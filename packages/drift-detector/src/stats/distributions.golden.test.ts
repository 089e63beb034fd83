import { afterAll, describe, it } from "vitest";
import { expectAgrees, newTracker, summary } from "../../test/stats/golden/compare.js";
import { readFixture } from "../../test/stats/golden/samples.js";
import { chiSquareSf, kolmogorovSf, normalCdf, normalSf, smirnovSf } from "./index.js";

interface Distributions {
  kstwo: Array<{ n: number; x: number; sf: number }>;
  smirnov: Array<{ n: number; x: number; sf: number }>;
  chi2: Array<{ x: number; df: number; sf: number }>;
  normal: Array<{ z: number; sf: number; cdf: number }>;
}

const golden = readFixture<Distributions>("golden/distributions.json");
const tracker = newTracker();
afterAll(() => console.info(summary("distributions", tracker)));

describe("distributions agree with scipy", () => {
  it("kstwo.sf over every method region (Ruben–Gambino, Durbin, Pomeranz, Pelz–Good, Smirnov)", () => {
    for (const { n, x, sf } of golden.kstwo) expectAgrees(kolmogorovSf(n, x), sf, `kstwo.sf(${x}, ${n})`, tracker);
  });

  it("special.smirnov", () => {
    for (const { n, x, sf } of golden.smirnov) expectAgrees(smirnovSf(n, x), sf, `smirnov(${n}, ${x})`, tracker);
  });

  it("chi2.sf", () => {
    for (const { x, df, sf } of golden.chi2) expectAgrees(chiSquareSf(x, df), sf, `chi2.sf(${x}, ${df})`, tracker);
  });

  it("norm.sf and norm.cdf, far into both tails", () => {
    for (const { z, sf, cdf } of golden.normal) {
      expectAgrees(normalSf(z), sf, `norm.sf(${z})`, tracker);
      expectAgrees(normalCdf(z), cdf, `norm.cdf(${z})`, tracker);
    }
  });
});
