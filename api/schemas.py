"""marshmallow schemas: the request and response contracts, for validation and the OpenAPI text.

Request envelopes (batch, comparisons, columns, imports) are validated here. Profiles are
validated by lca itself (their schemas, which only describe them: api.profiles). A custom field's
``openapi`` method gives its OpenAPI shape (api.document); a schema's ``OPENAPI`` attribute what
marshmallow cannot say of it (fields that exclude one another).
"""

from __future__ import annotations

from typing import ClassVar

import marshmallow as ma
from marshmallow import fields as f
from marshmallow import validate

from api.figures import figure_fields
from api.profiles import (
    INFERENCE,
    FactorId,
    ProfileSchema,
    Quantity,
    ScenarioSchema,
    Uncertainty,
    sweep_fields,
)
from lca.quantities import (
    ACCOUNTING,
    INDICATORS,
    MAX_NAME_LENGTH,
    PRECISIONS,
    TASKS,
    column_fields,
    output_names,
)

ID = {"validate": validate.Length(min=1, max=64)}
ABSENT = {"not": {}}
"""OpenAPI: a field that must not be given."""


class WholeNumber(f.Integer):
    """An integer that a JSON writer may also have written 1e3 or 200.0 (a Python client's
    float count); a fraction, a string or a boolean is refused, naming the value."""

    def _validated(self, value: object) -> int:
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            shown = repr(value) if isinstance(value, (int, float, str)) else type(value).__name__
            raise ma.ValidationError(f"expected a whole number, got {shown}")
        return value


def _schema(name: str, fields: dict[str, f.Field], doc: str) -> type[ma.Schema]:
    schema = ma.Schema.from_dict(fields, name=name)
    schema.__doc__ = doc
    return schema


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


class BoundaryResultSchema(ma.Schema):
    name = f.String(allow_none=True, metadata={
        "description": "frugal-ai, electricity-and-chips, or custom (a list of stages)"})
    stages = f.List(f.String(), required=True, metadata={
        "description": "the stages counted in the totals (docs/boundary.md)"})


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
    "boundary": f.Nested(BoundaryResultSchema, required=True, metadata={
        "description": "the life-cycle stages the totals include"}),
    "accounting": f.String(validate=validate.OneOf(ACCOUNTING), metadata={
        "description": "the GHG Protocol Scope 2 basis the gwp figures follow (location, the "
                       "default, or market); both bases (impacts_location.gwp, "
                       "impacts_market.gwp...) are shown when market data are given"}),
    "value_basis": f.String(required=True, metadata={
        "description": "what the values are: the figures at every input's median (the Monte "
                       "Carlo's 5th and 95th percentiles are low and high)"}),
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
    suggestions = f.List(f.String(), metadata={
        "description": "for an unknown id (model preset, hardware, location, data-centre "
                       "profile): the known ids it most likely means, best first (at most 5); "
                       "absent when none is close"})


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


def _ref(converter: object, schema: type[ma.Schema]) -> dict:
    return converter.resolve_nested_schema(schema)


class ProfileList(f.Field):
    """A list of profiles, each checked by the core (so one bad profile fails only itself).

    With ``scenarios`` (a comparison), any invalid one fails the request, so the items are
    documented as Scenario; else an item that is not a valid profile, of whatever type, gets its
    own error entry in a 200 answer, so the items are documented as a Profile or anything.
    """

    def __init__(self, low: int, high: int, scenarios: bool = False, **kwargs: object) -> None:
        super().__init__(metadata={"description": f"{low} to {high} profiles"}, **kwargs)
        self.low, self.high, self.scenarios = low, high, scenarios

    def _deserialize(self, value: object, attr: str | None, data: object, **kwargs: object
                     ) -> list:
        if not isinstance(value, list):
            raise ma.ValidationError("expected a list of profiles")
        if not self.low <= len(value) <= self.high:
            raise ma.ValidationError(f"expected {self.low} to {self.high} profiles, got "
                                     f"{len(value)}")
        return value

    def openapi(self, converter: object, ids: dict) -> dict:
        if self.scenarios:
            items = _ref(converter, ScenarioSchema)
        else:
            items = {"anyOf": [_ref(converter, ProfileSchema), {}], "description": (
                "a profile; any other value is answered by its own error entry")}
        return {"type": "array", "items": items, "minItems": self.low, "maxItems": self.high}


class ProfileObject(f.Dict):
    """A profile (a sweep's or a columnar request's base), checked by the core."""

    def openapi(self, converter: object, ids: dict) -> dict:
        return _ref(converter, ProfileSchema)


class OutputName(f.String):
    """The path of a figure in an estimate (lca.quantities.output_names); lca checks it."""

    def openapi(self, converter: object, ids: dict) -> dict:
        return {"type": "string", "enum": sorted(output_names())}


class Vary(f.Dict):
    """A sweep's field path -> the list of values it takes (lca.compare.expand_sweep)."""

    def openapi(self, converter: object, ids: dict) -> dict:
        return {"type": "object", "additionalProperties": False, "minProperties": 1,
                "properties": {path: {"type": "array", "minItems": 1, "maxItems": 100, "items": {
                    "$ref": f"{_ref(converter, schema)['$ref']}/properties/{name}"}}
                    for path, (schema, name) in sweep_fields().items()}}


class Baseline(f.Raw):
    """A comparison's baseline: the index or the name of a scenario."""

    def openapi(self, converter: object, ids: dict) -> dict:
        return {"oneOf": [{"type": "integer", "minimum": 0, "maximum": 99},
                          {"type": "string", "maxLength": MAX_NAME_LENGTH}]}


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
    return f.List(OutputName(validate=validate.Length(max=80)),
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

    def openapi(self, converter: object, ids: dict) -> dict:
        column = {"type": "array", "items": {}, "minItems": 1, "maxItems": self.MAX_ROWS}
        return {"type": "object", "additionalProperties": False, "minProperties": 1,
                "properties": dict.fromkeys(column_fields(), column)}


class ColumnsRequestSchema(ma.Schema):
    """A base profile and numeric fields varied by column: one row per element."""

    base = ProfileObject(required=True, metadata={
        "description": "the profile every row starts from; with each varied field given, it "
                       "must be a valid profile"})
    columns = Columns(required=True, metadata={
        "description": "numeric field path (e.g. inference.output_tokens) -> values in the "
                       "field's canonical unit, all of one length; a value that is not a number "
                       "in range fails only its row"})
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
    units = f.Dict(keys=f.String(), values=f.String(), required=True, metadata={
        "description": "each output's unit, as its values are given (canonical: kWh, kgCO2e, L, "
                       "kgSbeq, MJ, ...); 1 for a bare number"})


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
    units = f.Dict(keys=f.String(), values=f.String(), required=True, metadata={
        "description": "each output's unit, as its values are given (canonical: kWh, kgCO2e, L, "
                       "kgSbeq, MJ, ...); 1 for a bare number"})


class ComparisonRequestSchema(ma.Schema):
    """Scenarios to compare: a list, or a base profile and the fields to vary."""

    OPENAPI: ClassVar[dict] = {"oneOf": [
        {"required": ["scenarios"], "properties": {"base": ABSENT, "vary": ABSENT}},
        {"required": ["base", "vary"], "properties": {"scenarios": ABSENT}}]}

    scenarios = ProfileList(2, 100, scenarios=True)
    base = ProfileObject(metadata={"description": "a profile to sweep (with vary)"})
    vary = Vary(keys=f.String(validate=validate.Length(max=64)),
                values=f.List(f.Raw(allow_none=True)),
                metadata={"description": "field path -> values; the cartesian product is "
                                         "compared (2 to 100 combinations), and each combination "
                                         "must be a valid profile"})
    baseline = Baseline(load_default=0, metadata={
        "description": "index or name of the baseline scenario"})
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
    best_label = f.String(allow_none=True, required=True, metadata={
        "description": "the best scenario's name, else a label made from what it runs and its "
                       "place, scenarios[i]"})
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
    selected_label = f.String(allow_none=True, required=True, metadata={
        "description": "the selected scenario's name, else a label made from what it runs and "
                       "its place, scenarios[i]"})
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
    label = f.String(required=True, metadata={
        "description": "its name, else a label made from what it runs and its place"})


class ComparisonSchema(ma.Schema):
    """Every estimate, and per block and indicator the comparison against the baseline."""

    baseline = f.Nested(BaselineSchema, required=True)
    labels = f.List(f.String(), required=True, metadata={
        "description": "each scenario's name, else a label made from what it runs (model, "
                       "hardware, location) and its place, scenarios[i]"})
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
    """A row of zones, hardware, datacenters, models, constants or servers; regions rows carry
    region, provider, label, zone, datacenter, source, year and note instead, and
    hardware_servers rows key (an accelerator), target (its server class), source, year, note."""

    key = f.String()
    label = f.String()
    attributes = f.Dict(keys=f.String(), values=f.Nested(FactorValueSchema))
    region = f.String()
    provider = f.String()
    zone = f.String()
    datacenter = f.String()
    target = f.String()
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


# --- POST /v1/usage (lca.usage; docs/usage.md)


class UsageRequestSchema(ma.Schema):
    """Request-log rows and how each model is served, to total by group."""

    deployments = f.Dict(required=True, metadata={
        "description": "how each model of the log is served: {\"models\": {name: {\"model\"?: "
                       "preset or model object, \"inference\": {...}}}, \"default\"?: {...}, "
                       "\"factors_version\"?}; each inference section is a profile's without "
                       "its traffic (no requests_per_day, requests_per_second or "
                       "hourly_requests_per_second: the rows' timestamps give it); rows naming "
                       "a model not listed take the default, else are rejected"})
    group_by = f.List(f.String(validate=[validate.Length(1, 64), validate.Regexp(r"^[^_]")]),
                      load_default=lambda: ["model"], validate=validate.Length(max=8),
                      metadata={"description": "distinct names: model, hour, day, month, year "
                                               "(UTC, of the timestamp) or a tag of the rows",
                                "uniqueItems": True})
    rows = f.List(f.Raw(allow_none=True), required=True, validate=validate.Length(1, 10_000),
                  metadata={"description": "one object per request: timestamp (ISO 8601 or "
                                           "Unix seconds), model, input_tokens, output_tokens, "
                                           "tags; a malformed row is listed in rejects"})
    samples = WholeNumber(load_default=200, validate=validate.Range(0, 500), metadata={
        "description": "Monte Carlo draws shared by every row, for each total's low and high "
                       "(0: central values only)"})
    seed = WholeNumber(load_default=0, validate=validate.Range(0, 2**32 - 1))


class UsageSummarySchema(ma.Schema):
    rows_read = f.Integer(required=True)
    rows_estimated = f.Integer(required=True)
    rows_rejected = f.Integer(required=True)
    samples = f.Integer(required=True)
    seed = f.Integer(required=True)
    factors_version = f.String(required=True)


class UsageRejectSchema(ma.Schema):
    index = f.Integer(required=True, metadata={"description": "the row's place in rows"})
    reason = f.String(required=True)


class UsageSchema(ma.Schema):
    """Totals by group, with the rows that could not be estimated."""

    group_by = f.List(f.String(), required=True)
    groups = f.List(f.Dict(), required=True, metadata={
        "description": "per group: its group_by values, requests, input_tokens, output_tokens "
                       "and per indicator {total, low, high, mean_per_request} in canonical "
                       "units (low/high null without samples)"})
    summary = f.Nested(UsageSummarySchema, required=True)
    rejects = f.List(f.Nested(UsageRejectSchema), required=True)
    units = f.Dict(keys=f.String(), values=f.String(), required=True, metadata={
        "description": "the unit of each indicator's total, low, high and mean_per_request"})


class LeaderboardRequestSchema(ma.Schema):
    """A leaderboard's rows, and what to compare them on (docs/leaderboards.md)."""

    rows = f.List(f.Raw(allow_none=True), required=True, validate=validate.Length(1, 10_000),
                  metadata={"description": "one object per model, column -> value: the Open LLM "
                                           "Leaderboard's columns (fullname, #Params (B), "
                                           "Precision, MoE, Type, Official Providers, CO₂ cost "
                                           "(kg), the scores...) or those named in columns; a row "
                                           "that cannot be analysed is listed in rejects"})
    columns = f.Dict(metadata={"description": "roles -> column names (name, parameters, "
                                              "active_parameters, precision, moe, type, official, "
                                              "co2, evaluation_seconds) and scores: [names]; "
                                              "defaults: the Open LLM Leaderboard's"})
    parameters_in = f.String(validate=validate.OneOf(("billions", "units")), metadata={
        "description": "the unit of the parameters column (billions, as #Params (B), by default)"})
    score = f.String(validate=validate.Length(1, 200), metadata={
        "description": "the score the analysis ranks (default: Average ⬆️, else the first)"})
    indicator = f.String(validate=validate.OneOf(INDICATORS))
    footprint = f.String(validate=validate.OneOf(("per_request", "evaluation")), metadata={
        "description": "what the analysis ranks: serving per request (default) or the "
                       "leaderboard's evaluation"})
    target = f.Float(allow_nan=False, metadata={
        "description": "name the model with the smallest footprint among those reaching it"})
    size_classes = f.List(
        f.Float(allow_nan=False, validate=validate.Range(0, 1e5, min_inclusive=False,
                                                         max_inclusive=False)),
        validate=validate.Length(1, 10), metadata={
            "description": "class boundaries in billions of parameters (default [10, 40, 100]; "
                           "sorted, repeats dropped)"})
    deployment = f.Dict(metadata={"description": "how each model is served: the inference "
                                                 "section of a profile (default: H100 SXM in "
                                                 "aws:us-east-1, task chat)"})
    evaluation = f.Dict(metadata={"description": "the evaluation setup: hardware, accelerators, "
                                                 "location (default: the leaderboard's 8 H100 "
                                                 "SXM in aws:us-east-1)"})
    samples = WholeNumber(validate=validate.Range(0, 500), metadata={
        "description": "draws shared by every model, for low/high and probabilities (0: none; "
                       "default 200)"})
    seed = WholeNumber(validate=validate.Range(0, 2**32 - 1))
    factors_version = FactorId("versions", "pin a factor set (GET /v1/factors)")


class LeaderboardSummarySchema(ma.Schema):
    rows = f.Integer(required=True)
    models = f.Integer(required=True)
    rejected = f.Integer(required=True)
    samples = f.Integer(required=True)


class LeaderboardRejectSchema(ma.Schema):
    index = f.Integer(required=True, metadata={"description": "the row's place in rows"})
    name = f.String(allow_none=True, required=True)
    reason = f.String(required=True)


class LeaderboardSchema(ma.Schema):
    """Per model the leaderboard's CO2 reproduced, this project's estimates, and the analysis."""

    versions = f.Dict(required=True)
    summary = f.Nested(LeaderboardSummarySchema, required=True)
    models = f.List(f.Dict(), required=True, metadata={
        "description": "per model: index (its place in rows), name, parameters, "
                       "active_parameters, precision, moe, type, official, size_class, "
                       "scores, leaderboard {co2_kg, "
                       "evaluation_seconds, evaluation_time (given or recovered), "
                       "co2_reproduced_kg}, evaluation and per_request {indicator: {value, low, "
                       "high}} in canonical units, evaluation_gwp_ratio, per_score_point, "
                       "on_front, front_probability, notes"})
    analysis = f.Dict(required=True, metadata={
        "description": "score, indicator, footprint, unit, pareto_front, size_classes, target, "
                       "groups (official_vs_community, base_vs_instruct, moe_vs_dense: medians "
                       "and quartiles)"})
    rejects = f.List(f.Nested(LeaderboardRejectSchema), required=True)
    units = f.Dict(keys=f.String(), values=f.String(), required=True, metadata={
        "description": "the unit of each indicator's evaluation and per_request figures"})
    assumptions = f.List(f.String(), required=True)


# --- POST /v1/leaderboards/performance (lca.leaderboard.performance;
# docs/performance-leaderboards.md)


class PerformanceColumnsSchema(ma.Schema):
    """Where each logical column is, when not under one of its default names
    (docs/performance-leaderboards.md, "Rows")."""

    provider = f.String(validate=validate.Length(1, 200))
    model = f.String(validate=validate.Length(1, 200))
    preset = f.String(validate=validate.Length(1, 200))
    output_speed = f.String(validate=validate.Length(1, 200))
    ttft = f.String(validate=validate.Length(1, 200))
    parameters = f.String(validate=validate.Length(1, 200))
    parameters_billions = f.String(validate=validate.Length(1, 200))


class StrictBoolean(f.Boolean):
    """true or false only (marshmallow's Boolean also reads 1, "yes", "on"...)."""

    def _deserialize(self, value: object, attr: str | None, data: object, **kwargs: object
                     ) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


def _inference_option(name: str) -> Quantity:
    """An option that becomes the inference field ``name`` of every row's profile."""
    return Quantity(INFERENCE[name], f"inference.{name}")


class PerformanceRequestSchema(ma.Schema):
    """A performance leaderboard's rows and the deployment they are read against; each option
    is read as the inference field it becomes (concurrency: batch_size)."""

    rows = f.List(f.Raw(allow_none=True), required=True, validate=validate.Length(1, 10_000),
                  metadata={"description": "one object per provider and model (column name -> "
                                           "value): a model name (or preset, or a parameter "
                                           "count), the output speed (tokens/s seen by one "
                                           "request) and the time to first token (s); a bad "
                                           "row is listed in rejects"})
    columns = f.Nested(PerformanceColumnsSchema, allow_none=True)
    concurrency = _inference_option("batch_size")
    accelerators = _inference_option("accelerators")
    hardware = FactorId("hardware", "hardware id (GET /v1/factors/hardware)")
    precision = f.String(validate=validate.OneOf(PRECISIONS), allow_none=True, metadata={
        "description": "precision of the weights served (the factor set's default: bf16)"})
    location = FactorId("locations", "zone or provider:region (GET /v1/factors/zones and "
                                     "/v1/factors/regions)")
    task = f.String(validate=validate.OneOf(TASKS), allow_none=True, metadata={
        "description": "the task whose prompt and answer lengths are used (chat by default)"})
    input_tokens = _inference_option("input_tokens")
    output_tokens = _inference_option("output_tokens")
    fleet_utilization = _inference_option("fleet_utilization")
    include_ttft = StrictBoolean(allow_none=True, metadata={
        "description": "whether the time to first token occupies the replica (default true)"})
    factors_version = FactorId("versions", "pin a factor set (GET /v1/factors)")


class PerformanceSummarySchema(ma.Schema):
    rows_read = f.Integer(required=True)
    rows_estimated = f.Integer(required=True)
    rows_rejected = f.Integer(required=True)


class PerformanceSchema(ma.Schema):
    """Per provider and model, the footprint of one request; the rows that could not be read."""

    rows = f.List(f.Dict(), required=True, metadata={
        "description": "per estimated row: index (its place in rows, from 0, as in rejects), "
                       "line (from 1), provider, model, inputs (preset, "
                       "parameters, output_speed, ttft, concurrency, input_tokens, "
                       "output_tokens, output_throughput), replica (accelerators, batch_size, "
                       "busy and idle seconds per request), per_request (energy, gwp, water, "
                       "adpe, pe in canonical units) and notes"})
    rejects = f.List(f.Nested(UsageRejectSchema), required=True)
    summary = f.Nested(PerformanceSummarySchema, required=True)
    assumptions = f.List(f.Nested(AssumptionSchema), required=True)
    options = f.Dict(required=True, metadata={"description": "the options as applied"})
    columns = f.Dict(keys=f.String(), values=f.String(), required=True, metadata={
        "description": "the column each logical column was read from"})
    units = f.Dict(keys=f.String(), values=f.String(), required=True)
    factors_version = f.String(required=True)
