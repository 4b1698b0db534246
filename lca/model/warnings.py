"""The warnings an estimate can carry: one registry of codes and messages, and the warnings that
follow from the figures themselves.

A warning says that a figure rests on something the user should know (a default location, a
fallback factor, a replica too small for the weights). Each code is declared once here with the
text shown to the user; ``{phase}`` and the other fields are filled in where it is raised.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from lca.method import MAX_ACCELERATORS_PER_SERVER, MAX_DECODE_STEP_SECONDS

WARNINGS: dict[str, str] = {
    "zone-default": "{phase}: no location given, the world-average grid is used (give "
                    "{phase}.location: a zone such as FRA or USA-CA, or a cloud region such as "
                    "aws:eu-west-3)",
    "peak-flops-fallback": "{phase}: {hardware} has no {attribute}; its 16-bit peak is used",
    "hours-from-energy": "training: accelerator-hours for the embodied share are implied by the "
                         "measured energy and the power per accelerator",
    "training-tokens-unpublished": "training: {preset} publishes no training tokens; the "
                                   "median of contemporary presets' tokens stands in, with "
                                   "their range (give training.tokens or another activity)",
    "no-volume": "inference: no requests (or requests_per_day with duration) given, so no "
                 "deployment total (give inference.requests, or inference.requests_per_day "
                 "and inference.duration, for one)",
    "replica-too-small": "inference: the weights do not fit in the usable memory of the "
                         "accelerators given; the estimate assumes they run anyway (give "
                         "more inference.accelerators, hardware with more memory, or a lower "
                         "model.precision)",
    "batch-capped": "inference: the batch size was lowered to what the replica's memory holds "
                    "beside the weights",
    "replica-spans-servers": "inference: one replica spreads the weights over {accelerators} "
                             "accelerators, more than the {limit} that share one server's fast "
                             "interconnect; the roofline treats them as one, so its latency and "
                             "energy are optimistic (real services use accelerators with more "
                             "memory, fewer bits per weight, or pipeline stages across servers)",
    "slow-decode": "inference: one decode step takes {seconds} s, so an answer of {tokens} "
                   "tokens takes {minutes} min: no interactive service runs like this (check "
                   "the hardware and the replica)",
    "latency-target-unmet": "inference: a decode step takes {seconds} s even for one request, "
                            "above the latency target of {target} s (max_token_latency): the "
                            "figures are those of batch 1, which still misses it",
    "over-capacity": "inference: the request rate exceeds what {replicas} replica(s) ({field}) "
                     "serve; {needed} are needed in the busiest hour, so the figures are those "
                     "of saturated replicas serving what they can (raise {field} to "
                     "{needed} for the whole traffic)",
}
"""Every warning code of the core and its message."""


def warning(code: str, **fields: str) -> dict[str, str]:
    """The warning ``code`` with its message filled in."""
    return {"code": code, "message": WARNINGS[code].format(**fields)}


def figure_warnings(inputs: Mapping[str, float], out: Mapping[str, float]) -> list[dict]:
    """The warnings that the central figures of an inference estimate call for."""
    found = []
    if not math.isfinite(float(out["inference.requests"])):
        found.append(warning("no-volume"))
    if float(out["inference.replica.weight_bytes"]) > float(
            out["inference.replica.usable_memory_bytes"]):
        found.append(warning("replica-too-small"))
    accelerators = float(out["inference.replica.accelerators"])
    if accelerators > MAX_ACCELERATORS_PER_SERVER:
        found.append(warning("replica-spans-servers", accelerators=f"{accelerators:g}",
                             limit=f"{MAX_ACCELERATORS_PER_SERVER}"))
    step = float(out["inference.replica.decode_step_seconds"])
    if step > MAX_DECODE_STEP_SECONDS:
        tokens = float(inputs["inference.output_tokens"])
        found.append(warning("slow-decode", seconds=f"{step:.3g}", tokens=f"{tokens:g}",
                             minutes=f"{step * tokens / 60:.3g}"))
    target = float(inputs.get("inference.max_token_latency", math.nan))
    if math.isfinite(target) and step > target * (1.0 + 1e-9):
        found.append(warning("latency-target-unmet", seconds=f"{step:.3g}",
                             target=f"{target:g}"))
    traffic = float(inputs.get("inference.traffic", 0.0)) == 1.0
    if not traffic and float(out["inference.replica.batch_size"]) < float(
            inputs["inference.batch_size"]):
        found.append(warning("batch-capped"))
    if traffic:
        needed = float(out["inference.traffic.replicas_needed"])
        fixed = float(inputs["inference.replicas"])
        bound, field = ((fixed, "inference.replicas") if math.isfinite(fixed)
                        else (float(inputs["inference.max_replicas"]), "inference.max_replicas"))
        if math.isfinite(bound) and needed > bound:
            found.append(warning("over-capacity", field=field, replicas=f"{bound:g}",
                                 needed=f"{needed:g}"))
    return found
