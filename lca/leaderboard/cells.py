"""A leaderboard cell read as a number: the one reader of capability and performance tables
(numbers, numeric text with an optional thousands separator, numpy scalars)."""

from __future__ import annotations

import math
import re

import numpy as np

_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


def number_or_reason(value: object) -> float | str | None:
    """A cell as a float; None when empty (or NaN); the text of the problem when not a number."""
    if value is None or isinstance(value, bool):
        return None if value is None else "not a number (true/false)"
    if isinstance(value, (int, float, np.integer, np.floating)):
        number = float(value)
        return None if math.isnan(number) else number
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if _THOUSANDS.match(text):
            text = text.replace(",", "")
        try:
            number = float(text)
        except ValueError:
            return f"not a number ({value[:40]!r})"
        return None if math.isnan(number) else number
    return f"not a number ({type(value).__name__})"
