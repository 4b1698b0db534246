"""POST /v1/leaderboards/performance: a performance leaderboard's rows in, one request's
footprint per provider and model out (lca.leaderboard.performance)."""

from __future__ import annotations

from flask import Response, jsonify
from flask.views import MethodView

from api.extensions import estimator
from api.requests import Blueprint
from api.schemas import PerformanceRequestSchema, PerformanceSchema
from lca.leaderboard.performance import performance

blp = Blueprint("performance_leaderboards", __name__, url_prefix="/v1",
                description="Leaderboards read as tables: the footprint of their models.")

EXAMPLE = {
    "rows": [{"Provider": "Microsoft Azure", "Model": "Llama 3.1 Instruct 405B",
              "Output Speed (tokens/s)": 29.4, "Latency (TTFT, s)": 2.01},
             {"Provider": "Amazon Bedrock Latency Optimized",
              "Model": "Llama 3.1 Instruct 405B", "Output Speed (tokens/s)": 73.7,
              "Latency (TTFT, s)": 2.46}],
    "concurrency": 32,
    "hardware": "nvidia-h100-sxm",
    "location": "USA",
}


@blp.route("/leaderboards/performance")
class Performance(MethodView):
    @blp.arguments(PerformanceRequestSchema, example=EXAMPLE)
    @blp.response(200, PerformanceSchema)
    @blp.problems(400, 413, 415, 422)
    def post(self, body: dict) -> Response:
        """The footprint of one request for each provider and model of a performance
        leaderboard (up to 10,000 rows).

        Each row gives the output speed seen by one request (tokens/s) and the time to first
        token (s), as the Artificial Analysis leaderboard publishes them, and a model: a name
        matching a preset, a preset id, or a parameter count. A replica serving `concurrency`
        requests at once is occupied (ttft + output_tokens / speed) / concurrency seconds per
        request (Little's law); its throughput, output_tokens over that time, runs the
        estimate's measured-throughput path, so each row's figures are those of the single
        estimate of that profile (central values). The assumptions are listed; a bad row (no
        speed, a non-numeric value, an unknown model without a parameter count) is listed in
        `rejects` with its reason; a bad option is a 422 naming it. For files, use
        `lca performance`.
        """
        rows = body.pop("rows")
        result = performance(rows, body, estimator())
        result["rejects"] = [{"index": r["line"] - 1, "reason": r["reason"]}
                             for r in result["rejects"]]
        for row in result["rows"]:  # named by its place in rows, as its reject would be
            row["index"] = row["line"] - 1
        return jsonify(result)
