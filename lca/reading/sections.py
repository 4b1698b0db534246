"""How each section of a profile's shape is read: model, site, hardware, training, inference.

Each reader sees a section of the skeleton (lca.reading.shape), where a numeric field is GIVEN or
absent, never a number. From that it decides the calculation path, looks up the factors, applies
the defaults and records them on the Planner. The numbers are bound afterwards (lca.reading.bind).
"""

from __future__ import annotations

from collections.abc import Mapping

from lca.factors import Factor
from lca.quantities import ACCOUNTING, ENERGY_SCOPES, PRECISIONS
from lca.reading.planner import NAN, FromInput, Planner
from lca.reading.shape import GIVEN
from lca.units import BYTES_PER_GB, HOURS_PER_YEAR

DEFAULT_PRECISION = "bf16"  # mixed-precision training and 16-bit serving are the common case
# int4 kernels run their matrix products in 16 bits on current accelerators (method choice)
_PEAK_BY_PRECISION = {"fp32": "peak_flops_32bit", "bf16": "peak_flops_16bit",
                      "fp16": "peak_flops_16bit", "fp8": "peak_flops_8bit",
                      "int8": "peak_flops_8bit", "int4": "peak_flops_16bit"}
_MODEL_FIELDS = ("parameters", "active_parameters", "layers", "kv_heads", "head_dim")
_GRID = ("gwp", "water", "adpe", "pe")
_DATACENTER = ("pue", "wue")
_GRID_MORE = ("gwp_hourly", "gwp_monthly", "start_month", "market_gwp", "renewable_share")


def read_lifetime(p: Planner, top: Mapping) -> None:
    """The service life of the hardware: given, else the default constant."""
    if top.get("hardware_lifetime") is GIVEN:
        p.field("hardware_lifetime", True)
    elif top.get("hardware_lifetime") is None:
        p.put_factor("hardware_lifetime", p.fs.constant("hardware_lifetime"))
        p.assume("hardware_lifetime", f"{p.inputs['hardware_lifetime'] / HOURS_PER_YEAR:g} year",
                 "default service life (constants.hardware_lifetime)")


def read_model(p: Planner, raw: object) -> str | None:
    """The model's size and attention shape from its fields and preset; its precision."""
    if raw is None:
        p.error("model", "required: a preset id or {\"parameters\": ...}")
        return None
    model = p.section({"preset": raw} if isinstance(raw, str) else raw, "model", "model")
    preset: dict[str, Factor] = {}
    preset_id = p.identifier(model, "preset", "models", "model")
    if preset_id:
        for attribute in (*_MODEL_FIELDS, "kv_lora_rank"):
            found = p.factor("models", preset_id, attribute)
            if found is not None:
                preset[attribute] = found
    given = {k: model.get(k) is GIVEN for k in _MODEL_FIELDS}
    dense_preset = ("active_parameters" in preset and "parameters" in preset
                    and preset["active_parameters"].value == preset["parameters"].value)
    if given["parameters"] and not given["active_parameters"] and dense_preset:
        preset.pop("active_parameters")  # a dense preset stays dense at the size given
    for key in _MODEL_FIELDS:
        path = f"model.{key}"
        if given[key]:
            p.field(path, True)
        elif key in preset:
            p.put_factor(path, preset[key])
        else:
            p.field(path, False)
    if not given["parameters"] and "parameters" not in preset:
        if model.get("preset") is None and model.get("parameters") is None:  # null: absent
            p.error("model.parameters", "required when no preset is named")
        return None
    if not given["active_parameters"] and "active_parameters" not in preset:
        p.tie("model.active_parameters", "model.parameters")
        p.assume("model.active_parameters", FromInput("model.parameters"),
                 "dense model: all parameters active")
    precision = p.choice(model, "precision", PRECISIONS, "model")
    if precision is None and model.get("precision") is None:
        precision = DEFAULT_PRECISION
        p.assume("model.precision", precision, "default serving precision")
    if precision is None:
        return None
    p.put_factor("model.bytes_per_parameter", p.fs.constant(f"bytes_per_parameter_{precision}"))
    p.put_factor("model.kv_cache_bytes_per_value", p.fs.constant("kv_cache_bytes_per_value"))
    _kv_cache(p, preset, given)
    return precision


def _kv_cache(p: Planner, preset: dict[str, Factor], given: dict[str, bool]) -> None:
    """How the KV cache is sized: latent rank, grouped-query shape, or estimated from size."""
    p.inputs["model.kv_lora_rank"] = p.inputs["model.kv_bytes_coefficient"] = NAN
    if "kv_lora_rank" in preset and not given["kv_heads"]:
        p.put_factor("model.kv_lora_rank", preset["kv_lora_rank"])
    known = {k: given[k] or k in preset for k in ("layers", "kv_heads", "head_dim")}
    latent = "kv_lora_rank" in preset and not given["kv_heads"]
    if not (known["layers"] and (latent or (known["kv_heads"] and known["head_dim"]))):
        p.put_factor("model.kv_bytes_coefficient", p.fs.constant("kv_bytes_coefficient"))
        p.assume("model.kv_cache", "estimated from the parameter count",
                 "attention shape unknown (give layers, kv_heads and head_dim)")


def read_site(p: Planner, section: Mapping, phase: str) -> None:
    """Grid factors, PUE and WUE of the place a phase runs: inputs ``{phase}.grid.*`` and
    ``{phase}.datacenter.*``."""
    location = section.get("location")
    zone, datacenter = None, None
    grid = p.section(section.get("grid"), f"{phase}.grid", "grid")
    if location is None:
        zone = p.fs.defaults["zone"]
        if not all(grid.get(k) is GIVEN for k in _GRID):
            p.assume(f"{phase}.location", zone, "no location given: world-average grid")
            p.warn("zone-default", phase=phase)
    elif isinstance(location, str) and location.lower() in p.fs.regions:
        region = p.fs.regions[location.lower()]
        zone, datacenter = region.zone, region.datacenter or None
        p.used[f"regions.{region.region}"] = {"key": f"regions.{region.region}",
                                              "value": region.zone, "unit": "zone",
                                              "source": region.source, "year": region.year}
    elif isinstance(location, str) and p.fs.has("zones", location.upper()):
        zone = location.upper()
    else:
        shown = repr(location) if isinstance(location, str) and len(location) < 60 else "value"
        p.error(f"{phase}.location", f"unknown zone or region {shown}; the factor tables "
                "'zones' and 'regions' list the known ones")
        return
    for key in _GRID:
        if grid.get(key) is GIVEN:
            p.field(f"{phase}.grid.{key}", True)
        elif grid.get(key) is None:
            p.put_factor(f"{phase}.grid.{key}", p.factor("zones", zone, key))
    _grid_profile_and_market(p, grid, phase, zone)
    raw_dc = section.get("datacenter")
    dc = p.section({"profile": raw_dc} if isinstance(raw_dc, str) else raw_dc,
                   f"{phase}.datacenter", "datacenter")
    profile = p.identifier(dc, "profile", "datacenters", f"{phase}.datacenter") or datacenter
    if profile is None and dc.get("profile") is None:
        profile = p.fs.defaults["datacenter"]
        if not all(k in dc for k in _DATACENTER):
            p.assume(f"{phase}.datacenter", profile, "no data-centre profile given")
    for key in _DATACENTER:
        if dc.get(key) is GIVEN:
            p.field(f"{phase}.datacenter.{key}", True)
        elif dc.get(key) is None and profile:
            p.put_factor(f"{phase}.datacenter.{key}", p.factor("datacenters", profile, key))


def _grid_profile_and_market(p: Planner, grid: Mapping, phase: str, zone: str) -> None:
    """The grid's hourly or monthly profile (hourly values override monthly ones, which override
    gwp; start_month serves gwp_monthly only) and market inputs (NaN when not given), and the
    zone's residual mix where the factor set publishes one (NaN otherwise, and in sets before
    2026.2: market-based figures then fall back to the location-based factor)."""
    for key in _GRID_MORE:
        p.field(f"{phase}.grid.{key}", grid.get(key) is GIVEN)
    residual = p.fs.get("zones", zone, "residual_gwp")
    if residual is None:
        p.inputs[f"{phase}.grid.residual_gwp"] = NAN
    else:
        p.put_factor(f"{phase}.grid.residual_gwp", residual)


def read_accounting(p: Planner, top: Mapping) -> None:
    """The GHG accounting basis ``gwp`` follows: location (the default) or market."""
    basis = top.get("accounting")
    if basis is not None and (not isinstance(basis, str) or basis.lower() not in ACCOUNTING):
        p.error("accounting", f"expected one of {', '.join(ACCOUNTING)}, got {basis!r}")
    p.inputs["accounting_is_market"] = 1.0 if isinstance(basis, str) and (
        basis.lower() == "market") else 0.0


def market_assumptions(p: Planner, phases: tuple[str, ...]) -> None:
    """Where a phase's market-based figures are shown and no supplier-specific factor is given,
    say what its uncovered electricity is counted at: the zone's residual mix, or (none
    published, as for every zone of sets before 2026.2) the location-based factor, which the
    GHG Protocol Scope 2 Guidance asks to disclose. Read after every section, since the basis
    is chosen at the top level."""
    market = p.inputs.get("accounting_is_market") == 1.0
    for phase in phases:
        grid = f"{phase}.grid"
        given = {key for key in ("market_gwp", "renewable_share") if f"{grid}.{key}" in p.bound}
        if "market_gwp" in given or not (market or given):
            continue
        residual = p.inputs.get(f"{grid}.residual_gwp", NAN)
        if residual == residual:
            p.assume(f"{grid}.market_gwp", residual, "no supplier-specific factor given: the "
                     "zone's residual mix (zones.residual_gwp) for the electricity not covered "
                     "by renewable contracts")
        else:
            p.assume(f"{grid}.market_gwp", "location-based gwp", "no supplier-specific factor "
                     "given and no residual mix published for the zone: the electricity not "
                     "covered by renewable contracts counted at the location-based factor "
                     "(GHG Protocol Scope 2 Guidance)")


def read_hardware(p: Planner, section: Mapping, phase: str) -> str | None:
    """The accelerator a phase runs on (the default when none is named) and its embodied
    impacts per accelerator, card and host share."""
    hardware = p.identifier(section, "hardware", "hardware", phase)
    if hardware is None and section.get("hardware") is None:
        hardware = p.fs.defaults["hardware"]
        p.assume(f"{phase}.hardware", hardware, "no hardware given")
    if hardware is None:
        return None
    for k in _GRID:
        p.put_factor(f"{phase}.hardware.embodied_{k}",
                     p.factor("hardware", hardware, f"embodied_{k}"))
        p.put_factor(f"{phase}.hardware.host_embodied_{k}",
                     p.factor("hardware", hardware, f"host_embodied_{k}"))
    p.put_factor(f"{phase}.hardware.tdp", p.factor("hardware", hardware, "tdp"))
    p.put_factor(f"{phase}.hardware.host_power", p.factor("hardware", hardware, "host_power"))
    return hardware


def peak_flops(p: Planner, hardware: str, precision: str, phase: str) -> Factor:
    """The hardware's peak FLOP/s at a precision, else its 16-bit peak (with a warning)."""
    attribute = _PEAK_BY_PRECISION[precision]
    found = p.factor("hardware", hardware, attribute)
    if found is None:
        p.warn("peak-flops-fallback", phase=phase, hardware=hardware, attribute=attribute)
        return p.factor("hardware", hardware, "peak_flops_16bit")
    return found


def given_fields(p: Planner, section: Mapping, phase: str, names: tuple[str, ...]) -> None:
    """Inputs ``{phase}.{name}``: the profile's numbers where given, NaN where not."""
    for name in names:
        p.field(f"{phase}.{name}", section.get(name) is GIVEN)


def inference_hardware(p: Planner, hardware: str, precision: str) -> None:
    """The serving hardware's factors and the inference method constants."""
    p.put_factor("inference.hardware.peak_flops", peak_flops(p, hardware, precision, "inference"))
    p.put_factor("inference.hardware.memory", p.factor("hardware", hardware, "memory"),
                 scale=BYTES_PER_GB)
    p.put_factor("inference.hardware.memory_bandwidth",
                 p.factor("hardware", hardware, "memory_bandwidth"), scale=BYTES_PER_GB)
    for name in ("prefill_efficiency", "decode_bandwidth_efficiency", "memory_usable_fraction",
                 "weight_memory_overhead", "idle_power_fraction", "host_idle_fraction"):
        p.put_factor(f"inference.{name}", p.fs.constant(name))
    p.put_factor("inference.load_factor", p.fs.constant("load_factor_inference"))
    p.put_factor("inference.flops_per_parameter_token",
                 p.fs.constant("inference_flops_per_parameter_token"))


def energy_scope(p: Planner, section: Mapping, phase: str) -> None:
    """Whether a measured energy is IT energy or facility energy (PUE included)."""
    scope = p.choice(section, "energy_scope", ENERGY_SCOPES, phase)
    if scope is None and section.get("energy_scope") is None:
        scope = "it"
        p.assume(f"{phase}.energy_scope", scope, "measured energy taken as IT energy")
    p.inputs[f"{phase}.energy_is_facility"] = 1.0 if scope == "facility" else 0.0

