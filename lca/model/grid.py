"""The grid factor a phase's electricity is counted at: profiles over the day or the year, and
the market-based factor of GHG Protocol Scope 2 (docs/accounting.md).

Location-based: the zone's (or the profile's) lifecycle gwp per kWh; a profile may give 24
values by UTC hour of day, weighted by the share of the phase's energy drawn in each hour, or 12
values by calendar month, averaged over the months the phase covers. Market-based: contracts for
renewable electricity count at zero, the rest at the supplier-specific factor, else the residual
mix, else (no residual mix published) the location-based factor, as the Scope 2 Guidance's
hierarchy says. All functions take floats, numpy arrays or pint quantities.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from lca import xp
from lca.units import HOURS_PER_MONTH
from lca.xp import Array

HOURS_PER_DAY_SERIES = 24
MONTHS_PER_YEAR = 12
_UNIFORM_DAY = np.ones(HOURS_PER_DAY_SERIES)
_UNIFORM_DAY.flags.writeable = False


def _mean(total: Array) -> Array:
    """A 0-d array as a float (one estimate stays on floats); anything else as it is."""
    if isinstance(total, (np.ndarray, np.floating)) and np.ndim(total) == 0:
        return float(total)
    return total


def hourly_weights(x: Mapping[str, Array], phase: str) -> Array:
    """The weight of each UTC hour of the day in a phase's energy (24 values, any scale).

    Training runs around the clock: uniform. Inference: each hour's share of the deployment's
    energy where its traffic gives one (``inference.hourly_energy_share``, put in by
    lca.model.graph from the traffic model of lca.model.traffic: idle replicas draw power in
    quiet hours too), else the hourly request rate, else uniform.
    """
    if phase != "inference":
        return _UNIFORM_DAY
    for name in ("inference.hourly_energy_share", "inference.hourly_requests_per_second"):
        weights = x.get(name, xp.nan)
        if _is_series(weights, HOURS_PER_DAY_SERIES):
            return xp.where(xp.isnan(weights), _UNIFORM_DAY, weights)
    return _UNIFORM_DAY


def _is_series(value: Array, length: int) -> bool:
    """Whether ``value`` holds a series of ``length`` values (last axis). An absent series is
    NaN of the shape of the other inputs (a float, or one value per row of a table); a table of
    exactly ``length`` rows of absent series is then taken as one series of NaN, which gives the
    same NaN mean. A test of shape, never of value."""
    if value.__class__ is float:  # one estimate, no series given: the common case, made fast
        return False
    return np.shape(value)[-1:] == (length,)


def hourly_mean(series: Array, weights: Array) -> Array:
    """gwp of 24 hourly values weighted by ``weights`` (kgCO2e/kWh); NaN when not given."""
    if not _is_series(series, HOURS_PER_DAY_SERIES):
        return series  # not given: NaN
    full = series * np.ones(HOURS_PER_DAY_SERIES)
    return _mean((full * weights).sum(axis=-1) / (weights * 1.0).sum(axis=-1))


def monthly_mean(series: Array, start_month: Array, duration: Array) -> Array:
    """gwp of 12 monthly values (kgCO2e/kWh) averaged over the months a phase covers: from
    ``start_month`` (1-12) for ``duration`` hours (a whole year at most, and a whole year when
    the duration is not given), each month counted alike; all 12 alike without a start month.
    NaN when no monthly values are given."""
    if not _is_series(series, MONTHS_PER_YEAR):
        return series  # not given: NaN
    full = series * np.ones(MONTHS_PER_YEAR)
    months = xp.where(xp.isnan(duration), MONTHS_PER_YEAR,
                      xp.minimum(xp.ceil(duration / HOURS_PER_MONTH), MONTHS_PER_YEAR))
    total, count = 0.0, 0.0
    for month in range(MONTHS_PER_YEAR):
        after_start = (month - (start_month - 1) + MONTHS_PER_YEAR) % MONTHS_PER_YEAR
        weight = xp.where(xp.isnan(start_month), 1.0, xp.where(after_start < months, 1.0, 0.0))
        total = total + full[..., month] * weight
        count = count + weight
    return _mean(total / count)


def location_gwp(x: Mapping[str, Array], phase: str) -> Array:
    """The location-based gwp per kWh of a phase: hourly values, else monthly values, else the
    zone's (or the profile's) single value (kgCO2e/kWh)."""
    grid = f"{phase}.grid"
    hourly_given, monthly_given = x[f"{grid}.gwp_hourly"], x[f"{grid}.gwp_monthly"]
    if hourly_given.__class__ is float and monthly_given.__class__ is float:
        return x[f"{grid}.gwp"]  # one estimate without profiles (NaN): the fast common case
    hourly = hourly_mean(hourly_given, hourly_weights(x, phase))
    monthly = monthly_mean(x[f"{grid}.gwp_monthly"], x[f"{grid}.start_month"],
                           x[f"{phase}.duration"])
    return xp.where(xp.isnan(hourly), xp.where(xp.isnan(monthly), x[f"{grid}.gwp"], monthly),
                    hourly)


def market_gwp(location: Array, supplier: Array, residual: Array, renewable_share: Array
               ) -> Array:
    """The market-based gwp per kWh (kgCO2e/kWh): the share covered by renewable contracts at
    zero, the rest at the supplier-specific factor, else the residual mix, else ``location``."""
    uncovered = xp.where(xp.isnan(supplier), xp.where(xp.isnan(residual), location, residual),
                         supplier)
    share = xp.where(xp.isnan(renewable_share), 0.0, renewable_share)
    return (1.0 - share) * uncovered


# Each phase's supplier-specific factor and renewable share, named once (asked four times an
# estimate)
_MARKET_INPUTS = {phase: (f"{phase}.grid.market_gwp", f"{phase}.grid.renewable_share")
                  for phase in ("training", "inference")}


def market_data_given(x: Mapping[str, Array], phase: str) -> Array:
    """Whether a phase's market-based figures are reported: market accounting chosen, or a
    supplier-specific factor or a renewable share given."""
    supplier, renewable_share = _MARKET_INPUTS[phase]
    none_given = xp.isnan(x[supplier]) & xp.isnan(x[renewable_share])
    return (x["accounting_is_market"] == 1.0) | (xp.where(none_given, 0.0, 1.0) == 1.0)
