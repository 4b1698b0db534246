"""A leaderboard's rows read into models: name, size, precision, kind, scores, the leaderboard's
own CO2 figure and evaluation time; a row that cannot be read is a reject with its line and
reason (docs/leaderboards.md, "Reading a table").

The default column names are those of the Open LLM Leaderboard v2's published table (the
``open-llm-leaderboard/contents`` dataset on Hugging Face); a ``columns`` option maps any other
table's names onto the same roles.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from lca.errors import ProfileError
from lca.leaderboard.cells import number_or_reason
from lca.quantities import PRECISIONS

# The roles a column may play, with the Open LLM Leaderboard v2's names for them.
DEFAULT_COLUMNS: dict[str, str] = {
    "name": "fullname",
    "parameters": "#Params (B)",
    "active_parameters": "Active params (B)",
    "precision": "Precision",
    "moe": "MoE",
    "type": "Type",
    "official": "Official Providers",
    "co2": "CO₂ cost (kg)",
    "evaluation_seconds": "total_evaluation_time_seconds",
}
DEFAULT_SCORES = ("Average ⬆️", "IFEval", "BBH", "MATH Lvl 5", "GPQA", "MUSR", "MMLU-PRO")
SE_SUFFIX = " SE"  # a score's standard error: the column "<score> SE"
MAX_SCORES = 50

# The leaderboard's precision names (and this project's) -> this project's precision ids.
_PRECISIONS = {"bfloat16": "bf16", "float16": "fp16", "float32": "fp32", "8bit": "int8",
               "4bit": "int4", "gptq": "int4", "awq": "int4", **{p: p for p in PRECISIONS}}
# The Type column's kinds, recognised by a word of the text (the leaderboard prefixes an emoji).
_KINDS = (("continuously", "continuously_pretrained"), ("pretrained", "pretrained"),
          ("chat", "chat"), ("instruct", "chat"), ("fine-tuned", "fine_tuned"),
          ("finetuned", "fine_tuned"), ("merge", "merge"), ("multimodal", "multimodal"))
BASE_KINDS = ("pretrained", "continuously_pretrained")
INSTRUCT_KINDS = ("chat",)


@dataclass
class Entry:
    """One model of a leaderboard, as read (parameters in units, not billions)."""

    line: int
    name: str
    parameters: float
    precision: str
    active_parameters: float | None = None
    moe: bool = False
    kind: str | None = None
    official: bool | None = None
    co2_kg: float | None = None
    evaluation_seconds: float | None = None
    scores: dict[str, float | None] = field(default_factory=dict)
    score_se: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Layout:
    """Which column plays which role, and which columns are scores."""

    columns: dict[str, str]
    scores: tuple[str, ...]
    score_se: dict[str, str]
    parameters_scale: float


def read_layout(options: Mapping, header: Sequence[str]) -> Layout:
    """The column roles: the defaults, overridden by ``options["columns"]``; the scores are
    ``options["scores"]``, else the default score columns present in ``header``. ProfileError
    naming the option when a role or score names no column of the table."""
    given = options.get("columns") or {}
    if not isinstance(given, Mapping):
        raise ProfileError([{"field": "columns", "message": "expected an object: role -> "
                             f"column name; roles: {', '.join(DEFAULT_COLUMNS)}"}])
    unknown = sorted(set(given) - set(DEFAULT_COLUMNS) - {"scores"})
    if unknown:
        raise ProfileError([{"field": f"columns.{unknown[0]}", "message": "unknown role; one of "
                             f"{', '.join([*DEFAULT_COLUMNS, 'scores'])}"}])
    present = set(header)
    columns = dict(DEFAULT_COLUMNS)
    for role, name in given.items():
        if role == "scores":
            continue
        if not isinstance(name, str) or name not in present:
            raise ProfileError([{"field": f"columns.{role}", "message": f"no column {name!r} in "
                                 "the table"}])
        columns[role] = name
    for role in ("name", "parameters"):
        if columns[role] not in present:
            raise ProfileError([{"field": f"columns.{role}", "message": f"the table has no "
                                 f"column {columns[role]!r}; name the column that gives the "
                                 f"model's {role} with columns.{role}"}])
    scores = given.get("scores")
    if scores is None:
        scores = [s for s in DEFAULT_SCORES if s in present]
    if (not isinstance(scores, list) or not scores or len(scores) > MAX_SCORES
            or not all(isinstance(s, str) for s in scores)):
        raise ProfileError([{"field": "columns.scores", "message": "expected a list of 1 to "
                             f"{MAX_SCORES} score column names (none of the Open LLM "
                             "Leaderboard's found)"}])
    missing = [s for s in scores if s not in present]
    if missing:
        raise ProfileError([{"field": "columns.scores", "message": f"no column {missing[0]!r} "
                             "in the table"}])
    se = {s: s + SE_SUFFIX for s in scores if s + SE_SUFFIX in present}
    scale = 1e9 if options.get("parameters_in", "billions") == "billions" else 1.0
    if options.get("parameters_in", "billions") not in ("billions", "units"):
        raise ProfileError([{"field": "parameters_in", "message": "expected billions (the "
                             "leaderboard's #Params (B)) or units"}])
    return Layout(columns, tuple(scores), se, scale)


def _number(value: object) -> float | None:
    """A finite number from a cell (cells.number_or_reason); None when empty; NaN when not a
    number or not finite (the row's reason is written by its caller, which names the column)."""
    found = number_or_reason(value)
    if found is None:
        return None
    return found if not isinstance(found, str) and math.isfinite(found) else math.nan


def _flag(value: object) -> bool | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    return {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False,
            "": None}.get(text)


def kind_of(text: object) -> str | None:
    """The kind of model a Type cell names (pretrained, chat, fine_tuned, merge...), or None."""
    if not isinstance(text, str):
        return None
    lowered = text.lower()
    return next((kind for word, kind in _KINDS if word in lowered), None)


def read_row(line: int, row: object, layout: Layout) -> Entry | str:
    """One row as an Entry, or the reason it cannot be analysed."""
    if not isinstance(row, Mapping):
        return "expected an object of column -> value"
    c = layout.columns
    name = row.get(c["name"])
    if not isinstance(name, str) or not name.strip():
        return f"no model name ({c['name']})"
    parameters = _number(row.get(c["parameters"]))
    if parameters is None:
        return f"no parameter count ({c['parameters']})"
    if math.isnan(parameters) or parameters <= 0:
        return f"{c['parameters']}: expected a positive number, got {row.get(c['parameters'])!r}"
    entry = Entry(line, name.strip(), parameters * layout.parameters_scale, "bf16")
    precision = row.get(c["precision"])
    if precision is None or (isinstance(precision, str) and not precision.strip()):
        entry.notes.append("precision not given: bf16")
    else:
        found = _PRECISIONS.get(str(precision).strip().lower())
        if found is None:
            return f"unknown precision {precision!r} ({c['precision']}); known: " \
                   f"{', '.join(sorted(_PRECISIONS))}"
        entry.precision = found
    active = _number(row.get(c["active_parameters"]))
    if active is not None:
        if math.isnan(active) or not 0 < active * layout.parameters_scale <= entry.parameters:
            return f"{c['active_parameters']}: expected a positive number at most the parameters"
        entry.active_parameters = active * layout.parameters_scale
    entry.moe = bool(_flag(row.get(c["moe"]))) or entry.active_parameters is not None
    entry.kind = kind_of(row.get(c["type"]))
    entry.official = _flag(row.get(c["official"]))
    for role in ("co2", "evaluation_seconds"):
        value = _number(row.get(c[role]))
        if value is not None and (math.isnan(value) or value < 0):
            return f"{c[role]}: expected a non-negative number, got {row.get(c[role])!r}"
        # the leaderboard writes -1 (and 0) where it has no evaluation time
        setattr(entry, "co2_kg" if role == "co2" else role, value if value else None)
    for score in layout.scores:
        value = _number(row.get(score))
        if value is not None and math.isnan(value):
            return f"{score}: expected a number, got {row.get(score)!r}"
        entry.scores[score] = value
        se = _number(row.get(layout.score_se.get(score, "")))
        if se is not None:
            if math.isnan(se) or se < 0:
                return f"{layout.score_se[score]}: expected a non-negative number"
            entry.score_se[score] = se
    if all(v is None for v in entry.scores.values()):
        return f"no score ({', '.join(layout.scores)})"
    return entry


def read_table(rows: Sequence[object], options: Mapping, lines: Sequence[int] | None = None
               ) -> tuple[Layout, list[Entry], list[dict]]:
    """The layout, the models read and the rejects (``{"line", "name", "reason"}``) of a
    leaderboard's rows (objects of column -> value); ``lines`` numbers the rows (default 1, 2,
    ...; a CSV file's line numbers, say)."""
    header: list[str] = []
    seen: set[str] = set()
    for row in rows:
        if isinstance(row, Mapping):
            for key in row:
                if key not in seen:
                    seen.add(key)
                    header.append(key)
    layout = read_layout(options, header)
    entries: list[Entry] = []
    rejects: list[dict] = []
    numbers = list(lines) if lines is not None else range(1, len(rows) + 1)
    for line, row in zip(numbers, rows, strict=True):
        read = read_row(line, row, layout)
        if isinstance(read, str):
            name = row.get(layout.columns["name"]) if isinstance(row, Mapping) else None
            rejects.append({"line": line, "name": name if isinstance(name, str) else None,
                            "reason": read})
        else:
            entries.append(read)
    return layout, entries, rejects


def short_name(name: str) -> str:
    """A model's name without its owner, lower case, for matching presets
    (``mistralai/Mixtral-8x7B-Instruct-v0.1`` -> ``mixtral-8x7b-instruct-v0.1``)."""
    return re.sub(r"[\s_]+", "-", name.rsplit("/", 1)[-1].strip().lower())
