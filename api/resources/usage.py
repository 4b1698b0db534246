"""POST /v1/usage: request-log rows in, footprints by group out (lca.usage)."""

from __future__ import annotations

from flask import Response, jsonify
from flask.views import MethodView

from api.extensions import estimator
from api.requests import Blueprint
from api.schemas import UsageRequestSchema, UsageSchema
from lca.usage import usage

blp = Blueprint("usage", __name__, url_prefix="/v1",
                description="Footprint of request logs, by model, tag and period.")

EXAMPLE = {
    "deployments": {"models": {"llama-3.1-8b": {"inference": {
        "hardware": "nvidia-h100-sxm", "location": "FRA", "min_replicas": 1,
        "max_replicas": 4}}}},
    "group_by": ["model", "customer", "month"],
    "rows": [{"timestamp": "2026-03-02T10:15:00Z", "model": "llama-3.1-8b", "customer": "acme",
              "input_tokens": 420, "output_tokens": 230},
             {"timestamp": "2026-03-02T10:47:00Z", "model": "llama-3.1-8b", "customer": "acme",
              "input_tokens": 1800, "output_tokens": 95}],
    "samples": 200,
}


@blp.route("/usage")
class Usage(MethodView):
    @blp.arguments(UsageRequestSchema, example=EXAMPLE)
    @blp.response(200, UsageSchema)
    @blp.problems(400, 413, 415, 422)
    def post(self, body: dict) -> Response:
        """Total the footprint of up to 10,000 log rows by group.

        Each model's requests in each hour (UTC) are counted from the rows' timestamps and
        served as its deployment says (replicas provisioned or autoscaled, idle capacity of
        quiet hours shared among that hour's requests); each row is the single estimate of its
        request at its hour's traffic. Each total's low and high are the 5th and 95th
        percentiles over draws shared by every row (factors that all rows share move together,
        so a total's relative range does not shrink with the number of rows). A malformed row
        (no model, a model without deployment and no default, a bad timestamp, negative or
        non-numeric tokens) is listed in `rejects` with its reason; an invalid deployment or
        group_by is a 422 naming the field. For whole log files, use `lca usage`.
        """
        result = usage(body["rows"], body["deployments"], body["group_by"], body["samples"],
                       body["seed"], estimator())
        result["rejects"] = [{"index": r["line"] - 1, "reason": r["reason"]}
                             for r in result["rejects"]]
        return jsonify(result)
