"""The profile's schemas: what a model profile may hold, for the OpenAPI text.

Profiles are validated by lca itself, which must do it as a library, field by field with the same
messages; these schemas only describe them, built from ``lca.quantities`` so that a unit, a bound
or a description is stated once. Their OpenAPI shape is made by api.document, with the factor ids
of the app's repository; each schema's ``OPENAPI`` attribute holds what marshmallow cannot say:
that a section may be null (read as absent), and which fields a section needs.
"""

from __future__ import annotations

import re

import marshmallow as ma
from marshmallow import fields as f
from marshmallow import validate

from api.document import DISPLAY_UNITS, NOT_NULL, NULL, factor_id, quantity, quantity_bound
from lca.quantities import (
    ACCOUNTING,
    BOUNDARIES,
    ENERGY_SCOPES,
    INDICATORS,
    MAX_NAME_LENGTH,
    PRECISIONS,
    SERVING,
    STAGES,
    TASKS,
    WORKLOADS,
    Spec,
    section_fields,
)


def _specs(section: str) -> dict[str, Spec]:
    return {name: field.spec for name, field in section_fields(section).items()}


GRID, DATACENTER = _specs("training.grid"), _specs("training.datacenter")
MODEL, TRAINING, INFERENCE, TOP = (_specs(s) for s in ("model", "training", "inference", ""))


class Quantity(f.Field):
    """A number in the field's canonical unit, a string "<number> <unit>" (``"700 W"``), or a
    range ``{"low", "high", "value"}``; null reads as absent. Documents the contract;
    lca.quantities.Spec reads it."""

    def __init__(self, spec: Spec, name: str, **kwargs: object) -> None:
        plain = spec.unit == "dimensionless"
        number = ("a plain number (a string holding one, \"1e6\", is read too)" if plain
                  else f"a number in {spec.unit}, a string with a unit")
        description = (f"{spec.doc[0].upper()}{spec.doc[1:]}. {number[0].upper()}{number[1:]}, "
                       f"or a range {{low, high, value}} for the Monte "
                       f"Carlo, with low <= value <= high. Accepted range "
                       f"{spec.describe_range()}.")
        if not plain:
            description += (" The string pattern documents common units; any unit of the "
                            "same dimension is read.")
        if spec.length:
            each = "a plain number" if plain else f"a number in {spec.unit} or a string with a unit"
            description = (f"{spec.doc[0].upper()}{spec.doc[1:]}. A list of exactly "
                           f"{spec.length} values, each {each}, in the range "
                           f"{spec.describe_range()}; no range for the Monte Carlo.")
        super().__init__(metadata={"description": description, "x-unit": spec.unit},
                         allow_none=True, **kwargs)
        self.spec, self.name = spec, name

    def openapi(self, converter: object, ids: dict[str, list[str]]) -> dict:
        """Inline (the field's description says what it is), with the range's bounds in a
        component of their own (``<Name>Value``), so that the pattern is written twice only."""
        name = "".join(part.title() for part in re.split(r"[._]", self.name)) + "Value"
        components = converter.spec.components
        if name not in components.schemas:
            components.schema(name, component=quantity_bound(self.spec))
        bound = {"$ref": f"#/components/schemas/{name}"}
        if self.spec.length:  # a series: exactly ``length`` values, each a number or a string
            return {"type": "array", "items": bound, "minItems": self.spec.length,
                    "maxItems": self.spec.length, "nullable": self.allow_none}
        return quantity(self.spec, nullable=self.allow_none, bound=bound)


class FactorId(f.Field):
    """The id of a row of a factor table (``kind``: a key of api.document.factor_ids), one of
    the ids the app's factor sets all hold; null reads as absent (the default)."""

    def __init__(self, kind: str, description: str, **kwargs: object) -> None:
        kwargs.setdefault("allow_none", True)
        super().__init__(metadata={"description": description}, **kwargs)
        self.kind = kind

    def openapi(self, converter: object, ids: dict[str, list[str]]) -> dict:
        return factor_id(ids[self.kind], self.allow_none)


class IdOrObject(f.Field):
    """An identifier string (``kind``, as FactorId), or an object described by ``schema``
    (``"model": "llama-3.1-70b"``). Documents the contract; lca.reading reads it."""

    def __init__(self, schema: type[ma.Schema], kind: str, what: str, **kwargs: object) -> None:
        kwargs.setdefault("metadata", {"description": f"{what} id, or an object"})
        super().__init__(**kwargs)
        self.schema, self.kind = schema, kind

    def openapi(self, converter: object, ids: dict[str, list[str]]) -> dict:
        return {"oneOf": [factor_id(ids[self.kind], self.allow_none),
                          converter.resolve_nested_schema(self.schema)]}


class Uncertainty(f.Field):
    """``false`` (skip), ``true`` (defaults) or ``{"samples": n, "seed": s}``."""

    def openapi(self, converter: object, ids: dict[str, list[str]]) -> dict:
        flag = {"type": "boolean", "nullable": True} if self.allow_none else {"type": "boolean"}
        return {"oneOf": [flag, converter.resolve_nested_schema(UncertaintySchema)]}

    def _deserialize(self, value: object, attr: str | None, data: object, **kwargs: object
                     ) -> object:
        if isinstance(value, bool):
            return value
        if isinstance(value, dict):
            return UncertaintySchema().load(value)
        raise ma.ValidationError("expected false, true or {\"samples\": n, \"seed\": s}")


def _quantities(specs: dict[str, Spec], section: str) -> dict[str, f.Field]:
    return {name: Quantity(spec, f"{section}.{name}".lstrip(".")) for name, spec in specs.items()}


def _schema(name: str, fields: dict[str, f.Field], doc: str, openapi: dict | None = None
            ) -> type[ma.Schema]:
    schema = ma.Schema.from_dict(fields, name=name)
    schema.__doc__ = doc
    schema.OPENAPI = {"description": doc, **(openapi or {})}
    return schema


def one_of_given(*groups: tuple[str, ...]) -> dict:
    """OpenAPI: the object gives (not null) every field of one of ``groups`` at least."""
    return {"anyOf": [{"required": list(group), "properties": dict.fromkeys(group, NOT_NULL)}
                      for group in groups]}


def _choice(options: tuple[str, ...], description: str | None = None) -> f.String:
    metadata = {"description": description} if description else {}
    return f.String(validate=validate.OneOf(options), allow_none=True, metadata=metadata)


GridSchema = _schema("Grid", _quantities(GRID, "grid"),
                     "Per-kWh factors of the electricity used; each overrides the zone's.",
                     {"nullable": True})
DatacenterSchema = _schema("Datacenter", {
    "profile": FactorId("datacenters", "data-centre profile id (GET /v1/factors/datacenters)"),
    **_quantities(DATACENTER, "datacenter"),
}, "A data-centre profile, field by field overridable.")
ModelSchema = _schema("Model", {
    "preset": FactorId("models", "model preset id (GET /v1/factors/models)"),
    "precision": _choice(PRECISIONS),
    **_quantities(MODEL, "model"),
}, "The model: a preset, or its size; explicit fields override the preset's. Active parameters "
   "may not exceed the parameters (the preset's when not given).",
    one_of_given(("preset",), ("parameters",)))


def _site_fields() -> dict[str, f.Field]:
    return {
        "hardware": FactorId("hardware", "hardware id (GET /v1/factors/hardware)"),
        "location": FactorId("locations", "zone (ISO 3166-1 alpha-3, WOR, or a state or "
                                          "province: USA-CA, CAN-QC, AUS-NSW) or provider:region "
                                          "(GET /v1/factors/zones and /v1/factors/regions)"),
        "grid": f.Nested(GridSchema),
        "datacenter": IdOrObject(DatacenterSchema, "datacenters", "data-centre profile",
                                 allow_none=True),
        "energy_scope": _choice(ENERGY_SCOPES, "whether a measured energy is IT energy or "
                                               "facility energy"),
    }


TrainingSchema = _schema("Training", {
    **_site_fields(),
    "precision": _choice(PRECISIONS),
    "workload": _choice(WORKLOADS, "what the accelerators ran: training (the default) or "
                                   "evaluation (a benchmark harness scoring prompts: the power "
                                   "of eager inference, constants.load_factor_evaluation)"),
    **_quantities(TRAINING, "training"),
}, "How the model was trained; the most measured input given decides the path: energy, "
   "accelerator_hours, accelerator_count with duration, compute, or tokens. A section that "
   "gives none of them trains the model preset's published training tokens (a preset that "
   "publishes none: a flagged stand-in, factor sets 2026.2 on); a model without a preset needs "
   "one of them.",
    {"nullable": True, "anyOf": [
        *one_of_given(("energy",), ("accelerator_hours",), ("accelerator_count", "duration"),
                      ("compute",), ("tokens",))["anyOf"],
        {"properties": dict.fromkeys(("energy", "accelerator_hours", "accelerator_count",
                                      "duration", "compute", "tokens"), NULL)}]})


def _given(*names: str) -> dict:
    """OpenAPI: the object gives (not null) every field of ``names``."""
    return one_of_given(names)["anyOf"][0]


# Traffic mode (docs/inference.md) starts with one of these and needs a rate.
_TRAFFIC = {"anyOf": [_given(k) for k in ("requests_per_second", "hourly_requests_per_second",
                                          "replicas", "min_replicas")]}
_NO_TRAFFIC = {"properties": dict.fromkeys(("requests_per_second", "hourly_requests_per_second",
                                            "replicas", "min_replicas"), NULL)}
InferenceSchema = _schema("Inference", {
    **_site_fields(), **_quantities(INFERENCE, "inference"),
    "task": _choice(
        TASKS, "kind of request: sets the prompt and answer lengths not given (medians and "
        "ranges of the factor table tasks; chat by default); a factor set without that table "
        "(2026.1) takes it only with input_tokens and output_tokens given"),
    "serving": _choice(SERVING, "serving stack, which sets the per-step floor of decode: "
                                "optimized (a server running CUDA graphs, the default) or eager "
                                "(a plain framework launching kernels one by one)")},
    "How the model is served, and for how many requests: requests, or requests_per_day with "
    "duration, or no volume; or its traffic (requests_per_second, hourly_requests_per_second, "
    "or requests_per_day with replicas or min_replicas), which also gives a volume "
    "with duration. With traffic the batch size and idle time are outputs: batch_size and "
    "fleet_utilization are refused; the rate is given once (requests_per_second, "
    "hourly_requests_per_second or requests_per_day); max_replicas bounds a traffic "
    "deployment only.",
    {"nullable": True, "anyOf": [
        *one_of_given(("requests",), ("requests_per_day", "duration"))["anyOf"],
        {"properties": {"requests_per_day": NULL, "duration": NULL}}, _TRAFFIC],
     "allOf": [
         {"anyOf": [_NO_TRAFFIC, _given("requests_per_second"),
                    _given("hourly_requests_per_second"), _given("requests_per_day")]},
         {"not": _given("requests_per_second", "hourly_requests_per_second")},
         {"not": {"allOf": [_given("requests_per_day"), {"anyOf": [
             _given("requests_per_second"), _given("hourly_requests_per_second")]}]}},
         {"not": {"allOf": [_given("max_replicas"), _NO_TRAFFIC]}},
         {"not": {"allOf": [_given("replicas"),
                            {"anyOf": [_given("min_replicas"), _given("max_replicas")]}]}},
         {"not": {"allOf": [_given("batch_size"), _TRAFFIC]}},
         {"not": {"allOf": [_given("fleet_utilization"), _TRAFFIC]}}]})
UncertaintySchema = _schema("UncertaintyOptions", {
    "samples": f.Integer(strict=True, validate=validate.Range(100, 100_000)),
    "seed": f.Integer(strict=True, validate=validate.Range(0, 2**32 - 1)),
}, "Monte Carlo options.")
UnitsSchema = _schema("Units", {
    k: f.String(validate=validate.OneOf(DISPLAY_UNITS[k]), metadata={
        "description": f"display unit of {k}"}) for k in INDICATORS
}, "Display units by indicator, e.g. {\"gwp\": \"g\"}: the enums list common ones; any unit of "
   "the indicator's dimension is read.", {"nullable": True})


class Boundary(f.Field):
    """The profile's boundary: a named one, or a list of stages."""

    def openapi(self, converter: object, ids: dict[str, list[str]]) -> dict:
        return {"oneOf": [{"type": "string", "nullable": True, "enum": [*BOUNDARIES, None]},
                          {"type": "array", "minItems": 2, "uniqueItems": True,
                           "items": {"type": "string", "enum": list(STAGES)}}]}


def profile_fields() -> dict[str, f.Field]:
    """The fields of a profile (a comparison's scenario adds ``score``)."""
    return {
        "name": f.String(validate=validate.Length(max=MAX_NAME_LENGTH), allow_none=True),
        "factors_version": FactorId("versions", "pin a factor set (GET /v1/factors)"),
        "accounting": _choice(ACCOUNTING, "GHG Protocol Scope 2 basis the gwp figures follow: "
                              "location (default) or market (supplier factor, renewable "
                              "contracts, residual mix: docs/accounting.md)"),
        "model": IdOrObject(ModelSchema, "models", "model preset", required=True),
        "training": f.Nested(TrainingSchema),
        "inference": f.Nested(InferenceSchema),
        **_quantities(TOP, ""),
        "boundary": Boundary(allow_none=True, metadata={
            "description": "the life-cycle stages counted: frugal-ai (electricity, hardware, "
                           "data-centre building, networking and storage; the default from "
                           "factor set 2026.2), electricity-and-chips (the boundary of 2026.1 "
                           "and of tools that stop there), or a list of stages that holds "
                           "electricity and hardware (docs/boundary.md)"}),
        "uncertainty": Uncertainty(allow_none=True, metadata={
            "description": "false skips the Monte Carlo"}),
        "units": f.Nested(UnitsSchema),
    }


PROFILE_RULES = one_of_given(("training",), ("inference",))
ProfileSchema = _schema("Profile", profile_fields(),
                        "A model profile: the model, how it was trained and how it is served "
                        "(a training section, an inference section, or both). A profile whose "
                        "arithmetic leaves floating-point range (values vanishingly small or "
                        "immense together) is refused.", PROFILE_RULES)
ScoreSchema = _schema("Score", {
    "value": f.Float(required=True, validate=validate.Range(0, min_inclusive=False),
                     metadata={"exclusiveMinimum": True}),
    "name": f.String(validate=validate.Length(max=100), allow_none=True),
    "higher_is_better": f.Boolean(),
}, "A capability score the caller supplies (the service ships none).")


class Score(f.Field):
    """A scenario's capability score: a positive number, or a Score object."""

    def openapi(self, converter: object, ids: dict[str, list[str]]) -> dict:
        return {"oneOf": [{"type": "number", "minimum": 0, "exclusiveMinimum": True},
                          converter.resolve_nested_schema(ScoreSchema)]}


ScenarioSchema = _schema("Scenario", {
    **profile_fields(),
    "score": Score(metadata={"description": "capability score: a positive number, or "
                                            "{value, name, higher_is_better}"}),
}, "A profile, with an optional capability score.", PROFILE_RULES)


def sweep_fields() -> dict[str, tuple[type[ma.Schema], str]]:
    """The paths a sweep may vary (lca.compare.expand_sweep), each with the schema and the name
    of the field it sets: the profile's fields, its sections' fields, and the fields of the
    phases' grid and datacenter."""
    out = {name: (ProfileSchema, name) for name in ProfileSchema._declared_fields}
    for section, schema in (("model", ModelSchema), ("training", TrainingSchema),
                            ("inference", InferenceSchema)):
        out.update({f"{section}.{name}": (schema, name) for name in schema._declared_fields})
    for phase in ("training", "inference"):
        for site, schema in (("grid", GridSchema), ("datacenter", DatacenterSchema)):
            out.update({f"{phase}.{site}.{name}": (schema, name)
                        for name in schema._declared_fields})
    return out
