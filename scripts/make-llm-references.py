#!/usr/bin/env python3
"""Generates the model-output fixtures (fixtures/llm/) and llama.cpp's KL-divergence
statistics on them (fixtures/reference/llm.json).

The statistics are llama.cpp's (tools/perplexity/perplexity.cpp, kl_divergence(): its
mean_and_uncertainty, covariance, PPL, ln(PPL ratio), PPL ratio and difference with their
uncertainties, the correlation of the NLLs, KLD and Δp percentiles, RMS Δp, same top),
ported to NumPy in float64 on exact log-softmaxes (llama.cpp itself stores the base
model's log-probabilities in 16 bits, drops tokens below −16 and takes percentiles in
float32; kl does none of that, so neither does the reference). Sums are math.fsum.

Python is only a fixture generator: tests read the files it writes, never run this.
Run: python3 scripts/make-llm-references.py
"""
import json
import math
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "llm"
OUT = ROOT / "fixtures" / "reference" / "llm.json"
B, T, V = 4, 64, 300
IGNORE = -100


def log_softmax(x):
    x = x.astype(np.float64)
    z = x - x.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


def mean_and_uncertainty(sum_, sum2, count):
    """llama.cpp's: the mean and sqrt((mean of squares − mean²)/(n − 1)) (0 for n ≤ 10)."""
    f = sum_ / count
    df = sum2 / count - f * f
    df = math.sqrt(df / (count - 1)) if df > 0 and count > 10 else 0.0
    return f, df


def covariance(suma, sumb, sumab, count):
    if count < 10:
        return 0.0
    return (sumab / count - (suma / count) * (sumb / count)) / (count - 1)


def percentile(values, fraction):
    """NumPy's linear interpolation in float64 (llama.cpp's, without its float32)."""
    return float(np.quantile(values, fraction))


def llama_statistics(lp, lq, targets):
    """lp: the base (P, reference) log-probabilities, lq: the candidate's (Q); one row per scored position."""
    rows = np.arange(len(targets))
    nll_base = -lp[rows, targets]
    nll = -lq[rows, targets]
    p = np.exp(lp)
    kld = np.array([math.fsum(p[i] * (lp[i] - lq[i])) for i in rows])
    p_diff = np.exp(-nll) - np.exp(-nll_base)
    n = len(targets)
    fs = math.fsum
    log_ppl = mean_and_uncertainty(fs(nll), fs(nll * nll), n)
    log_ppl_base = mean_and_uncertainty(fs(nll_base), fs(nll_base * nll_base), n)
    ppl, ppl_unc = math.exp(log_ppl[0]), math.exp(log_ppl[0]) * log_ppl[1]
    ppl_base, ppl_base_unc = math.exp(log_ppl_base[0]), math.exp(log_ppl_base[0]) * log_ppl_base[1]
    cov = covariance(fs(nll), fs(nll_base), fs(nll * nll_base), n)
    cor = cov / (log_ppl[1] * log_ppl_base[1])
    ln_ratio = log_ppl[0] - log_ppl_base[0]
    ln_ratio_unc = math.sqrt(log_ppl[1] ** 2 + log_ppl_base[1] ** 2 - 2.0 * cov)
    ratio = math.exp(ln_ratio)
    ppl_cov = ppl * ppl_base * cov
    kl = mean_and_uncertainty(fs(kld), fs(kld * kld), n)
    dp = mean_and_uncertainty(fs(p_diff), fs(p_diff * p_diff), n)
    mse = mean_and_uncertainty(fs(p_diff**2), fs(p_diff**4), n)
    rms = math.sqrt(mse[0])
    same_top = float(np.mean(lq.argmax(axis=1) == lp.argmax(axis=1)))
    levels = {"p0_1": 0.001, "p1": 0.01, "p5": 0.05, "p10": 0.1, "p25": 0.25, "median": 0.5, "p75": 0.75, "p90": 0.9, "p95": 0.95, "p99": 0.99, "p99_9": 0.999}
    return {
        "rows": n,
        "scalars": {
            "perplexity_q": ppl,
            "perplexity_q_stderr": ppl_unc,
            "perplexity_p": ppl_base,
            "perplexity_p_stderr": ppl_base_unc,
            "nll_correlation": cor,
            "ln_perplexity_ratio": ln_ratio,
            "ln_perplexity_ratio_stderr": ln_ratio_unc,
            "perplexity_ratio": ratio,
            "perplexity_ratio_stderr": ratio * ln_ratio_unc,
            "perplexity_difference": ppl - ppl_base,
            "perplexity_difference_stderr": math.sqrt(ppl_unc**2 + ppl_base_unc**2 - 2.0 * ppl_cov),
            "rms_delta_p": rms,
            "rms_delta_p_stderr": 0.5 / rms * mse[1],
            "top1_agreement": same_top,
            "top1_agreement_stderr": math.sqrt(same_top * (1 - same_top) / (n - 1)),
        },
        "kl_forward": {"mean": kl[0], "stderr": kl[1], "min": float(kld.min()), "max": float(kld.max()), **{k: percentile(kld, v) for k, v in levels.items()}},
        "delta_p": {"mean": dp[0], "stderr": dp[1], "min": float(p_diff.min()), "max": float(p_diff.max()), **{k: percentile(p_diff, v) for k, v in levels.items()}},
    }


def main():
    FIXTURES.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(15)
    ref = (rng.normal(0, 3, (B, T, V))).astype(np.float32)
    new = (ref + rng.normal(0, 0.35, (B, T, V))).astype(np.float32)
    lp_all = log_softmax(ref)
    # The text: token t+1 drawn from the reference model's distribution at t.
    tokens = np.zeros((B, T), dtype=np.int32)
    tokens[:, 0] = rng.integers(0, V, B)
    for b in range(B):
        for t in range(T - 1):
            tokens[b, t + 1] = rng.choice(V, p=np.exp(lp_all[b, t]) / np.exp(lp_all[b, t]).sum())
    # Right padding, as a PyTorch data loader pads shorter sequences.
    padded = tokens.copy()
    padded[2, 50:] = IGNORE
    padded[3, 40:] = IGNORE
    mask = (padded != IGNORE).astype(np.uint8)
    np.save(FIXTURES / "ref_logits.npy", ref)
    np.save(FIXTURES / "new_logits.npy", new)
    np.save(FIXTURES / "tokens.npy", padded)
    np.save(FIXTURES / "mask.npy", mask)
    # Targets as they are at each position: the next token, flattened (B·T rows) with -100 kept.
    shifted = np.full((B, T), IGNORE, dtype=np.int32)
    shifted[:, :-1] = padded[:, 1:]
    np.save(FIXTURES / "next_targets.npy", shifted)
    # The same text as one flat column of targets, one per position (B·T rows, nothing padded).
    np.save(FIXTURES / "targets_flat.npy", tokens.reshape(-1))

    lp = log_softmax(ref).reshape(B * T, V)
    lq = log_softmax(new).reshape(B * T, V)
    flat_tokens = tokens.reshape(-1)
    # 1. Every position scores its own token (targets (B, T), nothing ignored).
    every = llama_statistics(lp, lq, flat_tokens)
    # 2. --next-token --ignore-index -100: position t scores token t+1; the last position of each
    #    sequence and every position whose next token is padding are left out.
    keep = shifted.reshape(-1) != IGNORE
    next_token = llama_statistics(lp[keep], lq[keep], shifted.reshape(-1)[keep])
    next_token["ignored"] = int((~keep).sum())
    OUT.write_text(json.dumps({"shape": [B, T, V], "every_position": every, "next_token": next_token}, indent=1) + "\n")


if __name__ == "__main__":
    main()
