"""Adding an input is one declaration plus its formula (docs/adding-an-input.md): a throwaway
field and figure, declared in a fresh interpreter before the app is built, are validated,
defaulted, calculated, rendered, usable as a column and described in /openapi.json."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r'''
import json
from lca.model import graph
from lca.quantities import FIELDS, FIGURES, Field, Figure, Spec

# 1. the declaration: one Field and one Figure
FIELDS["inference.throwaway"] = Field(
    "inference.throwaway", Spec("dimensionless", 0, 10, "a throwaway multiplier"),
    "weight_memory_overhead", "throwaway default")
FIGURES.append(Figure("inference.throwaway_energy", "energy", "a throwaway figure",
                      ("inference",)))

# 2. the formula, wired where the phase is
phase = graph.inference_outputs
def inference_outputs(x):
    out = phase(x)
    out["inference.throwaway_energy"] = (x["inference.throwaway"]
                                         * out["inference.per_request.energy"])
    return out
graph.inference_outputs = inference_outputs

from api import create_app
client = create_app({"ACCESS_LOG": False}).test_client()
base = {"model": "llama-3.1-8b", "inference": {"location": "FRA"}, "uncertainty": False}
given = client.post("/v1/estimates", json={**base, "inference": {"location": "FRA",
                                                                   "throwaway": 3}})
absent = client.post("/v1/estimates", json=base)
wrong = client.post("/v1/estimates", json={**base, "inference": {"throwaway": 11}})
columns = client.post("/v1/estimates/columns", json={
    "base": base, "columns": {"inference.throwaway": [1, 2]},
    "outputs": ["inference.throwaway_energy", "inference.per_request.energy"]})
spec = client.get("/openapi.json").json
print(json.dumps({"given": given.json, "absent": absent.json, "wrong": wrong.json,
                  "wrong_status": wrong.status_code, "columns": columns.json,
                  "inference_schema": spec["components"]["schemas"]["Inference"]}))
'''


def test_a_throwaway_quantity_is_validated_calculated_rendered_and_described():
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=True)
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    given, absent = seen["given"]["inference"], seen["absent"]["inference"]
    energy = given["per_request"]["energy"]["value"]
    assert given["throwaway_energy"] == {"value": 3 * energy, "unit": "kWh"}
    assert absent["throwaway_energy"]["value"] == 1.2 * absent["per_request"]["energy"]["value"]
    assert {"field": "inference.throwaway", "value": 1.2, "why": "throwaway default"} in (
        seen["absent"]["assumptions"])
    assert seen["wrong_status"] == 422
    assert seen["wrong"]["errors"][0]["field"] == "inference.throwaway"
    assert "outside the accepted range" in seen["wrong"]["errors"][0]["message"]
    outputs = seen["columns"]["outputs"]
    per_request = outputs["inference.per_request.energy"]
    assert outputs["inference.throwaway_energy"] == [1 * per_request[0], 2 * per_request[1]]
    described = seen["inference_schema"]["properties"]["throwaway"]
    assert "throwaway multiplier" in described["description"]
