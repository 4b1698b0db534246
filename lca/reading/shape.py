"""A profile split in two: its shape (which fields it gives, its ids and choices) and its numbers.

Everything the reading of a profile decides (the calculation paths, the factors looked up, the
defaults applied, the warnings) depends on its shape only; its numbers are checked and put in
afterwards (lca.reading.bind). Profiles of one shape therefore share one plan: a table of
100,000 profiles that differ in their token counts is planned once.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass

from lca.quantities import FIELDS

# Keys read beside the plan: they change nothing in it.
APART = frozenset({"name", "uncertainty", "units", "factors_version"})
_SECTIONS = ("model", "training", "inference")
_SITES = ("grid", "datacenter")


class _Given:
    """Stands for a number in a shape: the field is given, its value is bound later."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<given>"


GIVEN = _Given()


@dataclass(frozen=True)
class Shape:
    """A profile's shape: ``skeleton`` is the profile with each numeric field's value replaced
    by GIVEN (and the keys of APART left out); ``key`` identifies it for a cache, None when the
    profile holds something that is not plain data."""

    skeleton: dict
    key: Hashable | None


def split(profile: Mapping) -> tuple[Shape, dict[str, object]]:
    """The shape of ``profile`` and its numbers, by field path (``inference.output_tokens``)."""
    numbers: dict[str, object] = {}
    skeleton: dict = {}
    for key, value in profile.items():
        if key in APART:
            continue
        if key in FIELDS:
            skeleton[key] = _take(numbers, key, value)
        elif key in _SECTIONS and isinstance(value, Mapping):
            skeleton[key] = _section(numbers, key, value)
        else:
            skeleton[key] = value
    return Shape(skeleton, _freeze(skeleton)), numbers


def with_fields(shape: Shape, paths: list[str]) -> Shape:
    """``shape`` with the numeric fields ``paths`` given as well (the columns of a request)."""
    skeleton = {k: dict(v) if isinstance(v, Mapping) else v for k, v in shape.skeleton.items()}
    for path in paths:
        parts = path.split(".")
        node = skeleton
        for part in parts[:-1]:
            child = node.get(part)
            if isinstance(child, str):  # "model": "llama-3.1-8b", "datacenter": "google"
                child = {"preset" if part == "model" else "profile": child}
            elif not isinstance(child, Mapping):
                child = {}
            node[part] = child = dict(child)
            node = child
        node[parts[-1]] = GIVEN
    return Shape(skeleton, _freeze(skeleton))


def _take(numbers: dict[str, object], path: str, value: object) -> object:
    if value is None:
        return None
    numbers[path] = value
    return GIVEN


def _section(numbers: dict[str, object], name: str, section: Mapping) -> dict:
    out = {}
    for key, value in section.items():
        path = f"{name}.{key}"
        if path in FIELDS:
            out[key] = _take(numbers, path, value)
        elif key in _SITES and name != "model" and isinstance(value, Mapping):
            out[key] = {k: _take(numbers, f"{path}.{k}", v) if f"{path}.{k}" in FIELDS else v
                        for k, v in value.items()}
        else:
            out[key] = value
    return out


def _freeze(value: object) -> Hashable | None:
    """A hashable copy of a skeleton; None if it holds anything but plain data."""
    try:
        return _frozen(value)
    except TypeError:
        return None


def _frozen(value: object) -> Hashable:
    kind = value.__class__
    if kind is dict:
        return ("{", *((k, _frozen(v)) for k, v in value.items()))
    if kind is list:
        return ("[", *(_frozen(v) for v in value))
    if kind in (str, int, float, bool, _Given) or value is None:
        # bool and int compare equal (True == 1): their type keeps them apart
        return (kind.__name__, value)
    raise TypeError("not plain data")
