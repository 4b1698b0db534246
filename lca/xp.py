"""Element-wise helpers that take floats or numpy arrays alike.

The formulas run on one estimate (plain floats), on a batch or on Monte Carlo samples (arrays).
numpy's functions cost about a microsecond each on a scalar, which would dominate a single
estimate, so these dispatch: arrays go to numpy, plain numbers to ``math``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

# Every formula accepts a float, a numpy array (batch, Monte Carlo) or a pint quantity (tests).
Array = float | np.ndarray
Grid = Mapping[str, Array]


nan = math.nan
inf = math.inf


_ndarray = np.ndarray  # exact-type checks: the scalar path must cost next to nothing


_float64 = np.dtype(np.float64)


def where(condition: object, if_true: Array, if_false: Array) -> Array:
    """``if_true`` where ``condition`` holds, else ``if_false`` (numpy.where for arrays).

    A plain bool (a choice made for the whole profile, such as traffic mode or not) returns the
    chosen value itself whenever numpy.where would return a copy of it: the same values, shape
    and dtype; half the calls of a Monte Carlo are such choices."""
    if condition.__class__ is bool:
        if if_true.__class__ is not _ndarray and if_false.__class__ is not _ndarray:
            return if_true if condition else if_false
        chosen, other = (if_true, if_false) if condition else (if_false, if_true)
        if (chosen.__class__ is _ndarray and chosen.dtype == _float64
                and (other.__class__ is float or (other.__class__ is _ndarray
                                                  and other.shape == chosen.shape))):
            return chosen
    return np.where(condition, if_true, if_false)


def isnan(value: Array) -> object:
    """Whether ``value`` is NaN (element-wise)."""
    return value != value if value.__class__ is float else np.isnan(value)


def maximum(a: Array, b: Array) -> Array:
    """Element-wise maximum (NaN-propagating, as numpy's)."""
    if a.__class__ is float and b.__class__ is float:
        return a if a != a or a >= b else b
    return np.maximum(a, b)


def minimum(a: Array, b: Array) -> Array:
    """Element-wise minimum (NaN-propagating, as numpy's)."""
    if a.__class__ is float and b.__class__ is float:
        return a if a != a or a <= b else b
    return np.minimum(a, b)


def ceil(value: Array) -> Array:
    """Element-wise ceiling, as floats."""
    if value.__class__ is not float:
        return np.ceil(value)
    return float(math.ceil(value)) if value - value == 0.0 else value  # NaN and inf pass through


def floor(value: Array) -> Array:
    """Element-wise floor, as floats."""
    if value.__class__ is not float:
        return np.floor(value)
    return float(math.floor(value)) if value - value == 0.0 else value


def log2(value: Array) -> Array:
    """Element-wise base-2 logarithm."""
    return math.log2(value) if value.__class__ is float else np.log2(value)


def exp2(value: Array) -> Array:
    """Element-wise 2 ** value."""
    return 2.0 ** value if value.__class__ is float else np.exp2(value)


def sqrt(value: Array) -> Array:
    """Element-wise square root."""
    return math.sqrt(value) if value.__class__ is float else np.sqrt(value)


def hours(value: Array) -> np.ndarray:
    """``value`` with an hour axis appended (length 1), to broadcast against 24 hourly values:
    a float becomes an array of one value, an array of any shape gains a last axis."""
    return np.asarray(value, dtype=float)[..., np.newaxis]


def clip(value: Array, low: Array, high: Array) -> Array:
    """``value`` held within [low, high] element-wise (NaN bounds leave it unbounded there)."""
    return np.fmin(np.fmax(value, low), high)



def any_true(condition: object) -> bool:
    """Whether ``condition`` holds anywhere (a bool as it is, numpy.any for arrays)."""
    return condition if condition.__class__ is bool else bool(np.any(condition))


def all_nan(value: Array) -> bool:
    """Whether ``value`` is NaN everywhere (not given in any row or sample)."""
    return value != value if value.__class__ is float else bool(np.all(np.isnan(value)))
