"""GHG Protocol Scope 2 dual reporting, wired for a phase (docs/accounting.md): the location-
and market-based gwp of its totals, the basis the profile chose, and which of the two are shown.
The market-based factor (supplier, residual mix, renewable share) is in lca.model.grid.
"""

from __future__ import annotations

from collections.abc import Mapping

from lca import xp
from lca.model import grid
from lca.quantities import dual
from lca.xp import Array

_BASES = ("location", "market")
_DUAL = {phase: tuple(dual(block, basis) for block in blocks for basis in _BASES)
         for phase, blocks in (("training", ("training.impacts",)),
                               ("inference", ("inference.per_request", "inference.total")),
                               ("lifecycle", ("lifecycle.total", "lifecycle.per_request")))}
_TOTAL_BASES = {"training": tuple(dual("training.impacts", b) for b in _BASES),
                "inference": tuple(dual("inference.per_request", b) for b in _BASES)}
# per basis: the training, per-request, inference total, lifecycle total and amortised paths
LIFECYCLE_BASES = tuple((dual("training.impacts", b), dual("inference.per_request", b),
                         dual("inference.total", b), dual("lifecycle.total", b),
                         dual("lifecycle.per_request", b)) for b in _BASES)


def dual_accounting(x: Mapping[str, Array], out: dict[str, Array], phase: str,
                    op: dict[str, Array], location: Array) -> None:
    """GHG Protocol Scope 2 dual reporting of a phase (docs/accounting.md): the location- and
    market-based gwp of its total (NaN when no market data are given, so not shown), and its
    gwp figures on the basis the profile chose. Water, ADPe and PE stay location-based."""
    total = "impacts" if phase == "training" else "per_request"
    location_path, market_path = _TOTAL_BASES[phase]
    if not xp.any_true(grid.market_data_given(x, phase)):
        # no market data and location-based accounting anywhere: the dual figures are hidden
        # (show_dual) and gwp stays location-based, so the market factor is not worked out
        out[location_path] = out[market_path] = out[f"{phase}.{total}.gwp"]
        return
    market_factor = grid.market_gwp(location, x[f"{phase}.grid.market_gwp"],
                                    x[f"{phase}.grid.residual_gwp"],
                                    x[f"{phase}.grid.renewable_share"])
    market_op = op["energy"] * market_factor
    # The data centre's networking and storage draw the same purchased electricity; the user's
    # device and the network transfer are other parties' electricity and stay location-based.
    network = out.get(f"{phase}.stages.network_storage.energy", 0.0)
    location_total = out[f"{phase}.{total}.gwp"]
    market_total = location_total + (op["energy"] + network) * (market_factor - location)
    out[location_path] = location_total
    out[market_path] = market_total
    is_market = x["accounting_is_market"] == 1.0
    out[f"{phase}.{total}.gwp"] = xp.where(is_market, market_total, location_total)
    out[f"{phase}.operational.gwp"] = xp.where(is_market, market_op, op["gwp"])


def show_dual(x: Mapping[str, Array], out: dict[str, Array]) -> None:
    """The location- and market-based figures kept where market data are given (the lifecycle
    where either phase has them), NaN elsewhere (their ``when`` then hides them)."""
    shown = {phase: grid.market_data_given(x, phase) for phase in ("training", "inference")
             if f"{phase}.path" in x}
    if len(shown) == 2:
        shown["lifecycle"] = shown["training"] | shown["inference"]
    for phase, given in shown.items():
        for path in _DUAL[phase]:
            out[path] = xp.where(given, out[path], xp.nan)
