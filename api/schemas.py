"""marshmallow schemas: the request and response contracts, for validation and the OpenAPI text.

Request envelopes (batch, comparisons, columns, imports) are validated here. Profiles are
validated by lca itself, which must do it as a library, field by field with the same messages:
the profile schemas only describe them, built from ``lca.quantities`` so that a unit, a bound or a
description is stated once.
"""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields as f
from marshmallow import validate

from api.figures import figure_fields
from lca.quantities import ENERGY_SCOPES, INDICATORS, PRECISIONS, Spec, section_fields
from lca.units import MAX_STRING_LENGTH


def _specs(section: str) -> dict[str, Spec]:
    return {name: field.spec for name, field in section_fields(section).items()}


GRID, DATACENTER = _specs("training.grid"), _specs("training.datacenter")
MODEL, TRAINING, INFERENCE, TOP = (_specs(s) for s in ("model", "training", "inference", ""))

ID = {"validate": validate.Length(min=1, max=64)}


class Quantity(f.Field):
    """A number in the field's canonical unit, a string "<number> <unit>" (``"700 W"``), or a
    range ``{"low", "high", "value"}``. Documents the contract; lca.quantities.Spec reads it."""

    def __init__(self, spec: Spec, **kwargs: object) -> None:
        description = (f"{spec.doc[0].upper()}{spec.doc[1:]}. A number in {spec.unit}, a "
                       f"string with a unit, or a range {{low, high, value}} for the Monte "
                       f"Carlo. Accepted range {spec.describe_range()}.")
        super().__init__(metadata={"description": description, "x-unit": spec.unit}, **kwargs)
        self.spec = spec


class IdOrObject(f.Field):
    """An identifier string, or an object described by ``schema`` (``"model": "llama-3.1-70b"``).
    Documents the contract; lca.reading reads it."""

    def __init__(self, schema: type[ma.Schema], what: str, **kwargs: object) -> None:
        super().__init__(metadata={"description": f"{what} id, or an object"}, **kwargs)
        self.schema = schema


class Uncertainty(f.Field):
    """``false`` (skip), ``true`` (defaults) or ``{"samples": n, "seed": s}``."""

    def _deserialize(self, value: object, attr: str | None, data: object, **kwargs: object
                     ) -> object:
        if isinstance(value, bool):
            return value
        if isinstance(value, dict):
            return UncertaintySchema().load(value)
        raise ma.ValidationError("expected false, true or {\"samples\": n, \"seed\": s}")


def _quantities(specs: dict[str, Spec]) -> dict[str, f.Field]:
    return {name: Quantity(spec) for name, spec in specs.items()}


def _schema(name: str, fields: dict[str, f.Field], doc: str) -> type[ma.Schema]:
    schema = ma.Schema.from_dict(fields, name=name)
    schema.__doc__ = doc
    return schema


GridSchema = _schema("Grid", _quantities(GRID),
                     "Per-kWh factors of the electricity used; each overrides the zone's.")
DatacenterSchema = _schema("Datacenter", {
    "profile": f.String(metadata={"description": "data-centre profile id (GET "
                                                 "/v1/factors/datacenters)"}, **ID),
    **_quantities(DATACENTER),
}, "A data-centre profile, field by field overridable.")
ModelSchema = _schema("Model", {
    "preset": f.String(metadata={"description": "model preset id (GET /v1/factors/models)"},
                       **ID),
    "precision": f.String(validate=validate.OneOf(PRECISIONS)),
    **_quantities(MODEL),
}, "The model: a preset, or its size; explicit fields override the preset's.")


def _site_fields() -> dict[str, f.Field]:
    return {
        "hardware": f.String(metadata={"description": "hardware id (GET /v1/factors/hardware)"},
                             **ID),
        "location": f.String(metadata={"description": "zone (ISO 3166-1 alpha-3, WOR) or "
                                                      "provider:region"}, **ID),
        "grid": f.Nested(GridSchema),
        "datacenter": IdOrObject(DatacenterSchema, "data-centre profile"),
        "energy_scope": f.String(validate=validate.OneOf(ENERGY_SCOPES), metadata={
            "description": "whether a measured energy is IT energy or facility energy"}),
    }


TrainingSchema = _schema("Training", {
    **_site_fields(),
    "precision": f.String(validate=validate.OneOf(PRECISIONS)),
    **_quantities(TRAINING),
}, "How the model was trained; the most measured input given decides the path.")
InferenceSchema = _schema("Inference", {**_site_fields(), **_quantities(INFERENCE)},
                          "How the model is served, and for how many requests.")
UncertaintySchema = _schema("UncertaintyOptions", {
    "samples": f.Integer(strict=True, validate=validate.Range(100, 100_000)),
    "seed": f.Integer(strict=True, validate=validate.Range(0, 2**32 - 1)),
}, "Monte Carlo options.")

ProfileSchema = _schema("Profile", {
    "name": f.String(validate=validate.Length(max=200)),
    "factors_version": f.String(metadata={"description": "pin a factor set (GET /v1/factors)"},
                                **ID),
    "model": IdOrObject(ModelSchema, "model preset", required=True),
    "training": f.Nested(TrainingSchema),
    "inference": f.Nested(InferenceSchema),
    **_quantities(TOP),
    "uncertainty": Uncertainty(metadata={"description": "false skips the Monte Carlo"}),
    "units": f.Dict(keys=f.String(validate=validate.OneOf(INDICATORS)),
                    values=f.String(validate=validate.Length(max=MAX_STRING_LENGTH)),
                    metadata={"description": "display units by indicator, e.g. {\"gwp\": \"g\"}"}),
}, "A model profile: the model, how it was trained and how it is served.")


# ---- responses (documentation of what lca.estimate returns; its figures: api.figures) ----

class FactorUsedSchema(ma.Schema):
    key = f.String(required=True)
    value = f.Raw(required=True)
    unit = f.String(required=True)
    source = f.String(required=True)
    year = f.Integer(allow_none=True, required=True)
    low = f.Float()
    high = f.Float()


class AssumptionSchema(ma.Schema):
    field = f.String(required=True)
    value = f.Raw(required=True)
    why = f.String(required=True)


class WarningSchema(ma.Schema):
    code = f.String(required=True)
    message = f.String(required=True)


class VersionsSchema(ma.Schema):
    method = f.String(required=True)
    factors = f.String(required=True)


class DriverSchema(ma.Schema):
    input = f.String(required=True, metadata={"description": "factor reference or profile field"})
    share = f.Float(required=True, metadata={"description": "share of the summed squared rank "
                                                            "correlations"})
    correlation = f.Float(required=True, metadata={"description": "Spearman rank correlation "
                                                                  "with the output"})


class DriversSchema(ma.Schema):
    block = f.String(required=True)
    indicators = f.Dict(keys=f.String(), values=f.List(f.Nested(DriverSchema)), required=True)


class UncertaintyResultSchema(ma.Schema):
    """How low and high were computed, and what drives the spread."""

    samples = f.Integer(required=True)
    seed = f.Integer(required=True)
    percentiles = f.List(f.Float(), required=True)
    inputs = f.Integer(required=True, metadata={"description": "uncertain inputs sampled"})
    drivers = f.Nested(DriversSchema, required=True)


EstimateSchema = _schema("Estimate", {
    "name": f.String(allow_none=True),
    "versions": f.Nested(VersionsSchema, required=True),
    **figure_fields(),
    "factors_used": f.List(f.Nested(FactorUsedSchema), metadata={
        "description": "every factor used, with source and year (absent in a batch's summary "
                       "view)"}),
    "assumptions": f.List(f.Nested(AssumptionSchema), metadata={
        "description": "every default applied (absent in a batch's summary view)"}),
    "warnings": f.List(f.Nested(WarningSchema), required=True),
    "uncertainty": f.Nested(UncertaintyResultSchema),
}, "One estimate: training, inference and lifecycle, with everything that produced it.")


class FieldErrorSchema(ma.Schema):
    field = f.String(required=True, metadata={"description": "dotted path of the field"})
    message = f.String(required=True)


class ProblemSchema(ma.Schema):
    """application/problem+json (RFC 9457)."""

    type = f.String(required=True)
    title = f.String(required=True)
    status = f.Integer(required=True)
    detail = f.String(required=True)
    errors = f.List(f.Nested(FieldErrorSchema))


class HealthSchema(ma.Schema):
    status = f.String(required=True)
    factors = f.String(required=True, metadata={"description": "default factor-set version"})
    versions = f.List(f.String(), required=True)
    method = f.String(required=True)


class ProfileList(f.Field):
    """A list of profiles, each checked by the core (so one bad profile fails only itself)."""

    def __init__(self, low: int, high: int, **kwargs: object) -> None:
        super().__init__(metadata={"description": f"{low} to {high} profiles"}, **kwargs)
        self.low, self.high = low, high

    def _deserialize(self, value: object, attr: str | None, data: object, **kwargs: object
                     ) -> list:
        if not isinstance(value, list):
            raise ma.ValidationError("expected a list of profiles")
        if not self.low <= len(value) <= self.high:
            raise ma.ValidationError(f"expected {self.low} to {self.high} profiles, got "
                                     f"{len(value)}")
        return value


class BatchRequestSchema(ma.Schema):
    """Many profiles to estimate at once."""

    profiles = ProfileList(1, 10_000, required=True)
    view = f.String(load_default="full", validate=validate.OneOf(("full", "summary")),
                    metadata={"description": "summary drops factors_used and assumptions from "
                                             "each estimate (a full estimate is about 10 kB)"})


class BatchItemSchema(ma.Schema):
    index = f.Integer(required=True)
    estimate = f.Nested(EstimateSchema)
    error = f.Nested(ProblemSchema)


class BatchResponseSchema(ma.Schema):
    """One entry per profile, in order: its estimate, or its own error."""

    results = f.List(f.Nested(BatchItemSchema), required=True)


def outputs_field() -> f.List:
    """The ``outputs`` of the columnar endpoints: which figures, by their path in an estimate."""
    return f.List(f.String(validate=validate.Length(max=80)),
                  validate=validate.Length(min=1, max=200), metadata={
                      "description": "figures to return, by their path in an estimate "
                                     "(default: per request, training, lifecycle total and per "
                                     "request, for the five indicators)"})


class Columns(f.Field):
    """Field path -> list of 1 to 100,000 values. Checks the shape only, with marshmallow's
    messages: the core checks every value (a bad one fails only its row), so checking each of
    100,000 values here too would only cost time (a 500,000-value request: 0.7 s)."""

    MAX_KEY, MAX_ROWS = 64, 100_000

    def _deserialize(self, value: object, attr: str | None, data: object, **kwargs: object
                     ) -> dict:
        if not isinstance(value, dict):
            raise ma.ValidationError("Not a valid mapping type.")
        errors: dict = {}
        for key, column in value.items():
            if not isinstance(key, str) or len(key) > self.MAX_KEY:
                errors.setdefault(key, {})["key"] = [
                    f"Longer than maximum length {self.MAX_KEY}."]
            if not isinstance(column, list):
                errors.setdefault(key, {})["value"] = ["Not a valid list."]
            elif not 1 <= len(column) <= self.MAX_ROWS:
                errors.setdefault(key, {})["value"] = [
                    f"Length must be between 1 and {self.MAX_ROWS}."]
        if errors:
            raise ma.ValidationError(errors)
        return value


class ColumnsRequestSchema(ma.Schema):
    """A base profile and numeric fields varied by column: one row per element."""

    base = f.Dict(required=True, metadata={"description": "the profile every row starts from; "
                                                          "it must carry each varied field"})
    columns = Columns(required=True, metadata={
        "description": "numeric field path (e.g. inference.output_tokens) -> values in the "
                       "field's canonical unit, all of one length"})
    outputs = outputs_field()


class RowErrorSchema(ProblemSchema):
    """The problem of one invalid row, as a batch item's error, with the row's index."""

    index = f.Integer(required=True)
    errors = f.List(f.Nested(FieldErrorSchema), required=True)


class ColumnsSchema(ma.Schema):
    """One list per output, in canonical units; null where a row was invalid."""

    rows = f.Integer(required=True)
    outputs = f.Dict(keys=f.String(), values=f.List(f.Float(allow_none=True)), required=True)
    errors = f.List(f.Nested(RowErrorSchema), required=True)
    path = f.Dict(keys=f.String(), values=f.String(allow_none=True), required=True)
    factors_version = f.String(required=True)


class TableRequestSchema(ma.Schema):
    """Profiles whose figures are wanted as columns."""

    profiles = ProfileList(1, 100_000, required=True)
    outputs = outputs_field()


class TablePathsSchema(ma.Schema):
    training = f.List(f.String(allow_none=True), required=True)
    inference = f.List(f.String(allow_none=True), required=True)


class TableSchema(ma.Schema):
    """One list per output with a value per profile, in canonical units; null where a profile
    was invalid or has no such phase."""

    rows = f.Integer(required=True)
    outputs = f.Dict(keys=f.String(), values=f.List(f.Float(allow_none=True)), required=True)
    errors = f.List(f.Nested(RowErrorSchema), required=True)
    paths = f.Nested(TablePathsSchema, required=True, metadata={
        "description": "each profile's training and inference path (null: phase absent)"})
    factors_version = f.String(required=True)


class ComparisonRequestSchema(ma.Schema):
    """Scenarios to compare: a list, or a base profile and the fields to vary."""

    scenarios = ProfileList(2, 100)
    base = f.Dict(metadata={"description": "a profile to sweep (with vary)"})
    vary = f.Dict(keys=f.String(validate=validate.Length(max=64)), values=f.List(f.Raw()),
                  metadata={"description": "field path -> values; the cartesian product is "
                                           "compared (at most 100 combinations)"})
    baseline = f.Raw(load_default=0, metadata={"description": "index or name of the baseline "
                                                              "scenario"})
    uncertainty = Uncertainty(load_default=True, metadata={
        "description": "Monte Carlo for every scenario with one seed (common random numbers), "
                       "giving the probability that each rank holds; false skips it"})
    target_score = f.Float(allow_nan=False, metadata={
        "description": "with scored scenarios: pick the lowest footprint per request among those "
                       "reaching this score"})
    target_indicator = f.String(load_default="gwp", validate=validate.OneOf(INDICATORS))


class IndicatorComparisonSchema(ma.Schema):
    unit = f.String(required=True)
    values = f.List(f.Float(allow_none=True), required=True)
    deltas = f.List(f.Float(allow_none=True), required=True)
    relative_deltas = f.List(f.Float(allow_none=True), required=True)
    ranks = f.List(f.Integer(allow_none=True), required=True,
                   metadata={"description": "1 = lowest footprint; ties share a rank"})
    best = f.Integer(allow_none=True, required=True)
    rank_probabilities = f.List(f.Float(allow_none=True), metadata={
        "description": "share of Monte Carlo draws in which each scenario keeps its rank"})
    probability_below_baseline = f.List(f.Float(allow_none=True), metadata={
        "description": "share of draws in which each scenario is below the baseline"})


class ScoreInfoSchema(ma.Schema):
    name = f.String(allow_none=True, required=True)
    higher_is_better = f.Boolean(required=True)
    values = f.List(f.Float(allow_none=True), required=True)


class SavingSchema(ma.Schema):
    absolute = f.Float(required=True)
    relative = f.Float(allow_none=True, required=True)


class TargetSchema(ma.Schema):
    score = f.Float(required=True)
    indicator = f.String(required=True)
    reaching = f.List(f.Integer(), required=True)
    selected = f.Integer(allow_none=True, required=True)
    message = f.String()
    saving_vs_baseline = f.Dict(keys=f.String(), values=f.Nested(SavingSchema, allow_none=True))


class RightSizingSchema(ma.Schema):
    """Footprint against the capability scores the scenarios carry."""

    score = f.Nested(ScoreInfoSchema, required=True)
    footprint = f.String(required=True, metadata={"description": "the per-request block used"})
    per_score_point = f.Dict(keys=f.String(), values=f.List(f.Float(allow_none=True)),
                             required=True)
    pareto_front = f.Dict(keys=f.String(), values=f.List(f.Integer()), required=True)
    target = f.Nested(TargetSchema)


class BaselineSchema(ma.Schema):
    index = f.Integer(required=True)
    name = f.String(allow_none=True, required=True)


class ComparisonSchema(ma.Schema):
    """Every estimate, and per block and indicator the comparison against the baseline."""

    baseline = f.Nested(BaselineSchema, required=True)
    estimates = f.List(f.Nested(EstimateSchema), required=True)
    comparison = f.Dict(keys=f.String(), values=f.Dict(
        keys=f.String(), values=f.Nested(IndicatorComparisonSchema)), required=True)
    right_sizing = f.Nested(RightSizingSchema)


class FactorValueSchema(ma.Schema):
    """One value of a factor table, with its provenance and the candidates from other sources."""

    value = f.Float(required=True)
    unit = f.String(required=True)
    source = f.String(required=True)
    year = f.Integer(required=True)
    low = f.Float()
    high = f.Float()
    note = f.String()
    alternatives = f.List(f.Nested(lambda: FactorValueSchema()))


class FactorRowSchema(ma.Schema):
    """A row of zones, hardware, datacenters, models or constants; regions rows carry region,
    provider, label, zone, datacenter, source, year and note instead."""

    key = f.String()
    label = f.String()
    attributes = f.Dict(keys=f.String(), values=f.Nested(FactorValueSchema))
    region = f.String()
    provider = f.String()
    zone = f.String()
    datacenter = f.String()
    source = f.String()
    year = f.Integer()
    note = f.String()


class FactorTableSchema(ma.Schema):
    version = f.String(required=True)
    table = f.String(required=True)
    rows = f.List(f.Nested(FactorRowSchema), required=True)


class TableInfoSchema(ma.Schema):
    rows = f.Integer(required=True)
    url = f.String(required=True)


class FactorSetInfoSchema(ma.Schema):
    version = f.String(required=True)
    released = f.String(required=True)
    description = f.String(required=True)
    tables = f.Dict(keys=f.String(), values=f.Nested(TableInfoSchema), required=True)


class FactorSetsSchema(ma.Schema):
    default = f.String(required=True)
    versions = f.List(f.Nested(FactorSetInfoSchema), required=True)


class FactorQuerySchema(ma.Schema):
    version = f.String(metadata={"description": "factor-set version (default: newest)"}, **ID)


def openapi_attributes(converter: object, field: f.Field, **kwargs: object) -> dict:
    """apispec attribute function: the OpenAPI shape of this module's custom fields."""
    if isinstance(field, Quantity):
        spec = field.spec
        number: dict = {"type": "number", "minimum": spec.low, "maximum": spec.high}
        if spec.low_open:
            number["exclusiveMinimum"] = True
        text = {"type": "string", "maxLength": MAX_STRING_LENGTH, "example": f"1 {spec.unit}"}
        bound = {"oneOf": [number, text]}
        given_range = {"type": "object", "required": ["low", "high"],
                       "additionalProperties": False,
                       "properties": {"low": bound, "high": bound, "value": bound}}
        return {"oneOf": [number, text, given_range]}
    if isinstance(field, IdOrObject):
        ref = converter.resolve_nested_schema(field.schema)
        return {"oneOf": [{"type": "string", "minLength": 1, "maxLength": 64}, ref]}
    if isinstance(field, ProfileList):
        ref = converter.resolve_nested_schema(ProfileSchema)
        return {"type": "array", "items": ref, "minItems": field.low, "maxItems": field.high}
    if isinstance(field, Columns):
        return {"type": "object", "additionalProperties": {
            "type": "array", "items": {}, "minItems": 1, "maxItems": field.MAX_ROWS}}
    if isinstance(field, Uncertainty):
        ref = converter.resolve_nested_schema(UncertaintySchema)
        return {"oneOf": [{"type": "boolean"}, ref]}
    return {}
