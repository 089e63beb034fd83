"""The baseline a data scientist would use: pandas.read_csv on both files, then scipy ks_2samp on each shared column.

Prints one JSON line: wall seconds measured inside (imports included) and peak RSS in KiB (Linux ru_maxrss).
"""
import json
import resource
import sys
import time

start = time.perf_counter()
import pandas as pd  # noqa: E402  (import time is part of what the user waits for)
from scipy.stats import ks_2samp  # noqa: E402

reference = pd.read_csv(sys.argv[1])
current = pd.read_csv(sys.argv[2])
columns = {}
for column in reference.columns:
    if column in current.columns:
        result = ks_2samp(reference[column].dropna(), current[column].dropna())
        columns[column] = {"statistic": float(result.statistic), "p_value": float(result.pvalue)}
print(
    json.dumps(
        {
            "wall_seconds": time.perf_counter() - start,
            "max_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            "columns": columns,
        }
    )
)
