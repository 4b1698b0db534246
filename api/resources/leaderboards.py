"""POST /v1/leaderboards: a leaderboard's rows in; per model the leaderboard's CO2 reproduced,
this project's estimates, and capability against footprint (lca.leaderboard)."""

from __future__ import annotations

from flask import Response, jsonify
from flask.views import MethodView

from api.extensions import estimator
from api.requests import Blueprint
from api.schemas import LeaderboardRequestSchema, LeaderboardSchema
from lca.leaderboard import leaderboard

blp = Blueprint("leaderboards", __name__, url_prefix="/v1",
                description="Footprint against capability for a leaderboard's models.")

EXAMPLE = {
    "rows": [
        {"fullname": "tiiuae/Falcon3-7B-Instruct", "#Params (B)": 7.456, "Precision": "bfloat16",
         "MoE": False, "Type": "💬 chat models (RLHF, DPO, IFT, ...)",
         "Official Providers": True, "Average ⬆️": 34.906699, "CO₂ cost (kg)": 0.61876067},
        {"fullname": "openai-community/gpt2", "#Params (B)": 0.137, "Precision": "bfloat16",
         "MoE": False, "Type": "🟢 pretrained", "Official Providers": True,
         "Average ⬆️": 6.510807, "CO₂ cost (kg)": 0.08594126},
    ],
    "target": 20,
    "samples": 100,
}


@blp.route("/leaderboards")
class Leaderboards(MethodView):
    @blp.arguments(LeaderboardRequestSchema, example=EXAMPLE)
    @blp.response(200, LeaderboardSchema)
    @blp.problems(400, 413, 415, 422)
    def post(self, body: dict) -> Response:
        """Compare up to 10,000 models of a leaderboard on capability and footprint.

        Per model: the leaderboard's own CO₂ figure reproduced from its evaluation time (or the
        time recovered from the figure), this project's estimate of the same evaluation (energy,
        greenhouse gases, water, ADPe, primary energy, with PUE, host power and embodied share)
        and its ratio to the leaderboard's, and the per-request footprint of serving the model
        as `deployment` says. Then, for the chosen score and indicator: footprint per score
        point, the Pareto front, the best model per size class, the cheapest model reaching
        `target` (with how often it stays the choice over draws of footprints and of scores
        with a standard error column `<score> SE`), and group medians (official or community,
        base or instruct, MoE or dense). A row that cannot be analysed (no parameter count, a
        non-numeric score, an unknown precision) is listed in `rejects` with its reason; a
        wrong option is a 422 naming it. For whole files, use `lca leaderboard`.
        """
        result = leaderboard(body.pop("rows"), body, estimator())
        # as POST /v1/usage: a row is named by its index in rows (from 0)
        for item in (*result["models"], *result["rejects"]):
            item["index"] = item.pop("line") - 1
        return jsonify(result)
