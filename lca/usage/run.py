"""One pass of the estimate over a log's checked rows: per model and chunk, the deployment read
once and its rows calculated as columns (lca.reading.bind.bind_columns), each row's figures added
to its group's totals, per shared Monte Carlo draw too (docs/usage.md)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from lca.engine import montecarlo as mc
from lca.estimator import Estimator
from lca.model.graph import calculate
from lca.quantities import INDICATORS
from lca.reading.bind import bind_columns
from lca.units import SECONDS_PER_HOUR
from lca.usage.deployments import RATE, Deployments, with_traffic
from lca.usage.rows import TOKEN_COLUMNS, TOKEN_FIELDS, Row, group_key

OUTPUTS = tuple(f"inference.per_request.{i}" for i in INDICATORS)
DEFAULT_CHUNK_ROWS = 50_000
DEFAULT_SAMPLES = 200
MC_CELLS = 400_000  # draws x rows calculated at once in the Monte Carlo (bounds its memory)


@dataclass
class Group:
    requests: int = 0
    tokens: np.ndarray = field(default_factory=lambda: np.zeros(2))
    totals: np.ndarray = field(default_factory=lambda: np.zeros(len(OUTPUTS)))
    draws: np.ndarray | None = None  # (indicators, samples) totals per draw


class Run:
    """Rows buffered by (model, hour) and the groups' running totals."""

    def __init__(self, estimator: Estimator, deployments: Deployments, group_by: list[str],
                 tags: list[str], samples: int, seed: int,
                 counts: Mapping[tuple[str, str], int]) -> None:
        self.estimator, self.deployments = estimator, deployments
        self.group_by, self.tags, self.samples, self.seed = group_by, tags, samples, seed
        self.counts = counts
        self.buffers: dict[str, list[tuple[int, Row]]] = {}
        self.buffered = 0
        self.groups: dict[tuple[str, ...], Group] = {}

    def add(self, line: int, row: Row) -> None:
        self.buffers.setdefault(row.model, []).append((line, row))
        self.buffered += 1

    def flush(self, reject: Callable[[int, str], None]) -> int:
        done = 0
        for model, rows in self.buffers.items():
            done += self._bucket(model, rows, reject)
        self.buffers.clear()
        self.buffered = 0
        return done

    def _bucket(self, model: str, rows: list[tuple[int, Row]],
                reject: Callable[[int, str], None]) -> int:
        """Estimate one model's rows: the deployment read once (its plan is the same at any
        rate), the token counts and each row's hourly rate bound as columns, the model run
        once (and once more on the draws)."""
        profile = self.deployments.models.get(model, self.deployments.default)
        assert profile is not None  # check_row rejected the others
        counts = self.counts
        rates = np.array([counts[(model, r.hour)] for _, r in rows]) / SECONDS_PER_HOUR
        # read with valid placeholders: each row's own numbers are checked as columns below
        reading = self.estimator.read(with_traffic(profile, float(rates[0]), dict.fromkeys(
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
        keys = [group_key(rows[i][1], self.group_by, self.tags) for i in keep.tolist()]
        codes, members = _codes(keys)
        draws = self._draws(reading, inputs, keep, codes, len(members)) if self.samples else None
        for g, key in enumerate(members):
            mine = codes == g
            group = self.groups.setdefault(key, Group())
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
