"""The request users send, POST /v1/estimates with the default Monte Carlo, against GET /healthz.

    python -m bench.montecarlo [rounds]

In-process and in alternating rounds (so that a busy spell of a shared machine weighs on both):
lca.estimate of the README's example profile with the default Monte Carlo (2,000 samples), the
same profile through the Flask test client, and GET /healthz through the test client; then the
Monte Carlo's own steps (simulate, bounds, drivers). Ratios are medians of the rounds' ratios;
nothing here is asserted by the test suite. Issue 14's target is >= 0.4x GET /healthz's rate.
"""

from __future__ import annotations

import json
import logging
import statistics
import sys

from bench.timing import median_us

EXAMPLE = {"model": "llama-3.1-70b",
           "training": {"hardware": "nvidia-h100-sxm", "accelerator_hours": "7000000 h",
                        "location": "USA", "datacenter": "meta"},
           "inference": {"hardware": "nvidia-h100-sxm", "location": "FRA", "input_tokens": 1000,
                         "output_tokens": 400, "requests_per_day": 1e6, "duration": "18 month"}}


def monte_carlo_request(rounds: int = 5, repeat: int = 300) -> dict[str, float]:
    """Medians (us) of each step and of the rate ratios against GET /healthz; prints them."""
    import lca
    from api import create_app
    from lca import read as resolve
    from lca.engine import montecarlo as mc
    from lca.estimator import figures
    from lca.quantities import quantity_paths

    client = create_app({"TESTING": True}).test_client()
    logging.getLogger("lca.access").setLevel(logging.WARNING)  # one line per request otherwise
    body = json.dumps(EXAMPLE).encode()
    headers = {"Content-Type": "application/json"}
    assert client.post("/v1/estimates", data=body, headers=headers).status_code == 200
    resolved = resolve(EXAMPLE)
    out = figures(resolved)
    shown = {k: v for k, v in out.items() if k in quantity_paths()}  # as the estimator asks
    run = mc.simulate(resolved)
    steps = {
        "healthz": lambda: client.get("/healthz"),
        "post": lambda: client.post("/v1/estimates", data=body, headers=headers),
        "estimate": lambda: lca.estimate(EXAMPLE),
        "simulate": lambda: mc.simulate(resolved),
        "bounds": lambda: mc.bounds(run, shown),
        "drivers": lambda: mc.drivers(run, resolved),
    }
    timings: dict[str, list[float]] = {k: [] for k in steps}
    for _ in range(rounds):
        for key, function in steps.items():
            timings[key].append(median_us(function, repeat, warmup=max(20, repeat // 10)))
    median = {k: statistics.median(v) for k, v in timings.items()}
    for key in ("post", "estimate"):
        median[f"{key}_ratio"] = statistics.median(
            h / t for h, t in zip(timings["healthz"], timings[key], strict=True))
    print(f"6. the default Monte Carlo request in-process ({EXAMPLE['model']}, README example, "
          f"{mc.DEFAULT_SAMPLES} samples), medians of {rounds} alternating rounds")
    print(f"   GET /healthz (test client)           {median['healthz']:8.1f} us")
    print(f"   POST /v1/estimates (test client)     {median['post']:8.1f} us   "
          f"{median['post_ratio']:.2f}x the rate of GET /healthz")
    print(f"   lca.estimate                         {median['estimate']:8.1f} us   "
          f"{median['estimate_ratio']:.2f}x the rate of GET /healthz")
    print(f"   of which simulate {median['simulate']:.0f} us, bounds {median['bounds']:.0f} us, "
          f"drivers {median['drivers']:.0f} us")
    return median


if __name__ == "__main__":
    monte_carlo_request(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
