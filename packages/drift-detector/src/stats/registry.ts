// The drift tests by Evidently name, and Evidently's automatic choice of test per column
// (`stattests/registry._get_default_stattest`, Evidently 0.7).
import { chiSquareTest } from "./stattests/chisquare.js";
import { hellingerTest } from "./stattests/hellinger.js";
import { jensenShannonTest } from "./stattests/jensenshannon.js";
import { klDivergenceTest } from "./stattests/kl-div.js";
import { ksTest } from "./stattests/ks.js";
import { psiTest } from "./stattests/psi.js";
import { wassersteinTest } from "./stattests/wasserstein.js";
import { zTest } from "./stattests/z.js";
import { type ColumnType, type DriftTest, STAT_TEST_NAMES, type StatTestName } from "./types.js";

const TESTS: Readonly<Record<StatTestName, DriftTest>> = {
  ks: ksTest,
  chisquare: chiSquareTest,
  z: zTest,
  wasserstein: wassersteinTest,
  jensenshannon: jensenShannonTest,
  psi: psiTest,
  kl_div: klDivergenceTest,
  hellinger: hellingerTest,
};

/** Evidently switches from p-value tests to distances above this many (non-missing) reference rows. */
const SMALL_REFERENCE_MAX_ROWS = 1000;

function isStatTestName(name: string): name is StatTestName {
  return (STAT_TEST_NAMES as readonly string[]).includes(name);
}

/** The test registered under an Evidently name; throws a RangeError listing the known names otherwise. */
export function getTest(name: string): DriftTest {
  if (!isStatTestName(name)) {
    throw new RangeError(`unknown drift test "${name}"; known tests: ${STAT_TEST_NAMES.join(", ")}`);
  }
  return TESTS[name];
}

/** Every registered test, in `STAT_TEST_NAMES` order. */
export function listTests(): DriftTest[] {
  return STAT_TEST_NAMES.map((name) => TESTS[name]);
}

/** Distinct values beyond this many never change the default choice: a caller may stop counting there. */
export const DEFAULT_CHOICE_DISTINCT_CAP = 6;

export interface DefaultTestInput {
  type: ColumnType;
  /** Non-missing values in the reference column. */
  referenceRows: number;
  /** Distinct non-missing values in reference and current together (or DEFAULT_CHOICE_DISTINCT_CAP, if more). */
  distinctValues: number;
}

/**
 * Evidently's default: ≤ 1000 reference rows → KS (numerical, > 5 values), chi-square (3–5 numerical values, or a
 * categorical column with > 2), Z-test (≤ 2 values); more rows → Wasserstein (numerical, > 5 values), else Jensen–Shannon.
 */
export function chooseDefaultTest({ type, referenceRows, distinctValues }: DefaultTestInput): DriftTest {
  if (referenceRows <= SMALL_REFERENCE_MAX_ROWS) {
    if (type === "numerical" && distinctValues >= DEFAULT_CHOICE_DISTINCT_CAP) return ksTest;
    return distinctValues > 2 ? chiSquareTest : zTest;
  }
  return type === "numerical" && distinctValues >= DEFAULT_CHOICE_DISTINCT_CAP ? wassersteinTest : jensenShannonTest;
}
