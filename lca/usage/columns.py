"""A batch of log rows as columns, checked at once: each row's model, UTC hour, token counts,
measured energy and tags as numpy arrays (text as codes into a few distinct values), and each
rejected row's line and reason.

Readers build a Columns from what they parse: ``from_rows`` from row objects (any source),
``lca.usage.arrow.from_arrow`` from an Arrow table (Parquet, JSON lines, a pandas partition).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from lca.units import WH_PER_KWH
from lca.usage.deployments import Deployments
from lca.usage.rows import MAX_GROUP_KEY, TOKEN_COLUMNS, Unreadable, parse_timestamp, read_count

NO_HOUR = np.iinfo(np.int64).min  # a timestamp that is missing or not one
BAD = -math.inf  # a number given but negative or not a number (NaN: not given)
ENERGY_COLUMN = "energy_wh"  # optional: the request's measured energy, Wh
EPOCH = np.datetime64("1970-01-01T00", "h")


@dataclass
class Coded:
    """A text column as codes into its distinct values (-1: missing or not text)."""

    codes: np.ndarray
    values: list[str]

    @classmethod
    def of(cls, values: Sequence[object], text_only: bool = True) -> Coded:
        """Codes of plain values: text kept (others missing when ``text_only``, else their
        ``str``), None missing; each cut to MAX_GROUP_KEY characters unless ``text_only``."""
        number: dict[str, int] = {}
        codes = np.empty(len(values), dtype=np.int64)
        for i, value in enumerate(values):
            if value is None or (text_only and value.__class__ is not str
                                 and not isinstance(value, str)):
                codes[i] = -1
                continue
            text = value if text_only else str(value)[:MAX_GROUP_KEY]
            codes[i] = number.setdefault(text, len(number))
        return cls(codes, list(number))


@dataclass
class Columns:
    """Rows of a log as columns. ``lines`` numbers them; ``hour`` is the UTC hour since 1970
    (NO_HOUR where unreadable); token counts are floats (NaN: missing, negative or not a
    number); ``energy`` the measured energy in kWh (NaN: not given, BAD: not a number ≥ 0);
    ``tags`` the group-by columns' text (missing: ""); ``unreadable`` the rows a reader could
    not parse at all, (line, reason)."""

    lines: np.ndarray
    model: Coded
    hour: np.ndarray
    input_tokens: np.ndarray
    output_tokens: np.ndarray
    energy: np.ndarray
    tags: dict[str, Coded]
    unreadable: list[tuple[int, str]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.lines)

    def take(self, index: np.ndarray | slice) -> Columns:
        """The rows at ``index`` (unreadable rows left out)."""
        return Columns(self.lines[index], Coded(self.model.codes[index], self.model.values),
                       self.hour[index], self.input_tokens[index], self.output_tokens[index],
                       self.energy[index],
                       {k: Coded(v.codes[index], v.values) for k, v in self.tags.items()})


def pieces(columns: Columns, size: int) -> list[Columns]:
    """The columns in pieces of at most ``size`` rows (the unreadable rows with the first):
    numpy works best on arrays that stay in the processor's caches."""
    if len(columns) <= size:
        return [columns]
    parts = [columns.take(slice(start, start + size)) for start in range(0, len(columns), size)]
    parts[0].unreadable = list(columns.unreadable)
    return parts


def batches_of_rows(items: Iterable[tuple[int, object]], tags: Sequence[str], size: int
                    ) -> Iterator[Columns]:
    """(line, row object) pairs as Columns of ``size`` rows at a time (the last one shorter),
    so that a log of any length is read in bounded memory."""
    chunk: list[tuple[int, object]] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield from_rows(chunk, tags)
            chunk = []
    if chunk:
        yield from_rows(chunk, tags)


def from_rows(items: Sequence[tuple[int, object]], tags: Sequence[str]) -> Columns:
    """Columns of (line, row object) pairs; a row that is not an object (or that a reader
    marked Unreadable) is kept aside with its reason."""
    lines, rows, unreadable = [], [], []
    for line, row in items:
        if isinstance(row, Unreadable):
            unreadable.append((line, str(row)))
        elif not isinstance(row, Mapping):
            unreadable.append((line, "not an object"))
        else:
            lines.append(line)
            rows.append(row)
    numbers: dict[str | None, int] = {None: NO_HOUR}

    def hour(value: object) -> int:
        text = parse_timestamp(value)
        found = numbers.get(text)
        if found is None:
            found = numbers[text] = hour_number(text)
        return found

    def number(value: object) -> float:
        read = read_count(value)
        return math.nan if read is None else read

    def energy(value: object) -> float:
        if value is None:
            return math.nan
        read = read_count(value)
        return BAD if read is None else read / WH_PER_KWH

    get = [r.get for r in rows]
    return Columns(
        np.array(lines, dtype=np.int64), Coded.of([g("model") for g in get]),
        np.array([hour(g("timestamp")) for g in get], dtype=np.int64),
        np.array([number(g(TOKEN_COLUMNS[0])) for g in get], dtype=float),
        np.array([number(g(TOKEN_COLUMNS[1])) for g in get], dtype=float),
        np.array([energy(g(ENERGY_COLUMN)) for g in get], dtype=float),
        {t: Coded.of([g(t) for g in get], text_only=False) for t in tags}, unreadable)


def hour_number(text: str) -> int:
    """The hour since 1970 (UTC) of ``YYYY-MM-DDTHH``."""
    return int((np.datetime64(text, "h") - EPOCH).astype(np.int64))


def hour_texts(hours: np.ndarray, unit: str = "h") -> list[str]:
    """``YYYY-MM-DDTHH`` (or the day ``D``, month ``M``, year ``Y``) of hours since 1970."""
    stamps = (EPOCH + hours.astype("timedelta64[h]")).astype(f"datetime64[{unit}]")
    return np.datetime_as_string(stamps, unit=unit).tolist()


TIME_UNITS = {"hour": "h", "day": "D", "month": "M", "year": "Y"}


def time_codes(hours: np.ndarray, name: str) -> np.ndarray:
    """The hour, day, month or year since 1970 of hours since 1970."""
    unit = TIME_UNITS[name]
    if unit == "h":
        return hours
    return (EPOCH + hours.astype("timedelta64[h]")).astype(f"datetime64[{unit}]").astype(
        np.int64)


def time_texts(codes: np.ndarray, name: str) -> list[str]:
    """The ISO text of time_codes (``2026-03``, ``2026-03-02T10``...)."""
    unit = TIME_UNITS[name]
    return np.datetime_as_string(codes.astype(f"datetime64[{unit}]"), unit=unit).tolist()


def check(columns: Columns, deployments: Deployments) -> tuple[np.ndarray, list[tuple[int, str]]]:
    """Which rows are estimated, and (line, reason) for each of the others (the readers'
    unreadable rows too): the first of missing model, model without deployment, bad
    timestamp, bad token counts, bad measured energy."""
    model = columns.model
    names = [v if v.strip() else None for v in model.values]
    known = np.array([n is not None and (n in deployments.models or deployments.default
                                         is not None) for n in names] + [False], dtype=bool)
    present = np.array([n is not None for n in names] + [False], dtype=bool)
    reason = np.zeros(len(columns), dtype=np.int8)
    checks = [~present[model.codes], ~known[model.codes], columns.hour == NO_HOUR,
              np.isnan(columns.input_tokens), np.isnan(columns.output_tokens),
              columns.energy == BAD]
    for number, failed in reversed(list(enumerate(checks, start=1))):
        reason[failed] = number
    valid = reason == 0
    rejects = list(columns.unreadable)
    for i in np.flatnonzero(~valid).tolist():
        rejects.append((int(columns.lines[i]), _reason(int(reason[i]), names,
                                                        int(model.codes[i]))))
    return valid, rejects


def _reason(number: int, names: list[str | None], code: int) -> str:
    if number == 1:
        return "missing model"
    if number == 2:
        return (f"model {names[code][:80]!r} is not in the deployments (and there is no "
                "default)")
    if number == 3:
        return "timestamp missing or not ISO 8601 / Unix seconds"
    if number in (4, 5):
        return f"{TOKEN_COLUMNS[number - 4]} missing, negative or not a number"
    return f"{ENERGY_COLUMN} negative or not a number"


def hour_counts(columns: Columns, deployments: Deployments,
                counts: dict[tuple[str, int], int] | None = None) -> dict[tuple[str, int], int]:
    """The rows estimated per (model, hour since 1970), added to ``counts``."""
    counts = {} if counts is None else counts
    if len(columns) > 1 << 16:
        for part in pieces(columns, 1 << 16):
            hour_counts(part, deployments, counts)
        return counts
    valid, _ = check(columns, deployments)
    codes, hours = columns.model.codes[valid], columns.hour[valid]
    if not len(codes):
        return counts
    width = len(columns.model.values)
    keys, number = np.unique(hours * width + codes, return_counts=True)
    for key, n in zip(keys.tolist(), number.tolist(), strict=True):
        hour, code = divmod(key, width)
        name = columns.model.values[code]
        counts[(name, hour)] = counts.get((name, hour), 0) + n
    return counts
