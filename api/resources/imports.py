"""POST /v1/imports/huggingface and /v1/imports/codecarbon: other tools' records, estimated."""

from __future__ import annotations

from typing import ClassVar

import marshmallow as ma
from flask import Response, jsonify
from flask.views import MethodView
from marshmallow import fields as f
from marshmallow import validate

from api.document import NULL, quantity_bound
from api.extensions import default_factors
from api.profiles import IdOrObject, ModelSchema
from api.requests import Blueprint, read_text
from api.schemas import EstimateSchema
from lca.interchange import card_block, codecarbon_profile, estimate_imported, huggingface_profile
from lca.interchange.huggingface import CARD_TEXT_KEYS, EMISSIONS
from lca.quantities import FIELDS

blp = Blueprint("imports", __name__, url_prefix="/v1",
                description="Measurements recorded by other tools, as a profile and its estimate.")

MAX_TEXT = 2 * 1024 * 1024
MODEL_DOC = ("the model: a preset id or {\"parameters\": ...}, as in a profile; without it a "
             "placeholder size is used, which changes no training figure of a measured-energy "
             "estimate")
TEXT = {"oneOf": [{"type": "string", "nullable": True}, {"type": "number"}]}


def _model() -> IdOrObject:
    return IdOrObject(ModelSchema, "models", "model preset", metadata={"description": MODEL_DOC})


class Emissions(f.Raw):
    """A card's ``co2_eq_emissions``: grams CO2e, or the block (lca.interchange.huggingface)."""

    def openapi(self, converter: object, ids: dict) -> dict:
        block = {"type": "object", "required": ["emissions"], "properties": {
            "emissions": quantity_bound(EMISSIONS),
            "energy": {"oneOf": [quantity_bound(FIELDS["training.energy"].spec), NULL]},
            **dict.fromkeys(CARD_TEXT_KEYS, TEXT)}}
        return {"oneOf": [quantity_bound(EMISSIONS)["oneOf"][0], block]}


class HuggingFaceImportSchema(ma.Schema):
    """A model card, or its co2_eq_emissions block: give exactly one of the two."""

    OPENAPI: ClassVar[dict] = {"oneOf": [
        {"required": ["card"], "properties": {"co2_eq_emissions": {"not": {}}}},
        {"required": ["co2_eq_emissions"], "properties": {"card": {"not": {}}}}]}

    card = f.String(validate=validate.Length(max=MAX_TEXT), metadata={
        "format": "model-card",
        "description": "the card's README.md text (YAML front matter between '---' lines), or "
                       "its YAML metadata, holding a co2_eq_emissions block"})
    co2_eq_emissions = Emissions(metadata={
        "description": "the block itself: {emissions (grams CO2e), source, training_type, "
                       "geographical_location, hardware_used}, or a number of grams; the "
                       "energy the emissions imply at the location's grid must be within "
                       "training.energy's range, and emissions / energy within "
                       "training.grid.gwp's"})
    model = _model()

    @ma.validates_schema
    def _one_source(self, data: dict, **kwargs: object) -> None:
        if ("card" in data) == ("co2_eq_emissions" in data):
            raise ma.ValidationError("give either card or co2_eq_emissions", "card")


class CodeCarbonImportSchema(ma.Schema):
    """The text of CodeCarbon's emissions.csv."""

    csv = f.String(required=True, validate=validate.Length(max=MAX_TEXT), metadata={
        "format": "codecarbon-csv",
        "description": "the emissions.csv text, header line included: an energy_consumed "
                       "column (kWh) and at least one row, numbers >= 0, pue >= 1, one "
                       "country"})
    model = _model()


class ImportResultSchema(ma.Schema):
    """The profile made from the import, and its estimate (whose assumptions and warnings begin
    with what the import assumed)."""

    profile = f.Dict(required=True)
    estimate = f.Nested(EstimateSchema, required=True)


CARD = """---
co2_eq_emissions:
  emissions: 411000
  source: CodeCarbon
  training_type: pre-training
  geographical_location: Germany
  hardware_used: NVIDIA A100-SXM4-40GB
---
# My model
"""
CSV = ("timestamp,project_name,run_id,duration,emissions,energy_consumed,country_iso_code,"
       "gpu_count,gpu_model,pue\n2024-05-27T10:49:55,demo,2392f828,4251.87,0.228,0.4665,SGP,1,"
       "1 x NVIDIA A100-SXM4-40GB,1.0\n")


CARD_TEXT = {"type": "string", "format": "model-card", "maxLength": MAX_TEXT,
             "description": "the model card itself (README.md, YAML front matter between '---' "
                            "lines, holding a co2_eq_emissions block); read as {\"card\": text}"}
CSV_TEXT = {"type": "string", "format": "codecarbon-csv", "maxLength": MAX_TEXT,
            "description": "CodeCarbon's emissions.csv itself, header line included; read as "
                           "{\"csv\": text}. A bad row is reported with its line and why"}


def _card(raw: bytes) -> dict:
    return {"card": read_text(raw)}


def _csv(raw: bytes) -> dict:
    return {"csv": read_text(raw)}


@blp.route("/imports/huggingface")
class HuggingFaceImport(MethodView):
    @blp.accepts("text/markdown", _card, CARD_TEXT, example=CARD)
    @blp.arguments(HuggingFaceImportSchema, example={"card": CARD})
    @blp.response(200, ImportResultSchema)
    @blp.problems(400, 413, 415, 422)
    def post(self, body: dict) -> Response:
        """Import a Hugging Face model card's carbon emissions.

        The `co2_eq_emissions` metadata (emissions in grams CO2e) becomes a training profile
        with measured facility energy = emissions / the grid intensity of the card's
        `geographical_location` (the world average when it names no known zone or cloud
        region), so that the estimate's operational training gwp equals the card's emissions.
        What the conversion assumed is listed first in the estimate's `assumptions` and
        `warnings`.

        The card may also be sent as it is, as `text/markdown`.
        """
        factors = default_factors()
        block = card_block(body["card"]) if "card" in body else body["co2_eq_emissions"]
        imported = huggingface_profile(block, model=body.get("model"), factors=factors)
        return jsonify(estimate_imported(imported, factors))


@blp.route("/imports/codecarbon")
class CodeCarbonImport(MethodView):
    @blp.accepts("text/csv", _csv, CSV_TEXT, example=CSV)
    @blp.arguments(CodeCarbonImportSchema, example={"csv": CSV})
    @blp.response(200, ImportResultSchema)
    @blp.problems(400, 413, 415, 422)
    def post(self, body: dict) -> Response:
        """Import a CodeCarbon emissions.csv.

        The summed `energy_consumed` becomes a training profile with measured energy: IT energy
        when CodeCarbon's `pue` is 1 (the data centre's PUE then applies), facility energy at
        CodeCarbon's PUE otherwise. `country_iso_code` (or a known cloud region) gives the
        location, `gpu_count` x `duration` the accelerator-hours and `gpu_model` the hardware.

        The file may also be sent as it is, as `text/csv`; a bad row is reported with its line.
        """
        factors = default_factors()
        imported = codecarbon_profile(body["csv"], model=body.get("model"), factors=factors)
        return jsonify(estimate_imported(imported, factors))
