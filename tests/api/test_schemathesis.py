"""Property-based fuzzing of every operation, with every schemathesis check, against gunicorn.

Schemathesis reads /openapi.json (from the app in-process, at collection: gunicorn serves the
same code with the same configuration) and sends to gunicorn on loopback what its examples,
coverage and fuzzing phases generate (seeded: derandomized, 5 examples per operation and phase,
about 35 s in all), with every check it has, none excluded (the Python equivalent of
``schemathesis run -c all``): no 5xx; status codes, content types, headers and bodies as
documented; an undeclared method answered 405 with ``Allow``; every request the document says
is valid accepted (positive_data_acceptance) and every request it says is invalid refused
(negative_data_rejection).

The document can promise both because it states what lca accepts (api.document, api.profiles):
factor ids as enums of the app's factor sets; quantity strings by a pattern of in-range numbers
in common units (stricter than lca, which reads any unit of the dimension); what null means;
which fields a section needs and which exclude one another (anyOf / oneOf of ``required``);
the output paths; the keys of ``units``, ``vary`` and ``columns``; batch and table items as
anything (an invalid one is its own error entry in a 200). What OpenAPI 3.0 cannot state is
handled here, each case named:

- Rules between values (a range's low <= value <= high, active parameters <= parameters,
  Monte Carlo samples across a batch or comparison, a comparison's baseline, scores and sweep
  combinations, columns of one length that fit their base, an import's emissions against its
  grid): stated in the descriptions; the valid requests generated are mended to follow them
  (tests.api.relations, a ``map_case`` hook; ``before_add_examples`` for the examples phase).
- A sweep's path or a column replaces what the base gives at that place, so an invalid value
  there would be ignored: invalid requests drop such parts when they are themselves valid
  (relations.unmask), so that what makes the request invalid reaches the service.
- Free texts (a model card, CodeCarbon's emissions.csv) are named by a ``format``; their
  strategies are registered below.
- The coverage phase is off for POST /v1/comparisons only: it holds profiles three ways
  (scenarios, base, each of the 62 sweep paths), about 12,000 cases and three minutes; the
  profile's fields are enumerated through the other operations.

Each valid case is also checked against the document before it is sent, so that a slip of
schemathesis or of the mending fails here rather than as the service's fault.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator

import jsonschema_rs
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.config import SchemathesisConfig

from api import create_app
from tests.api import relations
from tests.api.server import gunicorn

load_all_checks()
CHECKED = CHECKS.get_all()

APP = create_app({"ACCESS_LOG": False})
DOCUMENT = APP.test_client().get("/openapi.json").get_json()
REPOSITORY = APP.extensions["lca.estimator"].repository
# The coverage phase, off for comparisons (module doc).
CONFIG = SchemathesisConfig.from_dict({"operations": [
    {"include-name": "POST /v1/comparisons", "phases": {"coverage": {"enabled": False}}}]})
schema = schemathesis.openapi.from_dict(DOCUMENT, config=CONFIG)


def _json_schema(node: object) -> object:
    """OpenAPI 3.0 as JSON Schema draft 4 (for jsonschema_rs, 50 times openapi-schema-validator's
    speed here): ``nullable`` as a null type, and a null member of an enum."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {k: _json_schema(v) for k, v in node.items() if k != "nullable"}
    if node.get("nullable") is True and "type" in node:
        out["type"] = [node["type"], "null"]
        if "enum" in out and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
    return out


COMPONENTS = _json_schema(DOCUMENT["components"])


def _validator(schema: dict) -> jsonschema_rs.Draft4Validator:
    return jsonschema_rs.Draft4Validator({"components": COMPONENTS, **_json_schema(schema)})


PROFILE = _validator({"$ref": "#/components/schemas/Profile"})


def _valid(profile: dict) -> bool:
    return PROFILE.is_valid(profile)


MENDERS = {
    "POST /v1/estimates": lambda body: relations.mend_profile(body, REPOSITORY),
    "POST /v1/estimates/batch": lambda body: relations.mend_batch(body, REPOSITORY),
    "POST /v1/estimates/table": lambda body: relations.mend_table(body, REPOSITORY),
    "POST /v1/estimates/columns": lambda body: relations.mend_columns(body, REPOSITORY, _valid),
    "POST /v1/comparisons": lambda body: relations.mend_comparison(body, REPOSITORY, _valid),
    "POST /v1/imports/huggingface": lambda body: relations.mend_import(body, REPOSITORY),
    "POST /v1/imports/codecarbon": lambda body: relations.mend_import(body, REPOSITORY),
    "POST /v1/usage": lambda body: relations.mend_usage(body, REPOSITORY),
    "POST /v1/leaderboards": lambda body: relations.mend_leaderboard(body, REPOSITORY),
    "POST /v1/leaderboards/performance": lambda body: relations.mend_performance(body,
                                                                                 REPOSITORY),
}

# Free texts the document names by format (OpenAPI cannot describe their content): a model
# card's YAML front matter with its co2_eq_emissions block, CodeCarbon's emissions.csv.
_PLACES = ("France", "USA", "Quebec, Canada", "europe-west4", "aws:eu-west-3", "Atlantis")
_GPUS = ("8 x NVIDIA A100-SXM4-80GB", "TPU v3", "H100", "abacus")
schemathesis.openapi.format("model-card", st.builds(
    "---\nlicense: apache-2.0\nco2_eq_emissions:\n  emissions: {}\n  source: {}\n"
    "  geographical_location: {}\n  hardware_used: {}\n---\n# A model\n".format,
    st.integers(1, 10**9), st.sampled_from(("CodeCarbon", "ML CO2 Impact")),
    st.sampled_from(_PLACES), st.sampled_from(_GPUS)))
_ROW = st.builds("2024-05-27T10:49:55,demo,{},{},{},{},{},{},{}".format,
                 st.floats(0, 1e6), st.floats(0, 1e3), st.floats(1e-6, 1e4), st.just("FRA"),
                 st.integers(0, 64), st.sampled_from(_GPUS), st.floats(1, 2))
schemathesis.openapi.format("codecarbon-csv", st.builds(
    lambda rows: "timestamp,project_name,duration,emissions,energy_consumed,country_iso_code,"
                 "gpu_count,gpu_model,pue\n" + "\n".join(rows) + "\n",
    st.lists(_ROW, min_size=1, max_size=5)))


def _body_validators() -> dict[tuple[str, str], jsonschema_rs.Draft4Validator]:
    """A validator per operation and request media type (JSON, and the imports' files)."""
    out = {}
    for path, item in DOCUMENT["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            for media, body in operation.get("requestBody", {}).get("content", {}).items():
                out[(f"{method.upper()} {path}", media)] = _validator(body["schema"])
    return out


BODIES = _body_validators()
PARTS = {(f"POST {url}", path): _validator(schema)
         for url, name, part in (("/v1/comparisons", "ComparisonRequest", "vary"),
                                 ("/v1/estimates/columns", "ColumnsRequest", "columns"))
         for path, schema in DOCUMENT["components"]["schemas"][name]["properties"][part][
             "properties"].items()}


def _positive(case: schemathesis.Case) -> bool:
    return case.meta is not None and case.meta.generation.mode.is_positive


def _part_is_valid(label: str, path: str, value: object) -> bool:
    validator = PARTS.get((label, path))
    return validator is not None and validator.is_valid(value)


def _mend(case: schemathesis.Case) -> schemathesis.Case:
    """A positive case mended to follow the rules between values; a negative one with the
    parts dropped that would hide its invalid value (tests.api.relations)."""
    label = case.operation.label
    if not isinstance(case.body, dict) or case.meta is None:
        return case
    if _positive(case) and label in MENDERS:
        case.body = MENDERS[label](copy.deepcopy(case.body))
    elif not _positive(case) and label in ("POST /v1/comparisons", "POST /v1/estimates/columns"):
        case.body = relations.unmask(copy.deepcopy(case.body), label, _part_is_valid)
    return case


@schema.hook
def map_case(context: object, case: schemathesis.Case) -> schemathesis.Case:
    return _mend(case)


@schema.hook
def before_add_examples(context: object, examples: list[schemathesis.Case]) -> None:
    """The examples phase bypasses map_case: the same, on its list."""
    examples[:] = [_mend(case) for case in examples]


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    with gunicorn(workers=2, log_level="warning") as url:
        yield url


def test_every_check_runs():
    assert CHECKS.get_all() == CHECKED
    assert {c.__name__ for c in CHECKED} >= {
        "not_a_server_error", "status_code_conformance", "content_type_conformance",
        "response_headers_conformance", "response_schema_conformance", "unsupported_method",
        "allow_header_conformance", "missing_required_header", "positive_data_acceptance",
        "negative_data_rejection"}


@pytest.mark.e2e
@schema.parametrize()
@settings(max_examples=5, derandomize=True, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_every_operation_meets_schemathesis_checks_when_served(case, served):
    validator = BODIES.get((case.operation.label, case.media_type or "application/json"))
    if validator is not None and _positive(case):  # schemathesis' and relations' own slips
        assert validator.is_valid(case.body), "a valid case the document finds invalid"
    case.call_and_validate(base_url=served, checks=CHECKED)
