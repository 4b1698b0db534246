"""The deployment file of a request log: how each model named in the log is served (the
inference section of a profile, without its traffic, which the log's timestamps give)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from lca.errors import ProfileError
from lca.estimator import Estimator, estimator_for
from lca.factors import FactorSet

# Traffic comes from the log's timestamps: a deployment may say how it scales, not how busy it is
LOG_TRAFFIC = ("requests_per_day", "requests_per_second", "hourly_requests_per_second")
RATE = "inference.requests_per_second"


@dataclass
class Deployments:
    """How each model of a log is served: a profile (model and inference section, no traffic)
    per model name as the log writes it, and the profile for names not listed (None: such rows
    are rejected)."""

    models: dict[str, dict]
    default: dict | None = None
    factors_version: str | None = None


def read_deployments(data: object, factors: FactorSet | Estimator | None = None) -> Deployments:
    """Check a deployment document (``{"models": {name: {"model"?, "inference": {...}}},
    "default"?: {...}, "factors_version"?}``) and return it; ProfileError naming each wrong
    field (``deployments.models.NAME.inference.FIELD``). Each entry is read as a profile with
    one request of one token each way, so that every error a single estimate would give for the
    deployment is given here once, not once per row."""
    if not isinstance(data, Mapping):
        raise ProfileError([{"field": "deployments", "message": "expected an object with "
                             "'models' (model name -> deployment) and optionally 'default'"}])
    errors: list[dict] = []
    unknown = sorted(set(data) - {"models", "default", "factors_version"})
    errors += [{"field": f"deployments.{k}", "message": "unknown key; expected models, default "
                "or factors_version"} for k in unknown]
    models = data.get("models")
    if not isinstance(models, Mapping) or not models:
        errors.append({"field": "deployments.models",
                       "message": "expected an object: model name -> deployment"})
        models = {}
    version = data.get("factors_version")
    if version is not None and not isinstance(version, str):
        errors.append({"field": "deployments.factors_version", "message": "expected a string"})
        version = None
    estimator = estimator_for(factors)
    entries = [(f"deployments.models.{name}", str(name), entry) for name, entry in models.items()]
    default = data.get("default")
    if default is not None:
        entries.append(("deployments.default", None, default))
    read: dict[str | None, dict] = {}
    for where, name, entry in entries:
        profile = _deployment_profile(where, name, entry, version, errors)
        if profile is None:
            continue
        try:
            estimator.read(with_traffic(profile, 1.0, {"input_tokens": 1, "output_tokens": 1}))
        except ProfileError as exc:
            errors += [{**e, "field": f"{where}.{e.get('field', '')}".rstrip(".")}
                       for e in exc.errors]
            continue
        read[name] = profile
    if errors:
        raise ProfileError(errors)
    return Deployments({k: v for k, v in read.items() if k is not None}, read.get(None), version)


def _deployment_profile(where: str, name: str | None, entry: object, version: str | None,
                        errors: list[dict]) -> dict | None:
    """One deployment as a profile without traffic, or None after adding its errors."""
    if not isinstance(entry, Mapping):
        errors.append({"field": where, "message": "expected an object with 'inference' (and "
                       "'model' when the log's name is not a model preset)"})
        return None
    inference = entry.get("inference")
    if not isinstance(inference, Mapping):
        errors.append({"field": f"{where}.inference", "message": "expected an object: the "
                       "inference section of a profile (hardware, location, replicas...)"})
        return None
    given = [k for k in LOG_TRAFFIC if k in inference]
    if given:
        errors += [{"field": f"{where}.inference.{k}", "message": "the log's timestamps give "
                    "the traffic: leave out requests_per_day, requests_per_second and "
                    "hourly_requests_per_second"} for k in given]
        return None
    model = entry.get("model", name)
    if model is None:
        errors.append({"field": f"{where}.model", "message": "the default deployment needs "
                       "a model (a preset id or a model object)"})
        return None
    profile = {k: v for k, v in entry.items() if k not in ("model", "inference")}
    profile.update({"model": model, "inference": dict(inference)})
    if version is not None:
        profile.setdefault("factors_version", version)
    return profile


def with_traffic(profile: Mapping, rate: float, tokens: Mapping[str, float]) -> dict:
    inference = {**profile["inference"], "requests_per_second": rate, **tokens}
    if not any(k in inference for k in ("replicas", "min_replicas", "max_replicas")):
        inference["min_replicas"] = 1  # traffic mode, autoscaled from one replica
    return {**profile, "inference": inference}


# --- rows
