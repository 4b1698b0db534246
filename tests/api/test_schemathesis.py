"""Property-based fuzzing of every operation against the served OpenAPI document.

Schemathesis generates valid and invalid requests from /openapi.json (seeded, a bounded number
of examples per operation) and checks that no response is a 5xx and that every response matches
the document: status codes, content types, headers and bodies.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api import create_app

APP = create_app({"ACCESS_LOG": False})
schema = schemathesis.openapi.from_wsgi("/openapi.json", APP)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]


@schema.parametrize()
@settings(max_examples=30, derandomize=True, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_no_operation_answers_5xx_or_outside_its_document(case):
    case.call_and_validate(checks=CHECKS)
