#!/usr/bin/env python3
"""The margins behind the monitor's thresholds (docs/monitor.md).

    build/bench/monitor_eval --dump dump.csv [--only NAME] ...
    python3 bench/monitor_margins.py dump.csv

Smooths each signal as src/algo/monitor.c does (an exponential average over
20 updates, of log10 for the scale signals) and prints, per scenario and
signal, over the updates after the 50-update warm-up: for healthy runs the
worst value any run reached (the one closest to raising a condition); for
broken runs the median over runs of each run's median.  Standard library
only."""
import csv
import math
import statistics
import sys
from collections import defaultdict

SMOOTH, WARMUP = 20.0, 50
CLIP = 0.5  # CartPole's max_grad_norm in the zoo's settings

# name, whether a high value is the bad side, threshold (as monitor.c)
SIGNALS = [
    ("critic_grad/clip, log10", True, math.log10(3000)),
    ("actor_grad/adv_rms, log10", False, -3.0),
    ("actor_grad/clip, log10", True, 2.0),
    ("entropy_fraction", False, 0.02),
    ("explained_variance", False, 0.05),
    ("value_error/mean_sq_return, log10", True, math.log10(0.7)),
    ("approx_kl, log10", True, math.log10(0.01)),
    ("max saturation", True, 0.6),
]


def log10(v):
    return math.log10(max(v, 1e-30))


def values(r):
    f = {k: float(v) for k, v in r.items() if k not in ("scenario", "seed", "active")}
    ratio = f["value_loss_ratio"]
    mean_sq = f["return_mean"] ** 2 + (f["value_loss"] / ratio if ratio > 0 else 0.0)
    adv_rms = math.sqrt(f["value_loss"])  # gae_lambda 1: value loss = mean(advantage^2)
    nan = float("nan")
    return [
        log10(f["critic_grad_norm"] / CLIP),
        log10(f["actor_grad_norm"] / adv_rms) if adv_rms > 0 else nan,
        log10(f["actor_grad_norm"] / CLIP),
        f["entropy_fraction"],
        f["explained_variance"],
        log10(f["value_loss"] / mean_sq) if mean_sq > 0 else nan,
        log10(f["approx_kl"]),
        max(f["actor_saturation"], f["critic_saturation"]),
    ]


def main(path):
    runs = defaultdict(list)
    for r in csv.DictReader(open(path)):
        runs[(r["scenario"], r["seed"])].append(r)
    per = defaultdict(lambda: [[] for _ in SIGNALS])
    for (scenario, _), rows in runs.items():
        smooth = [None] * len(SIGNALS)
        seen = [[] for _ in SIGNALS]
        for i, r in enumerate(rows):
            for k, v in enumerate(values(r)):
                if math.isnan(v):
                    continue
                smooth[k] = v if smooth[k] is None else smooth[k] + (v - smooth[k]) / SMOOTH
                if i >= WARMUP:
                    seen[k].append(smooth[k])
        for k, (_, high_bad, _) in enumerate(SIGNALS):
            if not seen[k]:
                continue
            if scenario == "healthy":
                per[scenario][k].append(max(seen[k]) if high_bad else min(seen[k]))
            else:
                per[scenario][k].append(statistics.median(seen[k]))
    for scenario, lists in per.items():
        print("%s (%s)" % (scenario, "worst of any run" if scenario == "healthy"
                           else "median of the runs' medians"))
        for (name, high_bad, threshold), vals in zip(SIGNALS, lists):
            if not vals:
                continue
            if scenario == "healthy":
                v = max(vals) if high_bad else min(vals)
            else:
                v = statistics.median(vals)
            print("  %-36s %9.3g   (raises %s %.3g)" % (name, v, ">" if high_bad else "<",
                                                        threshold))


if __name__ == "__main__":
    main(sys.argv[1])
