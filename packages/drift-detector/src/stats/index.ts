// Public surface of the statistics core: tests by Evidently name, the automatic choice, binning for reports,
// the distributions and the multiple-testing helper.
export {
  type BinnedCounts,
  binSamples,
  binShares,
  histogramSorted,
  MAX_DISTINCT_FOR_VALUE_BINS,
  sturgesEdges,
} from "./binning.js";
export { type PairedCounts, pairedCounts } from "./counts.js";
export { chiSquareSf, logGamma, regularizedGammaQ } from "./distributions/gamma.js";
export { kolmogorovSf } from "./distributions/kolmogorov.js";
export { probOutsideBand, probOutsideSquare } from "./distributions/ks-two-sample-exact.js";
export { normalCdf, normalSf, normalTwoSidedP } from "./distributions/normal.js";
export { smirnovSf } from "./distributions/smirnov.js";
export { adjustPValues, P_VALUE_CORRECTIONS, type PValueCorrection } from "./multiple-testing.js";
export {
  chooseDefaultTest,
  type DefaultTestInput,
  getTest,
  isStatTestName,
  listTests,
  SMALL_REFERENCE_MAX_ROWS,
} from "./registry.js";
export { countDistinctMerged, countDistinctSorted, meanAndStd, sortInPlace } from "./sorted.js";
export { jensenShannonDistance } from "./tests/jensenshannon.js";
export { KS_EXACT_MAX_N, type KsResult, ksStatisticSorted, ksTwoSampleSorted } from "./tests/ks.js";
export { StatTestInputError } from "./tests/samples.js";
export { wassersteinDistanceSorted } from "./tests/wasserstein.js";
export * from "./types.js";
