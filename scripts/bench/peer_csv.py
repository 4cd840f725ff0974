"""The SciPy pipeline a user would write instead of `kl compare p.csv q.csv`:
np.loadtxt both files, scipy.stats.entropy both ways per row, then mean/median/max/p99.
Prints its own peak RSS (MiB) on stderr for the bench."""
import resource
import sys

import numpy as np
from scipy.stats import entropy

P = np.loadtxt(sys.argv[1], delimiter=",")
Q = np.loadtxt(sys.argv[2], delimiter=",")
for values in (entropy(P, Q, axis=1), entropy(Q, P, axis=1)):
    print(values.mean(), np.median(values), values.max(), np.percentile(values, 99))
print(f"rss_kib={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}", file=sys.stderr)
