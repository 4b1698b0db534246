"""Reading a profile: validate it, apply defaults and look up factors, into canonical floats.

``resolve`` turns the request's profile (the shape of design/api.md) into a flat mapping of
canonical-unit floats that the formulas take, plus the record of what it did: every default it
applied (``assumptions``), every factor it used with source and year (``factors_used``) and coded
``warnings``. Every wrong field is collected, so one ProfileError lists them all.

How a training or inference section is read (its path, defaults, factors, warnings) depends on
which of its numeric fields are given, never on their numbers, which only go through their Spec
into their input: lca.table and lca.columns rely on it to read a group of profiles once. Branch
on a number only in the formulas (lca.calculate, with xp.where).
"""

from __future__ import annotations

import marshal
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from lca import inference as inf
from lca import training as tr
from lca.errors import FieldError, ProfileError, UnknownFactorSetError
from lca.factors import Factor, FactorSet, available_versions, load_factor_set
from lca.fields import (
    DATACENTER,
    ENERGY_SCOPES,
    GRID,
    INDICATORS,
    INFERENCE,
    MODEL,
    PRECISIONS,
    SECTION_KEYS,
    TOP,
    TRAINING,
    Range,
    Spec,
)
from lca.types import CANONICAL_UNITS, EMBODIED_INDICATORS
from lca.units import conversion_factor

NAN = math.nan
MAX_NAME_LENGTH = 200
_PEAK_BY_PRECISION = {"fp32": "peak_flops_32bit", "bf16": "peak_flops_16bit",
                      "fp16": "peak_flops_16bit", "fp8": "peak_flops_8bit",
                      "int8": "peak_flops_8bit", "int4": "peak_flops_16bit"}


_SINGULAR = {"models": "model preset", "hardware": "hardware", "datacenters": "data-centre profile",
             "zones": "zone"}


@dataclass(frozen=True)
class Spread:
    """How an input varies in the Monte Carlo: triangular on (low, mode, high), uniform when the
    mode is None; ``label`` names its origin (a factor reference or a profile field)."""

    label: str
    low: float
    mode: float | None
    high: float


@dataclass
class Resolved:
    """A profile read into canonical floats, with the record of how."""

    name: str | None
    factors: FactorSet
    inputs: dict[str, float]
    has_training: bool
    has_inference: bool
    training_path: str | None = None
    inference_path: str | None = None
    assumptions: list[dict] = field(default_factory=list)
    factors_used: dict[str, dict] = field(default_factory=dict)
    warnings: list[dict] = field(default_factory=list)
    units: dict[str, str] = field(default_factory=dict)
    uncertainty: dict | None = None
    uncertainty_explicit: bool = False
    spreads: dict[str, Spread] = field(default_factory=dict)


def _factor_spread(cache: dict, factor: Factor, scale: float) -> Spread | None:
    """The Spread of a factor at a scale, built once per factor set (``cache``)."""
    key = ("spread", factor.ref, scale)
    if key not in cache:
        low, high = factor.spread
        cache[key] = (Spread(factor.ref, low * scale, factor.value * scale, high * scale)
                      if low < high else None)
    return cache[key]


class _Reader:
    """Collects errors, assumptions, factors and warnings while a profile is read."""

    def __init__(self, factors: FactorSet) -> None:
        self.fs = factors
        self.errors: list[dict[str, str]] = []
        self.assumptions: list[dict] = []
        self.used: dict[str, dict] = {}
        self.warnings: list[dict] = []
        self.spreads: dict[str, Spread] = {}
        self.ranges: dict[str, Range] = {}

    def error(self, path: str, message: str) -> None:
        self.errors.append({"field": path, "message": message})

    def warn(self, code: str, message: str) -> None:
        if not any(w["code"] == code and w["message"] == message for w in self.warnings):
            self.warnings.append({"code": code, "message": message})

    def assume(self, path: str, value: object, why: str) -> None:
        self.assumptions.append({"field": path, "value": value, "why": why})

    def section(self, raw: object, path: str, kind: str) -> dict:
        """A JSON object with only the keys ``kind`` allows (unknown keys are errors)."""
        if raw is None:
            return {}
        if not isinstance(raw, Mapping):
            self.error(path, f"expected an object, got {type(raw).__name__}")
            return {}
        allowed = SECTION_KEYS[kind]
        for key in raw:
            if key not in allowed:
                where = f"{path}.{key}" if path else str(key)
                self.error(where, f"unknown field; allowed here: {', '.join(sorted(allowed))}")
        return dict(raw)

    def quantity(self, raw: Mapping, key: str, spec: Spec, path: str) -> float | None:
        """The field ``key`` of ``raw`` in canonical units and within bounds, or None if absent."""
        if raw.get(key) is None:
            return None
        where = f"{path}.{key}" if path else key
        try:
            value, given_range = spec.read_uncertain(raw[key], where)
        except FieldError as exc:
            self.error(exc.field, exc.message)
            return None
        if given_range is not None:
            self.ranges[where] = given_range
        return value

    def put_factor(self, x: dict[str, float], name: str, factor: Factor,
                   scale: float = 1.0, vary: bool = True) -> None:
        """x[name] = the factor's value (x scale); its spread, if any and if ``vary``, feeds the
        Monte Carlo."""
        self.used[factor.ref] = factor.record
        x[name] = factor.value * scale
        spread = _factor_spread(self.fs.cache, factor, scale) if vary else None
        if spread is not None:
            self.spreads[name] = spread
        else:
            self.spreads.pop(name, None)

    def put_field(self, x: dict[str, float], name: str, value: float, where: str) -> None:
        """x[name] = a value the profile gave at ``where``, with its range if it gave one."""
        x[name] = value
        given = self.ranges.get(where)
        if given is not None and given.low < given.high:
            self.spreads[name] = Spread(where, given.low, given.mode, given.high)
        else:
            self.spreads.pop(name, None)

    def factor(self, table: str, key: str, attribute: str) -> Factor | None:
        found = self.fs.get(table, key, attribute)
        if found is not None:
            self.used[found.ref] = found.record
        return found

    def value(self, table: str, key: str, attribute: str) -> float:
        found = self.factor(table, key, attribute)
        if found is None:
            raise KeyError(f"{table}.{key}.{attribute}")
        return found.value

    def constant(self, name: str) -> float:
        found = self.fs.constant(name)
        self.used[found.ref] = found.record
        return found.value

    def choice(self, raw: Mapping, key: str, options: tuple[str, ...], path: str) -> str | None:
        value = raw.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or value.lower() not in options:
            self.error(f"{path}.{key}", f"expected one of {', '.join(options)}, got {value!r}")
            return None
        return value.lower()

    def identifier(self, raw: Mapping, key: str, table: str, path: str) -> str | None:
        value = raw.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not self.fs.has(table, value.lower()):
            shown = repr(value) if isinstance(value, str) and len(value) < 60 else "value"
            self.error(f"{path}.{key}",
                       f"unknown {_SINGULAR[table]} {shown}; see GET /v1/factors/{table}")
            return None
        return value.lower()


def resolve(profile: object, factors: FactorSet | None = None) -> Resolved:
    """Validate ``profile`` and read it into canonical floats (see module docstring).

    Uses the factor set named by ``profile["factors_version"]``, else ``factors``, else the
    newest. Raises ProfileError listing every wrong field.
    """
    if not isinstance(profile, Mapping):
        raise ProfileError([{"field": "", "message": "a profile must be a JSON object"}])
    fs = _factor_set(profile, factors)
    r = _Reader(fs)
    top = r.section(profile, "", "")
    name = top.get("name")
    if name is not None and (not isinstance(name, str) or len(name) > MAX_NAME_LENGTH):
        r.error("name", f"expected a string of at most {MAX_NAME_LENGTH} characters")
        name = None

    x: dict[str, float] = {}
    _read_part(r, "model", top.get("model"), x, _read_model)
    lifetime = r.quantity(top, "hardware_lifetime", TOP["hardware_lifetime"], "")
    if lifetime is not None:
        r.put_field(x, "lifetime_h", lifetime, "hardware_lifetime")
    else:
        r.put_factor(x, "lifetime_h", r.fs.constant("hardware_lifetime"))
        r.assume("hardware_lifetime", f"{x['lifetime_h'] / 8766.0:g} year",
                 "default service life (constants.hardware_lifetime)")

    has_training = top.get("training") is not None
    has_inference = top.get("inference") is not None
    if not has_training and not has_inference:
        r.error("", "give a training section, an inference section, or both")
    training_path = inference_path = None
    if has_training:
        training_path = _read_part(r, "training", top["training"], x, _read_training)
    if has_inference:
        inference_path = _read_part(r, "inference", top["inference"], x, _read_inference,
                                    x.get("precision_code"))
    units = _read_units(r, top.get("units"))
    uncertainty = _read_uncertainty(r, top.get("uncertainty"))
    if r.errors:
        raise ProfileError(r.errors)
    return Resolved(name=name, factors=fs, inputs=x, has_training=has_training,
                    has_inference=has_inference, training_path=training_path,
                    inference_path=inference_path, assumptions=r.assumptions,
                    factors_used=r.used, warnings=r.warnings, units=units,
                    uncertainty=uncertainty, spreads=r.spreads,
                    uncertainty_explicit=top.get("uncertainty") not in (None, False))


@dataclass(frozen=True)
class _Part:
    """What reading one section produced, kept for the next profile with the same section."""

    inputs: dict[str, float]
    assumptions: tuple[dict, ...]
    used: dict[str, dict]
    warnings: tuple[dict, ...]
    spreads: dict[str, Spread]
    result: object


# Readings kept per factor set (in FactorSet.cache), each store dropped whole when full. Whole
# sections carry their numbers, so most are never read again: few are kept, as thousands of them
# made in the middle of a batch kept a worker's memory from being returned (107 MB resident after
# a 2,000-profile batch with 4,096 kept; 69 MB with 256). Models, sites and hardware repeat and
# are few: more of those are kept, apart, so that a flood of one-off sections does not evict them.
_STORE_SIZES = {"sections": 256, "parts": 2048}


_JSON_SCALARS = frozenset({str, float, int, bool, type(None)})


def _plain_json(value: object) -> bool:
    """Whether ``value`` is made only of JSON's own types (exact types: no subclasses)."""
    kind = value.__class__
    if kind is dict:
        for key, item in value.items():
            if key.__class__ is not str or (item.__class__ not in _JSON_SCALARS
                                            and not _plain_json(item)):
                return False
        return True
    if kind is list:
        return all(_plain_json(item) for item in value)
    return kind in _JSON_SCALARS


def _memo(r: _Reader, key: tuple | None, x: dict[str, float],
          reader: Callable[[_Reader, dict[str, float]], object], store: str = "parts") -> object:
    """Run ``reader`` on a fresh reader and inputs, or reuse its result for an identical key.

    Profile sections (and their sites and hardware) repeat across requests and within a batch
    or a sweep, and reading one is pure given the factor set, so each is read once. Results with
    errors are never kept, nor those of a key of None (a section that cannot be frozen).
    """
    part = None
    cache = r.fs.cache.get(store)
    if cache is None:
        cache = r.fs.cache[store] = {}
    if key is not None:
        part = cache.get(key)
    if part is None:
        sub = _Reader(r.fs)
        sub_x: dict[str, float] = {}
        result = reader(sub, sub_x)
        if sub.errors:
            r.errors.extend(sub.errors)
            return None
        part = _Part(sub_x, tuple(sub.assumptions), sub.used, tuple(sub.warnings),
                     sub.spreads, result)
        if key is not None:
            if len(cache) >= _STORE_SIZES[store]:
                cache.clear()
            cache[key] = part
    x.update(part.inputs)
    r.spreads.update(part.spreads)  # parts write disjoint inputs, so no stale spread remains
    r.assumptions.extend(part.assumptions)
    r.used.update(part.used)
    for warning in part.warnings:
        r.warn(warning["code"], warning["message"])
    return part.result


def _frozen(*values: object) -> bytes | None:
    """A cache key for JSON values: their marshal serialisation, which keeps 1, 1.0 and True,
    0.0 and -0.0 apart and is computed in C. None when a value is not plain JSON (a subclass or
    any other object could read differently from its serialisation, or not serialise at all)."""
    for value in values:
        if not _plain_json(value):
            return None
    return marshal.dumps(values, 2)  # version 2 has no back-references: equal values, equal keys


def _read_part(r: _Reader, kind: str, raw: object, x: dict[str, float],
               reader: Callable[[_Reader, object, dict[str, float]], str | None],
               precision: float | None = None) -> str | None:
    """Read one whole section with ``reader`` (memoised, see _memo).

    A section seen before is reused whole. Otherwise a training or inference section is read
    with neutral values in place of the plain numbers of its numeric fields, which are then
    checked and put in on their own: reading depends on which fields are given, not on their
    numbers (module doc), so sections that differ only in their token counts or volumes share
    one memoised reading of everything else.
    """
    def read(sub: _Reader, sub_x: dict[str, float], section: object = raw) -> str | None:
        if precision is not None:
            sub_x["precision_code"] = precision
        return reader(sub, section, sub_x)

    def read_apart(sub: _Reader, sub_x: dict[str, float]) -> str | None:
        fields = _SECTION_NUMBERS[kind]
        numbers = [name for name, value in raw.items()
                   if name in fields and (value.__class__ is float or value.__class__ is int)]
        if not numbers:
            return read(sub, sub_x)
        neutral = {**raw, **{name: fields[name][2] for name in numbers}}
        frozen = _frozen(neutral)
        result = _memo(sub, (kind, precision, frozen) if frozen else None, sub_x,
                       lambda s, s_x: read(s, s_x, neutral))
        for name in numbers:
            spec, input_name, _ = fields[name]
            value = sub.quantity(raw, name, spec, kind)
            current = sub_x.get(input_name)
            if value is not None and current is not None and current == current:  # NaN: unused
                sub_x[input_name] = value
        return result

    apart = kind in _SECTION_NUMBERS and raw.__class__ is dict
    frozen = _frozen(raw)
    return _memo(r, (kind, precision, frozen) if frozen else None, x,
                 read_apart if apart else read, "sections")


def _site_part(r: _Reader, section: dict, path: str, x: dict[str, float], prefix: str) -> None:
    """_site, memoised on the location, grid and datacenter fields."""
    frozen = _frozen(section.get("location"), section.get("grid"), section.get("datacenter"))
    _memo(r, ("site", path, frozen) if frozen else None, x,
          lambda sub, sub_x: _site(sub, section, path, sub_x, prefix))


def _hardware_part(r: _Reader, section: dict, path: str, x: dict[str, float], prefix: str
                   ) -> str | None:
    """The hardware id with its embodied impacts into x (memoised on the hardware field)."""
    def read(sub: _Reader, sub_x: dict[str, float]) -> str | None:
        hardware = _hardware(sub, section, path)
        if hardware is not None:
            _embodied(sub, hardware, sub_x, prefix)
        return hardware

    frozen = _frozen(section.get("hardware"))
    return _memo(r, ("hardware", path, frozen) if frozen else None, x, read)


def _factor_set(profile: Mapping, factors: FactorSet | None) -> FactorSet:
    version = profile.get("factors_version")
    if version is None:
        return factors or load_factor_set()
    if isinstance(version, str) and factors is not None and version == factors.version:
        return factors
    try:
        if not isinstance(version, str):
            raise UnknownFactorSetError(version)
        return load_factor_set(None, version)
    except UnknownFactorSetError:
        raise ProfileError([{"field": "factors_version",
                             "message": f"unknown factor set; available: {available_versions()}"}]
                           ) from None


_MODEL_INPUTS = {"parameters": "params", "active_parameters": "active", "layers": "layers",
                 "kv_heads": "kv_heads", "head_dim": "head_dim"}


def _read_model(r: _Reader, raw: object, x: dict[str, float]) -> None:
    if raw is None:
        r.error("model", "required: a preset id or {\"parameters\": ...}")
        return
    if isinstance(raw, str):
        raw = {"preset": raw}
    model = r.section(raw, "model", "model")
    preset: dict[str, Factor] = {}
    preset_id = r.identifier(model, "preset", "models", "model")
    if preset_id:
        for attribute in (*_MODEL_INPUTS, "kv_lora_rank"):
            found = r.factor("models", preset_id, attribute)
            if found is not None:
                preset[attribute] = found
    given = {k: r.quantity(model, k, spec, "model") for k, spec in MODEL.items()}
    dense_preset = ("active_parameters" in preset and "parameters" in preset
                    and preset["active_parameters"].value == preset["parameters"].value)
    if given["parameters"] is not None and given["active_parameters"] is None and dense_preset:
        preset.pop("active_parameters")  # a dense preset stays dense at the size given
    for key, name in _MODEL_INPUTS.items():
        x[name] = NAN
        if given[key] is not None:
            r.put_field(x, name, given[key], f"model.{key}")
        elif key in preset:
            r.put_factor(x, name, preset[key])
    if math.isnan(x["params"]):
        if "preset" not in model and model.get("parameters") is None:
            r.error("model.parameters", "required when no preset is named")
        return
    if math.isnan(x["active"]):
        x["active"] = x["params"]
        if "params" in r.spreads:  # the same uncertain count: sampled together (same label)
            r.spreads["active"] = r.spreads["params"]
        r.assume("model.active_parameters", x["params"], "dense model: all parameters active")
    if x["active"] > x["params"]:
        r.error("model.active_parameters",
                f"{x['active']:g} exceeds parameters ({x['params']:g})")
        return
    precision = r.choice(model, "precision", PRECISIONS, "model")
    if precision is None and model.get("precision") is None:
        precision = "bf16"
        r.assume("model.precision", precision, "default serving precision")
    if precision is None:
        return
    x["precision_code"] = float(PRECISIONS.index(precision))
    r.put_factor(x, "bytes_per_param", r.fs.constant(f"bytes_per_parameter_{precision}"))
    r.put_factor(x, "kv_value_bytes", r.fs.constant("kv_cache_bytes_per_value"))
    x["kv_latent"] = x["kv_coefficient"] = NAN
    if "kv_lora_rank" in preset and given["kv_heads"] is None:
        r.put_factor(x, "kv_latent", preset["kv_lora_rank"])
    shape_known = not math.isnan(x["layers"]) and (
        not math.isnan(x["kv_latent"])
        or not (math.isnan(x["kv_heads"]) or math.isnan(x["head_dim"])))
    if not shape_known:
        r.put_factor(x, "kv_coefficient", r.fs.constant("kv_bytes_coefficient"))
        r.assume("model.kv_cache", "estimated from the parameter count",
                 "attention shape unknown (give layers, kv_heads and head_dim)")


def _site(r: _Reader, section: dict, path: str, x: dict[str, float], prefix: str) -> None:
    """Grid factors, PUE and WUE of the place a phase runs, into x[prefix + name]."""
    location = section.get("location")
    zone, datacenter = None, None
    if location is None:
        zone = r.fs.defaults["zone"]
        if not all(k in (section.get("grid") or {}) for k in GRID):
            r.assume(f"{path}.location", zone, "no location given: world-average grid")
            r.warn("zone-default", f"{path}: no location given, the world-average grid is used")
    elif isinstance(location, str) and location.lower() in r.fs.regions:
        region = r.fs.regions[location.lower()]
        zone, datacenter = region.zone, region.datacenter or None
        r.used[f"regions.{region.region}"] = {"key": f"regions.{region.region}",
                                              "value": region.zone, "unit": "zone",
                                              "source": region.source, "year": region.year}
    elif isinstance(location, str) and r.fs.has("zones", location.upper()):
        zone = location.upper()
    else:
        shown = repr(location) if isinstance(location, str) and len(location) < 60 else "value"
        r.error(f"{path}.location", f"unknown zone or region {shown}; see GET /v1/factors/zones "
                "and /v1/factors/regions")
        return
    grid = r.section(section.get("grid"), f"{path}.grid", "grid")
    for key, spec in GRID.items():
        value = r.quantity(grid, key, spec, f"{path}.grid")
        if value is not None:
            r.put_field(x, f"{prefix}grid_{key}", value, f"{path}.grid.{key}")
        elif grid.get(key) is None:
            r.put_factor(x, f"{prefix}grid_{key}", r.factor("zones", zone, key))

    raw_dc = section.get("datacenter")
    if isinstance(raw_dc, str):
        raw_dc = {"profile": raw_dc}
    dc = r.section(raw_dc, f"{path}.datacenter", "datacenter")
    profile = r.identifier(dc, "profile", "datacenters", f"{path}.datacenter") or datacenter
    if profile is None and dc.get("profile") is None:
        profile = r.fs.defaults["datacenter"]
        if not all(k in dc for k in DATACENTER):
            r.assume(f"{path}.datacenter", profile, "no data-centre profile given")
    for key, spec in DATACENTER.items():
        value = r.quantity(dc, key, spec, f"{path}.datacenter")
        if value is not None:
            r.put_field(x, f"{prefix}{key}", value, f"{path}.datacenter.{key}")
        elif dc.get(key) is None and profile:
            r.put_factor(x, f"{prefix}{key}", r.factor("datacenters", profile, key))


def _hardware(r: _Reader, section: dict, path: str) -> str | None:
    hardware = r.identifier(section, "hardware", "hardware", path)
    if hardware is None and section.get("hardware") is None:
        hardware = r.fs.defaults["hardware"]
        r.assume(f"{path}.hardware", hardware, "no hardware given")
    return hardware


def _peak_flops(r: _Reader, hardware: str, precision: str, path: str) -> Factor:
    attribute = _PEAK_BY_PRECISION[precision]
    found = r.factor("hardware", hardware, attribute)
    if found is None:
        r.warn("peak-flops-fallback", f"{path}: {hardware} has no {attribute}; its 16-bit peak "
               "is used")
        return r.factor("hardware", hardware, "peak_flops_16bit")
    return found


def _embodied(r: _Reader, hardware: str, x: dict[str, float], prefix: str) -> None:
    for k in EMBODIED_INDICATORS:
        r.put_factor(x, f"{prefix}emb_card_{k}", r.factor("hardware", hardware, f"embodied_{k}"))
        r.put_factor(x, f"{prefix}emb_host_{k}",
                     r.factor("hardware", hardware, f"host_embodied_{k}"))


def _put_given(r: _Reader, x: dict[str, float], q: dict[str, float | None], path: str,
               prefix: str, names: dict[str, str]) -> None:
    """User quantities into x (NaN when absent), with their ranges."""
    for field_name, name in names.items():
        value = q[field_name]
        if value is None:
            x[prefix + name] = NAN
        else:
            r.put_field(x, prefix + name, value, f"{path}.{field_name}")


def _read_training(r: _Reader, raw: object, x: dict[str, float]) -> str | None:
    path = "training"
    t = r.section(raw, path, "training")
    q = {k: r.quantity(t, k, spec, path) if t.get(k) is not None else None
         for k, spec in TRAINING.items()}
    hardware = _hardware_part(r, t, path, x, "t_")
    _site_part(r, t, path, x, "t_")
    precision = r.choice(t, "precision", PRECISIONS, path)
    if precision is None and t.get("precision") is None:
        precision = "bf16"
        if q["compute"] is not None or q["tokens"] is not None:  # only the compute path uses it
            r.assume(f"{path}.precision", precision, "default training precision (mixed "
                     "precision); model.precision is the serving precision")
    scope = r.choice(t, "energy_scope", ENERGY_SCOPES, path)
    if hardware is None or precision is None:
        return None

    if q["energy"] is not None:
        code = tr.MEASURED_ENERGY
    elif q["accelerator_hours"] is not None:
        code = tr.ACCELERATOR_HOURS
    elif q["accelerator_count"] is not None and q["duration"] is not None:
        code = tr.COUNT_X_DURATION
    elif q["compute"] is not None or q["tokens"] is not None:
        code = tr.COMPUTE
    elif q["accelerator_count"] is not None or q["duration"] is not None:
        missing = "duration" if q["duration"] is None else "accelerator_count"
        if t.get(missing) is None:
            other = "accelerator_count" if missing == "duration" else "duration"
            r.error(f"{path}.{missing}", f"needed with {other}")
        return None
    else:
        if not any(t.get(k) is not None for k in ("energy", "accelerator_hours",
                                                  "accelerator_count", "duration", "compute",
                                                  "tokens")):
            r.error(path, "give one of energy, accelerator_hours, accelerator_count with "
                    "duration, compute, or tokens")
        return None
    x["t_path"] = float(code)
    _put_given(r, x, q, path, "t_", _TRAINING_GIVEN)

    r.put_factor(x, "t_tdp", r.factor("hardware", hardware, "tdp"))
    r.put_factor(x, "t_host_power", r.factor("hardware", hardware, "host_power"))
    r.put_factor(x, "t_load", r.fs.constant("load_factor_training"))
    if q["power_per_accelerator"] is None:
        r.assume(f"{path}.power_per_accelerator", "TDP x training load factor + host share",
                 "no measured power given")

    x["t_energy_facility"] = 0.0
    if code == tr.MEASURED_ENERGY:
        if scope is None and t.get("energy_scope") is None:
            scope = "it"
            r.assume(f"{path}.energy_scope", scope, "measured energy taken as IT energy")
        x["t_energy_facility"] = 1.0 if scope == "facility" else 0.0
        if q["accelerator_hours"] is None and (q["accelerator_count"] is None
                                               or q["duration"] is None):
            r.warn("hours-from-energy", "training: accelerator-hours for the embodied share are "
                   "implied by the measured energy and the power per accelerator")

    x["t_flops_pt"] = NAN
    x["t_peak"] = x["t_util"] = NAN
    if code == tr.COMPUTE:
        if q["compute"] is None:
            r.put_factor(x, "t_flops_pt", r.fs.constant("training_flops_per_parameter_token"))
            r.assume(f"{path}.compute", "6 x active parameters x tokens",
                     "compute not given (Kaplan et al. 2020)")
        if q["achieved_flops"] is None:
            r.put_factor(x, "t_peak", _peak_flops(r, hardware, precision, path))
            if q["utilization"] is not None:
                r.put_field(x, "t_util", q["utilization"], f"{path}.utilization")
            else:
                r.put_factor(x, "t_util", r.fs.constant("training_utilization"))
                r.assume(f"{path}.utilization", x["t_util"], "default model FLOP utilization")

    if q["overhead"] is not None:
        r.put_field(x, "t_overhead", q["overhead"], f"{path}.overhead")
    else:
        # Counting experiments is a choice of scope, not an uncertainty: not sampled.
        r.put_factor(x, "t_overhead", r.fs.constant("training_overhead"), vary=False)
        r.assume(f"{path}.overhead", x["t_overhead"], "the run given only: experiments and "
                 "failed runs are not counted (set overhead to include them)")
    return tr.PATHS[code]


_TRAINING_GIVEN = {
    "accelerator_hours": "hours", "accelerator_count": "count", "duration": "duration",
    "energy": "energy", "compute": "compute", "tokens": "tokens", "achieved_flops": "achieved",
    "power_per_accelerator": "power_measured"}
_INFERENCE_GIVEN = {
    "accelerators": "accelerators", "power_per_accelerator": "power_measured",
    "energy_per_request": "energy_request", "energy_per_output_token": "energy_token",
    "output_throughput": "throughput", "requests": "requests",
    "requests_per_day": "requests_per_day", "duration": "duration"}
_INFERENCE_DEFAULTS = (
    ("input_tokens", "input", "default_input_tokens", "default prompt length"),
    ("output_tokens", "output", "default_output_tokens", "default response length"),
    ("batch_size", "batch", "default_batch_size", "default concurrent requests per replica"),
    ("fleet_utilization", "fleet_util", "default_fleet_utilization",
     "default share of capacity in use"),
)
_INFERENCE_CONSTANTS = ("prefill_efficiency", "decode_bandwidth_efficiency",
                        "memory_usable_fraction", "weight_memory_overhead",
                        "load_factor_inference", "idle_power_fraction", "host_idle_fraction")


def _read_inference(r: _Reader, raw: object, x: dict[str, float]) -> str | None:
    path = "inference"
    s = r.section(raw, path, "inference")
    q = {k: r.quantity(s, k, spec, path) if s.get(k) is not None else None
         for k, spec in INFERENCE.items()}
    hardware = _hardware_part(r, s, path, x, "i_")
    _site_part(r, s, path, x, "i_")
    scope = r.choice(s, "energy_scope", ENERGY_SCOPES, path)
    if hardware is None:
        return None

    for field_name, name, constant, why in _INFERENCE_DEFAULTS:
        if q[field_name] is not None:
            r.put_field(x, f"i_{name}", q[field_name], f"{path}.{field_name}")
        elif s.get(field_name) is None:
            r.put_factor(x, f"i_{name}", r.fs.constant(constant))
            r.assume(f"{path}.{field_name}", x[f"i_{name}"], why)
    _put_given(r, x, q, path, "i_", _INFERENCE_GIVEN)

    precision = PRECISIONS[int(x["precision_code"])] if "precision_code" in x else "bf16"
    _memo(r, ("inference-hardware", hardware, precision), x,
          lambda sub, sub_x: _inference_hardware(sub, hardware, precision, sub_x))

    code = inf.ROOFLINE
    x["i_energy_facility"] = 0.0
    if q["energy_per_request"] is not None or q["energy_per_output_token"] is not None:
        code = (inf.MEASURED_ENERGY_PER_REQUEST if q["energy_per_request"] is not None
                else inf.MEASURED_ENERGY_PER_TOKEN)
        if scope is None and s.get("energy_scope") is None:
            scope = "it"
            r.assume(f"{path}.energy_scope", scope, "measured energy taken as IT energy")
        x["i_energy_facility"] = 1.0 if scope == "facility" else 0.0
    elif q["output_throughput"] is not None:
        code = inf.MEASURED_THROUGHPUT
    x["i_path"] = float(code)

    if q["requests"] is None and q["requests_per_day"] is not None and q["duration"] is None:
        if s.get("duration") is None:
            r.error(f"{path}.duration", "needed with requests_per_day")
        return None
    if q["requests"] is None and q["requests_per_day"] is None and q["duration"] is not None:
        r.error(f"{path}.requests_per_day", "needed with duration (or give requests)")
    return inf.PATHS[code]


def _inference_hardware(r: _Reader, hardware: str, precision: str, x: dict[str, float]) -> None:
    """The serving hardware's factors and the inference constants, which depend on nothing else
    (memoised: they are most of reading an inference section)."""
    r.put_factor(x, "i_peak", _peak_flops(r, hardware, precision, "inference"))
    r.put_factor(x, "i_memory", r.factor("hardware", hardware, "memory"), scale=1e9)
    r.put_factor(x, "i_bandwidth", r.factor("hardware", hardware, "memory_bandwidth"), scale=1e9)
    r.put_factor(x, "i_tdp", r.factor("hardware", hardware, "tdp"))
    r.put_factor(x, "i_host_power", r.factor("hardware", hardware, "host_power"))
    for name in _INFERENCE_CONSTANTS:
        r.put_factor(x, f"i_{name}", r.fs.constant(name))
    r.put_factor(x, "i_flops_pt", r.fs.constant("inference_flops_per_parameter_token"))


def _read_units(r: _Reader, raw: object) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        r.error("units", "expected an object mapping indicators to units")
        return {}
    units = {}
    for key, unit in raw.items():
        if key not in INDICATORS:
            r.error(f"units.{key}", f"unknown indicator; one of {', '.join(INDICATORS)}")
        elif not isinstance(unit, str):
            r.error(f"units.{key}", "expected a unit string")
        else:
            try:
                conversion_factor(unit, CANONICAL_UNITS[key])
                units[key] = unit
            except ValueError as exc:
                r.error(f"units.{key}", str(exc))
    return units


def _read_uncertainty(r: _Reader, raw: object) -> dict | None:
    """Monte Carlo options: None to skip it (``false``), else samples and seed to use."""
    if raw is False:
        return None
    if raw is None or raw is True:
        return {}
    if not isinstance(raw, Mapping):
        r.error("uncertainty", "expected false, true or {\"samples\": n, \"seed\": s}")
        return None
    out = {}
    for key, value in raw.items():
        if key not in ("samples", "seed"):
            r.error(f"uncertainty.{key}", "unknown field; allowed here: samples, seed")
        elif isinstance(value, bool) or not isinstance(value, int):
            r.error(f"uncertainty.{key}", "expected a whole number")
        elif key == "samples" and not 100 <= value <= 100_000:
            r.error("uncertainty.samples", "outside the accepted range [100, 100000]")
        elif key == "seed" and not 0 <= value < 2**32:
            r.error("uncertainty.seed", "outside the accepted range [0, 2**32)")
        else:
            out[key] = value
    return out


def _field_inputs() -> dict[str, str]:
    fields = {f"model.{k}": v for k, v in _MODEL_INPUTS.items()}
    fields["hardware_lifetime"] = "lifetime_h"
    fields.update({f"training.{k}": f"t_{v}" for k, v in _TRAINING_GIVEN.items()})
    fields.update({"training.utilization": "t_util", "training.overhead": "t_overhead"})
    fields.update({f"inference.{k}": f"i_{v}" for k, v in _INFERENCE_GIVEN.items()})
    fields.update({f"inference.{k}": f"i_{v}" for k, v, _, _ in _INFERENCE_DEFAULTS})
    for phase, prefix in (("training", "t_"), ("inference", "i_")):
        fields.update({f"{phase}.grid.{k}": f"{prefix}grid_{k}" for k in GRID})
        fields.update({f"{phase}.datacenter.{k}": f"{prefix}{k}" for k in DATACENTER})
    return fields


FIELD_INPUTS: dict[str, str] = _field_inputs()
"""Numeric profile fields (dotted paths) and the input of ``calculate`` each one sets."""

# For _read_part: per section, field -> (its Spec, the input it sets, the neutral value read)
_SECTION_NUMBERS: dict[str, dict[str, tuple[Spec, str, float]]] = {
    kind: {name: (spec, FIELD_INPUTS[f"{kind}.{name}"], spec.neutral())
           for name, spec in specs.items() if f"{kind}.{name}" in FIELD_INPUTS}
    for kind, specs in (("training", TRAINING), ("inference", INFERENCE))}
