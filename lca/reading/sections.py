"""How each section of a profile's shape is read: model, site, hardware, training, inference.

Each reader sees a section of the skeleton (lca.reading.shape), where a numeric field is GIVEN or
absent, never a number. From that it decides the calculation path, looks up the factors, applies
the defaults and records them on the Planner. The numbers are bound afterwards (lca.reading.bind).
"""

from __future__ import annotations

from collections.abc import Mapping

from lca.factors import Factor
from lca.quantities import ACCOUNTING, BOUNDARIES, ENERGY_SCOPES, PRECISIONS, STAGES
from lca.reading.planner import NAN, FromInput, Planner
from lca.reading.shape import GIVEN
from lca.suggest import did_you_mean, suggest
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
        near = suggest(location, p.fs, "locations")
        p.error(f"{phase}.location", f"unknown zone or region {shown}{did_you_mean(near)}; the "
                "factor tables 'zones' and 'regions' list the known ones", near)
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
    server = p.fs.linked("hardware_servers", hardware)
    share = 1.0  # host rows of the accelerator itself (sets before 2026.2) are per accelerator
    if server is not None:
        share = 1.0 / p.factor("servers", server, "accelerators_per_server").value
    for k in _GRID:
        p.put_factor(f"{phase}.hardware.embodied_{k}",
                     p.factor("hardware", hardware, f"embodied_{k}"))
        host = (p.factor("servers", server, f"embodied_{k}") if server is not None
                else p.factor("hardware", hardware, f"host_embodied_{k}"))
        p.put_factor(f"{phase}.hardware.host_embodied_{k}", host, scale=share)
    p.put_factor(f"{phase}.hardware.tdp", p.factor("hardware", hardware, "tdp"))
    p.put_factor(f"{phase}.hardware.host_power", p.factor("hardware", hardware, "host_power"))
    return hardware


def training_power(p: Planner, hardware: str, workload: str = "training") -> None:
    """Training power defaults of the hardware's generation: its load factor (average power /
    TDP) and its server class's host power in training per accelerator; where the factor set
    has none (2026.1, or a generation without a published run), the method constant and the
    accelerator's host_power.

    An ``evaluation`` job (a benchmark harness scoring prompts) draws the power of eager
    inference instead: constants.load_factor_evaluation (sets before 2026.2: the busy serving
    load factor, load_factor_inference) and the accelerator's serving host share."""
    if workload == "evaluation":
        constants = p.fs.tables["constants"].rows
        key = ("load_factor_evaluation" if "load_factor_evaluation" in constants
               else "load_factor_inference")
        p.put_factor("training.load_factor", p.fs.constant(key))
        return
    found = p.factor("hardware", hardware, "training_load_factor")
    p.put_factor("training.load_factor", found or p.fs.constant("load_factor_training"))
    server = p.fs.linked("hardware_servers", hardware)
    if server is not None:
        n = p.factor("servers", server, "accelerators_per_server").value
        p.put_factor("training.hardware.host_power",
                     p.factor("servers", server, "training_host_power"), scale=1.0 / n)
        p.used.pop(f"hardware.{hardware}.host_power", None)  # replaced: not used in training


def training_utilization(p: Planner, section: Mapping, hardware: str) -> None:
    """Model FLOP utilization: given, else the hardware generation's published MFU, else the
    method constant; and the MoE factor applied to a default MFU (1 where the set has none)."""
    mfu = p.factor("hardware", hardware, "training_mfu")
    if mfu is not None and section.get("utilization") is None:
        p.put_factor("training.utilization", mfu)
        p.assume("training.utilization", p.inputs["training.utilization"],
                 f"default model FLOP utilization of this hardware generation "
                 f"(hardware.{hardware}.training_mfu)")
    else:
        p.field_or_default(section, "training.utilization")
    sparse = p.fs.get("constants", "training_mfu_sparse_factor", "value")
    if section.get("utilization") is GIVEN:
        p.inputs["training.sparse_mfu_factor"] = 1.0
    elif sparse is None:
        p.inputs["training.sparse_mfu_factor"] = 1.0
        p.assume("training.sparse_mfu_factor", 1.0, "this factor set has no MFU factor for "
                 "sparse (MoE) runs: the dense default applies")
    else:
        p.put_factor("training.sparse_mfu_factor", sparse)


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



# The method constants behind each optional stage: (input, constant, value when left out). A
# stage left out scales to 0 (its first input); its other inputs then take a neutral 1.
_STAGE_CONSTANTS = {
    "datacenter_building": (("boundary.datacenter_building_gwp",
                             "datacenter_building_gwp_per_kw", 0.0),
                            ("boundary.datacenter_lifetime", "datacenter_building_lifetime", 1.0)),
    "network_storage": (("boundary.network_storage_share", "network_storage_share", 0.0),),
    "end_user_device": (("boundary.end_user_device_power", "end_user_device_power", 0.0),
                        ("boundary.reading_speed", "reading_speed", 1.0)),
    "network_transfer": (("boundary.network_energy_per_byte", "network_energy_per_gb", 0.0),
                         ("boundary.bytes_per_token", "bytes_per_token", 1.0)),
}


def read_boundary(p: Planner, top: Mapping) -> tuple[str, tuple[str, ...]] | None:
    """The stages the estimate counts: a named boundary, a list of stages, or the factor set's
    default (``frugal-ai`` from 2026.2; sets before it stop at electricity and chips); the
    constants of each stage counted, and a neutral 0 for the others (docs/boundary.md)."""
    raw = top.get("boundary")
    if raw is None:
        name = p.fs.defaults.get("boundary", "electricity-and-chips")
        stages = BOUNDARIES[name]
        p.assume("boundary", name, f"default boundary of factor set {p.fs.version}: "
                 f"{', '.join(stages)}")
    elif isinstance(raw, str) and raw.lower() in BOUNDARIES:
        name, stages = raw.lower(), BOUNDARIES[raw.lower()]
    elif isinstance(raw, list) and raw and all(isinstance(s, str) for s in raw):
        unknown = [s for s in raw if s not in STAGES]
        if unknown:
            p.error("boundary", f"unknown stage {unknown[0]!r}; stages: {', '.join(STAGES)}")
            return None
        if len(set(raw)) < len(raw):
            p.error("boundary", "a stage is listed twice")
            return None
        if not {"electricity", "hardware"} <= set(raw):
            p.error("boundary", "electricity and hardware are always counted: list them")
            return None
        name, stages = "custom", tuple(s for s in STAGES if s in raw)
    else:
        p.error("boundary", f"expected one of {', '.join(BOUNDARIES)} or a list of stages "
                f"({', '.join(STAGES)})")
        return None
    for stage, constants in _STAGE_CONSTANTS.items():
        counted = stage in stages
        missing = [c for _, c, _ in constants if c not in p.fs.tables["constants"].rows]
        if counted and missing:
            p.error("boundary", f"factor set {p.fs.version} has no factors for the stage "
                    f"{stage} (it lacks {missing[0]}); pin 2026.2 or later, or narrow the "
                    "boundary to electricity-and-chips")
            return None
        for name_in, constant, neutral in constants:
            if counted:
                p.put_factor(name_in, p.fs.constant(constant))
            else:
                p.inputs[name_in] = neutral
    return name, stages
