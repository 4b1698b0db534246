"""Deterministic sets of varied profiles for the benchmarks."""

from __future__ import annotations

import random

MODELS = ["llama-3.1-8b", "llama-3.1-70b", "mistral-large-2", "mixtral-8x7b", "deepseek-v3",
          "qwen2.5-72b", "gemma-2-27b"]
LOCATIONS = ["FRA", "USA", "DEU", "SWE", "IND", "aws:us-east-1", "gcp:europe-west1"]
HARDWARE = ["nvidia-h100-sxm", "nvidia-a100-80gb", "nvidia-h200", "nvidia-b200"]


def varied(count: int, seed: int = 0) -> list[dict]:
    """``count`` profiles with training and inference, every numeric field drawn at random, so
    no two profiles share a section (the worst case for the section cache)."""
    rng = random.Random(seed)
    return [{
        "model": rng.choice(MODELS),
        "training": {"hardware": rng.choice(HARDWARE), "location": rng.choice(LOCATIONS),
                     "accelerator_hours": rng.uniform(1e5, 1e7)},
        "inference": {"hardware": rng.choice(HARDWARE), "location": rng.choice(LOCATIONS),
                      "input_tokens": rng.randint(10, 4000), "output_tokens": rng.randint(10, 2000),
                      "batch_size": rng.choice([1, 8, 32, 64, 128]),
                      "requests": rng.uniform(1e6, 1e10)},
    } for _ in range(count)]


def catalogue(count: int, distinct: int = 500, seed: int = 0) -> list[dict]:
    """``count`` profiles drawn from ``distinct`` varied ones: a platform estimating its traffic
    by model, site and request shape, where sections repeat (the section cache's common case)."""
    rng = random.Random(seed)
    pool = varied(distinct, seed)
    return [pool[rng.randrange(distinct)] for _ in range(count)]
