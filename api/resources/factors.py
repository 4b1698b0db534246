"""GET /v1/factors and /v1/factors/<table>: the factor sets and their rows with sources."""

from __future__ import annotations

from flask import request, url_for
from flask.views import MethodView

from api.extensions import default_version, factor_sets
from api.requests import Blueprint
from api.schemas import FactorQuerySchema, FactorSetsSchema, FactorTableSchema
from lca.factors import TABLES, Factor, FactorSet

blp = Blueprint("factors", __name__, url_prefix="/v1",
                description="Factor sets: every value with its unit, source and year.")
def _factor(factor: Factor) -> dict:
    out = {"value": factor.value, "unit": factor.unit, "source": factor.source,
           "year": factor.year}
    if factor.low is not None:
        out["low"], out["high"] = factor.low, factor.high
    if factor.note:
        out["note"] = factor.note
    if factor.alternatives:
        out["alternatives"] = [_factor(a) for a in factor.alternatives]
    return out


def table_rows(fs: FactorSet, table: str) -> list[dict]:
    """Rows of ``table`` as plain data."""
    if table == "regions":
        return [dict(r.__dict__) for r in fs.regions.values()]
    if table in fs.links:
        return [{k: v for k, v in link.__dict__.items() if v != ""}
                for link in fs.links[table].values()]
    t = fs.tables[table]
    return [{"key": key, "label": t.labels.get(key, key),
             "attributes": {a: _factor(v) for a, v in attrs.items()}}
            for key, attrs in t.rows.items()]


@blp.route("/factors")
class FactorSets(MethodView):
    @blp.response(200, FactorSetsSchema)
    def get(self) -> dict:
        """List factor-set versions (in release order, newest last) and their tables."""
        return {"default": default_version(), "versions": [
            {"version": v, "released": fs.released, "description": fs.description,
             "tables": {name: {"rows": fs.items(name),
                               "url": url_for("factors.FactorTable", table=name, version=v)}
                        for name in TABLES if fs.holds(name)}}
            for v, fs in factor_sets().items()]}


@blp.route("/factors/<string:table>")
class FactorTable(MethodView):
    @blp.arguments(FactorQuerySchema, location="query")
    @blp.response(200, FactorTableSchema)
    @blp.problems(404, 422)
    @blp.doc(summary=f"Rows of one table ({', '.join(TABLES)}).")
    def get(self, query: dict, table: str) -> dict:
        """Rows of one table, each value with its unit, source and year."""
        from flask_smorest import abort

        unknown = sorted(set(request.args) - set(FactorQuerySchema().fields))
        if unknown:  # a misspelt ?verison= would otherwise answer the newest set's rows
            abort(422, message="unknown query parameter(s); see errors", errors=[
                {"field": name, "message": "unknown query parameter; allowed here: version"}
                for name in unknown])
        sets = factor_sets()
        version = query.get("version") or default_version()
        if version not in sets:
            abort(404, message=f"unknown factor set '{version}'; available: {', '.join(sets)}")
        if table not in TABLES:
            abort(404, message=f"unknown table; one of {', '.join(TABLES)}")
        if not sets[version].holds(table):
            abort(404, message=f"factor set '{version}' has no table '{table}'")
        return {"version": version, "table": table, "rows": table_rows(sets[version], table)}
