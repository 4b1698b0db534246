"""Every quantity of lca, declared once: the inputs a profile may give and the figures it gets.

An input is named by its dotted path in the profile (``inference.output_tokens``), and the
formulas (lca.model.graph) read it under that same name. Its Spec gives the canonical unit, the
accepted range and a one-line meaning; ``default`` names the method constant used when the
profile leaves it out. Inputs that come from the factor tables rather than from the profile
(``inference.hardware.tdp``) are declared in MODEL_INPUTS with their unit only.

A figure is named by its dotted path in the estimate response (``inference.per_request.gwp``),
which is also the key the formulas write it under. The profile reader (lca.reading), the response
(lca.report.response), the columnar outputs, the OpenAPI schemas (api.schemas) and the
calculator's labels are all derived from these tables: adding an input is one Field here plus
the formula that reads it (docs/adding-an-input.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from lca.spec import Range, Spec, Spread
from lca.units import HOURS_PER_YEAR

__all__ = ["Range", "Spec", "Spread"]  # how one value is read (lca.spec), with the declarations

INDICATORS = ("energy", "gwp", "water", "adpe", "pe")
EMBODIED_INDICATORS = ("gwp", "water", "adpe", "pe")
CANONICAL_UNITS = {"energy": "kWh", "gwp": "kgCO2e", "water": "L", "adpe": "kgSbeq", "pe": "MJ"}
PRECISIONS = ("fp32", "bf16", "fp16", "fp8", "int8", "int4")
ENERGY_SCOPES = ("it", "facility")
ACCOUNTING = ("location", "market")  # GHG Protocol Scope 2 bases; gwp follows the chosen one
TASKS = ("chat", "reasoning", "code", "summarization", "rag", "classification")
DEFAULT_TASK = "chat"
SERVING = ("optimized", "eager")  # serving stacks: CUDA-graph server, plain framework
MAX_NAME_LENGTH = 200


# ---------------------------------------------------------------------------------------------
# Inputs


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
]}
"""The numeric fields of a profile, by path."""


# Traffic mode's fields (docs/inference.md): they decide how a profile is read (traffic or not,
# with exclusions between them and batch_size), so they are given per profile, never as columns.
TRAFFIC_FIELDS = ("inference.requests_per_second", "inference.hourly_requests_per_second",
                  "inference.replicas", "inference.min_replicas", "inference.max_replicas")


def column_fields() -> list[str]:
    """The fields a column of numbers may vary: every single-valued field but traffic's."""
    return [path for path, f in FIELDS.items() if not f.spec.length and path not in TRAFFIC_FIELDS]


def nest(leaves: Iterable[tuple[str, object]]) -> dict:
    """Leaves given by dotted path, nested as a response or a profile holds them:
    ``[("a.b", x)]`` -> ``{"a": {"b": x}}``, in the order given."""
    root: dict = {}
    for path, leaf in leaves:
        *parents, key = path.split(".")
        node = root
        for parent in parents:
            node = node.setdefault(parent, {})
        node[key] = leaf
    return root


def declared() -> tuple[int, int]:
    """How many fields and figures are declared: part of every cache key of a reading, so that
    a quantity declared after import (an extension, a test's) is never read with a stale plan."""
    return len(FIELDS), len(FIGURES)


def section_fields(section: str) -> dict[str, Field]:
    """The numeric fields directly inside ``section`` (``""`` for the top level), by name."""
    return {f.name: f for f in FIELDS.values() if f.path.rpartition(".")[0] == section}


# The other keys each section accepts (ids, choices and nested sections), beside its numbers.
_OTHER_KEYS = {
    "": {"name", "factors_version", "model", "training", "inference", "uncertainty", "units",
         "boundary", "accounting"},
    "model": {"preset", "precision"},
    "training": {"hardware", "precision", "energy_scope", "location", "grid", "datacenter"},
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
}
"""Inputs from the factor tables and method constants, with their canonical units."""

STAGES = ("electricity", "hardware", "datacenter_building", "network_storage",
          "end_user_device", "network_transfer")
"""The stages a boundary may hold: electricity (with cooling water) and the hardware's
manufacturing always; the others as the profile's boundary says (docs/boundary.md)."""
BOUNDARIES = {
    "frugal-ai": STAGES[:4],
    "electricity-and-chips": STAGES[:2],
}
"""The named boundaries: the AFNOR Spec 2314 "Frugal AI" scope of a data-centre service, and
the scope of tools that stop at electricity and chips (the boundary of factor set 2026.1)."""
STAGE_INDICATORS = {"datacenter_building": ("gwp",), "network_storage": INDICATORS,
                    "end_user_device": INDICATORS, "network_transfer": INDICATORS}
"""The indicators each optional stage reports (the building: greenhouse gases only, for want
of sourced per-kW figures of the others)."""


def input_unit(name: str) -> str:
    """The canonical unit of the formulas' input ``name`` (a field or a factor input)."""
    field = FIELDS.get(name)
    return field.spec.unit if field is not None else MODEL_INPUTS[name]


# ---------------------------------------------------------------------------------------------
# Figures


@dataclass(frozen=True)
class Figure:
    """One figure of the estimate, at ``path`` in the response.

    ``unit`` is an indicator (``gwp``: shown in the profile's display unit for it), a fixed unit
    (``h``), or None for a bare number (counts, shares). ``paths`` restricts the figure to some
    calculation paths of its phase; ``when`` shows it only when that figure is finite (totals
    need a request volume). ``phases`` are the phases that must be present.
    """

    path: str
    unit: str | None
    doc: str
    phases: tuple[str, ...]
    paths: tuple[str, ...] = ()
    when: str | None = None

    @property
    def indicator(self) -> str | None:
        """The indicator whose display unit applies, if the unit is one."""
        return self.unit if self.unit in CANONICAL_UNITS else None

    @property
    def canonical_unit(self) -> str | None:
        """The unit of the figure's value in canonical units."""
        return CANONICAL_UNITS.get(self.unit, self.unit) if self.unit else None


def dual(block: str, basis: str) -> str:
    """The figure of a block's gwp on one accounting basis: ``lifecycle.total_market.gwp``.
    An object of its own beside the block, shown only when market data are given, so that the
    block's own figures keep their promise of presence."""
    return f"{block}_{basis}.gwp"


def _block(prefix: str, doc: str, phases: tuple[str, ...], indicators: tuple[str, ...] = INDICATORS,
           when: str | None = None) -> list[Figure]:
    return [Figure(f"{prefix}.{k}", k, f"{doc} ({k})", phases, when=when) for k in indicators]


def _water(phase: str) -> list[Figure]:
    return [Figure(f"{phase}.water.{part}", "water", f"{phase} water consumed {doc}", (phase,))
            for part, doc in (("onsite", "on site (cooling)"), ("offsite", "off site, to "
                              "generate the electricity"), ("manufacturing", "to make the "
                              "hardware (embodied share)"))]


_T, _I, _B = ("training",), ("inference",), ("training", "inference")
_REQUESTS = "inference.requests"
_TRAFFIC = "inference.traffic.replicas"
_LIFECYCLE_WHEN = "lifecycle.requests"

FIGURES: list[Figure] = [
    Figure("training.accelerator_hours", "h", "accelerator-hours of training, overhead "
           "included", _T),
    Figure("training.it_energy", "energy", "IT energy of training", _T),
    *_block("training.impacts", "training impacts, operational + embodied", _T),
    *_block("training.operational", "training impacts of electricity use", _T),
    *_block("training.embodied", "training share of hardware manufacturing", _T,
            EMBODIED_INDICATORS),
    *_water("training"),
    Figure("training.compute", "FLOP", "training compute", _T, paths=("compute",)),
    Figure("inference.replica.accelerators", None, "accelerators per replica", _I),
    Figure("inference.replica.batch_size", None, "concurrent requests per replica, after the "
           "memory cap", _I),
    Figure("inference.replica.max_batch_size", None, "concurrent requests the replica's memory "
           "holds beside the weights", _I),
    Figure("inference.replica.prefill_seconds", "s", "prefill time of one request", _I),
    Figure("inference.replica.decode_step_seconds", "s", "time of one decode step of the "
           "batch", _I),
    Figure("inference.replica.busy_seconds_per_request", "s", "replica time a request takes, "
           "batching shared", _I),
    Figure("inference.replica.idle_seconds_per_request", "s", "idle replica time per request "
           "at the fleet utilization", _I),
    Figure("inference.replica.weight_bytes", "byte", "memory of the weights", _I),
    Figure("inference.replica.usable_memory_bytes", "byte", "usable memory of the replica", _I),
    Figure("inference.replica.kv_cache_bytes_per_token", "byte/token", "KV-cache bytes per "
           "token of context", _I),
    Figure("inference.it_energy", "energy", "IT energy of one request", _I),
    *_block("inference.per_request", "impacts of one request", _I),
    *_block("inference.per_output_token", "impacts per output token", _I),
    *_block("inference.operational", "impacts of one request's electricity use", _I),
    *_block("inference.embodied", "one request's share of hardware manufacturing", _I,
            EMBODIED_INDICATORS),
    *_water("inference"),
    *[Figure(f"inference.energy_breakdown.{part}", "energy", f"energy of one request: {doc}", _I)
      for part, doc in (("accelerators", "accelerators busy"), ("host", "host servers busy"),
                        ("idle", "idle provisioned capacity"),
                        ("overhead", "data-centre overhead (PUE)"))],
    Figure(_REQUESTS, None, "requests served over the deployment", _I, when=_REQUESTS),
    Figure("inference.replica.accelerator_power", "W", "mean power of one accelerator while "
           "the replica serves (prefill and decode), host excluded", _I),
    *[Figure(f"inference.traffic.{name}", unit, doc, _I, when=_TRAFFIC)
      for name, unit, doc in (
          ("replicas", None, "replicas provisioned, mean over the day"),
          ("replicas_needed", None, "replicas the busiest hour's rate needs"),
          ("utilization", None, "share of provisioned replica time spent serving"),
          ("concurrency", None, "requests in flight per replica (Little's law), mean per "
           "request"),
          ("capacity", "request/s", "requests per second one replica serves at its largest batch"),
          ("busy_replica_hours_per_day", "h", "replica-hours spent serving per day"),
          ("idle_replica_hours_per_day", "h", "provisioned replica-hours idle per day"))],
    *_block("inference.total", "impacts of every request of the deployment", _I,
            when=_REQUESTS),
    *[Figure(f"lifecycle.breakeven_requests.{k}", None, f"requests after which inference "
             f"outweighs training ({k})", _B) for k in INDICATORS],
    *_block("lifecycle.total", "training + every request", _B, when=_LIFECYCLE_WHEN),
    *_block("lifecycle.per_request", "one request with its share of training", _B,
            when=_LIFECYCLE_WHEN),
    *[Figure(f"lifecycle.shares.{phase}.{k}", None, f"share of {phase} in the lifecycle total "
             f"({k})", _B, when=_LIFECYCLE_WHEN)
      for phase in ("training", "inference") for k in INDICATORS],
    *[Figure(f"{phase}.stages.{stage}.{k}", k, f"{phase} impacts of the {doc}, counted in the "
             f"totals; 0 when the boundary leaves the stage out ({k})", (phase,))
      for phase, stages in (("training", STAGES[2:4]), ("inference", STAGES[2:]))
      for stage in stages for k in STAGE_INDICATORS[stage]
      for doc in [{"datacenter_building": "data-centre building and infrastructure (embodied)",
                   "network_storage": "networking and storage equipment (electricity and "
                                      "embodied)",
                   "end_user_device": "end-user device reading the answer (electricity)",
                   "network_transfer": "network transfer of the prompt and answer "
                                       "(electricity)"}[stage]]],
    # GHG Protocol Scope 2 dual reporting, shown when market data are given (docs/accounting.md)
    *[Figure(dual(block, basis), "gwp", f"{doc} (gwp, {basis}-based)", phases,
             when=dual(block, basis))
      for block, doc, phases in (("training.impacts", "training impacts", _T),
                                 ("inference.per_request", "impacts of one request", _I),
                                 ("inference.total", "impacts of every request", _I),
                                 ("lifecycle.total", "training + every request", _B),
                                 ("lifecycle.per_request", "one request with its share of "
                                  "training", _B))
      for basis in ("location", "market")],
]
"""Every figure, in the order it appears in the response (append to declare one more)."""

DEFAULT_OUTPUTS = tuple(f"{block}.{k}" for block in ("inference.per_request", "training.impacts",
                                                      "lifecycle.total", "lifecycle.per_request")
                        for k in INDICATORS)
"""The figures the columnar endpoints return when none are named."""

def quantity_paths() -> frozenset[str]:
    """The figures shown as quantities ({value, unit, low, high}), not as bare numbers."""
    return _quantity_paths(len(FIGURES))


@cache
def _quantity_paths(declared: int) -> frozenset[str]:
    return frozenset(f.path for f in FIGURES if f.unit is not None)


def output_names() -> frozenset[str]:
    """Every output a columnar request may name: the figures and the lifecycle's request
    volume."""
    return frozenset(f.path for f in FIGURES) | {_LIFECYCLE_WHEN}
