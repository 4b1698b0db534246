"""A profile split in two: its shape (which fields it gives, its ids and choices) and its numbers.

Everything the reading of a profile decides (the calculation paths, the factors looked up, the
defaults applied, the warnings) depends on its shape only; its numbers are checked and put in
afterwards (lca.reading.bind). Profiles of one shape therefore share one plan: a table of
100,000 profiles that differ in their token counts is planned once.

``split`` walks a profile once and writes its shape as nested tuples, ready to be a cache key:
a table reads 100,000 profiles this way, and only the first profile of each shape is turned back
into a dict (``Shape.skeleton``) to be planned.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass

from lca.quantities import FIELDS, declared, nest

# Keys read beside the plan: they change nothing in it.
APART = frozenset({"name", "uncertainty", "units", "factors_version"})
_DICT, _LIST = "{", "["


class _Given:
    """Stands for a number in a shape: the field is given, its value is bound later."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<given>"


GIVEN = _Given()


class _Opaque:
    """A value that is not plain data (JSON's), kept in a shape as it is; not hashable, so the
    shape gets no key and its profile is planned without the caches."""

    __slots__ = ("value",)
    __hash__ = None  # type: ignore[assignment]

    def __init__(self, value: object) -> None:
        self.value = value


def _layout() -> dict:
    """Where the numeric fields are: {"training": {"grid": {"gwp": "training.grid.gwp"}, ...}};
    a key that maps to a dict is a section, one that maps to a string is a numeric field.
    Made again when a field is declared after import (an extension, a test's field)."""
    now = declared()
    if _LAYOUT.get("declared") != now:
        _LAYOUT.update(declared=now, layout=nest((path, path) for path in FIELDS))
    return _LAYOUT["layout"]


_LAYOUT: dict = {}


@dataclass(slots=True)
class Shape:
    """A profile's shape: ``frozen`` is the profile with each numeric field's value replaced by
    GIVEN (and the keys of APART left out), written as nested tuples; ``key`` is the same when
    it is hashable, to identify the shape in a cache, else None. (Not a frozen dataclass only
    because that costs as much to make as a sixth of the walk; nothing changes a Shape.)"""

    frozen: tuple
    key: Hashable | None

    @property
    def skeleton(self) -> dict:
        """The shape as a dict, as the profile was written: what a plan reads."""
        return _thaw(self.frozen)

    def part(self, name: str) -> Hashable | None:
        """The frozen shape of the top-level field ``name`` (None if absent or unhashable):
        the key of a section's plan (lca.reading.plan.SectionPlans)."""
        if self.key is not None:
            keys = self.frozen[1::2]
            if name in keys:
                return self.frozen[2 + 2 * keys.index(name)]
        return None


def split(profile: Mapping) -> tuple[Shape, dict[str, object]]:
    """The shape of ``profile`` and its numbers, by field path (``inference.output_tokens``)."""
    numbers: dict[str, object] = {}
    return _shape(_walk(profile, _layout(), numbers, APART)), numbers


def with_fields(shape: Shape, paths: list[str]) -> Shape:
    """``shape`` with the numeric fields ``paths`` given as well (the columns of a request)."""
    skeleton = shape.skeleton
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
    return _shape(_walk(skeleton, _layout(), {}, APART))


def _shape(frozen: tuple) -> Shape:
    try:
        hash(frozen)
    except TypeError:  # it holds something that is not plain data
        return Shape(frozen, None)
    return Shape(frozen, frozen)


def _walk(node: Mapping, layout: dict, numbers: dict[str, object],
          apart: frozenset[str] = frozenset()) -> tuple:
    """One section frozen as ``("{", key, value, key, value, ...)``: each numeric field GIVEN
    (its number put in ``numbers``) or None, each sub-section walked the same way, anything else
    frozen as it is. (Flat, not pairs: a table compares 100,000 keys with those it has seen,
    and a flat tuple compares in half the time.)"""
    out: list = [_DICT]
    add = out.append
    for key, value in node.items():
        inner = layout.get(key)
        if inner.__class__ is str:  # a numeric field: ``inner`` is its path
            if value is not None:
                numbers[inner] = value
                value = GIVEN
            add(key)
            add(value)
        elif inner is not None and (value.__class__ is dict or (
                value.__class__ is not str and isinstance(value, Mapping))):  # a section
            add(key)
            add(_walk(value, inner, numbers))
        elif key not in apart:  # an id, a choice...: strings, the most common, kept as they are
            add(key if key.__class__ is str else _leaf(key))
            add(value if value.__class__ is str else _leaf(value))
    return tuple(out)


def _leaf(value: object) -> object:
    """A value of the shape (an id, a choice, anything wrong) as nested tuples."""
    kind = value.__class__
    if kind is str or value is None:
        return value
    if kind is int or kind is float or kind is bool:
        return (kind.__name__, value)  # True == 1: the type keeps them apart
    if kind is dict:
        return (_DICT, *(_leaf(x) for pair in value.items() for x in pair))
    if kind is list:
        return (_LIST, *map(_leaf, value))
    return _Opaque(value)


def _thaw(frozen: object) -> object:
    """The value a frozen one stands for (the inverse of _walk and _leaf)."""
    kind = frozen.__class__
    if kind is tuple:
        tag = frozen[0]  # type: ignore[index]
        if tag == _DICT:
            return dict(zip(map(_thaw, frozen[1::2]), map(_thaw, frozen[2::2]), strict=True))
        if tag == _LIST:
            return [_thaw(v) for v in frozen[1:]]  # type: ignore[index]
        return frozen[1]  # type: ignore[index]  # a number or a boolean, with its type
    if kind is _Opaque:
        return frozen.value  # type: ignore[attr-defined]
    return frozen  # a string, None or GIVEN
