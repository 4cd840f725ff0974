"""The NumPy/SciPy pipeline for `kl compare ref.npy new.npy --kind logits`:
np.load, scipy.special.log_softmax in float64, per-row KL both ways, then the summary.
Prints its own peak RSS (KiB) on stderr for the bench."""
import resource
import sys

import numpy as np
from scipy.special import log_softmax

la = log_softmax(np.load(sys.argv[1]).astype(np.float64), axis=1)
lb = log_softmax(np.load(sys.argv[2]).astype(np.float64), axis=1)
pa, pb = np.exp(la), np.exp(lb)
for values in ((pa * (la - lb)).sum(axis=1), (pb * (lb - la)).sum(axis=1)):
    print(values.mean(), np.median(values), values.max(), np.percentile(values, 99))
print(f"rss_kib={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}", file=sys.stderr)
