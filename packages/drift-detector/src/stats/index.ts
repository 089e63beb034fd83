// Public surface of the statistics core: tests by Evidently name, the automatic choice, binning for reports,
// the distributions and the multiple-testing helper.
export { binSamples, binShares, histogramSorted, sturgesEdges } from "./binning.js";
export { chiSquareSf } from "./distributions/gamma.js";
export { kolmogorovSf } from "./distributions/kolmogorov.js";
export { normalCdf, normalSf } from "./distributions/normal.js";
export { smirnovSf } from "./distributions/smirnov.js";
export { adjustPValues, P_VALUE_CORRECTIONS, type PValueCorrection } from "./multiple-testing.js";
export { chooseDefaultTest, DEFAULT_CHOICE_DISTINCT_CAP, getTest, listTests } from "./registry.js";
export { SortWorkspace } from "./sort-workspace.js";
export {
  CountedNumbers,
  countDistinctMerged,
  markSortedFinite,
  meanAndStd,
  type NumberSample,
  RunCursor,
  type SortedNumbers,
  sampleSize,
  sortedNumbers,
  sortInPlace,
} from "./sorted.js";
export { jensenShannonDistance } from "./stattests/jensenshannon.js";
export { ksTwoSampleSorted } from "./stattests/ks.js";
export { StatTestInputError } from "./stattests/samples.js";
export * from "./types.js";
