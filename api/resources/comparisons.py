"""POST /v1/comparisons: deployment scenarios side by side, or a sweep over fields."""

from __future__ import annotations

from flask import Response, jsonify
from flask.views import MethodView

from api.extensions import estimator
from api.requests import Blueprint
from api.schemas import ComparisonRequestSchema, ComparisonSchema
from lca.compare import compare, expand_sweep
from lca.errors import ProfileError

blp = Blueprint("comparisons", __name__, url_prefix="/v1",
                description="Compare deployment scenarios against a baseline.")

EXAMPLE = {"base": {"model": "llama-3.1-70b", "inference": {"requests_per_day": 1e6,
                                                            "duration": "1 year"}},
           "vary": {"inference.location": ["FRA", "USA", "DEU"],
                    "inference.hardware": ["nvidia-h100-sxm", "nvidia-a100-80gb"]},
           "baseline": 0}


@blp.route("/comparisons")
class Comparisons(MethodView):
    @blp.arguments(ComparisonRequestSchema, example=EXAMPLE)
    @blp.response(200, ComparisonSchema)
    @blp.problems(400, 413, 415, 422)
    def post(self, body: dict) -> Response:
        """Compare 2 to 100 scenarios.

        Give `scenarios` (profiles) or a `base` profile with `vary` (field path -> values,
        expanded to the cartesian product). For `inference.per_request`, `training.impacts`
        and `lifecycle.total`, each indicator lists the values (canonical units), the absolute
        and relative deltas against the `baseline` (index or name), the ranks (1 = lowest) and
        the best scenario; with the Monte Carlo (on unless `"uncertainty": false`), also the
        probability that each rank holds and that each scenario is below the baseline. Any
        invalid scenario fails the comparison with its errors listed under `scenarios[i]`.

        Scenarios may carry a capability `score` (`{"value": 71.3, "name": "MMLU-Pro",
        "higher_is_better": true}`, supplied by you: the service ships no scores). Then
        `right_sizing` gives the impact per request per score point, the Pareto front of
        scenarios no other beats on both score and footprint, and with `target_score` the
        scenario with the lowest footprint per request reaching it, and its saving.
        """
        sweep = "base" in body or "vary" in body
        if ("scenarios" in body) == sweep:
            raise ProfileError([{"field": "scenarios", "message": "give either scenarios, or "
                                                                  "base with vary"}])
        if "scenarios" in body:
            scenarios = body["scenarios"]
        else:
            if "base" not in body or "vary" not in body:
                raise ProfileError([{"field": "base" if "base" not in body else "vary",
                                     "message": "needed for a sweep"}])
            scenarios = expand_sweep(body["base"], body["vary"])
            if len(scenarios) < 2:
                raise ProfileError([{"field": "vary", "message": "a sweep needs at least 2 "
                                                                 "combinations"}])
        options = body["uncertainty"]
        options = None if options is False else ({} if options is True else options)
        return jsonify(compare(scenarios, body["baseline"], estimator(), options,
                               body.get("target_score"), body["target_indicator"]))
