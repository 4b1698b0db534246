"""A performance leaderboard's rows read (docs/performance-leaderboards.md, "Rows"): which
column holds each logical value, and each row's provider, model (a preset, or a parameter
count), output speed and time to first token, or the reason it cannot be estimated."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from lca.errors import ProfileError
from lca.factors import FactorSet
from lca.leaderboard.cells import number_or_reason
from lca.leaderboard.model_names import match_preset

# Logical columns and the names they are found under by default (compared case-insensitively,
# spaces trimmed), first found wins; the ``columns`` option names others.
COLUMNS: Mapping[str, tuple[str, ...]] = {
    "provider": ("provider", "API Provider", "provider_name", "host"),
    "model": ("model", "Model", "model_name", "Model Name", "fullname"),
    "preset": ("preset",),
    "output_speed": ("output_speed", "Output Speed (tokens/s)", "Output Speed",
                     "Median Tokens/s", "Tokens/s", "median_output_tokens_per_second",
                     "output_tokens_per_second"),
    "ttft": ("ttft", "Latency (TTFT, s)", "Latency (First Chunk, s)", "Median First Chunk (s)",
             "TTFT (s)", "time_to_first_token", "median_time_to_first_token_seconds"),
    "parameters": ("parameters", "params"),
    "parameters_billions": ("#Params (B)", "parameters_billions", "params_b",
                            "Parameters (B)"),
}

def resolve_columns(rows: Sequence[Mapping], given: object) -> dict[str, str | None]:
    """Each logical column's name in the table: the ``columns`` option, else the first default
    name present in any row (case and surrounding spaces ignored)."""
    if given is not None and not isinstance(given, Mapping):
        raise ProfileError([{"field": "columns", "message": "an object: logical name -> "
                             "column name"}])
    given = {name: value for name, value in (given or {}).items() if value is not None}
    errors = [{"field": f"columns.{name}", "message": "unknown; one of "
               f"{', '.join(COLUMNS)}"} for name in given if name not in COLUMNS]
    errors += [{"field": f"columns.{name}", "message": "a column name (text)"}
               for name, value in given.items() if name in COLUMNS and not isinstance(value, str)]
    if errors:
        raise ProfileError(errors)
    present: dict[str, str] = {}
    for row in rows:
        if isinstance(row, Mapping):
            for key in row:
                if isinstance(key, str):
                    present.setdefault(key.strip().lower(), key)
    resolved: dict[str, str | None] = {}
    for name, defaults in COLUMNS.items():
        if name in given:
            resolved[name] = given[name]
            continue
        resolved[name] = next((present[d.lower()] for d in defaults if d.lower() in present),
                              None)
    return resolved


def _cell(row: Mapping, column: str | None) -> object:
    return None if column is None else row.get(column)


def read_row(row: object, columns: Mapping[str, str | None], fs: FactorSet,
         matched: dict[str, tuple[str | None, str]]) -> dict | str:
    """A row's inputs, or the reason it cannot be estimated (``matched``: the preset of each
    model name met so far)."""
    if not isinstance(row, Mapping):
        return "not an object of column values"
    values: dict[str, object] = {}
    for name in ("output_speed", "ttft", "parameters", "parameters_billions"):
        number = number_or_reason(_cell(row, columns[name]))
        if isinstance(number, str):
            return f"{columns[name]}: {number}"
        values[name] = number
    speed, ttft = values["output_speed"], values["ttft"]
    if speed is None:
        return (f"{columns['output_speed']}: missing" if columns["output_speed"]
                else "no output speed column (name it with the columns option)")
    if not (math.isfinite(speed) and speed > 0):
        return f"{columns['output_speed']}: {speed:g} is not a positive speed"
    if ttft is not None and not (math.isfinite(ttft) and ttft >= 0):
        return f"{columns['ttft']}: {ttft:g} is not a time (seconds, at least 0)"
    parameters = values["parameters"]
    if parameters is None and values["parameters_billions"] is not None:
        parameters = values["parameters_billions"] * 1e9
    if parameters is not None and not (math.isfinite(parameters) and parameters > 0):
        return "parameters: not a positive count"
    name = _cell(row, columns["model"])
    name = "" if name is None else str(name).strip()
    preset_cell = _cell(row, columns["preset"])
    notes: list[str] = []
    preset = None
    if preset_cell not in (None, ""):
        preset = str(preset_cell).strip().lower()
        if not fs.has("models", preset):
            return (f"{columns['preset']}: unknown preset {preset_cell!r} (`lca factors models` "
                    "lists them)")
    elif name:
        if name not in matched:
            matched[name] = match_preset(name, fs)
        preset, how = matched[name]
        if preset is None and parameters is None:
            return (f"model {name!r} matches no preset of factor set {fs.version} ({how}); "
                    "give a parameter count column (parameters, or #Params (B))")
        if preset is not None and how.startswith("words"):
            notes.append(f"model read as preset {preset} ({how})")
    elif parameters is None:
        return "no model name and no parameter count"
    if preset is not None and parameters is not None:
        notes.append("the preset's parameter count is used, not the row's")
    if ttft is None:
        notes.append("no time to first token: decoding alone occupies the replica")
    provider = _cell(row, columns["provider"])
    return {"provider": None if provider is None else str(provider), "model": name or None,
            "preset": preset, "parameters": None if preset else parameters,
            "output_speed": speed, "ttft": ttft, "notes": notes}
