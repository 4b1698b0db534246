"""Training: accelerator-hours and IT energy from the most measured input given.

Method: docs/method.md, section "Training"; accounting after Patterson et al. 2021 (energy = hours
x measured average system power per chip x PUE) and Kaplan et al. 2020 (compute = 6 x parameters x
tokens). The paths are lca.model.paths'.
"""

from __future__ import annotations

from lca import xp
from lca.model.paths import COMPUTE, MEASURED_ENERGY
from lca.units import SECONDS_PER_HOUR, WH_PER_KWH
from lca.xp import Array


def accelerator_power(tdp: Array, load_factor: Array, host_power: Array) -> Array:
    """Average power of one accelerator in use with its host-server share (W)."""
    return tdp * load_factor + host_power


def training_compute(active_parameters: Array, tokens: Array, flops_per_parameter_token: Array
                     ) -> Array:
    """Training compute (FLOP) = flops per parameter-token (6) x active parameters x tokens."""
    return flops_per_parameter_token * active_parameters * tokens


def compute_hours(compute: Array, flops_per_accelerator: Array) -> Array:
    """Accelerator-hours (h) to perform ``compute`` FLOP at an achieved FLOP/s per accelerator."""
    return compute / flops_per_accelerator / SECONDS_PER_HOUR


def hours_from_energy(it_energy: Array, power: Array) -> Array:
    """Accelerator-hours (h) implied by IT energy (kWh) at an average power per accelerator (W)."""
    return it_energy * WH_PER_KWH / power


def accelerator_hours(path: Array, hours_given: Array, it_energy_given: Array, compute: Array,
                      flops_per_accelerator: Array, power: Array, overhead: Array) -> Array:
    """Accelerator-hours of training (h) by path, times the ``overhead`` multiplier.

    ``hours_given`` is NaN unless the profile gave hours (or count x duration); with measured
    energy and no hours, hours are implied by the power.
    """
    from_compute = compute_hours(compute, flops_per_accelerator)
    from_energy = hours_from_energy(it_energy_given, power)
    hours = xp.where(path == COMPUTE, from_compute,
                     xp.where(xp.isnan(hours_given), from_energy, hours_given))
    return hours * overhead


def it_energy(path: Array, it_energy_given: Array, hours: Array, power: Array, overhead: Array
              ) -> Array:
    """IT energy of training (kWh): measured when given, else hours x power.

    ``hours`` already includes the overhead; a measured energy is scaled by it here.
    """
    return xp.where(path == MEASURED_ENERGY, it_energy_given * overhead, hours * power / WH_PER_KWH)
