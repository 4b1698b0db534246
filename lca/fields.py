"""The profile's fields: canonical unit, accepted range and meaning of every input.

One table serves the core's validation (lca.profile) and the web layer's schemas and OpenAPI
text, so a bound or a unit is stated once. Ranges are generous physical bounds: they exist to
turn typos and hostile magnitudes into a clear error, not to judge a plausible scenario.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from lca.errors import FieldError
from lca.units import parse_quantity

HOURS_PER_YEAR = 8766.0  # Julian year, as pint defines "year"


@dataclass(frozen=True)
class Range:
    """A user's range for an input: uniform between low and high, triangular if a mode is given."""

    low: float
    high: float
    mode: float | None = None


@dataclass(frozen=True)
class Spec:
    """How one numeric input is read: canonical unit, bounds and a one-line meaning."""

    unit: str
    low: float
    high: float
    doc: str
    low_open: bool = False
    integer: bool = False

    def neutral(self) -> float:
        """A value this spec accepts: its lower bound, else 1 or the midpoint when that bound is
        open. lca.profile reads a section with these in place of its numbers (see there)."""
        if not self.low_open:
            return self.low
        return 1.0 if self.low < 1.0 <= self.high else (self.low + self.high) / 2.0

    def describe_range(self) -> str:
        """The accepted range as a reader sees it."""
        left = "(" if self.low_open else "["
        return f"{left}{self.low:g}, {self.high:g}] {self.unit}"

    def read_uncertain(self, raw: object, field: str) -> tuple[float, Range | None]:
        """``raw`` read like ``read``, or a range ``{"low": .., "high": .., "value": ..}``.

        A range returns its central value (``value``, else the midpoint) and the Range; a plain
        quantity returns None as its range.
        """
        if not isinstance(raw, Mapping):
            return self.read(raw, field), None
        unknown = set(raw) - {"low", "high", "value"}
        if unknown or "low" not in raw or "high" not in raw:
            raise FieldError(field, "a range is {\"low\": .., \"high\": ..} with an optional "
                             "\"value\"")
        low, high = self.read(raw["low"], f"{field}.low"), self.read(raw["high"], f"{field}.high")
        mode = None if raw.get("value") is None else self.read(raw["value"], f"{field}.value")
        if not low <= high or (mode is not None and not low <= mode <= high):
            raise FieldError(field, "a range needs low <= value <= high")
        return (mode if mode is not None else (low + high) / 2.0), Range(low, high, mode)

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


GRID = {
    "gwp": Spec("kgCO2e/kWh", 0, 3, "grid carbon intensity, lifecycle"),
    "water": Spec("L/kWh", 0, 1000, "water consumed per kWh generated (off-site)"),
    "adpe": Spec("kgSbeq/kWh", 0, 1e-3, "abiotic depletion per kWh"),
    "pe": Spec("MJ/kWh", 0, 100, "primary energy per kWh"),
}

DATACENTER = {
    "pue": Spec("dimensionless", 1, 5, "power usage effectiveness"),
    "wue": Spec("L/kWh", 0, 50, "on-site water use per kWh of IT energy"),
}

MODEL = {
    "parameters": Spec("dimensionless", 1e3, 1e14, "total parameters", low_open=False),
    "active_parameters": Spec("dimensionless", 1e3, 1e14,
                              "parameters active per token (mixture of experts)"),
    "layers": Spec("dimensionless", 1, 1000, "transformer layers", integer=True),
    "kv_heads": Spec("dimensionless", 1, 1024, "key/value heads per layer", integer=True),
    "head_dim": Spec("dimensionless", 1, 4096, "dimension of one attention head", integer=True),
}

TRAINING = {
    "energy": Spec("kWh", 0, 1e10, "measured energy of the run", low_open=True),
    "accelerator_hours": Spec("h", 0, 1e10, "accelerator-hours used", low_open=True),
    "accelerator_count": Spec("dimensionless", 1, 1e7, "accelerators used", integer=True),
    "duration": Spec("h", 0, 100 * HOURS_PER_YEAR, "wall-clock duration", low_open=True),
    "compute": Spec("FLOP", 0, 1e30, "training compute", low_open=True),
    "tokens": Spec("token", 0, 1e16, "training tokens", low_open=True),
    "utilization": Spec("dimensionless", 0, 1, "model FLOP utilization (achieved/peak)",
                        low_open=True),
    "achieved_flops": Spec("FLOP/s", 0, 1e18, "measured FLOP/s per accelerator", low_open=True),
    "power_per_accelerator": Spec("W", 0, 1e5, "measured average system power per accelerator, "
                                  "host share included", low_open=True),
    "overhead": Spec("dimensionless", 1, 100, "multiplier for experiments and failed runs"),
}

INFERENCE = {
    "input_tokens": Spec("token", 0, 1e7, "input (prompt) tokens per request"),
    "output_tokens": Spec("token", 0, 1e7, "output tokens per request", low_open=True),
    "requests": Spec("dimensionless", 0, 1e16, "requests served over the deployment",
                     low_open=True),
    "requests_per_day": Spec("dimensionless", 0, 1e14, "requests per day", low_open=True),
    "duration": Spec("h", 0, 100 * HOURS_PER_YEAR, "deployment duration", low_open=True),
    "batch_size": Spec("dimensionless", 1, 4096, "concurrent requests per replica"),
    "fleet_utilization": Spec("dimensionless", 0, 1, "share of provisioned capacity doing "
                              "useful work", low_open=True),
    "energy_per_request": Spec("kWh", 0, 1e3, "measured energy per request", low_open=True),
    "energy_per_output_token": Spec("kWh/token", 0, 1, "measured energy per output token",
                                    low_open=True),
    "output_throughput": Spec("token/s", 0, 1e9, "measured output tokens per second of one "
                              "replica, all batched requests together", low_open=True),
    "accelerators": Spec("dimensionless", 1, 1e5, "accelerators per replica", integer=True),
    "power_per_accelerator": Spec("W", 0, 1e5, "measured average system power per accelerator "
                                  "while serving, host share included", low_open=True),
}

TOP = {
    "hardware_lifetime": Spec("h", 0.25 * HOURS_PER_YEAR, 30 * HOURS_PER_YEAR,
                              "service life of accelerators and servers"),
}

PRECISIONS = ("fp32", "bf16", "fp16", "fp8", "int8", "int4")
ENERGY_SCOPES = ("it", "facility")
INDICATORS = ("energy", "gwp", "water", "adpe", "pe")

SECTION_KEYS = {
    "": {"name", "factors_version", "model", "training", "inference", "hardware_lifetime",
         "uncertainty", "units"},
    "model": {"preset", "precision", *MODEL},
    "training": {"hardware", "precision", "energy_scope", "location", "grid", "datacenter",
                 *TRAINING},
    "inference": {"hardware", "energy_scope", "location", "grid", "datacenter", *INFERENCE},
    "grid": set(GRID),
    "datacenter": {"profile", *DATACENTER},
}
