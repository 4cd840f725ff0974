#!/usr/bin/env python3
"""Generates the `kl mi` fixtures (fixtures/joint/) and their measures (fixtures/reference/joint.json):
entropies, conditional entropies, mutual information, variation of information, normalised MI
with scikit-learn's four normalisers (its normalized_mutual_info_score reproduced below with
NumPy: scikit-learn is not needed), the G-test of independence (scipy.stats.chi2_contingency
with lambda_="log-likelihood", no correction) and the Miller–Madow corrected MI; and
philentropy's generalised Jensen–Shannon values for its three-distribution example.

Python is only a fixture generator: tests read the files it writes, never run this.
Run: python3 scripts/make-joint-references.py
"""
import json
import math
from pathlib import Path

import numpy as np
from scipy.stats import chi2_contingency

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "joint"
OUT = ROOT / "fixtures" / "reference" / "joint.json"


def entropy(p):
    p = p[p > 0]
    return -math.fsum(p * np.log(p))


def measures(table, counts):
    total = table.sum()
    pxy = table / total
    px, py = pxy.sum(axis=1), pxy.sum(axis=0)
    hx, hy, hxy = entropy(px), entropy(py), entropy(pxy.ravel())
    nz = pxy > 0
    mi = math.fsum((pxy * np.log(np.where(nz, pxy, 1) / np.outer(px, py)))[nz])

    # scikit-learn's normalized_mutual_info_score, from its contingency matrix.
    def nmi(method):
        if (px > 0).sum() == (py > 0).sum() == 1:
            return 1.0
        if mi == 0:
            return 0.0
        normaliser = {"arithmetic": (hx + hy) / 2, "geometric": math.sqrt(hx * hy), "min": min(hx, hy), "max": max(hx, hy)}[method]
        return mi / max(normaliser, np.finfo("float64").eps)

    out = {
        "entropy_x": hx,
        "entropy_y": hy,
        "joint_entropy": hxy,
        "conditional_entropy_x_given_y": hxy - hy,
        "conditional_entropy_y_given_x": hxy - hx,
        "mutual_information": mi,
        "variation_of_information": hx + hy - 2 * mi,
        "nmi_arithmetic": nmi("arithmetic"),
        "nmi_geometric": nmi("geometric"),
        "nmi_min": nmi("min"),
        "nmi_max": nmi("max"),
    }
    if counts:
        g, p, dof, _ = chi2_contingency(table, correction=False, lambda_="log-likelihood")
        out["g_statistic"] = float(g)
        out["g_pvalue"] = float(p)
        m = lambda a: int((a > 0).sum())
        out["mutual_information_mm"] = mi + ((m(px) - 1) + (m(py) - 1) - (m(pxy) - 1)) / (2 * total)
    return out


def gjsd(P, w):
    """The generalised Jensen–Shannon divergence in bits, as Σ wᵢ D(Pᵢ ‖ M) with math.fsum."""
    m = (w[:, None] * P).sum(axis=0)
    return math.fsum(wi * pij * math.log2(pij / mj) for wi, p in zip(w, P) for pij, mj in zip(p, m) if pij > 0)


def main():
    FIXTURES.mkdir(parents=True, exist_ok=True)
    counts = np.array([[20, 15, 2], [5, 12, 9], [1, 3, 14]], dtype=float)
    rows, cols = ["indoor", "outdoor", "zoo"], ["cat", "dog", "bird"]
    (FIXTURES / "table.csv").write_text("x," + ",".join(cols) + "\n" + "".join(f"{r}," + ",".join(str(int(v)) for v in row) + "\n" for r, row in zip(rows, counts)))
    (FIXTURES / "table.json").write_text(json.dumps({r: {c: int(v) for c, v in zip(cols, row) if v} for r, row in zip(rows, counts)}) + "\n")
    probs = counts / counts.sum()
    (FIXTURES / "probs.csv").write_text("x," + ",".join(cols) + "\n" + "".join(f"{r}," + ",".join(repr(float(v)) for v in row) + "\n" for r, row in zip(rows, probs)))

    # Paired observations: a classifier's predictions against the truth, its confidence, some missing.
    rng = np.random.default_rng(14)
    n = 300
    truth = rng.choice(["cat", "dog", "bird"], n, p=[0.5, 0.3, 0.2])
    prediction = np.where(rng.random(n) < 0.7, truth, rng.choice(["cat", "dog", "bird"], n))
    confidence = np.round(np.where(prediction == truth, rng.beta(5, 2, n), rng.beta(2, 3, n)), 4)
    missing = rng.random(n) < 0.05
    lines = ["prediction,truth,confidence"]
    for i in range(n):
        lines.append(f"{'NA' if missing[i] else prediction[i]},{truth[i]},{float(confidence[i])!r}")
    (FIXTURES / "pairs.csv").write_text("\n".join(lines) + "\n")

    def table_of(xs, ys):
        xl, yl = sorted(set(xs)), sorted(set(ys))
        t = np.zeros((len(xl), len(yl)))
        for a, b in zip(xs, ys):
            t[xl.index(a), yl.index(b)] += 1
        return t

    keep = ~missing
    pairs = measures(table_of(prediction[keep], truth[keep]), True)
    # confidence: numeric (more than 20 distinct values), 10 quantile bins of its own values.
    c = confidence
    edges = np.unique(np.quantile(c, np.linspace(0, 1, 11))[1:-1])
    bins = np.searchsorted(edges, c, side="right")
    binned = measures(table_of(bins, truth), True)

    P = np.array([np.arange(1, 11) / sum(range(1, 11)), np.arange(20, 30) / sum(range(20, 30)), np.arange(30, 40) / sum(range(30, 40))])
    for i, p in enumerate(P):
        (FIXTURES / f"dist{i + 1}.csv").write_text("category,p\n" + "".join(f"c{j},{float(v)!r}\n" for j, v in enumerate(p)))

    OUT.write_text(
        json.dumps(
            {
                "table_counts": measures(counts, True),
                "table_probs": measures(probs, False),
                "pairs_prediction_truth": {**pairs, "missing": int(missing.sum())},
                "pairs_confidence_truth": binned,
                # philentropy's gJSD example prints these to 8 digits; the float64 values are H(Σ wP) − Σ w H(P) in bits.
                "philentropy_gjsd_bits": {"equal": 0.03512892, "weights_0.5_0.25_0.25": 0.04081969},
                "gjsd_bits": {"equal": gjsd(P, np.ones(3) / 3), "weights_0.5_0.25_0.25": gjsd(P, np.array([0.5, 0.25, 0.25]))},
                "js_distance_matrix": [[math.sqrt(gjsd(np.array([P[i], P[j]]), np.array([0.5, 0.5])) * math.log(2)) for j in range(3)] for i in range(3)],
            },
            indent=1,
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
