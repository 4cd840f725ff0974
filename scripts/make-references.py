#!/usr/bin/env python3
"""Generates fixtures/reference/*.json: inputs as exact float64 values and expected
measures computed with mpmath at 50 significant digits on those exact values.

Python is only a fixture generator: tests read the JSON it writes, never run this.
Run: python3 scripts/make-references.py
"""
import json
import math
from pathlib import Path

import numpy as np
from mpmath import mp, mpf, log, sqrt, exp, fsum

mp.dps = 50
OUT = Path(__file__).resolve().parent.parent / "fixtures" / "reference"


def mp_measures(p, q):
    P = [mpf(float(x)) for x in p]
    Q = [mpf(float(x)) for x in q]

    def H(a):
        return -fsum(x * log(x) for x in a if x > 0)

    def cross(a, b):
        if any(x > 0 and y == 0 for x, y in zip(a, b)):
            return mp.inf
        return -fsum(x * log(y) for x, y in zip(a, b) if x > 0)

    def kl(a, b):
        if any(x > 0 and y == 0 for x, y in zip(a, b)):
            return mp.inf
        return fsum(x * log(x / y) for x, y in zip(a, b) if x > 0)

    M = [(x + y) / 2 for x, y in zip(P, Q)]
    js = (kl(P, M) + kl(Q, M)) / 2
    tv = fsum(abs(x - y) for x, y in zip(P, Q)) / 2
    hel = sqrt(fsum((sqrt(x) - sqrt(y)) ** 2 for x, y in zip(P, Q)) / 2)
    values = {
        "entropy_p": H(P),
        "entropy_q": H(Q),
        "cross_entropy_pq": cross(P, Q),
        "cross_entropy_qp": cross(Q, P),
        "kl_forward": kl(P, Q),
        "kl_reverse": kl(Q, P),
        "js_divergence": js,
        "js_distance": sqrt(js),
        "jeffreys": kl(P, Q) + kl(Q, P),
        "total_variation": tv,
        "hellinger": hel,
    }
    return {k: ("Infinity" if v == mp.inf else mp.nstr(v, 50)) for k, v in values.items()}


def case(name, p, q, note):
    return {"name": name, "note": note, "p": [float(x) for x in p], "q": [float(x) for x in q], "expected_nats": mp_measures(p, q)}


def normalized(a):
    a = np.asarray(a, dtype=np.float64)
    return a / a.sum()


def main():
    rng = np.random.default_rng(20261124)
    cases = [
        case("textbook", [0.7, 0.3], [0.5, 0.5], "P=(0.7,0.3), Q=(0.5,0.5): D_KL = 0.0822829 nats"),
        case("dirichlet-10", normalized(rng.dirichlet(np.ones(10))), normalized(rng.dirichlet(np.ones(10))), "random, 10 categories"),
        case(
            "tiny-probabilities-5000",
            normalized(10.0 ** rng.uniform(-300, 0, 5000)),
            normalized(10.0 ** rng.uniform(-300, 0, 5000)),
            "5000 categories, probabilities spread log-uniformly down to 1e-300",
        ),
    ]
    base = normalized(rng.dirichlet(np.ones(1000)))
    near = normalized(base * (1 + 1e-6 * rng.standard_normal(1000)))
    cases.append(case("near-identical-1000", base, near, "Q = P perturbed by 1e-6 relative: KL ~ 1e-13"))
    with_zeros_p = normalized([0.5, 0.0, 0.25, 0.25, 0.0])
    with_zeros_q = normalized([0.2, 0.3, 0.0, 0.5, 0.0])
    cases.append(case("zeros", with_zeros_p, with_zeros_q, "p=0 terms vanish; p>0,q=0 makes forward KL infinite"))
    cases.append(case("disjoint", [0.5, 0.5, 0.0, 0.0], [0.0, 0.0, 0.25, 0.75], "disjoint supports: JS = ln 2"))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "measures.json").write_text(json.dumps({"generator": "scripts/make-references.py (mpmath, 50 digits)", "cases": cases}, indent=1) + "\n")

    # Logits: the reference softmax is computed exactly from the float64 logits.
    def mp_softmax(x, t=1.0):
        xs = [mpf(float(v)) / mpf(t) for v in x]
        m = max(xs)
        z = fsum(exp(v - m) for v in xs)
        return [exp(v - m) / z for v in xs]

    def mp_kl(a, b):
        return fsum(x * log(x / y) for x, y in zip(a, b) if x > 0)

    logit_cases = []
    for name, lp, lq, t in [
        ("magnitude-1e3", [1000.0, 999.0, 990.0], [990.0, 1000.0, 995.0], 1.0),
        ("negative-1e3", [-1000.0, -1001.5, -1003.0, -999.0], [-1002.0, -1000.0, -1000.5, -1001.0], 1.0),
        ("random-vocab-512", list(rng.normal(0, 5, 512)), list(rng.normal(0, 5, 512)), 1.0),
        ("temperature-2", [3.0, 1.0, -2.0, 0.5], [2.0, 2.5, -1.0, 0.0], 2.0),
    ]:
        sp, sq = mp_softmax(lp, t), mp_softmax(lq, t)
        logit_cases.append({
            "name": name,
            "temperature": t,
            "p_logits": [float(v) for v in lp],
            "q_logits": [float(v) for v in lq],
            "expected_nats": {"kl_forward": mp.nstr(mp_kl(sp, sq), 50), "kl_reverse": mp.nstr(mp_kl(sq, sp), 50)},
        })
    # Near-identical float32 logits over a 32000-token vocabulary (a quantised model against
    # its base): per-row KL ~1e-8, where a plain normaliser or a Σ(p − q) term shows.
    # Stored as base64 float32 bytes (little-endian) to keep the fixture small.
    import base64
    near_rows = []
    for noise in (1e-3, 1e-4):
        base_logits = rng.normal(0, 3, 32000).astype(np.float32)
        new_logits = (base_logits + noise * rng.standard_normal(32000)).astype(np.float32)
        sp, sq = mp_softmax(base_logits.astype(np.float64)), mp_softmax(new_logits.astype(np.float64))
        near_rows.append({
            "noise": noise,
            "p_f32_base64": base64.b64encode(base_logits.astype("<f4").tobytes()).decode(),
            "q_f32_base64": base64.b64encode(new_logits.astype("<f4").tobytes()).decode(),
            "kl_forward": mp_kl(sp, sq),
            "kl_reverse": mp_kl(sq, sp),
        })
    near = {
        "name": "near-identical-32000-float32",
        "note": "2 rows of float32 logits, Q = P + noise (1e-3, 1e-4); per-row KL and the batch mean",
        "rows": [{k: (mp.nstr(v, 50) if k.startswith("kl_") else v) for k, v in row.items()} for row in near_rows],
        "mean_kl_forward": mp.nstr(fsum(row["kl_forward"] for row in near_rows) / len(near_rows), 50),
    }
    # Logits whose division by T overflows unless the maximum is subtracted first.
    overflow = {"name": "temperature-overflow", "temperature": 0.5, "p_logits": [1e308, -1e308], "q_logits": [0.0, 0.0],
                "expected_nats": {"kl_forward": mp.nstr(log(2), 50), "kl_reverse": "Infinity"}}
    logit_cases.append(overflow)
    (OUT / "logits-32000.json").write_text(json.dumps({"generator": "scripts/make-references.py (mpmath, 50 digits)", **near}, indent=1) + "\n")
    (OUT / "logits.json").write_text(json.dumps({"generator": "scripts/make-references.py (mpmath, 50 digits)", "cases": logit_cases}, indent=1) + "\n")


if __name__ == "__main__":
    main()
