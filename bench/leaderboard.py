"""A seeded synthetic leaderboard in the Open LLM Leaderboard's columns, and the timing of
``lca.leaderboard`` over it (issue 19 item 6: 5,000 models without draws <= 2 s).

    python -m bench.leaderboard 5000            # times it, without and with draws
    python -m bench.leaderboard 5000 --csv > board.csv

Sizes are log-uniform from 0.1 B to 200 B parameters, a tenth MoE; scores rise with the log of
the size plus noise; CO2 costs from an evaluation time that grows with size (as the published
table's do). Nothing here is committed beyond this script.
"""

from __future__ import annotations

import csv
import statistics
import sys
import time

import numpy as np

TYPES = ("🟢 pretrained", "💬 chat models (RLHF, DPO, IFT, ...)",
         "🔶 fine-tuned on domain-specific datasets", "🤝 base merges and moerges",
         "🟩 continuously pretrained")
PRECISIONS = ("bfloat16", "bfloat16", "bfloat16", "float16", "4bit", "8bit")
SCORES = ("IFEval", "BBH", "MATH Lvl 5", "GPQA", "MUSR", "MMLU-PRO")


def rows(count: int, seed: int = 0) -> list[dict]:
    """``count`` leaderboard rows, the same for the same seed."""
    rng = np.random.default_rng(seed)
    size = np.exp(rng.uniform(np.log(0.1), np.log(200), count))
    out = []
    for i in range(count):
        level = 8 * np.log(size[i] / 0.1) + rng.normal(0, 5)
        scores = {s: round(float(np.clip(level + rng.normal(0, 6), 0, 100)), 2) for s in SCORES}
        hours = 0.05 + 0.02 * size[i] * rng.lognormal(0, 0.4)
        out.append({"fullname": f"org-{i % 97}/model-{i}", "#Params (B)": round(size[i], 3),
                    "Precision": PRECISIONS[i % len(PRECISIONS)], "MoE": bool(rng.random() < 0.1),
                    "Type": TYPES[i % len(TYPES)], "Official Providers": bool(i % 9 == 0),
                    "Average ⬆️": round(statistics.fmean(scores.values()), 2), **scores,
                    "CO₂ cost (kg)": round(hours * 5.6 * 0.2698, 5)})
    return out


def timing(count: int, repeats: int = 3) -> dict[str, float]:
    """Median seconds of lca.leaderboard over ``count`` models, without and with 200 draws."""
    from lca.estimator import Estimator
    from lca.leaderboard import leaderboard

    board = rows(count)
    estimator = Estimator()
    leaderboard(board[:10], {"samples": 0}, estimator)  # load the factor set once
    out = {}
    for label, samples in (("no draws", 0), ("200 draws", 200)):
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            leaderboard(board, {"samples": samples, "target": 30}, estimator)
            times.append(time.perf_counter() - start)
        out[label] = statistics.median(times)
    return out


def side_by_side(count: int) -> None:
    """Print the timing of ``count`` models without draws and with 200 (make bench)."""
    print(f"leaderboard (lca.leaderboard, {count:,} models, 5 indicators, front, size classes, "
          "target, groups; target <= 2 s without draws):")
    for label, seconds in timing(count).items():
        print(f"   {label:12s}{seconds:8.2f} s   {seconds / count * 1e6:8.1f} us a model")


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    if "--csv" in sys.argv:
        board = rows(count)
        writer = csv.DictWriter(sys.stdout, fieldnames=list(board[0]))
        writer.writeheader()
        writer.writerows(board)
        return
    side_by_side(count)


if __name__ == "__main__":
    main()
