"""Performance leaderboards: output speed and time to first token per provider and model, turned
into the footprint of one request through the measured-throughput path (docs/performance-
leaderboards.md).

A leaderboard such as Artificial Analysis's measures, for one request at a time, the output
speed ``s`` (tokens/s received after the first token) and the time to first token ``t``
(seconds). A provider serves ``c`` requests at once on one replica (the concurrency, an
assumption). By Little's law a replica holding ``c`` requests, each in the system for
``t + O/s`` seconds, completes ``c / (t + O/s)`` requests per second, so one request occupies
the replica for ``busy = (t + O/s) / c`` seconds and the replica's output throughput is
``O / busy = c · O / (t + O/s)`` tokens/s; this is the ``inference.output_throughput`` given to
the estimate, whose measured-throughput path takes ``busy = O / output_throughput`` back.
``include_ttft: false`` drops ``t`` (throughput = ``s · c``: only decoding occupies the
replica). The concurrency is also the batch the estimate models the accelerators' power at.

Rows are read once per model preset (or once for every row that gives a parameter count
instead), the derived throughputs bound as a column (lca.engine.columns): each row's figures are
those of the single estimate of the same profile. Central values only; no Monte Carlo.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from lca.engine.columns import estimate_columns
from lca.errors import ProfileError
from lca.estimator import Estimator, estimator_for
from lca.factors import FactorSet
from lca.leaderboard.performance_rows import read_row, resolve_columns
from lca.quantities import CANONICAL_UNITS, INDICATORS

OPTIONS = ("columns", "concurrency", "accelerators", "hardware", "precision", "location",
           "task", "input_tokens", "output_tokens", "fleet_utilization", "include_ttft",
           "factors_version")
# the profile field each option becomes, for errors that name the option
_FIELD_OF = {"concurrency": "inference.batch_size", "accelerators": "inference.accelerators",
             "hardware": "inference.hardware", "precision": "model.precision",
             "location": "inference.location",
             "task": "inference.task", "input_tokens": "inference.input_tokens",
             "output_tokens": "inference.output_tokens",
             "fleet_utilization": "inference.fleet_utilization",
             "factors_version": "factors_version"}
_OPTION_OF = {field: option for option, field in _FIELD_OF.items()}
THROUGHPUT = "inference.output_throughput"
PARAMETERS = "model.parameters"
PER_REQUEST = tuple(f"inference.per_request.{i}" for i in INDICATORS)
REPLICA = ("inference.replica.accelerators", "inference.replica.batch_size",
           "inference.replica.busy_seconds_per_request",
           "inference.replica.idle_seconds_per_request")
PLACEHOLDER_PARAMETERS = 1e10  # a valid model for checking the options, before any row
MAX_ROWS = 100_000


def performance(rows: Sequence[Mapping], options: Mapping | None = None,
                factors: FactorSet | Estimator | None = None, *,
                lines: Sequence[int] | None = None) -> dict:
    """The per-request footprint of each row of a performance leaderboard (module doc).

    ``rows`` are plain mappings (column name -> value; numbers or numeric text); ``options``:
    ``columns`` ({logical name: column name}, logical names as in COLUMNS), ``concurrency``
    (requests served at once by one replica; default the factor set's default batch size),
    ``accelerators`` (per replica; default sized from the weights), ``hardware``,
    ``precision`` (of the weights served; default the factor set's), ``location``,
    ``task`` or ``input_tokens``/``output_tokens``, ``fleet_utilization``, ``include_ttft``
    (default true) and ``factors_version``. ``lines`` numbers the rows for ``rejects`` (default
    1, 2, ...).

    Returns ``{"rows", "rejects", "summary", "assumptions", "options", "columns", "units",
    "factors_version"}``: per row the inputs used, the replica and the five per-request
    indicators in canonical units; each bad row (no speed, non-numeric values, an unknown model
    without a parameter count...) is a reject ``{line, reason}``, never dropped silently.
    Raises ProfileError naming the option for an invalid option.
    """
    estimator = estimator_for(factors)
    options = dict(options or {})
    if not isinstance(rows, Sequence) or isinstance(rows, (str, bytes)):
        raise ProfileError([{"field": "rows", "message": "a list of row objects"}])
    if len(rows) > MAX_ROWS:
        raise ProfileError([{"field": "rows", "message": f"at most {MAX_ROWS:,} rows"}])
    if lines is not None and len(lines) != len(rows):
        raise ProfileError([{"field": "lines", "message": "one line number per row"}])
    numbers = lines if lines is not None else range(1, len(rows) + 1)
    settings = _settings(options)
    columns = resolve_columns(rows, options.get("columns"))
    inference = _inference(settings)
    base = _base({"parameters": PLACEHOLDER_PARAMETERS}, inference, settings)
    try:
        reading = estimator.read({**base, "inference": {**inference, "output_throughput": 1.0}})
    except ProfileError as error:
        raise ProfileError([_as_option(e) for e in error.errors]) from None
    fs = reading.factors
    lengths = {k: float(reading.inputs[f"inference.{k}"])
               for k in ("input_tokens", "output_tokens")}
    concurrency = float(reading.inputs["inference.batch_size"])
    accelerators = float(reading.inputs["inference.accelerators"])
    accelerators = None if math.isnan(accelerators) else accelerators
    rejects: list[dict] = []
    groups: dict[str | None, list[tuple[int, int, dict]]] = {}
    matched: dict[str, tuple[str | None, str]] = {}  # names repeat: one per provider
    for index, (line, row) in enumerate(zip(numbers, rows, strict=True)):
        found = read_row(row, columns, fs, matched)
        if isinstance(found, str):
            rejects.append({"line": line, "reason": found})
            continue
        found["busy"] = _busy(found["output_speed"], found["ttft"], lengths["output_tokens"],
                              concurrency, settings["include_ttft"])
        groups.setdefault(found["preset"], []).append((index, line, found))
    results: dict[int, dict] = {}
    assumptions = {_key(a): a for a in reading.plan.assumptions if _shown(a)}
    for preset, members in groups.items():
        _estimate(estimator, preset, members, inference, settings, lengths, concurrency,
                  results, rejects, assumptions)
    rejects.sort(key=lambda r: r["line"])
    estimated = [results[i] for i in sorted(results)]
    return {
        "rows": estimated, "rejects": rejects,
        "summary": {"rows_read": len(rows), "rows_estimated": len(estimated),
                    "rows_rejected": len(rejects)},
        "assumptions": _stated(settings, concurrency, accelerators, lengths)
        + list(assumptions.values()),
        "options": {"concurrency": concurrency, "accelerators": accelerators,
                    "hardware": settings["hardware"], "precision": settings["precision"],
                    "location": settings["location"],
                    "task": settings["task"], **lengths,
                    "fleet_utilization": float(reading.inputs["inference.fleet_utilization"]),
                    "include_ttft": settings["include_ttft"]},
        "columns": {name: column for name, column in columns.items() if column is not None},
        "units": {i: CANONICAL_UNITS[i] for i in INDICATORS},
        "factors_version": fs.version,
    }


def _settings(options: dict) -> dict:
    """The options by name, None for those not given. Their values are checked where they
    become profile fields (numbers, quantities with a unit or ranges as in a profile; ids), so
    that an option accepts what the profile field it becomes accepts."""
    errors = [{"field": name, "message": f"unknown option; one of {', '.join(OPTIONS)}"}
              for name in options if name not in OPTIONS]
    include = options.get("include_ttft")
    if include is None:
        include = True
    if not isinstance(include, bool):
        errors.append({"field": "include_ttft", "message": "true or false"})
    if errors:
        raise ProfileError(errors)
    return {**{name: options.get(name) for name in OPTIONS}, "include_ttft": include}


def _inference(settings: dict) -> dict:
    """The inference section the options make (without the throughput)."""
    section = {"batch_size": settings["concurrency"], "accelerators": settings["accelerators"],
               "hardware": settings["hardware"], "location": settings["location"],
               "task": settings["task"], "input_tokens": settings["input_tokens"],
               "output_tokens": settings["output_tokens"],
               "fleet_utilization": settings["fleet_utilization"]}
    return {k: v for k, v in section.items() if v is not None}


def _base(model: str | dict, inference: dict, settings: dict) -> dict:
    """The profile of a row's model (a preset id, or ``{"parameters": n}``) under the options
    (central values: no Monte Carlo)."""
    if settings["precision"] is not None:
        model = {**({"preset": model} if isinstance(model, str) else model),
                 "precision": settings["precision"]}
    profile = {"model": model, "inference": dict(inference), "uncertainty": False}
    if settings["factors_version"] is not None:
        profile["factors_version"] = settings["factors_version"]
    return profile


def profile_of(row: Mapping, options: Mapping | None = None) -> dict:
    """The single-estimate profile whose figures a result row carries (its model, the options'
    inference section and the row's derived throughput, central values): for checks, and for
    the full estimate of one row (without its ``"uncertainty": false``, with the Monte
    Carlo's range)."""
    settings = _settings(dict(options or {}))
    inputs = row["inputs"]
    model = inputs["preset"] or {"parameters": inputs["parameters"]}
    profile = _base(model, _inference(settings), settings)
    profile["inference"]["output_throughput"] = inputs["output_throughput"]
    return profile


def _as_option(error: dict) -> dict:
    """A profile error named by the option it comes from (``inference.batch_size.low`` ->
    ``concurrency.low``)."""
    field = error["field"]
    for path, option in _OPTION_OF.items():
        if field == path or field.startswith(path + "."):
            return {**error, "field": option + field[len(path):]}
    return error


def _busy(speed: float, ttft: float | None, output_tokens: float, concurrency: float,
          include_ttft: bool) -> float:
    """Replica seconds one request occupies: its time in the system over the requests served
    at once (Little's law; module doc)."""
    latency = output_tokens / speed + (ttft if include_ttft and ttft is not None else 0.0)
    return latency / concurrency


def _estimate(estimator: Estimator, preset: str | None, members: list[tuple[int, int, dict]],
              inference: dict, settings: dict, lengths: dict[str, float], concurrency: float,
              results: dict[int, dict], rejects: list[dict], assumptions: dict) -> None:
    """One group's rows (one preset, or every row with a parameter count) as columns."""
    output_tokens = lengths["output_tokens"]
    columns = {THROUGHPUT: [output_tokens / found["busy"] for _, _, found in members]}
    if preset is None:
        columns[PARAMETERS] = [found["parameters"] for _, _, found in members]
        model: str | dict = {"parameters": PLACEHOLDER_PARAMETERS}
    else:
        model = preset
    base = _base(model, inference, settings)
    result = estimate_columns(base, columns, [*PER_REQUEST, *REPLICA], estimator)
    reading = estimator.read({**base, "inference": {**inference, "output_throughput": 1.0}})
    for a in reading.plan.assumptions:
        if _shown(a):
            assumptions.setdefault(_key(a), a)
    errors = {e["index"]: e["errors"] for e in result["errors"]}
    out = result["outputs"]
    for j, (index, line, found) in enumerate(members):
        if j in errors or not all(math.isfinite(out[o][j]) for o in PER_REQUEST):
            why = "; ".join(f"{e['field']}: {e['message']}" for e in errors.get(j, ())) or (
                "the figures are not finite")
            why = f"the replica throughput derived from this row, " \
                  f"{columns[THROUGHPUT][j]:.4g} token/s, cannot be estimated ({why})"
            rejects.append({"line": line, "reason": why})
            continue
        notes = list(found["notes"])
        ttft = found["ttft"]
        if settings["include_ttft"] and ttft is not None and ttft > output_tokens / found[
                "output_speed"]:
            notes.append("the time to first token exceeds the decoding time: queueing or "
                         "batched processing at the provider likely; include_ttft false counts "
                         "decoding only")
        if out["inference.replica.batch_size"][j] < concurrency:
            notes.append(f"the replica's memory holds a batch of "
                         f"{out['inference.replica.batch_size'][j]:.0f}, fewer than the "
                         "concurrency: give more accelerators")
        results[index] = {
            "line": line, "provider": found["provider"], "model": found["model"],
            "inputs": {
                "preset": preset,
                "parameters": found["parameters"] if preset is None
                else float(reading.inputs[PARAMETERS]),
                "parameters_from": "column" if preset is None else "preset",
                "output_speed": found["output_speed"], "ttft": ttft,
                "concurrency": concurrency, **lengths,
                "output_throughput": columns[THROUGHPUT][j],
            },
            "replica": {name.rsplit(".", 1)[1]: float(out[name][j]) for name in REPLICA},
            "per_request": {name.rsplit(".", 1)[1]: float(out[name][j])
                            for name in PER_REQUEST},
            "notes": notes,
        }


def _key(assumption: Mapping) -> tuple[str, str]:
    return assumption["field"], str(assumption["value"])


def _shown(assumption: Mapping) -> bool:
    """Assumptions about the deployment (the serving precision among them), not about one
    model's shape (those vary by row)."""
    field = assumption["field"]
    return not field.startswith("model.") or field == "model.precision"


def _stated(settings: dict, concurrency: float, accelerators: float | None,
            lengths: dict[str, float]) -> list[dict]:
    """The assumptions of the conversion itself, stated whatever the options."""
    include = settings["include_ttft"]
    return [
        {"field": "concurrency", "value": concurrency,
         "why": "requests one replica serves at once" + (
             "" if settings["concurrency"] is not None
             else " (default: the factor set's default batch size; a leaderboard measures one "
                  "request at a time and does not publish it)")},
        {"field": "busy_seconds_per_request",
         "value": "(ttft + output_tokens / output_speed) / concurrency" if include
         else "output_tokens / (output_speed x concurrency)",
         "why": "Little's law: a request occupies its share of the replica for its whole time "
                "in the system" if include else "include_ttft false: only decoding occupies "
                "the replica"},
        {"field": "output_throughput", "value": "output_tokens / busy_seconds_per_request",
         "why": "the replica's measured throughput given to the estimate "
                "(inference.output_throughput)"},
        {"field": "accelerators", "value": accelerators or "sized from the weights",
         "why": "accelerators per replica"},
        {"field": "output_tokens", "value": lengths["output_tokens"],
         "why": "the answer length the per-request figures are for (the leaderboard's speed is "
                "taken to hold at this length)"},
    ]
