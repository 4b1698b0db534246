"""The model checked in units: lca.model.graph.calculate run on pint quantities, each input in
the canonical unit lca.quantities declares, gives every figure in its declared unit and with
the magnitude of the float run. This checks each formula's dimensions and each conversion
constant (3,600 s per hour, 1,000 Wh per kWh...) in magnitude, which the float core cannot.

Tokens are counted here as plain numbers (``token`` is taken out of every unit): the formulas
count values, FLOP and seconds per token of a request, and a decode step makes one token for
each request of the batch, which the float core leaves implicit."""

from __future__ import annotations

import math

import pytest

from lca import read
from lca.errors import ProfileError
from lca.model import boundary, graph, inference, lifecycle, serving, training
from lca.model.graph import calculate
from lca.quantities import FIGURES, input_unit
from lca.units import UNITS
from tests.unit.test_engines import random_profiles

# The conversion constants the formulas import, as the quantities they stand for.
CONSTANTS = {"SECONDS_PER_HOUR": "s/h", "WH_PER_KWH": "Wh/kWh", "J_PER_KWH": "J/kWh",
             "HOURS_PER_DAY": "h/day", "KV_FIT_BYTES_PER_VALUE": "byte", "W_PER_KW": "W/kW"}
def _without_tokens(unit: str) -> str:
    """``unit`` with token taken out (tokens counted as plain numbers, module doc)."""
    return str(UNITS.Unit(unit) * UNITS.token ** -UNITS.Unit(unit).dimensionality.get(
        "[text]", 0))


UNIT_OF = {f.path: _without_tokens(f.canonical_unit or "dimensionless") for f in FIGURES}


def _in_units(monkeypatch: pytest.MonkeyPatch) -> None:
    """The formula modules with their conversion constants as pint quantities."""
    for module in (graph, serving, inference, lifecycle, training, boundary):
        for name, unit in CONSTANTS.items():
            if hasattr(module, name):
                monkeypatch.setattr(module, name, UNITS.Quantity(getattr(module, name), unit))


# Fields whose unit the request states in their name, as a plain number: their physical unit.
PER_DAY = {"inference.requests_per_day": "1/day"}


def _quantities(inputs: dict[str, float]) -> dict[str, object]:
    return {name: UNITS.Quantity(value, _without_tokens(PER_DAY.get(name, input_unit(name))))
            for name, value in inputs.items()}


def test_every_figure_has_its_declared_unit_and_the_float_runs_magnitude(factors,
                                                                           monkeypatch):
    runs = []
    for profile in random_profiles(factors, 60, seed=21):
        try:
            reading = read(profile, factors)
        except ProfileError:
            continue
        runs.append((profile, reading.inputs, calculate(reading.inputs)))
    assert len(runs) > 40  # the sweep is not vacuous
    _in_units(monkeypatch)
    for profile, inputs, floats in runs:
        for path, value in calculate(_quantities(inputs)).items():
            if path not in UNIT_OF:
                continue
            expected = float(floats[path])
            if not hasattr(value, "units"):  # a figure without a value: NaN or inf, unitless
                assert not math.isfinite(value) and str(value) == str(expected), (profile, path)
                continue
            got = float(value.to(UNIT_OF[path]).magnitude)  # raises if the dimension is wrong
            assert (math.isnan(expected) and math.isnan(got)) or math.isclose(
                got, expected, rel_tol=1e-9, abs_tol=1e-300), (profile, path, got, expected)
