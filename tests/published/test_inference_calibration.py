"""Calibration of the default roofline inference model against published measurements.

ML.ENERGY Benchmark v3.0 (Chung et al. 2025; data: ml-energy/leaderboard @ 0ea52b6a,
public/data/models/*__lm-arena-chat.json and public/data/tasks/lm-arena-chat.json; vLLM 0.11.1 on
H100 SXM) measures GPU energy only, with the server saturated at its max_num_seqs. Mean prompt
length 634 tokens (ML.ENERGY v3.0 blog post, Text Conversation task). The model is run in the
same scope: accelerator energy of busy replicas, no host, no idle, no PUE.

The ratio model/published is printed by `python -m tests.published.test_inference_calibration`
and tabled in the README. Allowed band: within 3x for every point; within 25% (0.75-1.33) for
dense models on 1 to 8 GPUs, the 8-GPU tensor-parallel 405B included since the collectives of
factor set 2026.2 (docs/inference.md: 0.74/0.65 before, 0.89/0.84 with them). The known bias
(an expert-parallel mixture of experts runs slower than the roofline: ratio 0.4) is stated in
the README's limits.
"""

from __future__ import annotations

import pytest

from lca import estimate

ML_ENERGY = "ML.ENERGY v3 (ml-energy/leaderboard@0ea52b6a) lm-arena-chat, H100, GPU energy"
INPUT_TOKENS = 634
QWEN3_235B = {"parameters": 235e9, "active_parameters": 22e9, "layers": 94, "kv_heads": 4,
              "head_dim": 128, "precision": "fp8"}  # Qwen3-235B-A22B config.json

# id, model, accelerators, batch (max_num_seqs), mean output tokens, J per request, band
ML_ENERGY_POINTS = [
    ("llama-3.1-8b-bs8", "llama-3.1-8b", 1, 8, 388.68, 176.77, (0.75, 1.33)),
    ("llama-3.1-8b-bs64", "llama-3.1-8b", 1, 64, 395.54, 46.90, (0.75, 1.33)),
    ("llama-3.1-8b-bs256", "llama-3.1-8b", 1, 256, 404.18, 30.98, (0.75, 1.33)),
    ("llama-3.1-70b-bs8", "llama-3.1-70b", 4, 8, 349.99, 1315.50, (0.75, 1.33)),
    ("llama-3.1-70b-bs64", "llama-3.1-70b", 4, 64, 351.96, 280.60, (0.75, 1.33)),
    ("llama-3.1-70b-bs256", "llama-3.1-70b", 4, 256, 349.05, 167.19, (0.75, 1.33)),
    ("llama-3.1-405b-fp8-bs64", {"preset": "llama-3.1-405b", "precision": "fp8"}, 8, 64, 359.69,
     1108.73, (0.75, 1.33)),
    ("llama-3.1-405b-fp8-bs256", {"preset": "llama-3.1-405b", "precision": "fp8"}, 8, 256,
     367.15, 757.28, (0.75, 1.33)),
    ("qwen3-235b-a22b-fp8-bs128", QWEN3_235B, 4, 128, 862.55, 949.52, (1 / 3, 3)),
]

# EcoLogits 0.11.3 compute_llm_impacts reference outputs (ecologits-method.md section 3.1 and 3.5):
# 400 output tokens, no prompt, batch 64, PUE 1.2, H100; facility energy in kWh. EcoLogits is itself
# a model, fitted on the older ML.ENERGY v2 data (vLLM 0.5; ML.ENERGY reports 0.20 -> 0.12 J/token
# for Llama 3.1 8B at batch 64 between v2 and v3) with a latency regression that makes host energy
# 41% of IT energy at 70B. This model sits at 0.3-0.5x of it while matching the v3 measurements, so
# the check is one of order of magnitude: band 0.2x to 5x.
ECOLOGITS = "EcoLogits 0.11.3 reference outputs (PUE 1.2, 400 output tokens, batch 64)"
ECOLOGITS_POINTS = [
    ("dense-7b", {"parameters": 7e9}, 3.518e-05),
    ("dense-70b", {"parameters": 70e9}, 2.630e-04),
    ("dense-123b", {"parameters": 123e9}, 3.659e-04),
    ("moe-141b-39b-active", {"parameters": 141e9, "active_parameters": 39e9}, 4.057e-04),
]


def ml_energy_ratio(model: object, accelerators: int, batch: int, output: float,
                    joules: float) -> float:
    r = estimate({"model": model, "inference": {
        "hardware": "nvidia-h100-sxm", "accelerators": accelerators, "batch_size": batch,
        "input_tokens": INPUT_TOKENS, "output_tokens": output, "fleet_utilization": 1,
        "location": "USA"}})
    assert r["inference"]["replica"]["batch_size"] == batch, "the measured batch must fit"
    modelled = r["inference"]["energy_breakdown"]["accelerators"]["value"] * 3.6e6
    return modelled / joules


def ecologits_ratio(model: dict, published_kwh: float) -> float:
    r = estimate({"model": model, "inference": {
        "hardware": "nvidia-h100-sxm", "input_tokens": 0, "output_tokens": 400, "batch_size": 64,
        "fleet_utilization": 1, "location": "FRA", "datacenter": {"pue": 1.2}}})
    return r["inference"]["per_request"]["energy"]["value"] / published_kwh


@pytest.mark.parametrize("point", ML_ENERGY_POINTS,
                         ids=[f"{p[0]}-{ML_ENERGY}-band-{p[6][0]:.2f}-{p[6][1]:.2f}"
                              for p in ML_ENERGY_POINTS])
def test_roofline_energy_per_request_against_ml_energy_measurements(point):
    _, model, accelerators, batch, output, joules, (low, high) = point
    ratio = ml_energy_ratio(model, accelerators, batch, output, joules)
    assert low <= ratio <= high, f"model/published = {ratio:.2f}"


@pytest.mark.parametrize("point", ECOLOGITS_POINTS,
                         ids=[f"{p[0]}-{ECOLOGITS}-band-0.2-5" for p in ECOLOGITS_POINTS])
def test_roofline_energy_per_request_against_ecologits_reference_outputs(point):
    _, model, published = point
    ratio = ecologits_ratio(model, published)
    assert 0.2 <= ratio <= 5, f"model/EcoLogits = {ratio:.2f}"


def calibration_table() -> list[tuple[str, str, float]]:
    """(source, case, ratio) for every calibration point, for the README."""
    rows = [(ML_ENERGY, p[0], ml_energy_ratio(*p[1:6])) for p in ML_ENERGY_POINTS]
    rows += [(ECOLOGITS, p[0], ecologits_ratio(p[1], p[2])) for p in ECOLOGITS_POINTS]
    return rows


if __name__ == "__main__":
    for source, case, ratio in calibration_table():
        print(f"| {case} | {source.split(' (')[0]} | {ratio:.2f} |")
