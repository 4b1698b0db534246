"""``calculate`` compiled into straight-line float code for one estimate at a time.

A single estimate runs the formulas on plain floats, where most of the time goes to Python's
function calls and dictionary traffic rather than to the arithmetic (about 300 operations). Here
``calculate`` is run once on symbols that record each operation it performs; the record becomes one
Python function of plain assignments (``v12 = v3 * v7``) for each set of input keys. The formulas
are still written once, in their modules: this only changes how they are executed.

Every recorded operation is the same Python float operation the interpreted path performs, in the
same order (``xp`` dispatches floats to ``math`` and these symbols to the numpy protocols), so the
compiled function returns bit-identical results and raises the same ArithmeticErrors.
tests/unit/test_kernel.py checks that over a seeded sweep of profiles.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from functools import lru_cache

import numpy as np

from lca.calculate import calculate

Kernel = Callable[[Mapping[str, float]], dict[str, float]]

# numpy ufuncs met in the formulas (via xp) and the float expression xp computes for each
_UFUNCS = {
    "isnan": "{0} != {0}",
    "maximum": "({0} if {0} != {0} or {0} >= {1} else {1})",
    "minimum": "({0} if {0} != {0} or {0} <= {1} else {1})",
    "ceil": "(float(_ceil({0})) if {0} - {0} == 0.0 else {0})",
    "floor": "(float(_floor({0})) if {0} - {0} == 0.0 else {0})",
    "log2": "_log2({0})",
    "exp2": "2.0 ** {0}",
    "sqrt": "_sqrt({0})",
}
_HELPERS = {"_ceil": math.ceil, "_floor": math.floor, "_log2": math.log2, "_sqrt": math.sqrt}


class DataDependentBranchError(TypeError):
    """A formula took a Python branch on an input value, which a straight-line trace cannot
    record: such choices must go through xp.where."""


class _Symbol:
    """A value of the traced computation: the name of the local variable that holds it."""

    __slots__ = ("name", "trace")
    __array_priority__ = 1000  # numpy defers to the symbol's operators

    def __init__(self, trace: _Trace, name: str) -> None:
        self.trace, self.name = trace, name

    __hash__ = object.__hash__

    def __bool__(self) -> bool:
        raise DataDependentBranchError("a formula branched on a traced value")

    def __add__(self, other: object) -> _Symbol:
        return self.trace.emit("{} + {}", self, other)

    def __radd__(self, other: object) -> _Symbol:
        return self.trace.emit("{} + {}", other, self)

    def __sub__(self, other: object) -> _Symbol:
        return self.trace.emit("{} - {}", self, other)

    def __rsub__(self, other: object) -> _Symbol:
        return self.trace.emit("{} - {}", other, self)

    def __mul__(self, other: object) -> _Symbol:
        return self.trace.emit("{} * {}", self, other)

    def __rmul__(self, other: object) -> _Symbol:
        return self.trace.emit("{} * {}", other, self)

    def __truediv__(self, other: object) -> _Symbol:
        return self.trace.emit("{} / {}", self, other)

    def __rtruediv__(self, other: object) -> _Symbol:
        return self.trace.emit("{} / {}", other, self)

    def __pow__(self, other: object) -> _Symbol:
        return self.trace.emit("{} ** {}", self, other)

    def __rpow__(self, other: object) -> _Symbol:
        return self.trace.emit("{} ** {}", other, self)

    def __neg__(self) -> _Symbol:
        return self.trace.emit("-{}", self)

    def __eq__(self, other: object) -> _Symbol:  # type: ignore[override]
        return self.trace.emit("{} == {}", self, other)

    def __ne__(self, other: object) -> _Symbol:  # type: ignore[override]
        return self.trace.emit("{} != {}", self, other)

    def __lt__(self, other: object) -> _Symbol:
        return self.trace.emit("{} < {}", self, other)

    def __le__(self, other: object) -> _Symbol:
        return self.trace.emit("{} <= {}", self, other)

    def __gt__(self, other: object) -> _Symbol:
        return self.trace.emit("{} > {}", self, other)

    def __ge__(self, other: object) -> _Symbol:
        return self.trace.emit("{} >= {}", self, other)

    def __or__(self, other: object) -> _Symbol:
        return self.trace.emit("{} | {}", self, other)

    def __ror__(self, other: object) -> _Symbol:
        return self.trace.emit("{} | {}", other, self)

    def __and__(self, other: object) -> _Symbol:
        return self.trace.emit("{} & {}", self, other)

    def __rand__(self, other: object) -> _Symbol:
        return self.trace.emit("{} & {}", other, self)

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *args: object, **kwargs: object
                        ) -> object:
        form = _UFUNCS.get(ufunc.__name__)
        if method != "__call__" or kwargs or form is None:
            return NotImplemented
        return self.trace.emit(form, *args)

    def __array_function__(self, func: Callable, types: object, args: tuple, kwargs: dict
                           ) -> object:
        if func is not np.where or kwargs or len(args) != 3:
            return NotImplemented
        return self.trace.emit("({1} if {0} else {2})", *args)


class _Trace:
    """The operations recorded so far, as lines of Python, and the constants they use."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.constants: dict[str, object] = {}
        self.seen: dict[str, _Symbol] = {}

    def operand(self, value: object) -> str:
        if isinstance(value, _Symbol):
            return value.name
        if value.__class__ in (float, int, bool) and math.isfinite(value):
            return repr(value)
        # NaN, infinities and anything unexpected are passed by name, never re-parsed
        name = f"c{len(self.constants)}"
        self.constants[name] = value
        return name

    def emit(self, form: str, *operands: object) -> _Symbol:
        expression = form.format(*(self.operand(o) for o in operands))
        if expression in self.seen:  # names are assigned once: the same text is the same value
            return self.seen[expression]
        name = f"v{len(self.lines)}"
        self.lines.append(f"    {name} = {expression}")
        self.seen[expression] = symbol = _Symbol(self, name)
        return symbol


@lru_cache(maxsize=64)
def compile_kernel(keys: tuple[str, ...]) -> Kernel:
    """``calculate`` for inputs with exactly ``keys``, as one straight-line function of floats.

    Raises DataDependentBranchError if a formula branches on an input (a defect of the formula).
    """
    trace = _Trace()
    symbols = {key: _Symbol(trace, f"a{i}") for i, key in enumerate(keys)}
    outputs = calculate(symbols)
    reads = [f"    a{i} = x[{key!r}]" for i, key in enumerate(keys)]
    returned = ", ".join(f"{key!r}: {trace.operand(value)}" for key, value in outputs.items())
    source = "\n".join(["def kernel(x):", *reads, *trace.lines, f"    return {{{returned}}}", ""])
    namespace: dict[str, object] = {**_HELPERS, **trace.constants}
    exec(compile(source, f"<lca.kernel {len(keys)} inputs>", "exec"), namespace)
    kernel = namespace["kernel"]
    kernel.source = source  # type: ignore[attr-defined]  # kept for reading and for the tests
    return kernel  # type: ignore[return-value]


def calculate_floats(x: Mapping[str, float]) -> dict[str, float]:
    """lca.calculate.calculate for one estimate whose inputs are plain floats, compiled."""
    return compile_kernel(tuple(x))(x)
