"""The app's state beyond Flask's config: the factor repository and the Estimator built on it.

``init_app`` loads every factor-set version under ``LCA_FACTORS_DIR`` (the packaged ones when
unset) when the app is created, and builds the one Estimator that every view calls (it keeps the
plans of the profile shapes it has seen). Views reach them through the functions below, never
through ``app.extensions`` keys of their own.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from flask import Flask, current_app

from lca.estimator import Estimator
from lca.factors import FactorRepository, FactorSet

ESTIMATOR = "lca.estimator"


def init_app(app: Flask) -> None:
    """Load and validate every factor set once (the app is not created when one is invalid)."""
    root = app.config.get("LCA_FACTORS_DIR")
    app.extensions[ESTIMATOR] = Estimator(FactorRepository(Path(root) if root else None))


def estimator() -> Estimator:
    """The app's Estimator: its factor repository and its cache of plans."""
    return current_app.extensions[ESTIMATOR]


def factor_sets() -> Mapping[str, FactorSet]:
    """Every factor set by version, in release order (oldest first)."""
    return estimator().repository.sets


def versions() -> list[str]:
    """The factor-set versions, in release order (2026.9 before 2026.10)."""
    return estimator().repository.versions


def default_version() -> str:
    """The version used when a profile pins none: the newest release."""
    return estimator().repository.default


def default_factors() -> FactorSet:
    """The factor set used when a profile pins none."""
    return estimator().repository.get()
