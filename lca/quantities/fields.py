"""The inputs of the formulas, declared once (docs/adding-an-input.md): FIELDS, every numeric
field a profile may give (its path, also its input name; its Spec: canonical unit, accepted range,
meaning; the method constant that stands in when it is left out), the keys each section of the
profile accepts, and MODEL_INPUTS, the inputs the factor tables supply, with their units.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from lca.spec import Spec
from lca.units import HOURS_PER_YEAR


@dataclass(frozen=True)
class Field:
    """A numeric field of the profile: its path (also its input name), how it is read, and the
    method constant that stands in when it is left out (with the reason shown to the user)."""

    path: str
    spec: Spec
    default: str | None = None
    why: str | None = None

    @property
    def name(self) -> str:
        """The field's name within its section (``output_tokens``)."""
        return self.path.rpartition(".")[2]


def _site(phase: str) -> list[Field]:
    """The grid and data-centre overrides of a phase (``training.grid.gwp``...)."""
    return [
        Field(f"{phase}.grid.gwp", Spec("kgCO2e/kWh", 0, 3, "grid carbon intensity, lifecycle")),
        Field(f"{phase}.grid.water", Spec("L/kWh", 0, 1000, "water consumed per kWh generated "
                                          "(off-site)")),
        Field(f"{phase}.grid.adpe", Spec("kgSbeq/kWh", 0, 1e-3, "abiotic depletion per kWh")),
        Field(f"{phase}.grid.pe", Spec("MJ/kWh", 0, 100, "primary energy per kWh")),
        Field(f"{phase}.datacenter.pue", Spec("dimensionless", 1, 5,
                                              "power usage effectiveness")),
        Field(f"{phase}.datacenter.wue", Spec("L/kWh", 0, 50, "on-site water use per kWh of IT "
                                              "energy")),
        Field(f"{phase}.grid.gwp_hourly", Spec(
            "kgCO2e/kWh", 0, 3, "grid carbon intensity by UTC hour of day (24 values, hour 0 "
            "first), lifecycle; weighted by the share of the phase's energy in each hour "
            "(inference: the hourly traffic; training: uniform); overrides gwp", length=24)),
        Field(f"{phase}.grid.gwp_monthly", Spec(
            "kgCO2e/kWh", 0, 3, "grid carbon intensity by calendar month (12 values, January "
            "first), lifecycle; averaged over the months the phase covers (start_month and "
            "duration), all 12 alike without a start month; overrides gwp", length=12)),
        Field(f"{phase}.grid.start_month", Spec(
            "dimensionless", 1, 12, "calendar month the phase starts (1 = January), for "
            "gwp_monthly", integer=True)),
        Field(f"{phase}.grid.market_gwp", Spec(
            "kgCO2e/kWh", 0, 3, "supplier-specific emission factor of the electricity bought "
            "(market-based, GHG Protocol Scope 2); else the zone's residual mix where published, "
            "else the location-based factor")),
        Field(f"{phase}.grid.renewable_share", Spec(
            "dimensionless", 0, 1, "share of the phase's electricity covered by renewable "
            "energy contracts (certificates, PPAs), counted at zero in market-based accounting")),
    ]


_YEARS_100 = 100 * HOURS_PER_YEAR

FIELDS: dict[str, Field] = {f.path: f for f in [
    Field("hardware_lifetime", Spec("h", 0.25 * HOURS_PER_YEAR, 30 * HOURS_PER_YEAR,
                                    "service life of accelerators and servers"),
          "hardware_lifetime", "default service life"),
    Field("model.parameters", Spec("dimensionless", 1e3, 1e14, "total parameters")),
    Field("model.active_parameters", Spec("dimensionless", 1e3, 1e14,
                                          "parameters active per token (mixture of experts)")),
    Field("model.layers", Spec("dimensionless", 1, 1000, "transformer layers", integer=True)),
    Field("model.kv_heads", Spec("dimensionless", 1, 1024, "key/value heads per layer",
                                 integer=True)),
    Field("model.head_dim", Spec("dimensionless", 1, 4096, "dimension of one attention head",
                                 integer=True)),
    Field("training.energy", Spec("kWh", 0, 1e10, "measured energy of the run", low_open=True)),
    Field("training.accelerator_hours", Spec("h", 0, 1e10, "accelerator-hours used",
                                             low_open=True)),
    Field("training.accelerator_count", Spec("dimensionless", 1, 1e7, "accelerators used",
                                             integer=True)),
    Field("training.duration", Spec("h", 0, _YEARS_100, "wall-clock duration", low_open=True)),
    Field("training.compute", Spec("FLOP", 0, 1e30, "training compute", low_open=True)),
    Field("training.tokens", Spec("token", 0, 1e16, "training tokens", low_open=True)),
    Field("training.utilization", Spec("dimensionless", 0, 1, "model FLOP utilization "
                                       "(achieved/peak)", low_open=True),
          "training_utilization", "default model FLOP utilization"),
    Field("training.achieved_flops", Spec("FLOP/s", 0, 1e18, "measured FLOP/s per accelerator",
                                          low_open=True)),
    Field("training.power_per_accelerator", Spec("W", 0, 1e5, "measured average system power "
                                                 "per accelerator, host share included",
                                                 low_open=True)),
    Field("training.overhead", Spec("dimensionless", 1, 100, "multiplier for experiments and "
                                    "failed runs"),
          "training_overhead", "the run given only: experiments and failed runs are not counted "
          "(set overhead to include them)"),
    *_site("training"),
    Field("inference.input_tokens", Spec("token", 0, 1e7, "input (prompt) tokens per request"),
          "default_input_tokens", "default prompt length"),
    Field("inference.output_tokens", Spec("token", 0, 1e7, "output tokens per request",
                                          low_open=True),
          "default_output_tokens", "default response length"),
    Field("inference.requests", Spec("dimensionless", 0, 1e16, "requests served over the "
                                     "deployment", low_open=True)),
    Field("inference.requests_per_day", Spec("dimensionless", 0, 1e14, "requests per day",
                                             low_open=True)),
    Field("inference.duration", Spec("h", 0, _YEARS_100, "deployment duration", low_open=True)),
    Field("inference.batch_size", Spec("dimensionless", 1, 4096, "concurrent requests per "
                                       "replica"),
          "default_batch_size", "default concurrent requests per replica"),
    Field("inference.fleet_utilization", Spec("dimensionless", 0, 1, "share of provisioned "
                                              "capacity doing useful work", low_open=True),
          "default_fleet_utilization", "default share of capacity in use"),
    Field("inference.energy_per_request", Spec("kWh", 0, 1e3, "measured energy per request",
                                               low_open=True)),
    Field("inference.energy_per_output_token", Spec("kWh/token", 0, 1, "measured energy per "
                                                    "output token", low_open=True)),
    Field("inference.output_throughput", Spec("token/s", 0, 1e9, "measured output tokens per "
                                              "second of one replica, all batched requests "
                                              "together", low_open=True)),
    Field("inference.accelerators", Spec("dimensionless", 1, 1e5, "accelerators per replica",
                                         integer=True)),
    Field("inference.power_per_accelerator", Spec("W", 0, 1e5, "measured average system power "
                                                  "per accelerator while serving, host share "
                                                  "included", low_open=True)),
    *_site("inference"),
    Field("inference.requests_per_second", Spec("request/s", 0, 1e9, "mean arrival rate of "
                                                "requests (traffic mode)", low_open=True)),
    Field("inference.hourly_requests_per_second", Spec("request/s", 0, 1e9, "arrival rate of "
                                                       "requests in each UTC hour of the day, "
                                                       "0 to 23 (traffic mode)", length=24)),
    Field("inference.replicas", Spec("dimensionless", 1, 1e6, "replicas provisioned and always "
                                     "on (traffic mode)", integer=True)),
    Field("inference.min_replicas", Spec("dimensionless", 0, 1e6, "fewest replicas an "
                                         "autoscaler keeps (traffic mode), at most "
                                         "max_replicas", integer=True)),
    Field("inference.max_replicas", Spec("dimensionless", 1, 1e6, "most replicas an "
                                         "autoscaler starts (traffic mode)", integer=True)),
    Field("inference.max_batch_size", Spec("dimensionless", 1, 65536, "most concurrent requests "
                                           "the server batches on one replica",
                                           integer=True)),
    Field("inference.max_token_latency", Spec("s", 0, 60, "latency target: most time between "
                                              "two output tokens the service allows, which "
                                              "caps the decode batch", low_open=True)),
]}
"""The numeric fields of a profile, by path."""


# Traffic mode's fields (docs/inference.md): they decide how a profile is read (traffic or not,
# with exclusions between them and batch_size), so they are given per profile, never as columns.
TRAFFIC_FIELDS = ("inference.requests_per_second", "inference.hourly_requests_per_second",
                  "inference.replicas", "inference.min_replicas", "inference.max_replicas")


def column_fields() -> list[str]:
    """The fields a column of numbers may vary: every single-valued field but traffic's."""
    return [path for path, f in FIELDS.items() if not f.spec.length and path not in TRAFFIC_FIELDS]


def section_fields(section: str) -> dict[str, Field]:
    """The numeric fields directly inside ``section`` (``""`` for the top level), by name."""
    return {f.name: f for f in FIELDS.values() if f.path.rpartition(".")[0] == section}


# The other keys each section accepts (ids, choices and nested sections), beside its numbers.
_OTHER_KEYS = {
    "": {"name", "factors_version", "model", "training", "inference", "uncertainty", "units",
         "boundary", "accounting"},
    "model": {"preset", "precision"},
    "training": {"hardware", "precision", "energy_scope", "location", "grid", "datacenter",
                 "workload"},
    "inference": {"hardware", "energy_scope", "location", "grid", "datacenter", "serving"},
    "grid": set(),
    "datacenter": {"profile"},
}
_OTHER_KEYS["inference"] |= {"task"}  # sets prompt and answer lengths (factor table tasks)


class _SectionKeys(Mapping[str, set[str]]):
    """Every key a section of the profile accepts, derived from FIELDS when asked, so that a
    field declared later (an extension, a test's throwaway field) is accepted at once."""

    def __getitem__(self, section: str) -> set[str]:
        fields = ("training.grid" if section == "grid" else
                  "training.datacenter" if section == "datacenter" else section)
        return _OTHER_KEYS[section] | set(section_fields(fields))

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(_OTHER_KEYS)

    def __len__(self) -> int:
        return len(_OTHER_KEYS)


SECTION_KEYS: Mapping[str, set[str]] = _SectionKeys()
"""Every key a section of the profile accepts (grid and datacenter alike in both phases)."""


# Inputs of the formulas that the factor tables supply (the profile cannot set them), with their
# canonical unit; the profile's fields are inputs too, under their path and in their Spec's unit.
def _phase_inputs(phase: str) -> dict[str, str]:
    units = {f"{phase}.path": "dimensionless", f"{phase}.hardware.tdp": "W",
             f"{phase}.hardware.host_power": "W", f"{phase}.hardware.peak_flops": "FLOP/s",
             f"{phase}.energy_is_facility": "dimensionless",
             f"{phase}.flops_per_parameter_token": "FLOP/token"}
    for k, unit in (("gwp", "kgCO2e"), ("water", "L"), ("adpe", "kgSbeq"), ("pe", "MJ")):
        units[f"{phase}.hardware.embodied_{k}"] = unit
        units[f"{phase}.hardware.host_embodied_{k}"] = unit
    return units


MODEL_INPUTS: dict[str, str] = {
    "model.kv_lora_rank": "dimensionless",
    "model.bytes_per_parameter": "byte",
    "model.kv_cache_bytes_per_value": "byte",
    "model.kv_bytes_coefficient": "byte/token",
    **_phase_inputs("training"),
    "training.load_factor": "dimensionless",
    "training.sparse_mfu_factor": "dimensionless",
    **_phase_inputs("inference"),
    "inference.hardware.memory": "byte",
    "inference.hardware.memory_bandwidth": "byte/s",
    "inference.prefill_efficiency": "dimensionless",
    "inference.decode_bandwidth_efficiency": "dimensionless",
    "inference.memory_usable_fraction": "dimensionless",
    "inference.weight_memory_overhead": "dimensionless",
    "inference.load_factor": "dimensionless",
    "inference.idle_power_fraction": "dimensionless",
    "inference.host_idle_fraction": "dimensionless",
    "boundary.datacenter_building_gwp": "kgCO2e/kW",
    "boundary.datacenter_lifetime": "h",
    "boundary.network_storage_share": "dimensionless",
    "boundary.end_user_device_power": "W",
    "boundary.reading_speed": "token/s",
    "boundary.network_energy_per_byte": "kWh/byte",
    "boundary.bytes_per_token": "byte/token",
    "accounting_is_market": "dimensionless",
    "training.grid.residual_gwp": "kgCO2e/kWh",
    "inference.grid.residual_gwp": "kgCO2e/kWh",
    "inference.hardware.idle_power": "W",
    "inference.power_bandwidth_slope": "dimensionless",
    "inference.power_compute_slope": "dimensionless",
    "inference.step_floor_per_layer": "s",
    "inference.default_layers": "dimensionless",
    "inference.attention_flops_coefficient": "FLOP/token",
    "inference.model_aspect_ratio": "dimensionless",
    "inference.collective_latency": "s",
    "inference.traffic": "dimensionless",
    "inference.hour_mean_busy_ratio": "dimensionless",
    "inference.hour_mean_busy_seconds": "s",
}
"""Inputs from the factor tables and method constants, with their canonical units."""


def input_unit(name: str) -> str:
    """The canonical unit of the formulas' input ``name`` (a field or a factor input)."""
    field = FIELDS.get(name)
    return field.spec.unit if field is not None else MODEL_INPUTS[name]
