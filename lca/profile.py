"""Reading a profile: validate it, apply defaults and look up factors, into canonical floats.

``resolve`` turns the request's profile (the shape of design/api.md) into a flat mapping of
canonical-unit floats that the formulas take, plus the record of what it did: every default it
applied (``assumptions``), every factor it used with source and year (``factors_used``) and coded
``warnings``. Every wrong field is collected, so one ProfileError lists them all.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from lca import inference as inf
from lca import lifecycle as lc
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


class _Reader:
    """Collects errors, assumptions, factors and warnings while a profile is read."""

    def __init__(self, factors: FactorSet) -> None:
        self.fs = factors
        self.errors: list[dict[str, str]] = []
        self.assumptions: list[dict] = []
        self.used: dict[str, dict] = {}
        self.warnings: list[dict] = []

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
            return spec.read(raw[key], where)
        except FieldError as exc:
            self.error(exc.field, exc.message)
            return None

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
    if lifetime is None:
        lifetime = r.constant("hardware_lifetime")
        r.assume("hardware_lifetime", f"{lifetime / 8766.0:g} year",
                 "default service life (constants.hardware_lifetime)")
    x["lifetime_h"] = lifetime

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
                    uncertainty=uncertainty)


@dataclass(frozen=True)
class _Part:
    """What reading one section produced, kept for the next profile with the same section."""

    inputs: dict[str, float]
    assumptions: tuple[dict, ...]
    used: dict[str, dict]
    warnings: tuple[dict, ...]
    result: object


_PARTS: dict[tuple, _Part] = {}
_MAX_PARTS = 4096


class _UnfreezableError(Exception):
    pass


def _freeze(value: object) -> object:
    """A hashable image of a JSON value that tells 1, 1.0 and True apart."""
    kind = type(value)
    if kind is dict:
        return (dict, tuple(sorted((k, _freeze(v)) for k, v in value.items())))
    if kind is list or kind is tuple:
        return (list, tuple(_freeze(v) for v in value))
    if kind in (str, float, int, bool) or value is None:
        return (kind, value)
    raise _UnfreezableError


def _memo(r: _Reader, key: tuple | None, x: dict[str, float],
          reader: Callable[[_Reader, dict[str, float]], object]) -> object:
    """Run ``reader`` on a fresh reader and inputs, or reuse its result for an identical key.

    Profile sections (and their sites and hardware) repeat across requests and within a batch
    or a sweep, and reading one is pure given the factor set, so each is read once. Results with
    errors are never kept, nor those of a key of None (a section that cannot be frozen).
    """
    part = None
    if key is not None:
        key = (r.fs.version, *key)
        part = _PARTS.get(key)
    if part is None:
        sub = _Reader(r.fs)
        sub_x: dict[str, float] = {}
        result = reader(sub, sub_x)
        if sub.errors:
            r.errors.extend(sub.errors)
            return None
        part = _Part(sub_x, tuple(sub.assumptions), sub.used, tuple(sub.warnings), result)
        if key is not None:
            if len(_PARTS) >= _MAX_PARTS:
                _PARTS.clear()
            _PARTS[key] = part
    x.update(part.inputs)
    r.assumptions.extend(part.assumptions)
    r.used.update(part.used)
    for warning in part.warnings:
        r.warn(warning["code"], warning["message"])
    return part.result


def _frozen(*values: object) -> tuple | None:
    try:
        return tuple(_freeze(v) for v in values)
    except _UnfreezableError:
        return None


def _read_part(r: _Reader, kind: str, raw: object, x: dict[str, float],
               reader: Callable[[_Reader, object, dict[str, float]], str | None],
               precision: float | None = None) -> str | None:
    """Read one whole section with ``reader`` (memoised, see _memo)."""
    def read(sub: _Reader, sub_x: dict[str, float]) -> str | None:
        if precision is not None:
            sub_x["precision_code"] = precision
        return reader(sub, raw, sub_x)

    frozen = _frozen(raw)
    return _memo(r, (kind, precision, frozen) if frozen else None, x, read)


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


def _read_model(r: _Reader, raw: object, x: dict[str, float]) -> None:
    if raw is None:
        r.error("model", "required: a preset id or {\"parameters\": ...}")
        return
    if isinstance(raw, str):
        raw = {"preset": raw}
    model = r.section(raw, "model", "model")
    preset: dict[str, float] = {}
    preset_id = r.identifier(model, "preset", "models", "model")
    if preset_id:
        for attribute in ("parameters", "active_parameters", "layers", "kv_heads", "head_dim",
                          "kv_lora_rank"):
            found = r.factor("models", preset_id, attribute)
            if found is not None:
                preset[attribute] = found.value
    given = {k: r.quantity(model, k, spec, "model") for k, spec in MODEL.items()}
    shape = {k: v if v is not None else preset.get(k) for k, v in given.items()}
    params, active = shape["parameters"], shape["active_parameters"]
    if params is None:
        if "preset" not in model and model.get("parameters") is None:
            r.error("model.parameters", "required when no preset is named")
        return
    if active is None:
        active = params
        r.assume("model.active_parameters", params, "dense model: all parameters active")
    if active > params:
        r.error("model.active_parameters", f"{active:g} exceeds parameters ({params:g})")
        return
    precision = r.choice(model, "precision", PRECISIONS, "model")
    if precision is None and model.get("precision") is None:
        precision = "bf16"
        r.assume("model.precision", precision, "default serving precision")
    if precision is None:
        return
    x.update(params=params, active=active,
             bytes_per_param=r.constant(f"bytes_per_parameter_{precision}"))
    x["precision_code"] = float(PRECISIONS.index(precision))
    kv_value = r.constant("kv_cache_bytes_per_value")
    if shape["layers"] and preset.get("kv_lora_rank") and given["kv_heads"] is None:
        # Multi-head latent attention caches one compressed latent plus a rotary key per layer.
        x["kv_per_token"] = shape["layers"] * (preset["kv_lora_rank"] + (shape["head_dim"] or 0)
                                               ) * kv_value
    elif shape["layers"] and shape["kv_heads"] and shape["head_dim"]:
        x["kv_per_token"] = float(inf.kv_bytes_per_token(shape["layers"], shape["kv_heads"],
                                                         shape["head_dim"], kv_value))
    else:
        x["kv_per_token"] = float(inf.kv_bytes_per_token_estimate(
            params, r.constant("kv_bytes_coefficient"), kv_value))
        r.assume("model.kv_cache", f"{x['kv_per_token']:.4g} byte/token",
                 "attention shape unknown: KV cache estimated from the parameter count")


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
        if value is None and grid.get(key) is None:
            value = r.value("zones", zone, key)
        x[f"{prefix}grid_{key}"] = NAN if value is None else value

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
        if value is None and dc.get(key) is None and profile:
            value = r.value("datacenters", profile, key)
        x[f"{prefix}{key}"] = NAN if value is None else value


def _hardware(r: _Reader, section: dict, path: str) -> str | None:
    hardware = r.identifier(section, "hardware", "hardware", path)
    if hardware is None and section.get("hardware") is None:
        hardware = r.fs.defaults["hardware"]
        r.assume(f"{path}.hardware", hardware, "no hardware given")
    return hardware


def _peak_flops(r: _Reader, hardware: str, precision: str, path: str) -> float:
    attribute = _PEAK_BY_PRECISION[precision]
    found = r.factor("hardware", hardware, attribute)
    if found is None:
        r.warn("peak-flops-fallback", f"{path}: {hardware} has no {attribute}; its 16-bit peak "
               "is used")
        return r.value("hardware", hardware, "peak_flops_16bit")
    return found.value


def _embodied(r: _Reader, hardware: str, x: dict[str, float], prefix: str) -> None:
    for k in EMBODIED_INDICATORS:
        x[f"{prefix}emb_{k}"] = (r.value("hardware", hardware, f"embodied_{k}")
                                 + r.value("hardware", hardware, f"host_embodied_{k}"))


def _read_training(r: _Reader, raw: object, x: dict[str, float]) -> str | None:
    path = "training"
    t = r.section(raw, path, "training")
    q = {k: r.quantity(t, k, spec, path) for k, spec in TRAINING.items()}
    hardware = _hardware_part(r, t, path, x, "t_")
    _site_part(r, t, path, x, "t_")
    precision = r.choice(t, "precision", PRECISIONS, path) or "bf16"
    scope = r.choice(t, "energy_scope", ENERGY_SCOPES, path)
    if hardware is None:
        return None

    if q["accelerator_hours"] is not None:
        hours = q["accelerator_hours"]
    elif q["accelerator_count"] is not None and q["duration"] is not None:
        hours = q["accelerator_count"] * q["duration"]
    else:
        hours = NAN
    if q["energy"] is not None:
        code = tr.MEASURED_ENERGY
    elif q["accelerator_hours"] is not None:
        code = tr.ACCELERATOR_HOURS
    elif q["accelerator_count"] is not None or q["duration"] is not None:
        missing = "duration" if q["duration"] is None else "accelerator_count"
        if t.get(missing) is None and t.get("compute") is None and t.get("tokens") is None:
            r.error(f"{path}.{missing}", "needed with "
                    f"{'accelerator_count' if missing == 'duration' else 'duration'}")
            return None
        code = tr.COUNT_X_DURATION if not math.isnan(hours) else tr.COMPUTE
    elif q["compute"] is not None or q["tokens"] is not None:
        code = tr.COMPUTE
    else:
        if not any(t.get(k) is not None for k in ("energy", "accelerator_hours",
                                                  "accelerator_count", "duration", "compute",
                                                  "tokens")):
            r.error(path, "give one of energy, accelerator_hours, accelerator_count with "
                    "duration, compute, or tokens")
        return None

    if q["power_per_accelerator"] is not None:
        power = q["power_per_accelerator"]
    else:
        power = float(tr.accelerator_power(r.value("hardware", hardware, "tdp"),
                                           r.constant("load_factor_training"),
                                           r.value("hardware", hardware, "host_power")))
        r.assume(f"{path}.power_per_accelerator", f"{power:.4g} W",
                 "TDP x training load factor + host-server share")
    x["t_power"] = power
    x["t_hours_given"] = hours
    x["t_path"] = float(code)

    energy_it = NAN
    if code == tr.MEASURED_ENERGY:
        if scope is None and t.get("energy_scope") is None:
            scope = "it"
            r.assume(f"{path}.energy_scope", scope, "measured energy taken as IT energy")
        energy_it = q["energy"] / x["t_pue"] if scope == "facility" else q["energy"]
    x["t_energy_given"] = energy_it

    x["t_compute"] = NAN
    x["t_tokens"] = NAN
    x["t_flops_per_accel"] = NAN
    x["t_flops_per_param_token"] = NAN
    if code == tr.COMPUTE:
        if q["compute"] is not None:
            x["t_compute"] = q["compute"]
        elif q["tokens"] is not None:
            x["t_tokens"] = q["tokens"]
            x["t_flops_per_param_token"] = r.constant("training_flops_per_parameter_token")
            r.assume(f"{path}.compute", "6 x active parameters x tokens",
                     "compute not given (Kaplan et al. 2020)")
        else:
            return None
        if q["achieved_flops"] is not None:
            x["t_flops_per_accel"] = q["achieved_flops"]
        else:
            utilization = q["utilization"]
            if utilization is None:
                utilization = r.constant("training_utilization")
                r.assume(f"{path}.utilization", utilization, "default model FLOP utilization")
            x["t_flops_per_accel"] = _peak_flops(r, hardware, precision, path) * utilization

    overhead = q["overhead"]
    if overhead is None:
        overhead = r.constant("training_overhead")
    x["t_overhead"] = overhead
    if code == tr.MEASURED_ENERGY and math.isnan(hours):
        r.warn("hours-from-energy", "training: accelerator-hours for the embodied share are "
               "implied by the measured energy and the power per accelerator")
    return tr.PATHS[code]


def _read_inference(r: _Reader, raw: object, x: dict[str, float]) -> str | None:
    path = "inference"
    s = r.section(raw, path, "inference")
    q = {k: r.quantity(s, k, spec, path) for k, spec in INFERENCE.items()}
    hardware = _hardware_part(r, s, path, x, "i_")
    _site_part(r, s, path, x, "i_")
    scope = r.choice(s, "energy_scope", ENERGY_SCOPES, path)
    if hardware is None:
        return None

    for key, constant, why in (
        ("input_tokens", "default_input_tokens", "default prompt length"),
        ("output_tokens", "default_output_tokens", "default response length"),
        ("batch_size", "default_batch_size", "default concurrent requests per replica"),
        ("fleet_utilization", "default_fleet_utilization", "default share of capacity in use"),
    ):
        if q[key] is None and s.get(key) is None:
            q[key] = r.constant(constant)
            r.assume(f"{path}.{key}", q[key], why)
    x.update(i_input=q["input_tokens"] if q["input_tokens"] is not None else NAN,
             i_output=q["output_tokens"] if q["output_tokens"] is not None else NAN,
             i_batch=q["batch_size"] if q["batch_size"] is not None else NAN,
             i_fleet_util=q["fleet_utilization"] if q["fleet_utilization"] is not None else NAN)

    precision = PRECISIONS[int(x["precision_code"])] if "precision_code" in x else "bf16"
    x["i_peak"] = _peak_flops(r, hardware, precision, path)
    x["i_memory"] = r.value("hardware", hardware, "memory") * 1e9
    x["i_bandwidth"] = r.value("hardware", hardware, "memory_bandwidth") * 1e9
    x["i_accelerators"] = q["accelerators"] if q["accelerators"] is not None else NAN
    tdp = r.value("hardware", hardware, "tdp")
    host = r.value("hardware", hardware, "host_power")
    if q["power_per_accelerator"] is not None:  # measured, host share included
        x["i_accel_power"], x["i_host_power"] = q["power_per_accelerator"], 0.0
    else:
        x["i_accel_power"] = float(tr.accelerator_power(
            tdp, r.constant("load_factor_inference"), 0.0))
        x["i_host_power"] = host
    x["i_idle_power"] = (tdp * r.constant("idle_power_fraction")
                         + host * r.constant("host_idle_fraction"))
    for name in ("prefill_efficiency", "decode_bandwidth_efficiency", "memory_usable_fraction",
                 "weight_memory_overhead", "inference_flops_per_parameter_token"):
        x[f"i_{name}"] = r.constant(name)

    code = inf.ROOFLINE
    x["i_energy_given"] = NAN
    x["i_throughput"] = NAN
    if q["energy_per_request"] is not None or q["energy_per_output_token"] is not None:
        if q["energy_per_request"] is not None:
            code, energy = inf.MEASURED_ENERGY_PER_REQUEST, q["energy_per_request"]
        else:
            code = inf.MEASURED_ENERGY_PER_TOKEN
            energy = q["energy_per_output_token"] * x["i_output"]
        if scope is None and s.get("energy_scope") is None:
            scope = "it"
            r.assume(f"{path}.energy_scope", scope, "measured energy taken as IT energy")
        x["i_energy_given"] = energy / x["i_pue"] if scope == "facility" else energy
    elif q["output_throughput"] is not None:
        code = inf.MEASURED_THROUGHPUT
        x["i_throughput"] = q["output_throughput"]
    x["i_path"] = float(code)

    x["i_requests"] = NAN
    if q["requests"] is not None:
        x["i_requests"] = q["requests"]
    elif q["requests_per_day"] is not None:
        if q["duration"] is None:
            if s.get("duration") is None:
                r.error(f"{path}.duration", "needed with requests_per_day")
            return None
        x["i_requests"] = float(lc.request_volume(q["requests_per_day"], q["duration"]))
    elif q["duration"] is not None:
        r.error(f"{path}.requests_per_day", "needed with duration (or give requests)")
    return inf.PATHS[code]


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
    if raw is None or raw is False:
        return None
    if raw is True:
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
