"""The Open LLM Leaderboard's own CO2 figure, reproduced: its published heuristic, and the
evaluation time recovered from a published figure.

Hugging Face, Open LLM Leaderboard documentation, "C02 calculation" (huggingface.co/docs/
leaderboards/open_llm_leaderboard/emissions, 2024): CO2 (kg) = evaluation time (h) x 5.6 kW
(8 H100 SXM at 0.7 kW each) x 269.8 gCO2/kWh (Virginia, from the US EIA) / 1000; -1 where no
evaluation time is known. These are the leaderboard's constants, reproduced as published, not
this project's factors (which the full estimate of the same evaluation uses).
"""

from __future__ import annotations

from lca.units import SECONDS_PER_HOUR

POWER_KW = 5.6  # 8 NVIDIA H100 SXM at their 0.7 kW maximum
CARBON_INTENSITY_G_PER_KWH = 269.8  # Virginia (US EIA), as the leaderboard states
ACCELERATORS = 8
HARDWARE = "nvidia-h100-sxm"
LOCATION = "aws:us-east-1"  # Northern Virginia, where the leaderboard places its evaluations
GRAMS_PER_KG = 1000.0


def co2_kg(evaluation_seconds: float) -> float:
    """The leaderboard's CO2 cost (kg) of an evaluation that took ``evaluation_seconds``."""
    hours = evaluation_seconds / SECONDS_PER_HOUR
    return POWER_KW * hours * CARBON_INTENSITY_G_PER_KWH / GRAMS_PER_KG


def evaluation_seconds(co2: float) -> float:
    """The evaluation time (s) that the leaderboard's CO2 cost ``co2`` (kg) implies."""
    return co2 * GRAMS_PER_KG / CARBON_INTENSITY_G_PER_KWH / POWER_KW * SECONDS_PER_HOUR
