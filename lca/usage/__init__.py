"""The footprint of real traffic: request-log rows in, footprints by group out (docs/usage.md).

A deployment file says how each model named in the log is served (the inference section of a
profile, without its traffic). Each model's arrival rate in each hour is the log's own count of
its requests in that hour (count / 3600 s), so that the replicas provisioned or autoscaled, the
batch they sustain and the idle capacity of quiet hours are those of the traffic model
(lca.model.serving). Each row is the single estimate of its request: the deployment's profile
with the row's token counts and the hour's rate, read once per model and chunk of rows and
calculated over the chunk's rows as columns (lca.reading.bind.bind_columns, as
lca.engine.columns does; each row's hourly rate is a column too).

Uncertainty of sums: every input with a range is drawn once for the whole log (the same
quantile stream per origin, lca.engine.montecarlo.quantiles), and each draw's total is the sum
over rows at that draw; a total's 5-95 % range is taken over the draws of the total, so factors
that every row shares move together and the relative range does not shrink as rows are added.

Pure: rows are plain mappings given by an iterable (twice: once to count each hour's requests,
once to estimate); no file is read here (readers live in cli/usage.py).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache

import numpy as np

from lca.engine import montecarlo as mc
from lca.errors import ProfileError
from lca.estimator import Estimator, estimator_for
from lca.factors import FactorSet
from lca.model.graph import calculate
from lca.quantities import INDICATORS
from lca.reading.bind import bind_columns
from lca.units import SECONDS_PER_HOUR

__all__ = ["TIME_GROUPS", "Deployments", "Unreadable", "read_deployments", "usage",
           "usage_stream"]

TIME_GROUPS = {"hour": 13, "day": 10, "month": 7, "year": 4}  # ISO prefix length of each
TOKEN_COLUMNS = ("input_tokens", "output_tokens")
TOKEN_FIELDS = {"input_tokens": "inference.input_tokens",
                "output_tokens": "inference.output_tokens"}
OUTPUTS = tuple(f"inference.per_request.{i}" for i in INDICATORS)
# Traffic comes from the log's timestamps: a deployment may say how it scales, not how busy it is
LOG_TRAFFIC = ("requests_per_day", "requests_per_second", "hourly_requests_per_second")
DEFAULT_CHUNK_ROWS = 50_000
DEFAULT_SAMPLES = 200
MC_CELLS = 400_000  # draws x rows calculated at once in the Monte Carlo (bounds its memory)
RATE = "inference.requests_per_second"
MAX_GROUP_KEY = 200  # characters of a tag value kept in a group key


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
            estimator.read(_with_traffic(profile, 1.0, {"input_tokens": 1, "output_tokens": 1}))
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


def _with_traffic(profile: Mapping, rate: float, tokens: Mapping[str, float]) -> dict:
    inference = {**profile["inference"], "requests_per_second": rate, **tokens}
    if not any(k in inference for k in ("replicas", "min_replicas", "max_replicas")):
        inference["min_replicas"] = 1  # traffic mode, autoscaled from one replica
    return {**profile, "inference": inference}


# --- rows


class Unreadable(str):
    """A row a reader could not parse, standing for its reason (rejected with it)."""


@dataclass
class _Row:
    model: str
    hour: str  # ISO UTC, "YYYY-MM-DDTHH"
    tokens: tuple[float, float]
    tags: tuple[str, ...]


_UTC_TEXT = re.compile(r"(\d{4}-\d{2}-\d{2})[T ]([01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?Z?")


@lru_cache(maxsize=4096)
def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def parse_timestamp(value: object) -> str | None:
    """The UTC hour of a timestamp (ISO 8601 text, naive read as UTC, or Unix seconds) as
    ``YYYY-MM-DDTHH``; None when it is not one."""
    if value.__class__ is str:  # the common case, UTC text, without building a datetime
        match = _UTC_TEXT.fullmatch(value)
        if match is not None and _is_date(match[1]):
            return f"{match[1]}T{match[2]}"
    try:
        if isinstance(value, bool):
            return None
        if isinstance(value, (int, float)):
            moment = datetime.fromtimestamp(float(value), tz=UTC)
        elif isinstance(value, str) and _number(value.strip()) is not None:
            moment = datetime.fromtimestamp(_number(value.strip()), tz=UTC)
        elif isinstance(value, str):
            text = value.strip()
            moment = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
            moment = moment.astimezone(UTC)
        else:
            return None
    except (ValueError, OverflowError, OSError):
        return None
    return moment.strftime("%Y-%m-%dT%H")


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _tokens(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            return None
    if not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        return None
    return float(value)


def check_row(row: object, tags: Sequence[str], deployments: Deployments) -> _Row | str:
    """A log row read, or the reason it is rejected."""
    if isinstance(row, Unreadable):
        return str(row)
    if not isinstance(row, Mapping):
        return "not an object"
    model = row.get("model")
    if not isinstance(model, str) or not model.strip():
        return "missing model"
    if model not in deployments.models and deployments.default is None:
        return f"model {model[:80]!r} is not in the deployments (and there is no default)"
    hour = parse_timestamp(row.get("timestamp"))
    if hour is None:
        return "timestamp missing or not ISO 8601 / Unix seconds"
    tokens = []
    for column in TOKEN_COLUMNS:
        value = _tokens(row.get(column))
        if value is None:
            return f"{column} missing, negative or not a number"
        tokens.append(value)
    values = tuple("" if row.get(t) is None else str(row.get(t))[:MAX_GROUP_KEY] for t in tags)
    return _Row(model, hour, (tokens[0], tokens[1]), values)


# --- groups


@dataclass
class _Group:
    requests: int = 0
    tokens: np.ndarray = field(default_factory=lambda: np.zeros(2))
    totals: np.ndarray = field(default_factory=lambda: np.zeros(len(OUTPUTS)))
    draws: np.ndarray | None = None  # (indicators, samples) totals per draw


def _key(row: _Row, group_by: Sequence[str], tags: Sequence[str]) -> tuple[str, ...]:
    values = []
    for name in group_by:
        if name == "model":
            values.append(row.model)
        elif name in TIME_GROUPS:
            values.append(row.hour[:TIME_GROUPS[name]])
        else:
            values.append(row.tags[tags.index(name)])
    return tuple(values)


Source = Callable[[], Iterable[tuple[int, object]]]


def usage(rows: Sequence[Mapping] | Mapping[str, Sequence], deployments: Mapping | Deployments,
          group_by: Sequence[str] = ("model",), samples: int = DEFAULT_SAMPLES,
          seed: int = mc.DEFAULT_SEED, factors: FactorSet | Estimator | None = None) -> dict:
    """Footprint of the requests in ``rows`` (a list of row objects, or a table: column name
    -> list of values), grouped by ``group_by`` (``model``, ``hour``/``day``/``month``/``year``
    of the timestamp, or any tag column); see usage_stream for the result. Line numbers in the
    rejects count rows from 1."""
    if isinstance(rows, Mapping):
        columns = {k: list(v) for k, v in rows.items()}
        length = len(next(iter(columns.values()))) if columns else 0
        rows = [{k: v[i] for k, v in columns.items()} for i in range(length)]
    listed = list(rows)
    return usage_stream(lambda: enumerate(listed, start=1), deployments, group_by, samples,
                        seed, factors)


def check_group_by(group_by: Sequence[str]) -> list[str]:
    """The group-by names, checked (non-empty text, no repeats); ProfileError otherwise."""
    names = list(group_by)
    bad = [n for n in names if not isinstance(n, str) or not n or n.startswith("_")]
    if bad or len(set(names)) != len(names):
        raise ProfileError([{"field": "group_by", "message": "expected distinct column names "
                             "(model, hour, day, month, year or a tag column of the log)"}])
    return names


def usage_stream(source: Source, deployments: Mapping | Deployments, group_by: Sequence[str],
                 samples: int = DEFAULT_SAMPLES, seed: int = mc.DEFAULT_SEED,
                 factors: FactorSet | Estimator | None = None,
                 chunk_rows: int = DEFAULT_CHUNK_ROWS,
                 on_reject: Callable[[int, str], None] | None = None,
                 progress: Callable[[int], None] | None = None) -> dict:
    """Footprint of the rows ``source()`` yields as (line number, row object), in bounded
    memory: ``source`` is called twice (one pass counts each model's requests per hour, the
    next estimates ``chunk_rows`` rows at a time). Rejected rows go to ``on_reject(line,
    reason)`` (and are listed in the result when it is None); ``progress(rows)`` is told the
    rows estimated so far after each chunk.

    Returns ``{"group_by", "groups": [{key..., "requests", "input_tokens", "output_tokens",
    INDICATOR: {"total", "low", "high", "mean_per_request"}}], "summary": {"rows_read",
    "rows_estimated", "rows_rejected", "samples", "seed", "factors_version"}, "rejects"}``,
    totals in canonical units (kWh, kgCO2e, L, kg Sb eq, MJ); low/high are the 5th and 95th
    percentiles of each total over draws shared by every row (None when ``samples`` is 0).
    """
    estimator = estimator_for(factors)
    if not isinstance(deployments, Deployments):
        deployments = read_deployments(deployments, estimator)
    names = check_group_by(group_by)
    if not isinstance(samples, int) or isinstance(samples, bool) or not 0 <= samples <= 10_000:
        raise ProfileError([{"field": "samples", "message": "an integer from 0 to 10000"}])
    tags = [n for n in names if n != "model" and n not in TIME_GROUPS]
    rejects: list[dict] = []

    def reject(line: int, reason: str) -> None:
        if on_reject is None:
            rejects.append({"line": line, "reason": reason})
        else:
            on_reject(line, reason)

    counts: dict[tuple[str, str], int] = {}
    for _line, raw in source():
        row = check_row(raw, tags, deployments)
        if isinstance(row, _Row):
            counts[(row.model, row.hour)] = counts.get((row.model, row.hour), 0) + 1
    run = _Run(estimator, deployments, names, tags, samples, seed, counts)
    read = estimated = 0
    for line, raw in source():
        read += 1
        row = check_row(raw, tags, deployments)
        if not isinstance(row, _Row):
            reject(line, row)
            continue
        run.add(line, row)
        if run.buffered >= chunk_rows:
            estimated += run.flush(reject)
            if progress is not None:
                progress(estimated)
    estimated += run.flush(reject)
    if progress is not None:
        progress(estimated)
    version = estimator.factor_set(deployments.factors_version).version
    return {"group_by": names, "groups": run.result(),
            "summary": {"rows_read": read, "rows_estimated": estimated,
                        "rows_rejected": read - estimated, "samples": samples, "seed": seed,
                        "factors_version": version},
            "rejects": sorted(rejects, key=lambda r: r["line"])}


class _Run:
    """Rows buffered by (model, hour) and the groups' running totals."""

    def __init__(self, estimator: Estimator, deployments: Deployments, group_by: list[str],
                 tags: list[str], samples: int, seed: int,
                 counts: Mapping[tuple[str, str], int]) -> None:
        self.estimator, self.deployments = estimator, deployments
        self.group_by, self.tags, self.samples, self.seed = group_by, tags, samples, seed
        self.counts = counts
        self.buffers: dict[str, list[tuple[int, _Row]]] = {}
        self.buffered = 0
        self.groups: dict[tuple[str, ...], _Group] = {}

    def add(self, line: int, row: _Row) -> None:
        self.buffers.setdefault(row.model, []).append((line, row))
        self.buffered += 1

    def flush(self, reject: Callable[[int, str], None]) -> int:
        done = 0
        for model, rows in self.buffers.items():
            done += self._bucket(model, rows, reject)
        self.buffers.clear()
        self.buffered = 0
        return done

    def _bucket(self, model: str, rows: list[tuple[int, _Row]],
                reject: Callable[[int, str], None]) -> int:
        """Estimate one model's rows: the deployment read once (its plan is the same at any
        rate), the token counts and each row's hourly rate bound as columns, the model run
        once (and once more on the draws)."""
        profile = self.deployments.models.get(model, self.deployments.default)
        assert profile is not None  # check_row rejected the others
        counts = self.counts
        rates = np.array([counts[(model, r.hour)] for _, r in rows]) / SECONDS_PER_HOUR
        # read with valid placeholders: each row's own numbers are checked as columns below
        reading = self.estimator.read(_with_traffic(profile, float(rates[0]), dict.fromkeys(
            TOKEN_COLUMNS, 1)))
        n = len(rows)
        columns = {TOKEN_FIELDS[c]: [r.tokens[j] for _, r in rows]
                   for j, c in enumerate(TOKEN_COLUMNS)}
        inputs, invalid, errors = bind_columns(reading.plan, reading.inputs, columns, n)
        # the rate is a traffic field, which a column may not vary in general (it decides
        # whether a profile is read in traffic mode); here every row is in traffic mode
        inputs[RATE] = rates
        for index, problems in sorted(errors.items()):
            reject(rows[index][0], "; ".join(f"{p['field']}: {p['message']}" for p in problems))
        keep = np.flatnonzero(~invalid)
        if not len(keep):
            return 0
        with np.errstate(all="ignore"):
            results = calculate(inputs)
        central = np.stack([np.broadcast_to(np.asarray(results[o], dtype=float), (n,))[keep]
                            for o in OUTPUTS])  # (indicators, rows)
        tokens = np.array([rows[i][1].tokens for i in keep.tolist()])
        keys = [_key(rows[i][1], self.group_by, self.tags) for i in keep.tolist()]
        codes, members = _codes(keys)
        draws = self._draws(reading, inputs, keep, codes, len(members)) if self.samples else None
        for g, key in enumerate(members):
            mine = codes == g
            group = self.groups.setdefault(key, _Group())
            group.requests += int(mine.sum())
            group.tokens += tokens[mine].sum(axis=0)
            group.totals += central[:, mine].sum(axis=1)
            if draws is not None:
                group.draws = draws[g] if group.draws is None else group.draws + draws[g]
        return len(keep)

    def _draws(self, reading, inputs: Mapping[str, object], keep: np.ndarray,
               codes: np.ndarray, groups: int) -> np.ndarray:
        """Each group's totals at every draw, (groups, indicators, samples): the inputs with a
        range drawn (the same draws for every row of the log), the rows on a second axis."""
        s, rows = self.samples, len(inputs[RATE])
        # the columns bound for these rows (and the inputs tied to them), not the plan's own
        per_row = {name for name, value in inputs.items() if isinstance(value, np.ndarray)
                   and value.shape == (rows,) and value is not reading.inputs.get(name)}
        drawn = {name: mc._cached_draw(spread, s, self.seed)[:, None]
                 for name, spread in reading.spreads.items()}
        out = np.zeros((groups, len(OUTPUTS), s))
        step = max(1, MC_CELLS // s)
        for start in range(0, len(keep), step):
            part = keep[start:start + step]
            x = {name: value[part][None, :] if name in per_row else value
                 for name, value in inputs.items()}
            x.update(drawn)
            with np.errstate(all="ignore"):
                results = calculate(x)
            for j, o in enumerate(OUTPUTS):
                values = np.broadcast_to(np.asarray(results[o], dtype=float), (s, len(part)))
                mine = codes[start:start + step]
                for g in np.unique(mine).tolist():  # per group: the sum over its rows, by draw
                    out[g, j] += values[:, mine == g].sum(axis=1)
        return out

    def result(self) -> list[dict]:
        groups = []
        for key in sorted(self.groups):
            group = self.groups[key]
            entry: dict[str, object] = dict(zip(self.group_by, key, strict=True))
            entry.update(requests=group.requests, input_tokens=float(group.tokens[0]),
                         output_tokens=float(group.tokens[1]))
            for j, indicator in enumerate(INDICATORS):
                total = float(group.totals[j])
                low = high = None
                if group.draws is not None:
                    lo, hi = np.percentile(group.draws[j], [mc.LOW_PERCENTILE,
                                                            mc.HIGH_PERCENTILE])
                    low, high = float(min(lo, total)), float(max(hi, total))
                entry[indicator] = {"total": total, "low": low, "high": high,
                                    "mean_per_request": total / group.requests}
            groups.append(entry)
        return groups


def _codes(keys: list[tuple[str, ...]]) -> tuple[np.ndarray, list[tuple[str, ...]]]:
    """Each key's number among the distinct keys, and the distinct keys in that order."""
    number: dict[tuple[str, ...], int] = {}
    codes = np.array([number.setdefault(k, len(number)) for k in keys], dtype=np.int64)
    return codes, list(number)
