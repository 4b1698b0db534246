"""Water of GPT-3 training and inference at Li et al.'s locations (on-site and off-site)."""

from __future__ import annotations

import pytest

from lca import estimate
from tests.published.cases import LI_2023, LI_REQUEST_IT_KWH, LI_TABLE_1, LI_TRAINING_IT_MWH


def site(pue: float, wue: float, ewif: float) -> dict:
    return {"datacenter": {"pue": pue, "wue": wue}, "grid": {"water": ewif}}


@pytest.mark.parametrize("case", LI_TABLE_1,
                         ids=[f"{c[0]}-{LI_2023}-2pct-or-published-rounding" for c in LI_TABLE_1])
def test_li_2023_training_and_per_request_water(case):
    # Li et al.: on-site = IT energy x WUE, off-site = IT energy x PUE x EWIF.
    _, pue, wue, ewif, train_on, train_off, req_on, req_off = case
    r = estimate({"model": "gpt-3",
                  "training": {"energy": f"{LI_TRAINING_IT_MWH} MWh", "energy_scope": "it",
                               **site(pue, wue, ewif)},
                  "inference": {"energy_per_request": f"{LI_REQUEST_IT_KWH} kWh",
                                "energy_scope": "it", **site(pue, wue, ewif)}})
    t, i = r["training"]["water"], r["inference"]["water"]
    # Table 1 prints million litres with 3 decimals: allow half a unit of that rounding.
    assert t["onsite"]["value"] / 1e6 == pytest.approx(train_on, rel=0.02, abs=0.0005)
    assert t["offsite"]["value"] / 1e6 == pytest.approx(train_off, rel=0.02, abs=0.0005)
    assert i["onsite"]["value"] * 1000 == pytest.approx(req_on, rel=0.02, abs=0.0005)
    assert i["offsite"]["value"] * 1000 == pytest.approx(req_off, rel=0.02, abs=0.0005)
    assert r["training"]["operational"]["water"]["value"] == pytest.approx(
        t["onsite"]["value"] + t["offsite"]["value"])
