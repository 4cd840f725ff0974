#!/usr/bin/env python3
"""Generates the `kl drift` fixtures (fixtures/drift/) and what SciPy/NumPy say about them
(fixtures/reference/drift.json): KS (scipy.stats.ks_2samp), Wasserstein
(scipy.stats.wasserstein_distance), the Kolmogorov distribution (scipy.stats.kstwo.sf),
chi2_contingency (no correction), np.quantile / np.histogram_bin_edges edges, the
per-column measures of `kl drift` on the fixtures, and Evidently's PSI (its
get_binned_data and _psi, ported line for line below with NumPy in place of pandas, on
the series of Evidently's own stattest tests).

Python is only a fixture generator: tests read the files it writes, never run this.
Run: python3 scripts/make-drift-references.py
"""
import json
import math
from pathlib import Path

import numpy as np
from scipy import stats
from scipy.special import rel_entr

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "drift"
OUT = ROOT / "fixtures" / "reference" / "drift.json"


def number(x):
    x = float(x)
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


# ---------------------------------------------------------------- fixtures
def make_table(rng, n, shift):
    age = np.clip(np.round(rng.normal(40 + 6 * shift, 11, n)), 18, 90).astype(int)
    income = np.round(rng.lognormal(10.4 + 0.25 * shift, 0.45, n), 2)
    plan = rng.choice(["free", "pro", "team"], size=n, p=[0.6 - 0.2 * shift, 0.3, 0.1 + 0.2 * shift])
    score = np.round(rng.normal(0.3 * shift, 1.0, n), 6)
    tenure = np.round(rng.exponential(3.0 + shift, n), 3)
    tenure_missing = rng.random(n) < 0.05
    return {"age": age, "income": income, "plan": plan, "score": score, "tenure": tenure, "tenure_missing": tenure_missing}


def write_csv(path, t):
    lines = ["age,income,plan,score,tenure"]
    for i in range(len(t["age"])):
        tenure = "NA" if t["tenure_missing"][i] else repr(float(t["tenure"][i]))
        lines.append(f'{t["age"][i]},{float(t["income"][i])!r},{t["plan"][i]},{float(t["score"][i])!r},{tenure}')
    path.write_text("\n".join(lines) + "\n")


def write_jsonl(path, t):
    lines = []
    for i in range(len(t["age"])):
        row = {"age": int(t["age"][i]), "income": float(t["income"][i]), "plan": str(t["plan"][i]), "score": float(t["score"][i])}
        row["tenure"] = None if t["tenure_missing"][i] else float(t["tenure"][i])
        lines.append(json.dumps(row))
    path.write_text("\n".join(lines) + "\n")


def columns_of(t):
    tenure = t["tenure"][~t["tenure_missing"]]
    return {"age": t["age"].astype(float), "income": t["income"], "plan": t["plan"], "score": t["score"], "tenure": tenure}


# ---------------------------------------------------------------- kl drift's rules, in NumPy
def quantile_bins(ref, bins):
    edges = np.quantile(np.sort(ref), np.linspace(0, 1, bins + 1))
    inner = []
    for e in edges[1:-1]:
        if not inner or e > inner[-1]:
            inner.append(e)
    # Drop an edge that would leave a reference bin empty (ties).
    kept, previous = [], 0
    s = np.sort(ref)
    for e in inner:
        below = np.searchsorted(s, e, side="left")
        if below > previous:
            kept.append(e)
            previous = below
    if kept and np.searchsorted(s, kept[-1], side="left") == len(s):
        kept.pop()
    return np.array([-np.inf, *kept, np.inf])


def open_rule_bins(sample, rule, bins=None):
    raw = np.histogram_bin_edges(sample, bins=bins if rule == "uniform" else rule)
    inner = []
    for e in raw[1:-1]:
        if not inner or e > inner[-1]:
            inner.append(e)
    return np.array([-np.inf, *inner, np.inf])


def counts(sample, edges):
    # Half-open bins [a, b): the number of values below each edge.
    s = np.sort(sample)
    below = [0 if e == -np.inf else (len(s) if e == np.inf else np.searchsorted(s, e, side="left")) for e in edges]
    return np.diff(below).astype(float)


def distribution_measures(p, q, pp=None, qq=None):
    pp = p if pp is None else pp
    qq = q if qq is None else qq
    m = (p + q) / 2
    kl_f = math.fsum(rel_entr(p, q))
    kl_r = math.fsum(rel_entr(q, p))
    js = (math.fsum(rel_entr(p, m)) + math.fsum(rel_entr(q, m))) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = [(b - a) * math.log(b / a) if a != b else 0.0 for a, b in zip(pp, qq)]
    psi = math.inf if any((a == 0) != (b == 0) for a, b in zip(pp, qq)) else math.fsum(terms)
    return {
        "kl_forward": kl_f,
        "kl_reverse": kl_r,
        "js_divergence": js,
        "js_distance": math.sqrt(js),
        "psi": psi,
        "hellinger": math.sqrt(math.fsum((np.sqrt(p) - np.sqrt(q)) ** 2) / 2),
        "total_variation": math.fsum(np.abs(p - q)) / 2,
    }


def knn_kl(a, b, k):
    """Wang, Kulkarni & Verdú (2009) in one dimension, brute force (no ties in the fixtures' use)."""
    a = np.sort(a)
    b = np.sort(b)
    n, m = len(a), len(b)
    total = 0.0
    for i, x in enumerate(a):
        within = np.sort(np.abs(np.delete(a, i) - x))
        across = np.sort(np.abs(b - x))
        total += math.log(across[k - 1]) - math.log(within[k - 1])
    return total / n + math.log(m / (n - 1))


def column_reference(name, ref, cur, options):
    distinct = len(np.unique(ref))
    numeric = ref.dtype.kind == "f" and distinct > 20
    if numeric:
        if options["binning"] == "quantile":
            edges = quantile_bins(ref, 10)
        else:
            sample = np.concatenate([ref, cur]) if options["from"] == "both" else ref
            edges = open_rule_bins(sample, options["binning"])
        rc, cc = counts(ref, edges), counts(cur, edges)
    else:
        cats = sorted(set(ref.tolist()) | set(cur.tolist()))
        rc = np.array([float(np.sum(ref == c)) for c in cats])
        cc = np.array([float(np.sum(cur == c)) for c in cats])
    p, q = rc / rc.sum(), cc / cc.sum()
    pp, qq = p, q
    if options.get("fill") == "evidently":
        pp, qq = evidently_fill(p.copy()), evidently_fill(q.copy())
        p, q = pp / pp.sum(), qq / qq.sum()
    measures = distribution_measures(p, q, pp, qq)
    if numeric:
        ks = stats.ks_2samp(ref, cur)
        measures.update(
            wasserstein=float(stats.wasserstein_distance(ref, cur)),
            ks_statistic=float(ks.statistic),
            ks_pvalue=float(ks.pvalue),
            kl_knn=knn_kl(ref, cur, 5) if name == "score" else None,
        )
    else:
        res = stats.chi2_contingency(np.array([rc, cc]), correction=False)
        measures.update(chi2_statistic=float(res.statistic), chi2_pvalue=float(res.pvalue))
    return {
        "name": name,
        "type": "numeric" if numeric else "categorical",
        "ref_counts": rc.tolist(),
        "cur_counts": cc.tolist(),
        "edges": [number(e) for e in edges] if numeric else None,
        "measures": {k: (None if v is None else number(v)) for k, v in measures.items()},
    }


# ---------------------------------------------------------------- Evidently, ported
def evidently_fill(percents):
    """The feel_zeroes branch of Evidently's get_binned_data (np.place on zeros)."""
    nonzero = percents[percents != 0]
    fill = min(nonzero) / 10**6 if min(nonzero) <= 0.0001 else 0.0001
    np.place(percents, percents == 0, fill)
    return percents


def evidently_binned(reference, current, numerical, n=30):
    """Evidently's get_binned_data (legacy/calculations/stattests/utils.py), NumPy for pandas."""
    n_vals = len(np.unique(reference))
    if numerical and n_vals > 20:
        bins = np.histogram_bin_edges(np.concatenate([reference, current]), bins="sturges")
        reference_percents = np.histogram(reference, bins)[0] / len(reference)
        current_percents = np.histogram(current, bins)[0] / len(current)
    else:
        keys = sorted(set(reference.tolist()) | set(current.tolist()))
        reference_percents = np.array([np.sum(reference == key) / len(reference) for key in keys])
        current_percents = np.array([np.sum(current == key) / len(current) for key in keys])
    return evidently_fill(reference_percents.astype(float)), evidently_fill(current_percents.astype(float))


def evidently_psi(reference, current, numerical):
    """Evidently's _psi (legacy/calculations/stattests/psi.py)."""
    reference_percents, current_percents = evidently_binned(reference, current, numerical)
    psi_values = (reference_percents - current_percents) * np.log(reference_percents / current_percents)
    return float(np.sum(psi_values))


def repeat(values, times):
    return np.repeat(np.array(values, dtype=float), times)


def main():
    FIXTURES.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(20261130)
    ref_t = make_table(rng, 400, 0.0)
    cur_t = make_table(rng, 300, 1.0)
    write_csv(FIXTURES / "ref.csv", ref_t)
    write_csv(FIXTURES / "cur.csv", cur_t)
    write_jsonl(FIXTURES / "cur.jsonl", cur_t)
    numeric_cols = ["age", "income", "score"]
    np.save(FIXTURES / "ref.npy", np.column_stack([ref_t[c].astype(float) for c in numeric_cols]))
    np.save(FIXTURES / "cur.npy", np.column_stack([cur_t[c].astype(float) for c in numeric_cols]))
    # One variable: model scores, as a JSON array and as a header-less CSV column.
    scores_ref = np.round(rng.beta(2, 5, 1000), 5)
    scores_cur = np.round(rng.beta(2.6, 5, 800), 5)
    (FIXTURES / "scores_ref.json").write_text(json.dumps(scores_ref.tolist()) + "\n")
    (FIXTURES / "scores_cur.csv").write_text("\n".join(repr(float(x)) for x in scores_cur) + "\n")

    ref_c, cur_c = columns_of(ref_t), columns_of(cur_t)
    fixture = {
        "default": [column_reference(c, ref_c[c], cur_c[c], {"binning": "quantile"}) for c in ref_c],
        "sturges_both_evidently": [column_reference(c, ref_c[c], cur_c[c], {"binning": "sturges", "from": "both", "fill": "evidently"}) for c in ref_c],
        "scores": column_reference("1", scores_ref, scores_cur, {"binning": "quantile"}),
    }

    # KS and Wasserstein on samples of every regime: exact (equal and unequal sizes, ties), asymptotic.
    ks_cases = []
    samples = [
        (rng.normal(0, 1, 40), rng.normal(0.5, 1, 40)),
        (rng.normal(0, 1, 300), rng.normal(0.1, 1.1, 250)),
        (np.round(rng.normal(0, 3, 500)), np.round(rng.normal(0.4, 3, 700))),
        (rng.normal(0, 1, 10001), rng.normal(0.05, 1, 700)),
        (rng.normal(0, 1, 12000), rng.normal(0.02, 1, 15000)),
        (rng.exponential(1, 20000), rng.exponential(1.5, 20000)),
        (rng.normal(0, 1, 5), rng.normal(3, 1, 7)),
    ]
    for a, b in samples:
        a = np.round(a, 6)
        b = np.round(b, 6)
        ks = stats.ks_2samp(a, b, method="auto")
        ks_cases.append(
            {
                "a": a.tolist(),
                "b": b.tolist(),
                "statistic": float(ks.statistic),
                "pvalue": float(ks.pvalue),
                "method": "exact" if max(len(a), len(b)) <= 10000 else "asymp",
                "wasserstein": float(stats.wasserstein_distance(a, b)),
            }
        )

    kolmogorov = []
    for n in [1, 2, 5, 10, 50, 100, 140, 141, 500, 1000, 5000, 20000, 100000, 100001, 300000, 1000000, 2000000]:
        for x in [0.6 / n, 0.8 / n, 1.5 / n, 0.001, 0.003, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.45, 0.5, 0.6, 0.9, 0.99]:
            if 0 < x < 1:
                kolmogorov.append([n, x, float(stats.kstwo.sf(x, n))])

    chi2 = []
    for ref, cur in [([16, 18, 16, 14, 12, 12], [16, 16, 16, 16, 16, 8]), ([50, 30, 20], [20, 30, 50]), ([5, 0, 7, 1], [3, 4, 0, 9]), ([1000, 2000], [1010, 1985])]:
        res = stats.chi2_contingency(np.array([ref, cur], dtype=float), correction=False)
        chi2.append({"ref": ref, "cur": cur, "statistic": float(res.statistic), "pvalue": float(res.pvalue), "dof": int(res.dof)})

    binning = []
    for sample in [np.round(rng.normal(0, 1, 333), 4), np.round(rng.lognormal(0, 1, 1000), 3), np.array([0.0] * 50 + [1.0] * 50 + [2.0] * 100 + list(np.arange(3, 30, dtype=float)))]:
        entry = {"sample": sample.tolist(), "quantile": np.quantile(sample, np.linspace(0, 1, 11)).tolist(), "quantile_bins": [number(e) for e in quantile_bins(sample, 10)]}
        for rule in ["sturges", "fd", "auto"]:
            entry[rule] = np.histogram_bin_edges(sample, bins=rule).tolist()
        entry["uniform7"] = np.histogram_bin_edges(sample, bins=7).tolist()
        binning.append(entry)

    # Evidently's own test series (tests/stattests/test_stattests.py), PSI with its fill.
    evidently = []
    for ref, cur, numerical in [
        (repeat([1, 2, 3, 4, 5, 6], [16, 18, 16, 14, 12, 12]), repeat([1, 2, 3, 4, 5, 6], [16, 16, 16, 16, 16, 8]), False),
        (repeat([1, 2, 3, 4, 5, 6], [16, 18, 16, 14, 12, 12]), repeat([1, 2, 3, 4, 5, 6], [10, 10, 24, 24, 10, 10]), False),
        (repeat([1, 2, 3, 4, 5, 6], [16, 18, 16, 14, 12, 12]), repeat([1, 2, 3, 4, 5, 6], [0, 0, 0, 0, 0, 88]), False),
        (np.array([38.7, 41.5, 43.8, 44.5, 45.5, 46.0, 47.7, 58.0]), np.array([39.2, 39.3, 39.7, 41.4, 41.8, 42.9, 43.3, 45.8]), True),
        (np.round(rng.normal(0, 1, 200), 4), np.round(rng.normal(0.8, 1.3, 150), 4), True),
    ]:
        evidently.append({"ref": ref.tolist(), "cur": cur.tolist(), "numerical": numerical, "psi": evidently_psi(ref, cur, numerical)})

    OUT.write_text(
        json.dumps({"fixture": fixture, "ks": ks_cases, "kolmogorov": kolmogorov, "chi2": chi2, "binning": binning, "evidently": evidently}, separators=(",", ":")) + "\n"
    )


if __name__ == "__main__":
    main()
