"""Numbers as people read them, shared by the reports and the command line's tables."""

from __future__ import annotations


def number(value: object) -> str:
    """A number to four significant digits; ``n/a`` for None; anything else as its text."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "n/a" if value is None else str(value)
    return f"{value:.4g}"


def percent(fraction: float | None) -> str:
    """A fraction as a percentage to three significant digits (0.25 -> ``25 %``); ``n/a``."""
    return "n/a" if fraction is None else f"{fraction * 100:.3g} %"


def signed_percent(fraction: float | None) -> str:
    """A relative change as a signed percentage (-0.1 -> ``-10 %``); ``n/a`` for None."""
    return "n/a" if fraction is None else f"{fraction * 100:+.3g} %"
