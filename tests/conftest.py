"""Shared fixtures: the tiny fixture factor set, the shipped one, and the Flask test client."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from lca.factors import FactorSet, load_factor_set

FIXTURE_FACTORS = Path(__file__).parent / "fixtures" / "factors"


@pytest.fixture(scope="session")
def fixture_factors() -> FactorSet:
    """Round-number factors (tests/fixtures/factors/t.1) for arithmetic checks by hand."""
    return load_factor_set(FIXTURE_FACTORS, "t.1")


@pytest.fixture(scope="session")
def factors() -> FactorSet:
    """The newest shipped factor set."""
    return load_factor_set()


@pytest.fixture(scope="session")
def app() -> Flask:
    from api import create_app

    return create_app({"TESTING": True})


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()
