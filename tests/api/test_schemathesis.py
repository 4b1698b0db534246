"""Property-based fuzzing of every operation, with schemathesis' checks, against gunicorn.

Schemathesis reads /openapi.json (from the app in-process, at collection: gunicorn serves the
same code with the same configuration) and sends to gunicorn on loopback what its examples,
coverage and fuzzing phases generate (seeded, 5 examples per operation and phase, about 30 s
in all), with every check it has (the Python equivalent of ``schemathesis run -c all``) but
the two listed in KNOWN_GAPS: no 5xx; status codes, content types, headers and bodies as
documented; an undeclared method answered 405 with ``Allow``.

KNOWN_GAPS (issue 14, to be closed by tightening the document, then deleted from here):

- positive_data_acceptance: the profile schemas accept what the core rejects: factor ids
  (hardware, location, model preset, data-centre profile, factors_version) not enumerated;
  objects the core wants non-empty or with one of several fields (model object, training);
  ``units`` keys; ``outputs`` paths; a range's ``low <= high``; scenarios xor base + vary.
- negative_data_rejection: batch and table profiles are described as Profile, but an invalid
  profile is by design a per-item error inside a 200; the document should describe the items
  as any object checked one by one.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS, load_all_checks

from api import create_app
from tests.api.server import gunicorn

load_all_checks()
KNOWN_GAPS = {"positive_data_acceptance", "negative_data_rejection"}
CHECKED = [check for check in CHECKS.get_all() if check.__name__ not in KNOWN_GAPS]

DOCUMENT = create_app({"ACCESS_LOG": False}).test_client().get("/openapi.json").get_json()
schema = schemathesis.openapi.from_dict(DOCUMENT)


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    with gunicorn(workers=2, log_level="warning") as url:
        yield url


def test_every_check_but_the_known_gaps_runs():
    assert {c.__name__ for c in CHECKED} >= {
        "not_a_server_error", "status_code_conformance", "content_type_conformance",
        "response_headers_conformance", "response_schema_conformance", "unsupported_method",
        "allow_header_conformance", "missing_required_header"}
    assert len(CHECKED) == len(CHECKS.get_all()) - len(KNOWN_GAPS)


@pytest.mark.e2e
@schema.parametrize()
@settings(max_examples=5, derandomize=True, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_every_operation_meets_schemathesis_checks_when_served(case, served):
    case.call_and_validate(base_url=served, checks=CHECKED)
