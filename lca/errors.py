"""Errors raised by the lca core.

Each error also inherits the builtin it refines (as pint's errors do), so a caller that does not
know lca can still catch ValueError or LookupError.
"""

from __future__ import annotations


class LcaError(Exception):
    """Base of every error lca raises on purpose."""


class FieldError(LcaError, ValueError):
    """One input field is wrong: ``field`` is its dotted path, ``message`` says what and why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class ProfileError(LcaError, ValueError):
    """A profile has one or more wrong fields; ``errors`` lists them as {field, message}, with
    ``suggestions`` (a list of ids) for an unknown id that resembles known ones."""

    def __init__(self, errors: list[dict]) -> None:
        self.errors = errors
        summary = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:3])
        more = f" (+{len(errors) - 3} more)" if len(errors) > 3 else ""
        super().__init__(f"invalid profile: {summary}{more}")


PROBLEM_TYPE_PREFIX = "urn:lca:problem:"


def to_problem(error: ProfileError, *, index: int | None = None,
               detail: str | None = None) -> dict:
    """The problem object (RFC 9457 shape) of an invalid profile: the body of a 422 response,
    and the ``error`` of a failed item wherever many profiles are estimated at once (batch,
    table, columns, comparisons, the command line), then with the item's ``index``."""
    problem: dict = {
        "type": PROBLEM_TYPE_PREFIX + "invalid-profile", "title": "Invalid profile",
        "status": 422,
        "detail": detail or f"{len(error.errors)} field(s) of this profile are invalid; "
                            "see errors",
        "errors": error.errors}
    if index is not None:
        problem["index"] = index
    return problem


def out_of_range() -> ProfileError:
    """The error of a profile whose arithmetic overflowed or divided by zero."""
    return ProfileError([{"field": "", "message": "the values given take the arithmetic "
                          "beyond floating-point range (a quantity vanishingly small or "
                          "immense); check the magnitudes"}])


class FactorDataError(LcaError, RuntimeError):
    """A factor table is missing, malformed or inconsistent; raised while loading at start-up."""


class UnknownFactorSetError(LcaError, LookupError):
    """A requested factor-set version does not exist."""
