"""Many profiles in, one table of figures out, with profiles grouped by what they share.

A list of 100,000 profiles mostly repeats a few models, sites and hardware with different token
counts and volumes. Profiles alike but for the plain numbers of their numeric fields (the same
*skeleton*) are read once per group; their numbers are checked against the fields' specs as
arrays, one array per field over the whole list, and the arithmetic runs once over every row
(lca.calculate). A row whose numbers fail a check, or whose profile cannot be grouped, is read on
its own, so its errors are exactly those of a single estimate. Central values only, in canonical
units, named by their path in the estimate response (as lca.columns).
"""

from __future__ import annotations

import marshal
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import chain
from operator import itemgetter

import numpy as np

from lca.batch import outcome, without_cyclic_gc
from lca.calculate import calculate
from lca.columns import DEFAULT_OUTPUTS, field_spec, read_column
from lca.errors import ProfileError
from lca.factors import FactorSet, load_factor_set
from lca.layout import response_paths
from lca.profile import _JSON_SCALARS, FIELD_INPUTS, Resolved, _plain_json, resolve

MAX_PROFILES = 1_000_000
_SECTIONS = ("model", "training", "inference")
_NUMERIC: dict[str, frozenset[str]] = {  # per section, its numeric fields (FIELD_INPUTS)
    section: frozenset(path.split(".", 1)[1] for path in FIELD_INPUTS
                       if path.startswith(f"{section}.") and path.count(".") == 1)
    for section in _SECTIONS}
_TOP_NUMERIC = frozenset(path for path in FIELD_INPUTS if "." not in path)


def _skeleton(profile: object, numbers: list, paths: list | None = None) -> bytes | None:
    """The profile with the values of its top-level numeric fields left out, as bytes, with those
    values appended to ``numbers`` (and their dotted paths to ``paths``, when given); None for a
    profile that is not plain JSON (read alone).

    This runs once per profile of the list, so it is written for speed: a left-out value is
    marked by Ellipsis, which no JSON value can be, beside its field's name.
    """
    if profile.__class__ is not dict:
        return None
    scalars, numeric, add = _JSON_SCALARS, _NUMERIC, numbers.append
    rest: list = []
    for key, value in profile.items():
        kind = value.__class__
        if kind is dict and key in numeric:
            fields = numeric[key]
            rest.append(key)
            for name, item in value.items():
                rest.append(name)
                kind = item.__class__
                if kind is str:
                    rest.append(item)
                elif (kind is float or kind is int) and name in fields:
                    add(item)
                    rest.append(...)
                    if paths is not None:
                        paths.append(f"{key}.{name}")
                elif kind in scalars or _plain_json(item):
                    rest.append(item)
                else:
                    return None
            rest.append(None)  # end of the section
        elif (kind is float or kind is int) and key in _TOP_NUMERIC:
            add(value)
            rest.append(key)
            rest.append(...)
            if paths is not None:
                paths.append(key)
        elif kind in scalars or _plain_json(value):
            rest.append(key)
            rest.append(value)
        else:
            return None
    try:
        return marshal.dumps(rest, 2)
    except ValueError:  # a key that is not plain data (a library caller's own object)
        return None


@dataclass
class _Group:
    """Profiles with one skeleton: their indices, their numbers, and the first one's reading."""

    indices: list[int] = field(default_factory=list)
    numbers: list[list] = field(default_factory=list)
    resolved: Resolved | None = None
    paths: list[str] = field(default_factory=list)


def estimate_table(profiles: Sequence[object], outputs: Sequence[str] | None = None,
                   factors: FactorSet | None = None) -> dict:
    """Figures of every profile as columns (module doc).

    Returns ``{"rows", "outputs": {path: numpy array}, "errors": [{"index", "errors"}],
    "paths": {"training": [...], "inference": [...]}, "factors_version"}``; a row with an error,
    or without the phase an output belongs to, holds NaN. ``outputs`` defaults to
    lca.columns.DEFAULT_OUTPUTS. Raises ValueError beyond MAX_PROFILES and ProfileError for an
    unknown output name.
    """
    rows = len(profiles)
    if rows > MAX_PROFILES:
        raise ValueError(f"at most {MAX_PROFILES:,} profiles per table, got {rows:,}")
    fs = factors or load_factor_set()
    names = list(outputs) if outputs is not None else list(DEFAULT_OUTPUTS)
    known = set(response_paths().values()) | {"lifecycle.requests"}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ProfileError([{"field": "outputs", "message": f"unknown outputs {unknown[:5]}; "
                             f"available: {', '.join(sorted(known))}"}])
    table = {name: np.full(rows, np.nan) for name in names}
    paths = {phase: np.full(rows, None, dtype=object) for phase in ("training", "inference")}
    errors: dict[int, list[dict]] = {}
    alone: list[int] = []
    with without_cyclic_gc():
        groups = _group(profiles, alone)
        stacks = _read_groups(groups, profiles, fs, alone, paths)
        for (keys, varied), members in stacks.items():
            _calculate_stack(keys, varied, members, table, alone)
        for index in sorted(set(alone)):
            _estimate_alone(index, profiles[index], fs, table, paths, errors)
    return {"rows": rows, "outputs": table,
            "errors": [{"index": i, "errors": e} for i, e in sorted(errors.items())],
            "paths": {phase: names.tolist() for phase, names in paths.items()},
            "factors_version": fs.version}


def _group(profiles: Sequence[object], alone: list[int]) -> dict[bytes, _Group]:
    groups: dict[bytes, _Group] = {}
    for index, profile in enumerate(profiles):
        numbers: list = []
        key = _skeleton(profile, numbers)
        if key is None:
            alone.append(index)
            continue
        group = groups.get(key)
        if group is None:
            groups[key] = group = _Group()
        group.indices.append(index)
        group.numbers.append(numbers)
    return groups


def _neutral(profile: dict, paths: list[str]) -> dict:
    """``profile`` with the numbers of its training, inference and top-level numeric fields set
    to one valid value per field, so that groups alike but for those numbers read identical
    sections (lca.profile memoises them). Reading those sections depends on which fields are
    given, never on their numbers; the model's numbers are kept (they decide dense or not)."""
    copy = {k: dict(v) if k in ("training", "inference") and v.__class__ is dict else v
            for k, v in profile.items()}
    for path in paths:
        section, _, name = path.rpartition(".")
        if section != "model":
            (copy[section] if section else copy)[name] = _NEUTRAL[path]
    return copy


_NEUTRAL = {path: field_spec(path).neutral() for path in FIELD_INPUTS if path.count(".") <= 1}


def _read_groups(groups: dict[bytes, _Group], profiles: Sequence[object], fs: FactorSet,
                 alone: list[int], paths: dict[str, np.ndarray]) -> dict[tuple, list[_Group]]:
    """Read each group once; stack the groups by the inputs they carry and the fields they vary.
    """
    stacks: dict[tuple, list[_Group]] = {}
    for group in groups.values():
        first = profiles[group.indices[0]]
        _skeleton(first, [], group.paths)  # the paths of the numbers its group varies
        try:
            group.resolved = resolve(_neutral(first, group.paths), fs)
        except ProfileError:
            alone.extend(group.indices)  # its members' errors are told one by one
            continue
        keys = tuple(group.resolved.inputs)  # in the order resolve writes them: deterministic
        stacks.setdefault((keys, tuple(group.paths)), []).append(group)
    read = [g for members in stacks.values() for g in members]
    if read:
        rows = _indices(read)
        sizes = [len(g.indices) for g in read]
        for phase in ("training", "inference"):  # one assignment: per group it cost 7 us
            names = np.array([getattr(g.resolved, f"{phase}_path") for g in read], dtype=object)
            paths[phase][rows] = np.repeat(names, sizes)
    return stacks


def _indices(groups: list[_Group]) -> np.ndarray:
    """The profile indices of ``groups``, one after the other (one array: per group, an array
    of a few indices cost more than the rest of reading the group)."""
    return np.fromiter(chain.from_iterable(g.indices for g in groups), dtype=np.int64,
                       count=sum(len(g.indices) for g in groups))


def _calculate_stack(keys: tuple[str, ...], varied: tuple[str, ...], groups: list[_Group],
                     table: dict[str, np.ndarray], alone: list[int]) -> None:
    """Fill ``table`` for groups with the inputs ``keys`` and numbers in the fields ``varied``:
    each group's reading repeated over its rows, its numbers checked and set by column, then one
    calculate over every row."""
    sizes = np.array([len(g.indices) for g in groups])
    rows = int(sizes.sum())
    row_of = itemgetter(*keys)
    base = np.array([row_of(g.resolved.inputs) for g in groups]).reshape(len(groups), len(keys))
    inputs: dict[str, np.ndarray | np.float64] = {}
    for key, values in zip(keys, base.T, strict=True):
        first = values[0]
        if (values == first).all() or (first != first and np.isnan(values).all()):
            inputs[key] = first  # the same in every group (constants): kept a numpy scalar
        else:
            inputs[key] = np.repeat(values, sizes)
    indices = _indices(groups)
    invalid = np.zeros(rows, dtype=bool)
    numbers = zip(*chain.from_iterable(g.numbers for g in groups), strict=True)
    for path, values in zip(varied, numbers, strict=True):
        array, bad = read_column(values, field_spec(path), booleans=False)
        invalid |= bad
        name = FIELD_INPUTS[path]
        if name in inputs:  # NaN in a group's reading: an input its path does not use
            inputs[name] = np.where(np.isnan(inputs[name]), inputs[name], array)
    if "model.parameters" in varied and "model.active_parameters" not in varied:
        dense = np.repeat([g.resolved.inputs["active"] == g.resolved.inputs["params"]
                           for g in groups], sizes)
        inputs["active"] = np.where(dense, inputs["params"], inputs["active"])  # stays dense
    if "active" in inputs:
        invalid |= np.broadcast_to(inputs["active"] > inputs["params"], (rows,))
    alone.extend(indices[invalid].tolist())
    with np.errstate(all="ignore"):  # a row's overflow is that row's NaN, as in numpy
        results = calculate(inputs)
    public = response_paths()
    valid = indices[~invalid]
    for key, values in results.items():
        name = public.get(key, key)
        if name in table:
            table[name][valid] = np.broadcast_to(values, (rows,))[~invalid]


def _estimate_alone(index: int, profile: object, fs: FactorSet, table: dict[str, np.ndarray],
                    paths: dict[str, np.ndarray], errors: dict[int, list[dict]]) -> None:
    """One row read and calculated as a single estimate, or its errors."""
    alone = outcome(index, profile, fs)
    if alone.error is not None:
        errors[index] = alone.error.errors
        paths["training"][index] = paths["inference"][index] = None
        return
    paths["training"][index] = alone.resolved.training_path
    paths["inference"][index] = alone.resolved.inference_path
    public = response_paths()
    for key, value in alone.outputs.items():
        name = public.get(key, key)
        if name in table:
            table[name][index] = value
