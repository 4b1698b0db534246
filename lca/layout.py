"""The layout of an estimate's figures (design/api.md) and the renderer compiled from it.

``layout`` says, once and as data, where each output of lca.calculate goes in the response and in
which unit. The renderer of a given shape of response (which phases, which paths, with or without
Monte Carlo bounds, canonical or display units) is generated from it as one Python function that
builds the nested dictionaries in a single expression: walking the layout for every estimate cost
a third of a single estimate's time, for no other reason than Python's call overhead.
lca.estimate.render adds what is not a figure (name, versions, provenance, warnings).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache

from lca.calculate import WATER_PARTS
from lca.types import CANONICAL_UNITS, EMBODIED_INDICATORS, INDICATORS, Array

Bounds = Mapping[str, tuple[Array, Array]]
Renderer = Callable[[Mapping[str, Array], Bounds | None, Mapping[str, str],
                     Mapping[str, float]], dict]


@dataclass(frozen=True)
class Quantity:
    """``{"value", "unit"}`` of an indicator, in the display unit the profile asked for."""

    key: str
    indicator: str


@dataclass(frozen=True)
class Plain:
    """``{"value", "unit"}`` in a fixed unit (hours, FLOP, bytes...)."""

    key: str
    unit: str


@dataclass(frozen=True)
class Number:
    """A bare number (counts, shares, breakeven requests); null when not finite."""

    key: str


@dataclass(frozen=True)
class IfFinite:
    """An entry present only when the output ``when`` is finite (totals need a request volume).
    Such entries come last in their object, so that the order of keys never depends on data."""

    when: str
    node: object


_REPLICA = (("prefill_seconds", "s"), ("decode_step_seconds", "s"),
            ("busy_seconds_per_request", "s"), ("idle_seconds_per_request", "s"),
            ("weight_bytes", "byte"), ("usable_memory_bytes", "byte"),
            ("kv_cache_bytes_per_token", "byte/token"))
_BREAKDOWN = ("accelerators", "host", "idle", "overhead")


def block(prefix: str, indicators: tuple[str, ...] = INDICATORS) -> dict[str, Quantity]:
    """One quantity per indicator, from the outputs ``{prefix}.{indicator}``."""
    return {k: Quantity(f"{prefix}.{k}", k) for k in indicators}


def water(phase: str) -> dict[str, Quantity]:
    """A phase's water, split into on-site, off-site and manufacturing."""
    return {p.removeprefix("water_"): Quantity(f"{phase}.water.{p}", "water")
            for p in WATER_PARTS}


def layout(training_path: str | None, inference_path: str | None) -> dict:
    """The figures of an estimate with the phases present (a path of None: phase absent)."""
    body: dict = {}
    if training_path is not None:
        training: dict = {
            "path": training_path,
            "accelerator_hours": Plain("training.accelerator_hours", "h"),
            "it_energy": Quantity("training.it_energy", "energy"),
            "impacts": block("training.impacts"),
            "operational": block("training.operational"),
            "embodied": block("training.embodied", EMBODIED_INDICATORS),
            "water": water("training"),
        }
        if training_path == "compute":
            training["compute"] = Plain("training.compute", "FLOP")
        body["training"] = training
    if inference_path is not None:
        requests = "inference.requests"
        body["inference"] = {
            "path": inference_path,
            "replica": {**{k: Number(f"inference.replica.{k}")
                           for k in ("accelerators", "batch_size", "max_batch_size")},
                        **{k: Plain(f"inference.replica.{k}", unit) for k, unit in _REPLICA}},
            "it_energy": Quantity("inference.it_energy", "energy"),
            "per_request": block("inference.impacts"),
            "per_output_token": block("inference.per_output_token"),
            "operational": block("inference.operational"),
            "embodied": block("inference.embodied", EMBODIED_INDICATORS),
            "water": water("inference"),
            "energy_breakdown": {p: Quantity(f"inference.energy_breakdown.{p}", "energy")
                                 for p in _BREAKDOWN},
            "requests": IfFinite(requests, Number(requests)),
            "total": IfFinite(requests, block("inference.total")),
        }
    if training_path is not None and inference_path is not None:
        requests = "lifecycle.requests"
        body["lifecycle"] = {
            "breakeven_requests": {k: Number(f"lifecycle.breakeven_requests.{k}")
                                   for k in INDICATORS},
            "total": IfFinite(requests, block("lifecycle.total")),
            "per_request": IfFinite(requests, block("lifecycle.per_request")),
            "shares": IfFinite(requests, {
                phase: {k: Number(f"lifecycle.shares.{phase}.{k}") for k in INDICATORS}
                for phase in ("training", "inference")}),
        }
    return body


@cache
def response_paths() -> dict[str, str]:
    """Where each output of lca.calculate appears in an estimate response, as a dotted path
    (``inference.impacts.gwp`` -> ``inference.per_request.gwp``); outputs the response does not
    show (``lifecycle.requests``) are left out."""
    paths: dict[str, str] = {}

    def walk(node: object, path: str) -> None:
        if isinstance(node, (Quantity, Plain, Number)):
            paths[node.key] = path
        elif isinstance(node, IfFinite):
            walk(node.node, path)
        elif isinstance(node, dict):
            for name, child in node.items():
                walk(child, f"{path}.{name}" if path else name)

    walk(layout("compute", "roofline"), "")  # the compute path is the one with every figure
    return paths


def _finite(value: Array) -> float | None:
    value = float(value)
    return value if value - value == 0.0 else None  # False for NaN and infinities


def bounded(out: Mapping[str, Array], bounds: Bounds, key: str, unit: str, scale: float) -> dict:
    """A quantity with the low and high of the Monte Carlo, when it has them."""
    value = _finite(out[key])
    q: dict = {"value": None if value is None else value * scale, "unit": unit}
    if key in bounds:
        low, high = _finite(bounds[key][0]), _finite(bounds[key][1])
        q["low"] = None if low is None else low * scale
        q["high"] = None if high is None else high * scale
    return q


class _Source:
    """Python source of one renderer, generated from a layout."""

    def __init__(self, with_bounds: bool, scaled: bool) -> None:
        self.with_bounds, self.scaled = with_bounds, scaled
        self.lines: list[str] = []
        self.names = 0

    @staticmethod
    def finite(key: str, times: str = "") -> str:
        return f"(_v{times} if (_v := out[{key!r}]) - _v == 0.0 else None)"

    def quantity(self, key: str, unit: str, scale: str) -> str:
        if self.with_bounds:
            return f"_bounded(out, bounds, {key!r}, {unit}, {scale})"
        times = f" * {scale}" if scale != "1.0" else ""
        return f'{{"value": {self.finite(key, times)}, "unit": {unit}}}'

    def expression(self, node: object, indent: str) -> str:
        """An expression building ``node``; conditional entries become statements first."""
        if isinstance(node, Quantity):
            if self.scaled:
                return self.quantity(node.key, f"units[{node.indicator!r}]",
                                     f"scales[{node.indicator!r}]")
            return self.quantity(node.key, repr(CANONICAL_UNITS[node.indicator]), "1.0")
        if isinstance(node, Plain):
            return self.quantity(node.key, repr(node.unit), "1.0")
        if isinstance(node, Number):
            return self.finite(node.key)
        if isinstance(node, str):
            return repr(node)
        if not isinstance(node, dict):
            raise TypeError(f"not a layout node: {node!r}")
        fixed = {k: v for k, v in node.items() if not isinstance(v, IfFinite)}
        conditional = [(k, v) for k, v in node.items() if isinstance(v, IfFinite)]
        if list(node)[:len(fixed)] != list(fixed):
            raise ValueError("conditional entries must come last in their object")
        entries = ", ".join(f"{k!r}: {self.expression(v, indent)}" for k, v in fixed.items())
        if not conditional:
            return f"{{{entries}}}"
        name = f"d{self.names}"
        self.names += 1
        self.lines.append(f"{indent}{name} = {{{entries}}}")
        last = None
        for k, v in conditional:
            if v.when != last:
                self.lines.append(f"{indent}if (_v := out[{v.when!r}]) - _v == 0.0:")
                last = v.when
            self.lines.append(f"{indent}    {name}[{k!r}] = {self.expression(v.node, indent)}")
        return name


@cache  # the shapes are few: paths x phases x bounds x units
def compile_renderer(training_path: str | None, inference_path: str | None, with_bounds: bool,
                     scaled: bool) -> Renderer:
    """The function ``(out, bounds, units, scales) -> figures`` for one shape of response.

    ``units`` and ``scales`` (display unit and factor from the canonical unit, per indicator)
    are read only when ``scaled``; ``bounds`` only when ``with_bounds``.
    """
    source = _Source(with_bounds, scaled)
    body = layout(training_path, inference_path)
    sections = {name: source.expression(node, "    ") for name, node in body.items()}
    returned = ", ".join(f"{name!r}: {expression}" for name, expression in sections.items())
    text = "\n".join(["def render(out, bounds, units, scales):", *source.lines,
                      f"    return {{{returned}}}", ""])
    namespace: dict[str, object] = {"_bounded": bounded}
    exec(compile(text, "<lca.layout renderer>", "exec"), namespace)
    renderer = namespace["render"]
    renderer.source = text  # type: ignore[attr-defined]
    return renderer  # type: ignore[return-value]
