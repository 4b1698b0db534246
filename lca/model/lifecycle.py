"""Lifecycle: training plus a deployment's inference, per request and in shares.

Method: docs/method.md, section "Lifecycle"; the three reporting indicators of the Mistral AI /
Carbone 4 / ADEME study (training impacts, marginal impact of one request, inference share) read
off these.
"""

from __future__ import annotations

from lca import xp
from lca.units import HOURS_PER_DAY
from lca.xp import Array


def request_volume(requests_per_day: Array, duration_hours: Array) -> Array:
    """Requests served over a deployment of ``duration_hours`` at ``requests_per_day``."""
    return requests_per_day * duration_hours / HOURS_PER_DAY


def lifecycle_total(training: Array, per_request: Array, requests: Array) -> Array:
    """Training plus ``requests`` inferences."""
    return training + per_request * requests


def amortised_per_request(training: Array, per_request: Array, requests: Array) -> Array:
    """Impact of one request with training spread over ``requests``."""
    return training / requests + per_request


def shares(training: Array, total: Array) -> tuple[Array, Array]:
    """Training and inference shares of a lifecycle total (0 to 1; NaN for a zero total)."""
    # a total that is not positive divides as NaN, which gives NaN shares (and keeps a zero
    # total out of the division; NaN carries its unit, not 1.0)
    training_share = training / xp.where(total > 0, total, total * xp.nan)
    return training_share, 1.0 - training_share


def breakeven_requests(training: Array, per_request: Array) -> Array:
    """Requests after which inference has cost as much as training (inf if a request costs 0)."""
    positive = per_request > 0
    return xp.where(positive, training / xp.where(positive, per_request, per_request * xp.nan),
                    xp.inf)
