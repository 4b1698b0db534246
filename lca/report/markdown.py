"""The disclosure report of one estimate, in Markdown.

It follows the three reporting indicators proposed with the life-cycle analysis of Mistral Large 2
by Mistral AI, Carbone 4 and ADEME: training impacts, the marginal impact of one inference, and
the inference share of the lifecycle; then illustrations, versions and provenance.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from lca.quantities import INDICATORS
from lca.report.equivalences import ILLUSTRATED, ILLUSTRATION, equivalents_of, phrase
from lca.report.format import count, number, percent, quantity, quantity_range, shown_in

# The reference request of the second indicator: Mistral AI, Carbone 4 and ADEME report the
# marginal impact of one response of 400 output tokens, so the report compares the profiled
# request with it and says when they differ.
REFERENCE_OUTPUT_TOKENS = 400
MISTRAL_REFERENCE = ("Mistral AI, \"Our contribution to a global environmental standard for AI\", "
                     "2025")
INDICATOR_NAMES = ("energy (facility electricity, kWh), gwp (greenhouse gases, 100-year, "
                   "kgCO2e), water (consumption, L), adpe (abiotic depletion, kg Sb eq), pe "
                   "(primary energy, MJ)")


def to_markdown(result: Mapping, units: Mapping[str, str] | None = None) -> str:
    """The disclosure report of one estimate (``result``, as ``lca.estimate`` returns it).

    Every figure is shown for people (``lca.report.format``): in the unit of its indicator
    that keeps it between 1 and 999, three significant digits, or in the unit ``units`` asks
    for by indicator (as a profile's ``units``, or a figure's own non-canonical unit).

    The three reporting indicators of the Mistral AI / Carbone 4 / ADEME approach — training
    impacts, marginal impact of one inference of 400 output tokens (``inference.per_request``,
    with a note when the profiled request is not 400 tokens long), inference share of the
    lifecycle total — then totals, illustrations (labelled as such, with sources), method and
    factor versions, every factor with its source and year, the assumptions and the warnings.
    """
    versions = result.get("versions") or {}
    sections = (
        ("## Boundary", _boundary(result.get("boundary"))),
        ("## 1. Training impacts", _training(result.get("training"), units)),
        (f"## 2. Marginal impact of one inference ({REFERENCE_OUTPUT_TOKENS} output tokens)",
         _inference(result.get("inference"), units)),
        ("## 3. Inference share of the lifecycle", _lifecycle(result, units)),
        ("## Illustrations", [f"> {ILLUSTRATION}", "", *_illustrations(result, units)]),
        ("## Method and versions", [f"- Method version: {versions.get('method')}",
                                    f"- Factor set: {versions.get('factors')}",
                                    f"- Indicators: {INDICATOR_NAMES}",
                                    *_accounting(result, units)]),
        ("## Factors used", _records(result.get("factors_used"),
                                     ("key", "value", "unit", "source", "year"),
                                     "No factor recorded.")),
        ("## Assumptions", _records(result.get("assumptions"), ("field", "value", "why"),
                                    "None.")),
        ("## Warnings", _records(result.get("warnings"), ("code", "message"), "None.")),
    )
    title = _cell(result.get("name") or "unnamed profile")
    lines = [f"# Environmental footprint disclosure: {title}", "",
             f"Estimated with lca, method {versions.get('method')}, factor set "
             f"{versions.get('factors')}. The reporting follows the three indicators proposed "
             "with the life-cycle analysis of Mistral Large 2 by Mistral AI, Carbone 4 and ADEME "
             f"({MISTRAL_REFERENCE}). Values are central estimates; ranges are 5th-95th "
             "percentiles where the uncertainty was computed."]
    for heading, body in sections:
        lines += ["", heading, "", *body]
    return "\n".join(lines) + "\n"


STAGE_WORDS = {
    "electricity": "the electricity of the servers and of the data centre around them (PUE), "
                   "with the water evaporated on site and consumed generating that electricity",
    "hardware": "the manufacturing of the accelerators and their host servers, by time share "
                "of their service life",
    "datacenter_building": "the data-centre building and its power and cooling infrastructure, "
                           "per kW of IT capacity over the building's life (greenhouse gases "
                           "only)",
    "network_storage": "the networking and storage equipment of the data centre (electricity "
                       "and manufacturing)",
    "end_user_device": "the user's device while the answer is read (electricity)",
    "network_transfer": "the network transfer of the prompt and the answer (electricity)",
}
"""Each stage of the boundary in words (lca.quantities.STAGES)."""


def _boundary(boundary: Mapping | None) -> list[str]:
    """The boundary in words: the stages counted in the totals and those left out."""
    stages = list((boundary or {}).get("stages") or ("electricity", "hardware"))
    name = (boundary or {}).get("name") or "electricity-and-chips"
    out = [s for s in STAGE_WORDS if s not in stages]
    return [f"Boundary `{name}`. Counted in every total: "
            + "; ".join(STAGE_WORDS[s] for s in stages if s in STAGE_WORDS) + ".", "",
            "Not counted: " + "; ".join([*(STAGE_WORDS[s] for s in out),
                                         "transport and end of life of the equipment"]) + "."]


def _training(training: Mapping | None, units: Mapping[str, str] | None) -> list[str]:
    """Indicator 1: the training impacts, total, operational and embodied."""
    if not training:
        return ["Not estimated: the profile has no training section."]
    return [*_indicator_table({"total": training.get("impacts"),
                               "operational": training.get("operational"),
                               "embodied": training.get("embodied"),
                               "other stages": _stages_sum(training.get("stages"))}, units),
            "", f"Training path: `{training.get('path')}`."]


def _stages_sum(stages: Mapping | None) -> dict[str, dict] | None:
    """The stages beyond electricity and chips added up per indicator (central values), the
    part of a total that its operational and embodied columns leave out; None when all are 0."""
    summed: dict[str, dict] = {}
    for figures in (stages or {}).values():
        for k, q in figures.items():
            if q.get("value") is not None:
                found = summed.setdefault(k, {"value": 0.0, "unit": q["unit"]})
                found["value"] += q["value"]
    return summed if any(q["value"] for q in summed.values()) else None


def _inference(inference: Mapping | None, units: Mapping[str, str] | None) -> list[str]:
    """Indicator 2: one request, said plainly when it is not the reference request."""
    if not inference:
        return ["Not estimated: the profile has no inference section."]
    tokens = _output_tokens(inference)
    if tokens is not None and math.isclose(tokens, REFERENCE_OUTPUT_TOKENS, rel_tol=1e-6):
        intro = f"One request of {REFERENCE_OUTPUT_TOKENS} output tokens, training not included:"
    else:
        shown = "an unknown number of" if tokens is None else count(tokens)
        intro = (f"**Not the reference request**: these figures are for one request of {shown} "
                 f"output tokens, as profiled, not {REFERENCE_OUTPUT_TOKENS}; estimate again "
                 f"with `inference.output_tokens` = {REFERENCE_OUTPUT_TOKENS} for the reference "
                 "figure. Training not included:")
    return [intro, "", *_indicator_table({"per request": inference.get("per_request"),
                                          "per output token": inference.get("per_output_token")},
                                         units),
            "", f"Inference path: `{inference.get('path')}`."]


def _lifecycle(result: Mapping, units: Mapping[str, str] | None) -> list[str]:
    """Indicator 3: the shares of inference and training, and the lifecycle totals."""
    lifecycle = result.get("lifecycle") or {}
    inference = result.get("inference") or {}
    shares = lifecycle.get("shares")
    if not shares:
        return ["Not computed: it needs a training section, an inference section and a request "
                "volume (`requests`, or `requests_per_day` with `duration`)."]
    lines = ["| indicator | inference | training |", "|---|---|---|"]
    lines += [f"| {k} | {percent(shares['inference'].get(k))} | "
              f"{percent(shares['training'].get(k))} |" for k in INDICATORS]
    lines += ["", f"Over {count(inference.get('requests'))} requests:", ""]
    lines += _indicator_table({"lifecycle total": lifecycle.get("total"),
                               "inference total": inference.get("total"),
                               "per request, training amortised": lifecycle.get("per_request")},
                              units)
    return lines


def _indicator_table(columns: Mapping[str, Mapping | None],
                     units: Mapping[str, str] | None) -> list[str]:
    """A table of the indicators (rows) in each block given (columns); absent blocks left out."""
    present = {name: block for name, block in columns.items() if block}
    lines = ["| indicator | " + " | ".join(present) + " |",
             "|---|" + "---|" * len(present)]
    for k in INDICATORS:
        cells = [quantity_range(k, block.get(k), scale=shown_in(k, block.get(k), units))
                 for block in present.values()]
        lines.append(f"| {k} | " + " | ".join(cells) + " |")
    return lines


def _illustrations(result: Mapping, units: Mapping[str, str] | None) -> list[str]:
    """Everyday equivalents of the headline figures, then each item's source."""
    figures = (("training", ("training", "impacts"), None),
               ("one inference", ("inference", "per_request"), "request"),
               ("lifecycle total", ("lifecycle", "total"), None))
    lines: list[str] = []
    sources: dict[str, dict] = {}
    for label, (phase, block), per in figures:
        values = ((result.get(phase) or {}).get(block)) or {}
        for indicator in ILLUSTRATED:
            q = values.get(indicator)
            for e in equivalents_of(indicator, q):
                shown = quantity(indicator, q["value"], q["unit"],
                                 scale=shown_in(indicator, q, units))
                lines.append(f"- {label}, {indicator} {shown}: about {phrase(e, per)}")
                sources[e["key"]] = e
    if not lines:
        return ["No figure to illustrate."]
    lines += ["", "Sources of the illustrations:", ""]
    lines += [f"- {e['label']}: {number(e['value'])} {e['unit']} per {e['item']}; "
              f"{e['source']} ({e['year']}). {e['note']}" for e in sources.values()]
    return lines


_DUAL = (("training", "impacts", "training impacts"),
         ("inference", "per_request", "one request"),
         ("lifecycle", "total", "lifecycle total"))


def _accounting(result: Mapping, units: Mapping[str, str] | None) -> list[str]:
    """The GHG accounting basis, and both bases where market data were given (GHG Protocol
    Scope 2 Guidance, 2015: dual reporting)."""
    basis = result.get("accounting") or "location"
    lines = [f"- GHG accounting: gwp figures are {basis}-based (GHG Protocol Scope 2); water, "
             "ADPe and primary energy are location-based"]
    for phase, block, label in _DUAL:
        figures = result.get(phase) or {}
        market = figures.get(f"{block}_market")
        if market:
            location = (figures.get(f"{block}_location") or {}).get("gwp")
            lines.append(f"- gwp of the {label}: location-based {_gwp(location, units)}, "
                         f"market-based {_gwp(market.get('gwp'), units)}")
    return lines


def _gwp(q: Mapping | None, units: Mapping[str, str] | None) -> str:
    """A gwp figure of the response for people, or a dash when absent."""
    if not q or q.get("value") is None:
        return "-"
    return quantity("gwp", q["value"], q["unit"], scale=shown_in("gwp", q, units))


def _records(rows: Sequence[Mapping] | None, columns: tuple[str, ...], empty: str) -> list[str]:
    """Records (factors, assumptions, warnings) as a table of ``columns``, or ``empty``."""
    if not rows:
        return [empty]
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_cell(row.get(c)) for c in columns) + " |" for row in rows]
    return lines


def _output_tokens(inference: Mapping) -> float | None:
    """Output tokens of the profiled request: per-request energy / per-output-token energy."""
    # TODO(lead): read the output tokens from the estimate once it echoes its inputs; the
    # estimate states them today only when they were defaulted.
    per_request = (inference.get("per_request") or {}).get("energy") or {}
    per_token = (inference.get("per_output_token") or {}).get("energy") or {}
    if not per_request.get("value") or not per_token.get("value"):
        return None
    return per_request["value"] / per_token["value"]


def _cell(value: object) -> str:
    """Any value as the text of one table cell: pipes escaped, line breaks made spaces."""
    text = number(value) if isinstance(value, float) else "" if value is None else str(value)
    return text.replace("|", "\\|").replace("\r", " ").replace("\n", " ")
