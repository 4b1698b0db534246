"""Type aliases shared by the calculation modules."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

# Every formula accepts a float, a numpy array (batch, Monte Carlo) or a pint quantity (tests).
Array = float | np.ndarray
Grid = Mapping[str, Array]

INDICATORS = ("energy", "gwp", "water", "adpe", "pe")
EMBODIED_INDICATORS = ("gwp", "water", "adpe", "pe")
CANONICAL_UNITS = {"energy": "kWh", "gwp": "kgCO2e", "water": "L", "adpe": "kgSbeq", "pe": "MJ"}
