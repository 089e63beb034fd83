// Hellinger distance as Evidently `hellinger_distance.py`: √(1 − Σ√(p·q)) on category shares, or for numerical columns
// on density histograms over Sturges bins of the *distinct* pooled values (not Evidently's shared binning); drift when ≥ threshold.
import { histogramSorted, sturgesEdges } from "../binning.js";
import { pairedCounts } from "../counts.js";
import { countDistinctMerged, type SortedNumbers, sortedNumbers } from "../sorted.js";
import { defineDistanceTest } from "./define-test.js";

const clip01 = (x: number) => Math.min(1, Math.max(0, x));

/** Σ √(p·q)·w over density histograms (numpy `histogram(density=True)`), w = (last − first edge)/bins as Evidently. */
function numericalAffinity(reference: SortedNumbers, current: SortedNumbers): number {
  const ref = reference.values;
  const cur = current.values;
  const min = Math.min(ref[0]!, cur[0]!);
  const max = Math.max(ref[ref.length - 1]!, cur[cur.length - 1]!);
  const edges = sturgesEdges(min, max, countDistinctMerged(reference, current));
  const referenceCounts = histogramSorted(reference, edges);
  const currentCounts = histogramSorted(current, edges);
  const bins = edges.length - 1;
  const binWidth = (edges[bins]! - edges[0]!) / bins;
  let affinity = 0;
  for (let i = 0; i < bins; i++) {
    const width = edges[i + 1]! - edges[i]!;
    const p = referenceCounts[i]! / width / reference.size;
    const q = currentCounts[i]! / width / current.size;
    affinity += Math.sqrt(p * q) * binWidth;
  }
  return affinity;
}

export const hellingerTest = defineDistanceTest({
  name: "hellinger",
  label: "Hellinger distance",
  allowedTypes: ["categorical", "numerical"],
  measure(samples) {
    let affinity = 0;
    if (samples.type === "numerical") {
      affinity = numericalAffinity(sortedNumbers(samples.reference), sortedNumbers(samples.current));
    } else {
      const counts = pairedCounts(samples);
      for (let k = 0; k < counts.keys.length; k++) {
        affinity += Math.sqrt((counts.reference[k]! / counts.referenceRows) * (counts.current[k]! / counts.currentRows));
      }
    }
    return { distance: Math.sqrt(1 - clip01(affinity)) };
  },
});
