"""The SciPy pipeline a user would write instead of `kl drift ref.csv cur.csv`: np.loadtxt both
tables, then per column reference deciles (outer bins open), np.histogram, PSI,
scipy.stats.wasserstein_distance and ks_2samp. Prints its own peak RSS (KiB) on stderr for the bench."""
import resource, sys
import numpy as np
from scipy.stats import ks_2samp, wasserstein_distance
ref = np.loadtxt(sys.argv[1], delimiter=",", skiprows=1)
cur = np.loadtxt(sys.argv[2], delimiter=",", skiprows=1)
for j in range(ref.shape[1]):
    r, c = ref[:, j], cur[:, j]
    edges = np.quantile(r, np.linspace(0, 1, 11))
    edges = np.unique(edges); edges[0], edges[-1] = -np.inf, np.inf
    p = np.histogram(r, edges)[0] / len(r); q = np.histogram(c, edges)[0] / len(c)
    psi = np.sum((q - p) * np.log(q / p))
    ks = ks_2samp(r, c)
    print(j, psi, wasserstein_distance(r, c), ks.statistic, ks.pvalue)
print(f"rss_kib={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}", file=sys.stderr)
