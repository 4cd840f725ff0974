#!/usr/bin/env python3
"""Writes the input-form fixtures of fixtures/forms/: the same two batches of distributions
(4 rows × 5 categories) as NumPy writes them by default (np.savetxt: whitespace-separated,
%.18e), as CSV, gzip-compressed CSV and an .npz archive (np.savez and np.savez_compressed);
and `sort | uniq -c` output of two word lists. Tests check that every form gives the numbers
the CSV gives.

Python is only a fixture generator: tests read the files it writes, never run this.
Run: python3 scripts/make-format-fixtures.py
"""
import gzip
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "fixtures" / "forms"


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(18)
    p = rng.dirichlet(np.ones(5), size=4)
    q = rng.dirichlet(np.ones(5), size=4)
    np.savetxt(OUT / "p.txt", p)
    np.savetxt(OUT / "q.txt", q)
    np.savetxt(OUT / "p.csv", p, delimiter=",", fmt="%.17g")
    np.savetxt(OUT / "q.csv", q, delimiter=",", fmt="%.17g")
    # mtime=0: the same bytes on every run.
    with open(OUT / "p.csv", "rb") as plain, open(OUT / "p.csv.gz", "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as compressed:
            compressed.write(plain.read())
    logits = np.log(p).astype(np.float32)
    np.savez(OUT / "pq.npz", p=p, q=q)
    np.savez_compressed(OUT / "logits.npz", logits=logits)
    words_p = "the cat sat on the mat the end".split()
    words_q = "the dog sat on the log a cat".split()
    for name, words in (("p_uniq.txt", words_p), ("q_uniq.txt", words_q)):
        with open(OUT / name, "w") as out:
            for word, count in sorted(Counter(words).items()):
                out.write(f"{count:7d} {word}\n")


if __name__ == "__main__":
    main()
