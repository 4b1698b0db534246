"""The figures of an estimate, declared once: FIGURES, each at its path in the response (also
the key the formulas write it under, lca.model.graph), with its unit, meaning, the phases it needs
and when it shows; the figures the columnar endpoints return by default. The response
(lca.report.response), the columnar outputs and the OpenAPI schemas (api.figures) follow them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from lca.quantities.vocabulary import (
    CANONICAL_UNITS,
    EMBODIED_INDICATORS,
    INDICATORS,
    STAGE_INDICATORS,
    STAGES,
)


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
