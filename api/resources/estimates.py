"""POST /v1/estimates: one model profile in, one estimate out."""

from __future__ import annotations

import numpy as np
from flask import Response, jsonify, request
from flask.views import MethodView

from api.extensions import estimator
from api.requests import Blueprint
from api.schemas import (
    BatchRequestSchema,
    BatchResponseSchema,
    ColumnsRequestSchema,
    ColumnsSchema,
    EstimateSchema,
    ProfileSchema,
    TableRequestSchema,
    TableSchema,
)
from api.streaming import json_array_response
from lca.engine.batch import iter_batch
from lca.engine.columns import estimate_columns
from lca.engine.table import estimate_table
from lca.estimator import estimate
from lca.report import to_csv, to_markdown
from lca.report.csv import figure_unit

blp = Blueprint("estimates", __name__, url_prefix="/v1",
                description="Footprint of a model: training, per request and over its life.")

EXAMPLE = {
    "name": "llama-3.1-70b, H100, France",
    "model": "llama-3.1-70b",
    "training": {"hardware": "nvidia-h100-sxm", "accelerator_hours": "7000000 h",
                 "location": "USA", "datacenter": "meta"},
    "inference": {"hardware": "nvidia-h100-sxm", "location": "FRA", "input_tokens": 1000,
                  "output_tokens": 400, "requests_per_day": 1e6, "duration": "18 month"},
}


RENDERINGS = {"application/json": None, "text/markdown": to_markdown, "text/csv": to_csv}


@blp.route("/estimates")
class Estimates(MethodView):
    @blp.body(ProfileSchema, example=EXAMPLE)
    @blp.response(200, EstimateSchema)
    @blp.doc(responses={"200": {"description": "The estimate", "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/Estimate"}},
        "text/markdown": {"schema": {"type": "string"}},
        "text/csv": {"schema": {"type": "string"}}}}})
    @blp.problems(400, 413, 415, 422)
    def post(self, profile: object) -> Response:
        """Estimate one model profile.

        Quantities are numbers in the field's canonical unit or strings with a unit
        ("700 W", "30 day"). Omitted fields take documented defaults, each listed in
        `assumptions`; every factor used is listed with its source and year in `factors_used`.
        With `Accept: text/markdown` the answer is a disclosure report (the three reporting
        indicators of the Mistral AI / Carbone 4 / ADEME approach, the method and factor
        versions, every source); with `Accept: text/csv`, one figure per row.
        """
        result = estimate(profile, estimator())
        kind = request.accept_mimetypes.best_match(RENDERINGS, default="application/json")
        if kind == "application/json":
            return jsonify(result)
        return Response(RENDERINGS[kind](result), mimetype=kind)


BATCH_EXAMPLE = {"profiles": [
    {"model": "llama-3.1-8b", "inference": {"location": "FRA", "requests": 1e6}},
    {"model": "llama-3.1-70b", "inference": {"location": "USA", "requests": 1e6}},
    {"model": "llama-3.1-70b", "inference": {"batch_size": "many"}},
], "view": "summary"}


@blp.route("/estimates/batch")
class EstimateBatch(MethodView):
    @blp.arguments(BatchRequestSchema, example=BATCH_EXAMPLE)
    @blp.response(200, BatchResponseSchema)
    @blp.problems(400, 413, 415, 422)
    def post(self, body: dict) -> Response:
        """Estimate up to 10,000 profiles at once.

        Results come in the order of the profiles, streamed as they are made. By design, an
        invalid profile does not fail the request: the answer is still 200, and the profile
        gets its own `error` entry (a problem object with the field errors) in place of its
        estimate; a 422 is for an invalid envelope (`profiles`, `view`). Each
        estimate equals the single estimate of its profile; for figures only, at volume, use
        POST /v1/estimates/table.
        """
        # iter_batch checks the limits before the first byte: a 422 cannot follow a 200
        entries = iter_batch(body["profiles"], estimator(), body["view"] == "full")
        return json_array_response("results", entries)


COLUMNS_EXAMPLE = {
    "base": {"model": "llama-3.1-70b", "inference": {"location": "FRA", "requests": 1}},
    "columns": {"inference.input_tokens": [120, 3000, 800],
                "inference.output_tokens": [50, 900, 400]},
    "outputs": ["inference.per_request.energy", "inference.per_request.gwp"],
}


@blp.route("/estimates/columns")
class EstimateColumns(MethodView):
    @blp.arguments(ColumnsRequestSchema, example=COLUMNS_EXAMPLE)
    @blp.response(200, ColumnsSchema)
    @blp.problems(400, 413, 415, 422)
    def post(self, body: dict) -> Response:
        """Estimate a base profile for every row of columns of numeric fields.

        For large volumes (a request log's token counts, a fine grid over batch size): the base
        is read once and each varied field becomes an array, so 100,000 rows cost about as much
        as one estimate. Only numeric fields the base carries can vary (every row takes the
        base's path); values are numbers in the field's canonical unit. By design, an invalid
        value does not fail the request: the answer is still 200, the row gets null outputs and
        an entry in `errors` (its index and field errors); a 422 is for an invalid base, an
        unknown column or output, or columns of unequal lengths. Central values, no Monte
        Carlo.
        """
        result = estimate_columns(body["base"], body["columns"], body.get("outputs"),
                                  estimator())
        return jsonify({**result, "outputs": json_columns(result["outputs"]),
                        "units": output_units(result["outputs"])})


def output_units(outputs: dict[str, np.ndarray]) -> dict[str, str]:
    """The canonical unit of each output (``kgCO2e``), ``1`` for a bare number."""
    return {path: figure_unit(path) for path in outputs}


def json_columns(outputs: dict[str, np.ndarray]) -> dict[str, list[float | None]]:
    """Output arrays as JSON lists, with null for NaN and infinities (not JSON numbers)."""
    return {k: [v if v - v == 0.0 else None for v in column.tolist()]
            for k, column in outputs.items()}


TABLE_EXAMPLE = {
    "profiles": [
        {"model": "llama-3.1-8b", "inference": {"location": "FRA", "output_tokens": 120}},
        {"model": "llama-3.1-8b", "inference": {"location": "FRA", "output_tokens": 900}},
        {"model": "llama-3.1-70b", "inference": {"location": "USA", "output_tokens": 400}},
    ],
    "outputs": ["inference.per_request.energy", "inference.per_request.gwp"],
}


@blp.route("/estimates/table")
class EstimateTable(MethodView):
    @blp.arguments(TableRequestSchema, example=TABLE_EXAMPLE)
    @blp.response(200, TableSchema)
    @blp.problems(400, 413, 415, 422)
    def post(self, body: dict) -> Response:
        """Estimate many profiles and return their figures as columns.

        For volume (a request log, a fleet inventory): profiles alike but for the numbers of
        their numeric fields are read once, and the arithmetic runs once over every row, so
        100,000 profiles take under a second in-process. Over HTTP the 4 MiB body limit is the
        bound: about 14,000 profiles with training and inference sections, about 50,000 of the
        smallest. Each value equals the single estimate's. By design, an invalid profile does
        not fail the request: the answer is still 200, the profile gets null figures and an
        entry in `errors` (its index and the field errors a single estimate gives); a 422 is
        for an invalid envelope (`profiles`, `outputs`). Central values in canonical units, no
        Monte Carlo, no provenance.
        """
        result = estimate_table(body["profiles"], body.get("outputs"), estimator())
        return jsonify({**result, "outputs": json_columns(result["outputs"]),
                        "units": output_units(result["outputs"])})
