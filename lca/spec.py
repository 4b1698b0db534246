"""How one numeric value of a profile is read: its Spec (canonical unit, bounds, meaning), a
user's Range for the Monte Carlo, and the Spread an input is drawn from.

The declarations of lca.quantities give each field its Spec.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from lca.errors import FieldError
from lca.method import LOG_SCALE_RATIO
from lca.units import parse_quantity


@dataclass(frozen=True)
class Range:
    """A user's range for an input: uniform between low and high, else two-piece around its
    value (lca.engine.montecarlo)."""

    low: float
    high: float
    mode: float | None = None


@dataclass(frozen=True)
class Spread:
    """How an input varies in the Monte Carlo: two-piece with ``mode`` its median, uniform when the
    mode is None; ``label`` names its origin (a factor reference or a profile field), and inputs
    of one origin are drawn together."""

    label: str
    low: float
    mode: float | None
    high: float


@dataclass(frozen=True)
class Spec:
    """How one numeric input is read: canonical unit, bounds and a one-line meaning."""

    unit: str
    low: float
    high: float
    doc: str
    low_open: bool = False
    integer: bool = False
    length: int = 0  # a series of this many values (24 hourly values, say); 0 for one value

    def describe_range(self) -> str:
        """The accepted range as a reader sees it."""
        left = "(" if self.low_open else "["
        unit = "" if self.unit == "dimensionless" else f" {self.unit}"
        return f"{left}{self.low:g}, {self.high:g}]{unit}"

    def read_uncertain(self, raw: object, field: str) -> tuple[float, Range | None]:
        """``raw`` read like ``read``, or a range ``{"low": .., "high": .., "value": ..}``.

        A range returns its central value (``value``, else its median as the Monte Carlo draws
        it: the midpoint, geometric over LOG_SCALE_RATIO) and the Range; a plain
        quantity returns None as its range. A series is read with ``read_series``.
        """
        if self.length:
            return self.read_series(raw, field), None
        if raw.__class__ is float or raw.__class__ is int or not isinstance(raw, Mapping):
            # a plain number (most fields) skips the abstract Mapping check
            return self.read(raw, field), None
        unknown = set(raw) - {"low", "high", "value"}
        if unknown or "low" not in raw or "high" not in raw:
            raise FieldError(field, "a range is {\"low\": .., \"high\": ..} with an optional "
                             "\"value\"")
        low, high = self.read(raw["low"], f"{field}.low"), self.read(raw["high"], f"{field}.high")
        mode = None if raw.get("value") is None else self.read(raw["value"], f"{field}.value")
        if not low <= high or (mode is not None and not low <= mode <= high):
            raise FieldError(field, "a range needs low <= value <= high")
        return (mode if mode is not None else midpoint(low, high)), Range(low, high, mode)

    def read_series(self, raw: object, field: str) -> np.ndarray:
        """A series field: a list of ``length`` values, each read like ``read``."""
        if not isinstance(raw, list) or len(raw) != self.length:
            raise FieldError(field, f"expected a list of {self.length} values")
        return np.array([self.read(value, f"{field}[{i}]") for i, value in enumerate(raw)])

    def read(self, raw: object, field: str) -> float:
        """``raw`` as a float in this spec's unit, within its range; FieldError otherwise."""
        value = parse_quantity(raw, self.unit, field)
        below = value <= self.low if self.low_open else value < self.low
        if below or value > self.high:
            raise FieldError(field, f"{value:g} is outside the accepted range "
                             f"{self.describe_range()}")
        if self.integer and value != int(value):
            raise FieldError(field, f"expected a whole number, got {value:g}")
        return value


def midpoint(low: float, high: float) -> float:
    """The median of a range given without a value, as the Monte Carlo draws it: uniform, on a
    log scale when it spans more than LOG_SCALE_RATIO (lca.engine.montecarlo)."""
    if low > 0 and high / low > LOG_SCALE_RATIO:
        return math.sqrt(low * high)
    return (low + high) / 2.0
