"""The rows of a request log: each checked (model, UTC timestamp, token counts, tags) into a
Row, or the reason it is rejected; and the key of the group a row belongs to."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache

from lca.usage.deployments import Deployments

TIME_GROUPS = {"hour": 13, "day": 10, "month": 7, "year": 4}  # ISO prefix length of each
TOKEN_COLUMNS = ("input_tokens", "output_tokens")
TOKEN_FIELDS = {"input_tokens": "inference.input_tokens",
                "output_tokens": "inference.output_tokens"}
MAX_GROUP_KEY = 200  # characters of a tag value kept in a group key


class Unreadable(str):
    """A row a reader could not parse, standing for its reason (rejected with it)."""


@dataclass
class Row:
    model: str
    hour: str  # ISO UTC, "YYYY-MM-DDTHH"
    tokens: tuple[float, float]
    tags: tuple[str, ...]


_UTC_TEXT = re.compile(r"(\d{4}-\d{2}-\d{2})[T ]([01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?Z?")


@lru_cache(maxsize=4096)
def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def parse_timestamp(value: object) -> str | None:
    """The UTC hour of a timestamp (ISO 8601 text, naive read as UTC, or Unix seconds) as
    ``YYYY-MM-DDTHH``; None when it is not one."""
    if value.__class__ is str:  # the common case, UTC text, without building a datetime
        match = _UTC_TEXT.fullmatch(value)
        if match is not None and _is_date(match[1]):
            return f"{match[1]}T{match[2]}"
    try:
        if isinstance(value, bool):
            return None
        if isinstance(value, (int, float)):
            moment = datetime.fromtimestamp(float(value), tz=UTC)
        elif isinstance(value, str) and _number(value.strip()) is not None:
            moment = datetime.fromtimestamp(_number(value.strip()), tz=UTC)
        elif isinstance(value, str):
            text = value.strip()
            moment = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
            moment = moment.astimezone(UTC)
        else:
            return None
    except (ValueError, OverflowError, OSError):
        return None
    return moment.strftime("%Y-%m-%dT%H")


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _tokens(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            return None
    if not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        return None
    return float(value)


def check_row(row: object, tags: Sequence[str], deployments: Deployments) -> Row | str:
    """A log row read, or the reason it is rejected."""
    if isinstance(row, Unreadable):
        return str(row)
    if not isinstance(row, Mapping):
        return "not an object"
    model = row.get("model")
    if not isinstance(model, str) or not model.strip():
        return "missing model"
    if model not in deployments.models and deployments.default is None:
        return f"model {model[:80]!r} is not in the deployments (and there is no default)"
    hour = parse_timestamp(row.get("timestamp"))
    if hour is None:
        return "timestamp missing or not ISO 8601 / Unix seconds"
    tokens = []
    for column in TOKEN_COLUMNS:
        value = _tokens(row.get(column))
        if value is None:
            return f"{column} missing, negative or not a number"
        tokens.append(value)
    values = tuple("" if row.get(t) is None else str(row.get(t))[:MAX_GROUP_KEY] for t in tags)
    return Row(model, hour, (tokens[0], tokens[1]), values)


def group_key(row: Row, group_by: Sequence[str], tags: Sequence[str]) -> tuple[str, ...]:
    values = []
    for name in group_by:
        if name == "model":
            values.append(row.model)
        elif name in TIME_GROUPS:
            values.append(row.hour[:TIME_GROUPS[name]])
        else:
            values.append(row.tags[tags.index(name)])
    return tuple(values)
