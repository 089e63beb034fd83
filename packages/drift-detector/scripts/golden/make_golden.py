#!/usr/bin/python3
"""Writes the golden values the drift statistics are tested against (test/fixtures/golden/*.json).

Run with Debian's python3-scipy / python3-pandas:  /usr/bin/python3 scripts/golden/make_golden.py
The reference is scipy itself and Evidently's formulas (src/evidently/legacy/calculations/stattests/, 0.7.x),
re-implemented below line by line because Evidently is not installed; each function names the file it mirrors.

Samples are not stored: each is described by a small spec and regenerated identically in TypeScript
(test/stats/golden/samples.ts) from a mulberry32 stream using only IEEE-exact operations (+, *, /, floor).
"""
import json
import math
import os
import warnings
from collections import defaultdict

import numpy as np
import pandas as pd
import scipy
from scipy import special, stats
from scipy.spatial import distance

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(PACKAGE, "test", "fixtures", "golden")
WINE = os.path.join(PACKAGE, "test", "fixtures", "winequality-red.csv")
MASK = 0xFFFFFFFF

warnings.simplefilter("ignore")  # scipy warns on the infinite chi-square of absent categories; that case is wanted


# ---------------------------------------------------------------- deterministic samples (mirrored in TypeScript)
def mulberry32(seed):
    a = seed & MASK
    while True:
        a = (a + 0x6D2B79F5) & MASK
        t = ((a ^ (a >> 15)) * (a | 1)) & MASK
        t = (((t + (((t ^ (t >> 7)) * (t | 61)) & MASK)) & MASK) ^ t) & MASK
        yield ((t ^ (t >> 14)) & MASK) / 4294967296.0


def make_sample(spec):
    """spec: {seed, n, loc, scale, quantum, shape}: shape "bell" = sum of 4 uniforms − 2, "uniform" = one uniform.
    (A few KS cases give their values as a plain list instead.)"""
    rng = mulberry32(spec["seed"])
    values = []
    for _ in range(spec["n"]):
        if spec["shape"] == "bell":
            z = next(rng) + next(rng) + next(rng) + next(rng) - 2.0
        else:
            z = next(rng)
        v = spec["loc"] + spec["scale"] * z
        if spec["quantum"]:
            v = math.floor(v / spec["quantum"]) * spec["quantum"]
        values.append(v)
    return np.array(values, dtype=np.float64)


def spec(seed, n, loc=0.0, scale=1.0, quantum=0.0, shape="bell"):
    return {"seed": seed, "n": n, "loc": loc, "scale": scale, "quantum": quantum, "shape": shape}


def counts_sample(counts):
    """A categorical sample given as {label: count}, expanded for pandas."""
    return pd.Series([label for label, c in counts.items() for _ in range(c)], dtype=object)


# ---------------------------------------------------------------- Evidently's tests (legacy/calculations/stattests)
def union_keys(reference_data, current_data):
    """utils.get_unique_not_nan_values_list_from_series; Evidently leaves the set's order, which varies with Python's
    string hashing and so moves sums in the last bits: sorted here so that the fixtures are reproducible."""
    return sorted(set(reference_data.dropna().unique()) | set(current_data.dropna().unique()), key=str)


def get_binned_data(reference_data, current_data, feature_type, feel_zeroes=True):
    """utils.get_binned_data"""
    n_vals = reference_data.nunique()
    if feature_type == "num" and n_vals > 20:
        bins = np.histogram_bin_edges(pd.concat([reference_data, current_data], axis=0).values, bins="sturges")
        reference_percents = np.histogram(reference_data, bins)[0] / len(reference_data)
        current_percents = np.histogram(current_data, bins)[0] / len(current_data)
    else:
        keys = union_keys(reference_data, current_data)
        ref_feature_dict = {**dict.fromkeys(keys, 0), **dict(reference_data.value_counts())}
        current_feature_dict = {**dict.fromkeys(keys, 0), **dict(current_data.value_counts())}
        reference_percents = np.array([ref_feature_dict[key] / len(reference_data) for key in keys])
        current_percents = np.array([current_feature_dict[key] / len(current_data) for key in keys])
    if feel_zeroes:
        for percents in (reference_percents, current_percents):
            nonzero_min = min(percents[percents != 0])
            np.place(percents, percents == 0, nonzero_min / 10**6 if nonzero_min <= 0.0001 else 0.0001)
    return reference_percents, current_percents


def ks(ref, cur, ft, threshold):
    """ks_stattest.py; method says which p-value scipy gave (it warns when the exact one fails and it falls back)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        r = stats.ks_2samp(ref, cur)
    fell_back = any("Exact calculation unsuccessful" in str(w.message) for w in caught)
    method = "exact" if max(len(ref), len(cur)) <= 10000 and not fell_back else "asymptotic"
    return {"statistic": float(r.statistic), "p_value": float(r.pvalue), "drifted": bool(r.pvalue <= threshold), "method": method}


def chisquare(ref, cur, ft, threshold):
    """chisquare_stattest.py"""
    keys = union_keys(ref, cur)
    ref_feature_dict = {**dict.fromkeys(keys, 0), **dict(ref.value_counts())}
    current_feature_dict = {**dict.fromkeys(keys, 0), **dict(cur.value_counts())}
    k_norm = cur.shape[0] / ref.shape[0]
    f_exp = [ref_feature_dict[key] * k_norm for key in keys]
    f_obs = [current_feature_dict[key] for key in keys]
    statistic, p_value = stats.chisquare(f_obs, f_exp)
    return {
        "statistic": None if math.isinf(statistic) else float(statistic),
        "statistic_infinite": bool(math.isinf(statistic)),
        "p_value": float(p_value),
        "drifted": bool(p_value < threshold),
    }


def z(ref, cur, ft, threshold):
    """z_stattest.py; p_value is the same two-sided tail without cancellation, evidently_p_value Evidently's own."""
    if ref.nunique() == 1 and cur.nunique() == 1 and ref.unique()[0] == cur.unique()[0]:
        return {"statistic": 0.0, "p_value": 1.0, "evidently_p_value": 1.0, "drifted": bool(1 < threshold)}
    keys = sorted(set(ref.dropna().unique()) | set(cur.dropna().unique()))
    a = ref.apply(lambda x: 0 if x == keys[0] else 1)
    b = cur.apply(lambda x: 0 if x == keys[0] else 1)
    n1, n2 = len(a), len(b)
    p1 = float(sum(a)) / n1
    p2 = float(sum(b)) / n2
    P = float(p1 * n1 + p2 * n2) / (n1 + n2)
    zs = (p1 - p2) / np.sqrt(P * (1 - P) * (1.0 / n1 + 1.0 / n2))
    evidently_p = 2 * (1 - stats.norm.cdf(np.abs(zs)))
    return {
        "statistic": float(zs),
        "p_value": float(2 * stats.norm.sf(np.abs(zs))),
        "evidently_p_value": float(evidently_p),
        "drifted": bool(evidently_p < threshold),
    }


def wasserstein(ref, cur, ft, threshold):
    """wasserstein_distance_norm.py"""
    norm = max(np.std(ref), 0.001)
    value = stats.wasserstein_distance(ref, cur) / norm
    return {"statistic": float(value), "p_value": None, "drifted": bool(value >= threshold)}


def jensenshannon(ref, cur, ft, threshold):
    """jensenshannon.py"""
    r, c = get_binned_data(ref, cur, ft, False)
    value = distance.jensenshannon(r, c, None)
    return {"statistic": float(value), "p_value": None, "drifted": bool(value >= threshold)}


def psi(ref, cur, ft, threshold):
    """psi.py"""
    r, c = get_binned_data(ref, cur, ft)
    value = np.sum((r - c) * np.log(r / c))
    return {"statistic": float(value), "p_value": None, "drifted": bool(value >= threshold)}


def kl_div(ref, cur, ft, threshold):
    """kl_div.py"""
    r, c = get_binned_data(ref, cur, ft)
    value = stats.entropy(r, c)
    return {"statistic": float(value), "p_value": None, "drifted": bool(value >= threshold)}


def hellinger(ref, cur, ft, threshold):
    """hellinger_distance.py"""
    keys = union_keys(ref, cur)
    if ft == "cat":
        dd = defaultdict(int)
        r = (ref.value_counts() / len(ref)).to_dict(into=dd)
        c = (cur.value_counts() / len(cur)).to_dict(into=dd)
        value = sum(math.sqrt(r[key] * c[key]) for key in keys)
    else:
        bins = np.histogram_bin_edges(keys, bins="sturges")
        h1 = np.histogram(ref.to_numpy(), bins=bins, density=True)[0]
        h2 = np.histogram(cur.to_numpy(), bins=bins, density=True)[0]
        bin_width = (max(bins) - min(bins)) / (len(bins) - 1)
        value = sum(math.sqrt(h1[i] * h2[i]) * bin_width for i in range(len(h1)))
    value = math.sqrt(1 - np.clip(value, 0, 1))
    return {"statistic": float(value), "p_value": None, "drifted": bool(value >= threshold)}


TESTS = {"ks": ks, "chisquare": chisquare, "z": z, "wasserstein": wasserstein, "jensenshannon": jensenshannon,
         "psi": psi, "kl_div": kl_div, "hellinger": hellinger}
DEFAULT_THRESHOLDS = {"ks": 0.05, "chisquare": 0.05, "z": 0.05, "wasserstein": 0.1, "jensenshannon": 0.1,
                      "psi": 0.1, "kl_div": 0.1, "hellinger": 0.1}
NUMERICAL_ONLY = {"ks", "wasserstein"}


def default_test(ref, cur, ft):
    """registry._get_default_stattest"""
    n_values = pd.concat([ref, cur]).nunique()
    if ref.shape[0] <= 1000:
        if ft == "num":
            return ("chisquare" if n_values > 2 else "z") if n_values <= 5 else "ks"
        return "chisquare" if n_values > 2 else "z"
    if ft == "num":
        return "jensenshannon" if n_values <= 5 else "wasserstein"
    return "jensenshannon"


def run_all(ref, cur, ft, tests=None):
    names = tests or [t for t in TESTS if ft == "num" or t not in NUMERICAL_ONLY]
    return {name: TESTS[name](ref.copy(), cur.copy(), ft, DEFAULT_THRESHOLDS[name]) for name in names}


# ---------------------------------------------------------------- the cases
def distributions():
    kstwo, smirnov = [], []
    for n in [1, 2, 3, 5, 10, 50, 100, 140, 141, 500, 1000, 5000, 6000, 20000, 100000, 100001, 500000, 2000000]:
        for x in [1e-4, 0.001, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.45, 0.5, 0.6, 0.9, 0.999, 0.7 / n, 1.5 / n, 1 - 0.5 / n]:
            if 0 < x < 1:
                kstwo.append({"n": n, "x": x, "sf": float(stats.kstwo.sf(x, n))})
                smirnov.append({"n": n, "x": x, "sf": float(special.smirnov(n, x))})
    # n·x² across the method regions (Durbin ≤ 0.754693 < Pomeranz ≤ 4 for n ≤ 140; Durbin / Pelz–Good / Smirnov above)
    for n in [7, 60, 140, 300, 3000, 40000, 250000, 1500000]:
        for nx2 in [0.3, 0.7, 0.76, 1.0, 2.0, 2.19, 2.21, 3.9, 4.1, 10, 17.9, 18.1, 100, 369, 371]:
            x = math.sqrt(nx2 / n)
            if x < 1:
                kstwo.append({"n": n, "x": x, "sf": float(stats.kstwo.sf(x, n))})
    chi2 = [{"x": x, "df": df, "sf": float(stats.chi2.sf(x, df))}
            for df in [1, 2, 3, 5, 10, 30, 100, 999] for x in [0.0, 1e-3, 0.5, 1, 2, 5, 10, 50, 100, 300, 1000, 1500]]
    normal = [{"z": zv, "sf": float(stats.norm.sf(zv)), "cdf": float(stats.norm.cdf(zv))}
              for zv in [-40, -10, -5, -2, -1, -0.5, 0, 1e-3, 0.5, 1, 1.96, 3, 5, 8.3, 10, 20, 37.5]]
    return {"kstwo": kstwo, "smirnov": smirnov, "chi2": chi2, "normal": normal}


KS_CASES = [
    ("5 vs 5, D = 1/5: exact sum rounds above 1, scipy falls back", [1, 2, 3, 4, 5], [1, 2, 3, 4, 5.5]),
    ("7 vs 7, D = 1/7: fallback, effective n 3.5 rounds to 4", [1, 2, 3, 4, 5, 6, 7], [1, 2, 3, 4, 5, 6, 7.5]),
    ("one value each", spec(1, 1), spec(2, 1, loc=0.5)),
    ("one against eight", spec(3, 1), spec(4, 8)),
    ("two against three", spec(5, 2), spec(6, 3)),
    ("tiny equal n", spec(7, 8), spec(8, 8, loc=0.3)),
    ("tiny, full separation", spec(9, 6), spec(10, 9, loc=5)),
    ("20 vs 30", spec(11, 20), spec(12, 30, loc=0.2)),
    ("100 vs 100 ties", spec(13, 100, quantum=0.25), spec(14, 100, quantum=0.25, loc=0.1)),
    ("999 vs 1000", spec(15, 999), spec(16, 1000, loc=0.05)),
    ("3000 vs 4000 shifted", spec(17, 3000), spec(18, 4000, loc=0.1)),
    ("10000 vs 10000 same law, p near 1", spec(19, 10000), spec(20, 10000)),
    ("10000 vs 9999 same law", spec(21, 10000), spec(22, 9999)),
    ("10000 vs 9999 shifted, tiny p", spec(23, 10000), spec(24, 9999, loc=0.08)),
    ("9000 vs 10000 heavy ties", spec(25, 9000, quantum=0.1), spec(26, 10000, quantum=0.1, loc=0.02)),
    ("10000 vs 7 exact", spec(27, 10000), spec(28, 7, loc=0.4)),
    ("10000 vs 10000 scaled", spec(29, 10000), spec(30, 10000, scale=1.1)),
    ("10001 vs 10001 (effective n rounds half to even)", spec(31, 10001), spec(32, 10001, loc=0.01)),
    ("10001 vs 9000", spec(33, 10001), spec(34, 9000, loc=0.03)),
    ("20000 vs 15000 shifted", spec(35, 20000), spec(36, 15000, loc=0.05)),
    ("12000 vs 40 (small effective n)", spec(37, 12000), spec(38, 40, loc=0.3)),
    ("12000 vs 3", spec(39, 12000), spec(40, 3)),
    ("15000 vs 130, huge shift", spec(41, 15000), spec(42, 130, loc=1.2)),
    ("50000 vs 50000 heavy ties", spec(43, 50000, quantum=0.5), spec(44, 50000, quantum=0.5, loc=0.01)),
    ("100000 vs 1000 uniform", spec(45, 100000, shape="uniform"), spec(46, 1000, shape="uniform", loc=0.02)),
    ("200000 vs 200000 same law", spec(47, 200000), spec(48, 200000)),
]


def ks_cases():
    out = []
    for name, a, b in KS_CASES:
        values = [np.array(side, dtype=np.float64) if isinstance(side, list) else make_sample(side) for side in (a, b)]
        result = ks(pd.Series(values[0]), pd.Series(values[1]), "num", 0.05)
        out.append({"name": name, "reference": a, "current": b, **result})
    return out


def test_cases():
    numerical = [
        ("continuous 2000 vs 1500, small shift", spec(101, 2000), spec(102, 1500, loc=0.1)),
        ("continuous 800 vs 900, same law", spec(103, 800), spec(104, 900)),
        ("continuous, current far outside the reference range", spec(105, 500), spec(106, 300, loc=3)),
        ("21 distinct reference values (shared Sturges bins)", spec(107, 600, scale=21, quantum=1, shape="uniform"),
         spec(108, 500, scale=21, quantum=1, shape="uniform", loc=1)),
        ("20 distinct reference values (one bin per value)", spec(109, 600, scale=20, quantum=1, shape="uniform"),
         spec(110, 500, scale=20, quantum=1, shape="uniform", loc=2)),
        ("five values", spec(111, 700, scale=5, quantum=1, shape="uniform"), spec(112, 650, scale=5, quantum=1, shape="uniform", loc=0.6)),
        ("binary 0/1", spec(113, 900, scale=2, quantum=1, shape="uniform"), spec(114, 800, scale=2, quantum=1, shape="uniform", loc=0.2)),
        ("constant, same value", spec(115, 50, scale=0), spec(116, 40, scale=0)),
        ("constant, different values", spec(117, 50, scale=0, loc=3), spec(118, 40, scale=0, loc=4)),
        ("nearly constant reference", spec(119, 300, scale=1e-6), spec(120, 300, scale=1e-6, loc=1e-6)),
    ]
    out = []
    for name, a, b in numerical:
        ref, cur = pd.Series(make_sample(a)), pd.Series(make_sample(b))
        tests = [t for t in TESTS if not (t == "chisquare" and pd.concat([ref, cur]).nunique() == 1)]
        out.append({"name": name, "type": "numerical", "reference": a, "current": b,
                    "default_test": default_test(ref, cur, "num"), "results": run_all(ref, cur, "num", tests)})
    categorical = [
        ("three labels, small shift", {"a": 50, "b": 30, "c": 20}, {"a": 45, "b": 33, "c": 22}),
        ("label absent from the reference", {"a": 50, "b": 30, "c": 20}, {"a": 40, "b": 30, "c": 25, "d": 5}),
        ("label absent from the current", {"a": 50, "b": 30, "c": 20, "d": 7}, {"a": 40, "b": 35, "c": 25}),
        ("binary labels", {"no": 700, "yes": 300}, {"no": 640, "yes": 360}),
        ("binary, one label each", {"no": 10}, {"yes": 12}),
        ("one and the same label", {"x": 10}, {"x": 12}),
        ("numeric grades as labels", {"3": 10, "4": 53, "5": 681, "6": 638, "7": 199, "8": 18},
         {"3": 2, "4": 20, "5": 300, "6": 380, "7": 150, "8": 30, "9": 1}),
        ("many labels", {f"k{i:03d}": 1 + (i * 37) % 50 for i in range(200)}, {f"k{i:03d}": 1 + (i * 53) % 47 for i in range(190)}),
    ]
    for name, a, b in categorical:
        ref, cur = counts_sample(a), counts_sample(b)
        tests = [t for t in TESTS if t not in NUMERICAL_ONLY and not (t == "chisquare" and len(set(a) | set(b)) == 1)]
        out.append({"name": name, "type": "categorical", "reference": a, "current": b,
                    "default_test": default_test(ref, cur, "cat"), "results": run_all(ref, cur, "cat", tests)})
    return out


WINE_CASES = [
    ("full vs itself", {"rows": [0, 1599]}, {"rows": [0, 1599]}),
    ("first 800 vs last 799", {"rows": [0, 800]}, {"rows": [800, 1599]}),
    ("even rows vs odd rows", {"rows": "even"}, {"rows": "odd"}),
    ("full vs alcohol + 0.5", {"rows": [0, 1599]}, {"rows": [0, 1599], "shift": {"alcohol": 0.5}}),
    ("full vs sulphates × 1.1, density × 1.001", {"rows": [0, 1599]},
     {"rows": [0, 1599], "scale": {"sulphates": 1.1, "density": 1.001}}),
    ("first 800 vs last 799 with pH + 0.05", {"rows": [0, 800]}, {"rows": [800, 1599], "shift": {"pH": 0.05}}),
    ("rows 0–59 vs rows 1000–1039 (small samples)", {"rows": [0, 60]}, {"rows": [1000, 1040]}),
    ("rows 100–399 vs rows 400–1599", {"rows": [100, 400]}, {"rows": [400, 1599]}),
    # Missing cells are dropped before testing, and the automatic choice counts the non-missing reference rows:
    # alcohol and pH keep ≤ 1000 of 1040 reference values, so they get KS where the full columns get Wasserstein.
    ("rows 0–1039 vs rows 1040–1598, cells missing in both", {"rows": [0, 1040], "missing": {"alcohol": 20, "pH": 3}},
     {"rows": [1040, 1599], "missing": {"alcohol": 7, "sulphates": 4}}),
]


def select(frame, view):
    rows = view["rows"]
    part = frame.iloc[0::2] if rows == "even" else frame.iloc[1::2] if rows == "odd" else frame.iloc[rows[0]:rows[1]]
    part = part.reset_index(drop=True).copy()
    for column, delta in view.get("shift", {}).items():
        part[column] = part[column] + delta
    for column, factor in view.get("scale", {}).items():
        part[column] = part[column] * factor
    for column, every in view.get("missing", {}).items():
        part.loc[part.index % every == 0, column] = np.nan
    return part


def wine_cases():
    frame = pd.read_csv(WINE, float_precision="round_trip")
    out = []
    for name, a, b in WINE_CASES:
        ref_frame, cur_frame = select(frame, a), select(frame, b)
        columns = []
        for column in frame.columns:
            ft = "cat" if column == "quality" else "num"
            # Evidently drops missing values before every test (get_one_column_drift: replace ±inf, dropna).
            ref = ref_frame[column].dropna() if ft == "num" else ref_frame[column].dropna().astype(str)
            cur = cur_frame[column].dropna() if ft == "num" else cur_frame[column].dropna().astype(str)
            tests = [t for t in TESTS if ft == "num" or t not in NUMERICAL_ONLY]
            columns.append({"column": column, "type": "numerical" if ft == "num" else "categorical",
                            "missing_reference": int(ref_frame[column].isna().sum()),
                            "missing_current": int(cur_frame[column].isna().sum()),
                            "distinct_values": int(pd.concat([ref, cur]).nunique()),
                            "default_test": default_test(ref, cur, ft), "results": run_all(ref, cur, ft, tests)})
        out.append({"name": name, "reference": a, "current": b, "columns": columns})
    return out


def write(name, payload):
    payload = {"generated_by": "scripts/golden/make_golden.py", "scipy": scipy.__version__, "numpy": np.__version__,
               "pandas": pd.__version__, **payload}
    with open(os.path.join(OUT, name), "w") as f:
        json.dump(payload, f, indent=1, allow_nan=False)
        f.write("\n")


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    write("distributions.json", distributions())
    write("ks.json", {"cases": ks_cases()})
    write("tests.json", {"cases": test_cases()})
    write("wine.json", {"cases": wine_cases()})
    print("wrote", ", ".join(sorted(os.listdir(OUT))), "to", OUT)
