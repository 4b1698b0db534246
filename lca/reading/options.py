"""The parts of a profile that are neither shape nor numbers of the model: its name, the display
units it asks for, and its Monte Carlo options."""

from __future__ import annotations

from collections.abc import Mapping

from lca.quantities import CANONICAL_UNITS, INDICATORS, MAX_NAME_LENGTH
from lca.units import conversion_factor

MIN_SAMPLES, MAX_SAMPLES = 100, 100_000
MAX_SEED = 2**32


def read_options(profile: Mapping, errors: list[dict]) -> tuple[str | None, dict[str, str],
                                                               dict | None]:
    """The profile's name, display units and Monte Carlo options (None: no Monte Carlo),
    appending what is wrong to ``errors``."""
    name = profile.get("name")
    if name is not None and (not isinstance(name, str) or len(name) > MAX_NAME_LENGTH):
        errors.append({"field": "name", "message": f"expected a string of at most "
                                                   f"{MAX_NAME_LENGTH} characters"})
        name = None
    return name, _units(profile.get("units"), errors), _uncertainty(profile.get("uncertainty"),
                                                                    errors)


def _units(raw: object, errors: list[dict]) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        errors.append({"field": "units", "message": "expected an object mapping indicators to "
                                                    "units"})
        return {}
    units = {}
    for key, unit in raw.items():
        if key not in INDICATORS:
            errors.append({"field": f"units.{key}",
                           "message": f"unknown indicator; one of {', '.join(INDICATORS)}"})
        elif not isinstance(unit, str):
            errors.append({"field": f"units.{key}", "message": "expected a unit string"})
        else:
            try:
                conversion_factor(unit, CANONICAL_UNITS[key])
                units[key] = unit
            except ValueError as exc:
                errors.append({"field": f"units.{key}", "message": str(exc)})
    return units


def _uncertainty(raw: object, errors: list[dict]) -> dict | None:
    """Monte Carlo options: None to skip it (``false``), else samples and seed to use."""
    if raw is False:
        return None
    if raw is None or raw is True:
        return {}
    if not isinstance(raw, Mapping):
        errors.append({"field": "uncertainty",
                       "message": "expected false, true or {\"samples\": n, \"seed\": s}"})
        return None
    out = {}
    for key, value in raw.items():
        if key not in ("samples", "seed"):
            errors.append({"field": f"uncertainty.{key}",
                           "message": "unknown field; allowed here: samples, seed"})
        elif isinstance(value, bool) or not _whole(value):
            errors.append({"field": f"uncertainty.{key}",
                           "message": f"expected a whole number, got {_shown(value)}"})
        elif key == "samples" and not MIN_SAMPLES <= value <= MAX_SAMPLES:
            errors.append({"field": "uncertainty.samples",
                           "message": f"{value:g} is outside the accepted range [{MIN_SAMPLES}, "
                                      f"{MAX_SAMPLES}]"})
        elif key == "seed" and not 0 <= value < MAX_SEED:
            errors.append({"field": "uncertainty.seed",
                           "message": f"{value:g} is outside the accepted range [0, 2**32)"})
        else:
            out[key] = int(value)
    return out


def _whole(value: object) -> bool:
    """Whether ``value`` is a whole number: an int, or a float such as 1e3 or 1000.0 (what JSON
    writers and Python clients send for a count)."""
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def _shown(value: object) -> str:
    return repr(value) if isinstance(value, (int, float, str)) else type(value).__name__
