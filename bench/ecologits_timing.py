"""Median time of EcoLogits' compute_llm_impacts (run by bench.run in EcoLogits' own venv).

Same inference profile as bench.run: 70B dense, 400 output tokens, France, PUE 1.2.
"""

import json
import statistics
import time

from ecologits.electricity_mix_repository import electricity_mixes
from ecologits.impacts.llm import compute_llm_impacts

mix = electricity_mixes.find_electricity_mix("FRA")
kwargs = {"model_active_parameter_count": 70, "model_total_parameter_count": 70,
          "output_token_count": 400, "if_electricity_mix_adpe": mix.adpe,
          "if_electricity_mix_pe": mix.pe, "if_electricity_mix_gwp": mix.gwp,
          "if_electricity_mix_wue": mix.wue, "datacenter_pue": 1.2, "datacenter_wue": 0.569,
          "request_latency": None}
for _ in range(200):
    compute_llm_impacts(**kwargs)
times = []
for _ in range(3000):
    start = time.perf_counter()
    compute_llm_impacts(**kwargs)
    times.append(time.perf_counter() - start)
print(json.dumps({"median_us": statistics.median(times) * 1e6}))
