#!/usr/bin/env python3
"""Generates the batch fixtures and their NumPy/SciPy reference values.

- fixtures/batch/*.npy, *.csv, *.jsonl: small batches in every batch format
- fixtures/batch/reference.json: per-row measures and summary statistics (SciPy/NumPy)
- fixtures/npy/*.npy: one array per dtype / byte order / shape / format version
- fixtures/bad/*.npy: truncated and lying .npy files

Python only generates checked-in fixtures; tests never run it.
Run: python3 scripts/make-batch-fixtures.py
"""
import io
import json
from pathlib import Path

import numpy as np
from scipy.special import log_softmax, rel_entr
from scipy.stats import entropy

ROOT = Path(__file__).resolve().parent.parent / "fixtures"
BATCH = ROOT / "batch"
NPY = ROOT / "npy"
BAD = ROOT / "bad"


def stats(values):
    v = np.asarray(values, dtype=np.float64)
    return {
        "mean": float(v.mean()),
        "stderr": float(v.std(ddof=1) / np.sqrt(len(v))),
        "median": float(np.percentile(v, 50)),
        "p90": float(np.percentile(v, 90)),
        "p95": float(np.percentile(v, 95)),
        "p99": float(np.percentile(v, 99)),
        "min": float(v.min()),
        "max": float(v.max()),
        "argmin": int(v.argmin()),
        "argmax": int(v.argmax()),
    }


def js_divergence(p, q):
    m = (p + q) / 2
    return 0.5 * rel_entr(p, m).sum(axis=1) + 0.5 * rel_entr(q, m).sum(axis=1)


def main():
    rng = np.random.default_rng(7)
    BATCH.mkdir(parents=True, exist_ok=True)
    NPY.mkdir(parents=True, exist_ok=True)

    # Logits batch: 3-D (2 sequences × 6 positions × 16 vocab), float32, like a model dump.
    ref = rng.normal(0, 3, (2, 6, 16)).astype(np.float32)
    new = (ref + rng.normal(0, 0.3, ref.shape)).astype(np.float32)
    targets = rng.integers(0, 16, 12).astype(np.int64)
    np.save(BATCH / "ref_logits.npy", ref)
    np.save(BATCH / "new_logits.npy", new)
    np.save(BATCH / "targets.npy", targets)
    (BATCH / "targets.csv").write_text("target\n" + "".join(f"{t}\n" for t in targets))
    lp = log_softmax(ref.reshape(12, 16).astype(np.float64), axis=1)
    lq = log_softmax(new.reshape(12, 16).astype(np.float64), axis=1)
    P, Q = np.exp(lp), np.exp(lq)
    kl_f = entropy(P, Q, axis=1)
    kl_r = entropy(Q, P, axis=1)
    js = js_divergence(P, Q)
    nll_p = -lp[np.arange(12), targets]
    nll_q = -lq[np.arange(12), targets]
    delta = Q[np.arange(12), targets] - P[np.arange(12), targets]
    logits_ref = {
        "rows": [{"kl_forward": float(a), "kl_reverse": float(b), "js_divergence": float(c)} for a, b, c in zip(kl_f, kl_r, js)],
        "summary": {"kl_forward": stats(kl_f), "kl_reverse": stats(kl_r), "js_divergence": stats(js),
                     "nll_p": stats(nll_p), "nll_q": stats(nll_q), "delta_p": stats(delta)},
        "top1_agreement": float((P.argmax(1) == Q.argmax(1)).mean()),
        "accuracy_p": float((P.argmax(1) == targets).mean()),
        "accuracy_q": float((Q.argmax(1) == targets).mean()),
        "perplexity_p": float(np.exp(nll_p.mean())),
        "perplexity_q": float(np.exp(nll_q.mean())),
    }

    # Probability rows in CSV with headers whose column order differs between P and Q.
    labels = ["cat", "dog", "__proto__", "constructor", "bird"]
    Pp = rng.dirichlet(np.ones(5), 20)
    Qp = rng.dirichlet(np.ones(5), 20)
    order = [3, 0, 4, 2, 1]

    def write_csv(path, header, rows):
        with open(path, "w") as f:
            f.write(",".join(header) + "\n")
            for row in rows:
                f.write(",".join(repr(float(x)) for x in row) + "\n")

    write_csv(BATCH / "p_rows.csv", labels, Pp)
    write_csv(BATCH / "q_rows.csv", [labels[i] for i in order], Qp[:, order])
    with open(BATCH / "p_rows.jsonl", "w") as f:
        for row in Pp:
            f.write(json.dumps([float(x) for x in row]) + "\n")
    with open(BATCH / "q_rows.jsonl", "w") as f:
        for row in Qp:
            f.write(json.dumps({labels[i]: float(row[i]) for i in order}) + "\n")
    with open(BATCH / "p_rows_labelled.jsonl", "w") as f:
        for row in Pp:
            f.write(json.dumps({labels[i]: float(row[i]) for i in range(5)}) + "\n")
    probs_kl = entropy(Pp, Qp, axis=1)
    probs_ref = {
        "rows": [{"kl_forward": float(a), "kl_reverse": float(b), "js_divergence": float(c)}
                 for a, b, c in zip(probs_kl, entropy(Qp, Pp, axis=1), js_divergence(Pp, Qp))],
        "summary": {"kl_forward": stats(probs_kl)},
        "top1_agreement": float((Pp.argmax(1) == Qp.argmax(1)).mean()),
    }
    (BATCH / "reference.json").write_text(json.dumps({"generator": "scripts/make-batch-fixtures.py (NumPy/SciPy)",
                                                       "logits": logits_ref, "probs": probs_ref}, indent=1) + "\n")

    # One .npy per dtype and byte order, all holding the same counts [[1,2,3,4],[4,3,2,1]].
    base = np.array([[1, 2, 3, 4], [4, 3, 2, 1]])
    for descr in ["<f2", ">f2", "<f4", ">f4", "<f8", ">f8", "|i1", "|u1", "<i2", ">i2", "<i4", ">i4", "<i8", ">i8", "<u2", "<u4", ">u8"]:
        name = descr.replace("<", "le-").replace(">", "be-").replace("|", "")
        np.save(NPY / f"{name}.npy", base.astype(np.dtype(descr)))
    np.save(NPY / "fortran.npy", np.asfortranarray(base.astype(np.float64)))
    np.save(NPY / "one-d.npy", np.array([0.25, 0.25, 0.5]))
    np.save(NPY / "three-d.npy", np.arange(1, 25, dtype=np.float64).reshape(2, 3, 4))
    for version in [(2, 0), (3, 0)]:
        with open(NPY / f"version-{version[0]}.npy", "wb") as f:
            np.lib.format.write_array(f, base.astype(np.float64), version=version)

    # Lying and broken .npy files.
    buf = io.BytesIO()
    np.save(buf, np.ones((4, 3)))
    whole = buf.getvalue()
    (BAD / "truncated.npy").write_bytes(whole[:-8])
    (BAD / "header-truncated.npy").write_bytes(whole[:40])
    (BAD / "bad-dtype.npy").write_bytes(whole.replace(b"'<f8'", b"'<c8'"))
    (BAD / "shape-too-large.npy").write_bytes(whole.replace(b"(4, 3)", b"(9, 3)"))
    (BAD / "not-npy.npy").write_bytes(b"this is not an npy file at all\n")


if __name__ == "__main__":
    main()
