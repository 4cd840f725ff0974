#!/usr/bin/env python3
"""Generates the `kl fit` fixtures (fixtures/fit/) and the optima of their objectives found by
SciPy (fixtures/reference/fit.json).

The objective is kl's (src/measures/fit.ts), written again here with NumPy: P's masses on
increasing points x_i; a model density f becomes Q_i = f(x_i)·w_i / Σ_j f(x_j)·w_j with
w_i = (x_{i+1} − x_{i−1})/2 (the ends: their one spacing); forward minimises D(P‖Q), reverse
D(Q‖P). Each optimum is the best of many starts of scipy.optimize.minimize (L-BFGS-B with
the analytic gradient, then Nelder–Mead from there as a check that it is a minimum), so it
does not depend on kl's own choice of starts. Samples become P by scipy.stats.gaussian_kde
(Scott's or Silverman's factor) on 512 points from min − 3h to max + 3h.

Python is only a fixture generator: tests read the files it writes, never run this.
Run: python3 scripts/make-fit-references.py
"""
import json
from pathlib import Path

import numpy as np
from scipy import stats
from scipy.optimize import minimize
from scipy.special import logsumexp

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "fit"
OUT = ROOT / "fixtures" / "reference" / "fit.json"


def widths(x):
    w = np.empty_like(x)
    w[1:-1] = (x[2:] - x[:-2]) / 2
    w[0] = x[1] - x[0]
    w[-1] = x[-1] - x[-2]
    return w


def log_shape(family, theta, x):
    """log f(x) up to terms independent of x (they cancel in Q), as kl's families.ts."""
    if family == "gaussian":
        mean, sd = theta[0], np.exp(theta[1])
        return -0.5 * ((x - mean) / sd) ** 2
    if family == "student-t":
        loc, scale, df = theta[0], np.exp(theta[1]), np.exp(theta[2])
        return -0.5 * (df + 1) * np.log1p(((x - loc) / scale) ** 2 / df)
    k = int(family.split(":")[1])
    a = np.append(theta[: k - 1], 0.0)
    log_w = a - logsumexp(a)
    means, log_sd = theta[k - 1 : 2 * k - 1], theta[2 * k - 1 :]
    z = (x[:, None] - means[None, :]) / np.exp(log_sd)[None, :]
    return logsumexp(log_w[None, :] - log_sd[None, :] - 0.5 * z * z, axis=1)


def natural(family, theta):
    if family == "gaussian":
        return [theta[0], np.exp(theta[1])]
    if family == "student-t":
        return [theta[0], np.exp(theta[1]), np.exp(theta[2])]
    k = int(family.split(":")[1])
    a = np.append(theta[: k - 1], 0.0)
    weights = np.exp(a - logsumexp(a))
    parts = sorted(zip(weights, theta[k - 1 : 2 * k - 1], np.exp(theta[2 * k - 1 :])), key=lambda part: part[1])
    return [float(v) for part in parts for v in part]


def objective(family, direction, x, p):
    log_w = np.log(widths(x))
    log_p = np.log(np.where(p > 0, p, 1.0))

    def f(theta):
        ell = log_shape(family, theta, x) + log_w
        log_q = ell - logsumexp(ell)
        if direction == "forward":
            nz = p > 0
            return float(np.sum(p[nz] * (log_p[nz] - log_q[nz])))
        q = np.exp(log_q)
        if np.any((p == 0) & (q > 0)):
            return np.inf
        return float(np.sum(q * (log_q - log_p)))

    return f


def gradient(f, theta, step=1e-6):
    g = np.empty_like(theta)
    for i in range(len(theta)):
        e = np.zeros_like(theta)
        e[i] = step
        g[i] = (f(theta + e) - f(theta - e)) / (2 * step)
    return g


def starts(family, x, p, rng):
    mean = float(np.sum(p * x))
    sd = float(np.sqrt(np.sum(p * (x - mean) ** 2)))
    cdf = np.cumsum(p)
    quantile = lambda level: float(x[np.searchsorted(cdf, level)])
    gaussians = [[quantile(level), sd * scale] for level in np.linspace(0.05, 0.95, 10) for scale in (0.2, 0.5, 1.0, 2.0)]
    if family == "gaussian":
        return [[m, np.log(s)] for m, s in gaussians]
    if family == "student-t":
        return [[m, np.log(s), np.log(df)] for m, s in gaussians for df in (1.5, 4.0, 20.0)]
    k = int(family.split(":")[1])
    out = []
    for _ in range(60):
        means = np.sort(rng.choice(x, size=k, p=p))
        sds = sd * rng.uniform(0.1, 1.0, size=k)
        out.append(list(rng.normal(0, 0.5, size=k - 1)) + list(means) + list(np.log(sds)))
    return out


def optimum(family, direction, x, p):
    f = objective(family, direction, x, p)
    rng = np.random.default_rng(20261130)
    best = None
    for start in starts(family, x, p, rng):
        start = np.array(start, dtype=float)
        if not np.isfinite(f(start)):
            continue
        result = minimize(
            f,
            start,
            jac=lambda t: gradient(f, t),
            method="L-BFGS-B",
            options={"maxiter": 20000, "ftol": 1e-16, "gtol": 1e-12, "maxcor": 20},
        )
        if best is None or result.fun < best.fun:
            best = result
    # Polish: Nelder–Mead from the best point, then L-BFGS-B again.
    polished = minimize(f, best.x, method="Nelder-Mead", options={"xatol": 1e-12, "fatol": 1e-17, "maxiter": 40000, "maxfev": 40000})
    final = minimize(f, polished.x, jac=lambda t: gradient(f, t), method="L-BFGS-B", options={"maxiter": 20000, "ftol": 1e-16, "gtol": 1e-12})
    if final.fun > best.fun:
        final = best
    return natural(family, final.x), float(final.fun)


def write_fixtures():
    FIXTURES.mkdir(parents=True, exist_ok=True)
    # Two well-separated Gaussians, as a density on a grid.
    x = np.round(np.arange(-8.0, 10.0 + 1e-9, 0.05), 10)
    density = 0.6 * stats.norm.pdf(x, -2, 1) + 0.4 * stats.norm.pdf(x, 4, 1)
    with open(FIXTURES / "bimodal.csv", "w") as out:
        out.write("x,density\n")
        for xi, di in zip(x, density):
            out.write(f"{float(xi)!r},{float(di)!r}\n")
    # A heavy-tailed distribution (Student's t, ν = 3), as probabilities summing to 1.
    x = np.round(np.arange(-30.0, 32.0 + 1e-9, 0.25), 10)
    p = stats.t.pdf(x, 3, loc=1, scale=2)
    p = p / p.sum()
    with open(FIXTURES / "heavy.csv", "w") as out:
        out.write("x,p\n")
        for xi, pi in zip(x, p):
            out.write(f"{float(xi)!r},{float(pi)!r}\n")
    # Counts of a skewed integer-valued quantity (no empty cells, so both directions are finite).
    counts = [3, 11, 29, 52, 78, 96, 104, 99, 88, 71, 57, 43, 31, 22, 16, 11, 8, 5, 4, 2, 1]
    with open(FIXTURES / "counts.csv", "w") as out:
        out.write("x,count\n")
        for xi, ci in enumerate(counts):
            out.write(f"{xi},{ci}\n")
    # Raw samples from the bimodal mixture.
    rng = np.random.default_rng(7)
    n = 1000
    first = rng.random(n) < 0.6
    samples = np.where(first, rng.normal(-2, 1, n), rng.normal(4, 1, n))
    with open(FIXTURES / "samples.csv", "w") as out:
        out.write("value\n")
        for value in samples:
            out.write(f"{float(np.round(value, 6))!r}\n")


def read_grid(name):
    data = np.loadtxt(FIXTURES / name, delimiter=",", skiprows=1)
    return data[:, 0], data[:, 1]


def kde_grid(name, rule, points=512):
    samples = np.loadtxt(FIXTURES / name, delimiter=",", skiprows=1)
    kde = stats.gaussian_kde(samples, bw_method=rule)
    h = kde.factor * np.std(samples, ddof=1)
    x = np.linspace(samples.min() - 3 * h, samples.max() + 3 * h, points)
    d = kde(x)
    p = d * widths(x)
    return x, p / p.sum(), float(h)


def main():
    write_fixtures()
    inputs = {}
    x, d = read_grid("bimodal.csv")
    p = d * widths(x)
    inputs["bimodal.csv"] = (x, p / p.sum(), {})
    x, p = read_grid("heavy.csv")
    inputs["heavy.csv"] = (x, p / p.sum(), {})
    x, c = read_grid("counts.csv")
    inputs["counts.csv"] = (x, c / c.sum(), {})
    for rule in ("scott", "silverman"):
        x, p, h = kde_grid("samples.csv", rule)
        inputs[f"samples.csv:{rule}"] = (x, p, {"bandwidth": h})
    cases = [
        ("bimodal.csv", "gaussian"),
        ("bimodal.csv", "mixture:2"),
        ("heavy.csv", "gaussian"),
        ("heavy.csv", "student-t"),
        ("counts.csv", "gaussian"),
        ("counts.csv", "student-t"),
        ("counts.csv", "mixture:2"),
        ("samples.csv:scott", "gaussian"),
        ("samples.csv:scott", "mixture:2"),
        ("samples.csv:silverman", "gaussian"),
    ]
    out = {"cases": []}
    for name, family in cases:
        x, p, extra = inputs[name]
        for direction in ("forward", "reverse"):
            parameters, value = optimum(family, direction, x, p)
            mean = float(np.sum(p * x))
            sd = float(np.sqrt(np.sum(p * (x - mean) ** 2)))
            out["cases"].append(
                {
                    "input": name,
                    "family": family,
                    "direction": direction,
                    "parameters": parameters,
                    "objective_nats": value,
                    "moments": [mean, sd],
                    **extra,
                }
            )
            print(name, family, direction, [f"{v:.10g}" for v in parameters], value)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
