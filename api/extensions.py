"""The app's state beyond Flask's config: the factor sets, loaded once, and their accessors.

``init_app`` loads every factor-set version under ``LCA_FACTORS_DIR`` (the packaged ones when
unset) when the app is created; views read them through the functions below, never through
``app.extensions`` keys of their own.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from flask import Flask, current_app

from lca.factors import FactorSet, load_all

SETS = "lca.factor_sets"
DEFAULT = "lca.default_version"


def init_app(app: Flask) -> None:
    """Load and validate every factor set once (the app is not created when one is invalid)."""
    root = app.config.get("LCA_FACTORS_DIR")
    sets = load_all(Path(root) if root else None)  # in release order, oldest first
    app.extensions[SETS] = sets
    app.extensions[DEFAULT] = list(sets)[-1]


def factor_sets() -> Mapping[str, FactorSet]:
    """Every factor set by version, in release order (oldest first)."""
    return current_app.extensions[SETS]


def versions() -> list[str]:
    """The factor-set versions, in release order (2026.9 before 2026.10)."""
    return list(factor_sets())


def default_version() -> str:
    """The version used when a profile pins none: the newest release."""
    return current_app.extensions[DEFAULT]


def default_factors() -> FactorSet:
    """The factor set used when a profile pins none."""
    return factor_sets()[default_version()]
