"""The SciPy pipeline a user would write instead of `kl entropy p.csv`: np.loadtxt one column
(np.savetxt's default '%.18e' lines), scipy.stats.entropy. Prints its own peak RSS (MiB) on
stderr for the bench."""
import resource
import sys

import numpy as np
from scipy.stats import entropy

print(entropy(np.loadtxt(sys.argv[1])))
print(f"rss_kib={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}", file=sys.stderr)
