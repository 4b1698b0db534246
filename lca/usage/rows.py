"""The values of one log row, read as lca.usage reads them: a timestamp's UTC hour, a token
count; the names of the log's columns and time groups (lca.usage.columns checks whole
batches of rows with these)."""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime
from functools import lru_cache

TIME_GROUPS = {"hour": 13, "day": 10, "month": 7, "year": 4}  # ISO prefix length of each
TOKEN_COLUMNS = ("input_tokens", "output_tokens")
TOKEN_FIELDS = {"input_tokens": "inference.input_tokens",
                "output_tokens": "inference.output_tokens"}
MAX_GROUP_KEY = 200  # characters of a tag value kept in a group key


class Unreadable(str):
    """A row a reader could not parse, standing for its reason (rejected with it)."""


_UTC_TEXT = re.compile(r"(\d{4}-\d{2}-\d{2})[T ]([01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?Z?")


@lru_cache(maxsize=4096)
def is_date(text: str) -> bool:
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
        if match is not None and is_date(match[1]):
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


def read_count(value: object) -> float | None:
    """A token count (or energy) as a float ≥ 0; None when it is not one."""
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
