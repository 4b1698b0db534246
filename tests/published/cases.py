"""Published figures the service must reproduce, transcribed from their sources.

Each case names its source; published-cases.json beside this file holds the same figures with
the page they were read from (tests/published/test_transcription.py checks the two agree).
Tolerances: 2% for arithmetic reproductions, loosened only where the published figure itself is
rounded coarser than 2% (then the published rounding is the tolerance, and the id says so).
"""

from __future__ import annotations

PATTERSON_2021 = "Patterson et al. 2021, arXiv:2104.10350"

# id, params, hardware, chips, days, avg W per chip (host incl.), PUE, kgCO2e/kWh gross, net,
# published MWh, published tCO2e gross, net, compute FLOP, measured TFLOP/s per chip
PATTERSON_TABLE_4 = [
    ("evolved-transformer-nas", 0.064e9, "google-tpu-v2", 200, 6.8, 208, 1.10, 0.431, 0.431,
     7.5, 3.2, 3.2, 2.91e21, 24.8),
    ("t5-11b", 11e9, "google-tpu-v3", 512, 20, 310, 1.12, 0.545, 0.545,
     85.7, 46.7, 46.7, 4.05e22, 45.6),
    ("meena-2.6b", 2.6e9, "google-tpu-v3", 1024, 30, 289, 1.09, 0.415, 0.415,
     232, 96.4, 96.4, 1.12e23, 42.3),
    ("gshard-600b", 619e9, "google-tpu-v3", 1024, 3.1, 288, 1.09, 0.201, 0.177,
     24.1, 4.8, 4.3, 1.33e22, 48.0),
    ("switch-transformer", 1500e9, "google-tpu-v3", 1024, 27, 245, 1.10, 0.403, 0.330,
     179, 72.2, 59.1, 8.22e22, 34.4),
    ("gpt-3", 175e9, "nvidia-v100", 10000, 14.8, 330, 1.10, 0.429, 0.429,
     1287, 552.1, 552.1, 3.14e23, 24.6),
]

# id, params, hardware, chips, days, avg W, PUE, gross, net kgCO2e/kWh, kWh, tCO2e gross, net
PATTERSON_TABLE_1 = [
    ("transformer-big-p100-us-average", 0.21e9, "nvidia-p100", 8, 3.5, 296, 1.59, 0.429, 0.429,
     316, 0.1357, 0.1357),
    ("transformer-big-p100-iowa", 0.21e9, "nvidia-p100", 8, 3.5, 296, 1.11, 0.478, 0.080,
     221, 0.1055, 0.0177),
    ("evolved-medium-p100-iowa", 0.13e9, "nvidia-p100", 8, 3.2, 271, 1.11, 0.478, 0.080,
     185, 0.0883, 0.0148),
    ("transformer-big-tpuv2-iowa", 0.21e9, "google-tpu-v2", 8, 0.81, 229, 1.11, 0.478, 0.080,
     40, 0.0189, 0.0032),
    ("evolved-medium-tpuv2-iowa", 0.13e9, "google-tpu-v2", 8, 0.62, 227, 1.11, 0.478, 0.080,
     30, 0.0143, 0.0024),
]

LLAMA_2_CARD = "Meta Llama 2 model card, Carbon Footprint section (2023)"
# id, GPU-hours, W per GPU (PUE folded in per the card), published tCO2e location-based
LLAMA_2 = [
    ("llama-2-7b", 184_320, 400, 31.22),
    ("llama-2-13b", 368_640, 400, 62.44),
    ("llama-2-70b", 1_720_320, 400, 291.42),
]
# The card publishes no intensity; 539.00 tCO2e / (3,311,616 GPU-h x 0.4 kW) = 0.4069... is the
# total including the 34B model; the per-model rows imply 0.4235 kgCO2e/kWh, used here.
LLAMA_2_IMPLIED_INTENSITY = 0.4235

STRUBELL_2019 = "Strubell et al. 2019, ACL, arXiv:1906.02243, Table 3 and Eq. 1-2"
# id, params (model papers), total W (CPU+DRAM+GPUs), hours, published kWh (x PUE 1.58), lbs
STRUBELL = [
    ("transformer-big", 213e6, 1515.43, 84, 201, 192),
    ("bert-base-v100x64", 110e6, 12041.51, 79, 1507, 1438),
    ("transformer-base", 65e6, 1415.78, 12, 27, 26),
    ("elmo", 93.6e6, 517.66, 336, 275, 262),
    ("transformer-nas", 213e6, 1515.43, 274_120, 656_347, 626_155),
]
STRUBELL_PUE, STRUBELL_LBS_PER_KWH = 1.58, 0.954

LI_2023 = "Li et al. 2023/2025, 'Making AI Less Thirsty', arXiv:2304.03271, Table 1"
# location, PUE, WUE on-site L/kWh, EWIF L/kWh, training on-site and off-site (million L),
# per-request on-site and off-site (mL); training 1287 MWh and 0.004 kWh per request, IT energy
LI_TABLE_1 = [
    ("us-average", 1.17, 0.55, 3.142, 0.708, 4.731, 2.2, 14.704),
    ("arizona", 1.18, 1.63, 4.959, 2.098, 7.531, 6.52, 23.406),
    ("georgia", 1.12, 0.06, 2.309, 0.077, 3.328, 0.24, 10.345),
    ("illinois", 1.35, 0.74, 2.233, 0.952, 3.88, 2.96, 12.06),
    ("iowa", 1.16, 0.14, 3.104, 0.18, 4.634, 0.56, 14.403),
    ("texas", 1.28, 0.25, 1.287, 0.322, 2.12, 1.0, 6.59),
    ("virginia", 1.14, 0.14, 2.385, 0.18, 3.499, 0.56, 10.875),
    ("washington", 1.15, 0.95, 9.501, 1.223, 14.063, 3.8, 43.706),
    ("wyoming", 1.11, 0.13, 2.574, 0.167, 3.677, 0.52, 11.429),
    ("australia", 1.12, 0.012, 4.259, 0.015, 6.138, 0.048, 19.078),
    ("denmark", 1.16, 0.01, 3.18, 0.013, 4.747, 0.04, 14.754),
    ("finland", 1.12, 0.01, 4.542, 0.013, 6.548, 0.04, 20.35),
    ("india", 1.43, 0.0, 3.445, 0.0, 6.34, 0.0, 19.704),
    ("indonesia", 1.32, 1.9, 2.271, 2.445, 3.858, 7.6, 11.992),
    ("ireland", 1.19, 0.02, 1.476, 0.026, 2.261, 0.08, 7.027),
    ("mexico", 1.12, 0.056, 5.3, 0.072, 7.639, 0.224, 23.742),
    ("netherlands", 1.14, 0.06, 3.445, 0.077, 5.054, 0.24, 15.708),
    ("sweden", 1.16, 0.09, 6.019, 0.116, 8.986, 0.36, 27.927),
]
LI_TRAINING_IT_MWH, LI_REQUEST_IT_KWH = 1287, 0.004
