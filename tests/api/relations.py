"""The rules between values of a request that OpenAPI 3.0 cannot state, applied to the requests
schemathesis generates, so that a valid one is valid indeed and an invalid one shows why.

Each rule is one the document states in words (api.profiles, api.schemas, the imports) and lca
enforces; a valid request is mended the least that satisfies it, never tried on the service:

- a range's ``low <= value <= high`` (sorted);
- the arithmetic stays within floating-point range: a number below 1e-300 is raised to it;
- ``model.active_parameters <= model.parameters`` (or the preset's parameters): the active count
  is dropped when it is the larger;
- a training section that gives no activity (energy, accelerator_hours, accelerator_count,
  duration, compute, tokens) trains the model preset's tokens: when the model is no preset the
  pinned factor set can train that way, ``tokens`` is given;
- a boundary given as a list of stages holds ``electricity`` and ``hardware`` (added), and a
  profile pinned to a factor set without the constants of the optional stages (2026.1) asks for
  none of them (its boundary becomes ``electricity-and-chips``);
- ``inference.min_replicas <= inference.max_replicas``: the two swapped otherwise;
- ``inference.task`` asked of a factor set without a task table (2026.1) needs both
  ``input_tokens`` and ``output_tokens``: the task is dropped otherwise;
- a batch's or a comparison's Monte Carlo samples, profiles x samples <= 400,000 (samples
  lowered);
- a comparison's ``baseline`` is one of its scenarios (an index modulo their count, else 0), its
  scores are of one benchmark and direction (the first's), ``target_score`` needs a scored
  scenario (dropped otherwise), and a sweep's combinations number 2 to 100, each a valid profile
  that needs no mending (a path that overlaps an earlier one or spoils a combination is dropped,
  lists are trimmed; none left: two names);
- a columnar request's columns are of one length (trimmed to the shortest), and the base with
  each column's field given is a valid profile (a column that is not is dropped; none left: one
  column of ``hardware_lifetime``);
- an import's emissions imply, at the cleanest grid of the factor set, an energy within
  ``training.energy``'s range (clamped), and with an ``energy`` key a grid intensity within
  ``training.grid.gwp``'s (the key dropped otherwise).

An invalid request (``unmask``) loses the parts of a sweep or columns that would replace the
value that makes it invalid.
"""

from __future__ import annotations

import copy
import itertools
import math
from collections.abc import Callable, Iterator, Mapping

from lca.errors import FieldError
from lca.factors import FactorRepository
from lca.method import MAX_SAMPLES_PER_REQUEST
from lca.quantities import FIELDS

SECTIONS = ("model", "training", "inference")
SITES = ("grid", "datacenter")
DEFAULT_SAMPLES = 1000
SMALLEST = 1e-300


def numbers(profile: Mapping) -> Iterator[tuple[str, dict, str]]:
    """(field path, the object holding it, its key) for each numeric field a profile gives."""
    for key in list(profile):
        if key in FIELDS:
            yield key, profile, key
        elif key in SECTIONS and isinstance(profile[key], dict):
            section = profile[key]
            for name in list(section):
                if f"{key}.{name}" in FIELDS:
                    yield f"{key}.{name}", section, name
                elif name in SITES and isinstance(section[name], dict):
                    for leaf in list(section[name]):
                        if f"{key}.{name}.{leaf}" in FIELDS:
                            yield f"{key}.{name}.{leaf}", section[name], leaf


def central(path: str, raw: object) -> float | None:
    """The value lca takes for a field (a range's value, else its midpoint); None if unreadable."""
    spec = FIELDS[path].spec
    try:
        if isinstance(raw, dict):
            return spec.read_uncertain({k: v for k, v in raw.items() if v is not None}, path)[0]
        return None if raw is None else spec.read(raw, path)
    except FieldError:
        return None


def _sort_range(path: str, given: dict) -> None:
    keys = [k for k in ("low", "value", "high") if given.get(k) is not None]
    spec = FIELDS[path].spec
    try:
        order = sorted((given[k] for k in keys), key=lambda raw: spec.read(raw, path))
    except FieldError:
        return
    if len(order) == 3:
        given["low"], given["value"], given["high"] = order
    else:
        given["low"], given["high"] = order[0], order[-1]


def _not_vanishing(raw: object) -> object:
    """A number kept out of the subnormal range, where a product of two can reach zero and lca
    refuses the profile as out of floating-point range (5e-324 output tokens with no input)."""
    if isinstance(raw, float) and 0 < raw < SMALLEST:
        return SMALLEST
    return raw


def _active_within_total(model: dict, repository: FactorRepository) -> None:
    """Active parameters at most the parameters: the given ones, else those of the preset (a
    mixture-of-experts preset keeps its active count when only the size is given)."""
    preset = model.get("preset")
    row = (repository.get().tables["models"].rows.get(preset.lower(), {})
           if isinstance(preset, str) else {})
    total = central("model.parameters", model.get("parameters"))
    active = central("model.active_parameters", model.get("active_parameters"))
    if total is None:
        total = row["parameters"].value if "parameters" in row else None
    elif active is None and "active_parameters" in row and (
            row["active_parameters"].value != row["parameters"].value):
        active = row["active_parameters"].value
    if active is None or total is None or active <= total:
        return
    if model.get("parameters") is not None:
        model["active_parameters"] = copy.deepcopy(model["parameters"])
    else:
        del model["active_parameters"]


def _fewest_within_most(inference: object) -> None:
    """min_replicas at most max_replicas (lca.reading.bind.RULES): the bounds swapped."""
    if not isinstance(inference, dict):
        return
    low = central("inference.min_replicas", inference.get("min_replicas"))
    high = central("inference.max_replicas", inference.get("max_replicas"))
    if low is not None and high is not None and low > high:
        inference["min_replicas"], inference["max_replicas"] = (inference["max_replicas"],
                                                                inference["min_replicas"])


def _task_in_its_factor_set(profile: dict, repository: FactorRepository) -> None:
    """A task only where the pinned factor set has tasks, or with both lengths given."""
    inference = profile.get("inference")
    version = profile.get("factors_version")
    if not isinstance(inference, dict) or inference.get("task") is None:
        return
    if version is not None and version not in repository.versions:
        return
    if repository.get(version).tables["tasks"].rows:
        return
    if inference.get("input_tokens") is None or inference.get("output_tokens") is None:
        del inference["task"]


def mend_profile(profile: object, repository: FactorRepository) -> object:
    """``profile`` with its ranges sorted and its active parameters within its parameters."""
    if not isinstance(profile, dict):
        return profile
    for path, holder, key in numbers(profile):
        if isinstance(holder[key], dict):
            for bound in set(holder[key]) & {"low", "high", "value"}:
                holder[key][bound] = _not_vanishing(holder[key][bound])
            _sort_range(path, holder[key])
        else:
            holder[key] = _not_vanishing(holder[key])
    model = profile.get("model")
    if isinstance(model, dict):
        _active_within_total(model, repository)
    _training_activity(profile, repository)
    _boundary_within_factors(profile, repository)
    _task_in_its_factor_set(profile, repository)
    _fewest_within_most(profile.get("inference"))
    return profile


def _boundary_within_factors(profile: dict, repository: FactorRepository) -> None:
    """A list of stages holds electricity and hardware; a factor set without the constants of
    the optional stages is asked for none."""
    boundary = profile.get("boundary")
    if isinstance(boundary, list):
        boundary.extend(s for s in ("electricity", "hardware") if s not in boundary)
    version = profile.get("factors_version")
    try:
        fs = repository.get(version if isinstance(version, str) else None)
    except Exception:  # an unknown version is the profile's error, not this rule's
        return
    if (boundary not in (None, "electricity-and-chips")
            and "network_storage_share" not in fs.tables["constants"].rows):
        profile["boundary"] = "electricity-and-chips"


_ACTIVITY = ("energy", "accelerator_hours", "accelerator_count", "duration", "compute", "tokens")


def _training_activity(profile: dict, repository: FactorRepository) -> None:
    """A training section without activity gets ``tokens`` unless its model is a preset whose
    tokens the pinned factor set knows (published, or the stand-in constant)."""
    training = profile.get("training")
    if not isinstance(training, dict) or any(training.get(k) is not None for k in _ACTIVITY):
        return
    model = profile.get("model")
    preset = model.get("preset") if isinstance(model, dict) else model
    version = profile.get("factors_version")
    try:
        fs = repository.get(version if isinstance(version, str) else None)
    except Exception:  # an unknown version is the profile's error, not this rule's
        return
    known = isinstance(preset, str) and fs.has("models", preset.lower()) and (
        fs.get("models", preset.lower(), "training_tokens") is not None
        or "training_tokens_unpublished" in fs.tables["constants"].rows)
    if not known:
        training["tokens"] = 1e12


def samples(profile: object) -> int:
    """Monte Carlo samples a profile asks for when it asks (``true`` or options)."""
    options = profile.get("uncertainty") if isinstance(profile, dict) else None
    if options is True:
        return DEFAULT_SAMPLES
    if isinstance(options, dict):
        return options.get("samples") or DEFAULT_SAMPLES
    return 0


def _cap_samples(profiles: list, asked: Callable[[object], int], budget: int) -> None:
    total = sum(asked(p) for p in profiles)
    if total <= budget:
        return
    for profile in profiles:
        if isinstance(profile, dict) and isinstance(profile.get("uncertainty"), dict):
            profile["uncertainty"]["samples"] = 100
        elif isinstance(profile, dict) and profile.get("uncertainty") is True:
            profile["uncertainty"] = {"samples": 100}


def mend_batch(body: dict, repository: FactorRepository) -> dict:
    body["profiles"] = [mend_profile(p, repository) for p in body["profiles"]]
    _cap_samples(body["profiles"], samples, MAX_SAMPLES_PER_REQUEST)
    return body


def mend_table(body: dict, repository: FactorRepository) -> dict:
    body["profiles"] = [mend_profile(p, repository) for p in body["profiles"]]
    return body


def _example_value(path: str) -> float:
    spec = FIELDS[path].spec
    return spec.high if spec.integer else (spec.low + spec.high) / 2 or spec.high


def _with(profile: dict, path: str, value: object) -> dict:
    out = copy.deepcopy(profile)
    node = out
    for part in path.split(".")[:-1]:
        child = node.get(part)
        if isinstance(child, str):
            child = {"preset" if part == "model" else "profile": child}
        elif not isinstance(child, dict):
            child = {}
        node[part] = child
        node = child
    node[path.split(".")[-1]] = value
    return out


def mend_columns(body: dict, repository: FactorRepository, valid: Callable[[dict], bool]
                 ) -> dict:
    base = mend_profile(body["base"], repository)
    columns = {path: values for path, values in body["columns"].items()
               if valid(_with(base, path, _example_value(path)))}
    if not columns:
        columns = {"hardware_lifetime": [26298.0]}
    rows = min(len(v) for v in columns.values())
    body["columns"] = {path: values[:rows] for path, values in columns.items()}
    return body


def _scenario_samples(body: dict) -> int:
    options = body.get("uncertainty", True)
    if options is False:
        return 0
    return options.get("samples", DEFAULT_SAMPLES) if isinstance(options, dict) else DEFAULT_SAMPLES


def _overlaps(path: str, others: list[str]) -> bool:
    """Whether setting ``path`` and one of ``others`` touches the same place (one holds the
    other: ``inference.datacenter`` and ``inference.datacenter.pue``)."""
    return any(path == o or path.startswith(f"{o}.") or o.startswith(f"{path}.")
               for o in others)


def _sweep(base: dict, vary: dict, repository: FactorRepository, valid: Callable[[dict], bool]
           ) -> dict:
    """``vary`` with each path kept only if it touches no path kept before it, the product
    stays within 100 and every combination is a valid profile that needs no mending."""
    kept: dict[str, list] = {}
    for path, values in vary.items():
        if _overlaps(path, list(kept)):
            continue
        trial = {**kept, path: values[:max(1, 100 // math.prod(len(v) for v in kept.values()))]}
        if all(valid(p) and mend_profile(copy.deepcopy(p), repository) == p
               for p in combinations(base, trial)):
            kept = trial
    if math.prod(len(v) for v in kept.values()) < 2:
        kept = {"name": ["a", "b"]}
    return kept


def mend_comparison(body: dict, repository: FactorRepository, valid: Callable[[dict], bool]
                    ) -> dict:
    if "scenarios" in body:
        scenarios = body["scenarios"] = [mend_profile(s, repository) for s in body["scenarios"]]
        count = len(scenarios)
    else:
        body["base"] = base = mend_profile(body["base"], repository)
        body["vary"] = _sweep(base, body["vary"], repository, valid)
        count = math.prod(len(v) for v in body["vary"].values())
        scenarios = []
    _one_benchmark([s for s in scenarios if isinstance(s, dict) and "score" in s])
    baseline = body.get("baseline", 0)
    if isinstance(baseline, int) and not isinstance(baseline, bool):
        body["baseline"] = baseline % count
    elif baseline not in [s.get("name") for s in scenarios if isinstance(s, dict)]:
        body["baseline"] = 0
    if "target_score" in body and not any("score" in s for s in scenarios
                                          if isinstance(s, dict)):
        del body["target_score"]
    if _scenario_samples(body) * count > MAX_SAMPLES_PER_REQUEST:
        body["uncertainty"] = {**(body["uncertainty"] if isinstance(body.get("uncertainty"),
                                                                    dict) else {}),
                               "samples": 100}
    return body


def _one_benchmark(scored: list[dict]) -> None:
    """Scores of one benchmark and direction: the first named one's, else the first's."""
    scores = [s["score"] if isinstance(s["score"], dict) else {"value": s["score"]}
              for s in scored]
    name = next((score.get("name") for score in scores if score.get("name") is not None), None)
    higher = scores[0].get("higher_is_better", True) if scores else True
    for scenario, score in zip(scored, scores, strict=True):
        scenario["score"] = {**score, "name": name, "higher_is_better": higher}


def combinations(base: dict, vary: dict) -> Iterator[dict]:
    for values in itertools.product(*vary.values()):
        profile = base
        for path, value in zip(vary, values, strict=True):
            profile = _with(profile, path, value)
        yield profile


def _grams(raw: object) -> float | None:
    from lca.interchange.huggingface import EMISSIONS

    if isinstance(raw, str):
        try:
            return float(raw)
        except ValueError:
            pass
    try:
        return EMISSIONS.read(raw, "emissions")
    except FieldError:
        return None


def mend_import(body: dict, repository: FactorRepository) -> dict:
    """An import's model within its rules; a card's emissions whose energy, at the cleanest grid
    of the factor set, stays within training.energy's range (capped), and whose energy key, if
    any, gives a grid intensity within training.grid.gwp's range (dropped otherwise)."""
    if "model" in body:
        body["model"] = mend_profile({"model": body["model"]}, repository)["model"]
    block = body.get("co2_eq_emissions")
    fs = repository.get()
    cleanest = min(fs.get("zones", zone, "gwp").value for zone in fs.tables["zones"].rows)
    most = FIELDS["training.energy"].spec.high * cleanest * 1000 * 0.99
    least = 1e-300  # the energy it implies must not vanish below floating-point range
    if isinstance(block, (int, float)) and not isinstance(block, bool):
        body["co2_eq_emissions"] = min(max(block, least), most)
    elif isinstance(block, dict):
        grams = _grams(block.get("emissions"))
        if grams is not None and not least <= grams <= most:
            block["emissions"] = grams = min(max(grams, least), most)
        energy = central("training.energy", block.get("energy"))
        grid = FIELDS["training.grid.gwp"].spec
        if grams is not None and energy is not None and not (
                grid.low <= grams / 1000 / energy <= grid.high):
            del block["energy"]
    return body


def unmask(body: dict, label: str, valid_part: Callable[[str, str, object], bool]) -> dict:
    """An invalid request with the parts dropped that would hide what makes it invalid.

    A sweep's path replaces what the base (or another path holding it) gives there, and a
    column replaces the base's value of its field: a base made invalid at such a place would be
    accepted. Each such part that is itself valid (``valid_part(label, part, key)``) goes; a
    part holding the invalid value stays, so the request stays invalid.
    """
    base = body.get("base")
    if not isinstance(base, dict):
        return body
    given = [path for path, _, _ in numbers(base)] + [
        f"{section}.{key}" for section in SECTIONS if isinstance(base.get(section), dict)
        for key in base[section]] + list(base)
    part = "vary" if label == "POST /v1/comparisons" else "columns"
    values = body.get(part)
    if not isinstance(values, dict):
        return body
    kept: dict = {}
    for path, value in values.items():
        others = given + [p for p in values if p != path]
        if not (_overlaps(path, others) and valid_part(label, path, value)):
            kept[path] = value
    body[part] = kept
    return body


USAGE_DEPLOYMENTS = {"models": {"llama-3.1-8b": {"inference": {
    "hardware": "nvidia-h100-sxm", "location": "FRA", "replicas": 1}}}}


def mend_usage(body: dict, repository: FactorRepository) -> dict:
    """A usage request's deployments are a valid deployment document (lca.usage
    .read_deployments: each entry a profile without traffic), replaced by a one-model one
    otherwise, and its group_by names distinct (repeats dropped); rows may be anything (a
    malformed one is listed in the 200's rejects)."""
    from lca.errors import ProfileError
    from lca.estimator import Estimator
    from lca.usage import read_deployments

    try:
        read_deployments(body["deployments"], Estimator(repository))
    except ProfileError:
        body["deployments"] = copy.deepcopy(USAGE_DEPLOYMENTS)
    if "group_by" in body:
        body["group_by"] = list(dict.fromkeys(body["group_by"]))
    return body


LEADERBOARD_ROWS = [{"fullname": "tiiuae/Falcon3-7B-Instruct", "#Params (B)": 7.456,
                     "Average ⬆️": 34.906699, "CO₂ cost (kg)": 0.61876067}]


def mend_leaderboard(body: dict, repository: FactorRepository) -> dict:
    """A leaderboard request whose options fit its rows (lca.leaderboard: the column roles and
    the score name columns of the rows, the deployment and evaluation setup are valid): an
    option that does not is dropped, and rows without a name and parameters column are
    replaced by one Open LLM Leaderboard row; rows may otherwise be anything (a malformed one
    is listed in the 200's rejects)."""
    from lca.errors import ProfileError
    from lca.estimator import Estimator
    from lca.leaderboard import leaderboard

    estimator = Estimator(repository)
    for _ in range(8):
        try:
            leaderboard(body["rows"], {**{k: v for k, v in body.items() if k != "rows"},
                                       "samples": 0}, estimator)
            return body
        except ProfileError as error:
            for e in error.errors:
                option = e["field"].split(".", 1)[0]
                if option == "columns" and "columns" not in body:
                    body["rows"] = copy.deepcopy(LEADERBOARD_ROWS)
                body.pop(option, None)
    return body


# the options of POST /v1/leaderboards/performance and the inference fields they become
PERFORMANCE_OPTIONS = {"concurrency": "batch_size", "accelerators": "accelerators",
                       "hardware": "hardware", "location": "location", "task": "task",
                       "input_tokens": "input_tokens", "output_tokens": "output_tokens",
                       "fleet_utilization": "fleet_utilization"}


def mend_performance(body: dict, repository: FactorRepository) -> dict:
    """A performance leaderboard request's options follow the rules of the profile fields they
    become (lca.leaderboard.performance): mended as that profile is, then put back; rows may
    be anything (a malformed one is listed in the 200's rejects)."""
    inference = {field: body[option] for option, field in PERFORMANCE_OPTIONS.items()
                 if option in body}
    profile = {"model": "llama-3.1-8b", "inference": inference}
    if "factors_version" in body:
        profile["factors_version"] = body["factors_version"]
    mended = mend_profile(profile, repository)["inference"]
    for option, field in PERFORMANCE_OPTIONS.items():
        if field in mended:
            body[option] = mended[field]
        else:
            body.pop(option, None)
    return body
