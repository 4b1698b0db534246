"""One pass of the estimate over a log's rows, batch by batch of columns (lca.usage.columns):
per model the deployment read once and its rows calculated as columns
(lca.reading.bind.bind_columns), each row's figures added to its group's totals with numpy
(bincount), and per shared Monte Carlo draw too (docs/usage.md), where rows alike in every
input (model, hour, group, token counts, no measured energy) are calculated once and weighted
by their number: the same sum, fewer calculations.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from lca.engine import montecarlo as mc
from lca.estimator import Estimator
from lca.model.graph import calculate
from lca.model.traffic import busy_seconds_per_request
from lca.quantities import INDICATORS
from lca.reading.bind import bind_columns
from lca.units import SECONDS_PER_HOUR
from lca.usage.columns import Columns, check, hour_texts, pieces, time_codes, time_texts
from lca.usage.deployments import RATE, Deployments, with_traffic
from lca.usage.rows import TIME_GROUPS, TOKEN_COLUMNS, TOKEN_FIELDS

OUTPUTS = tuple(f"inference.per_request.{i}" for i in INDICATORS)
ENERGY_FIELD = "inference.energy_per_request"
MEAN_BUSY = "inference.hour_mean_busy_seconds"  # the hour's mean busy replica-seconds
RATIO = "inference.hour_mean_busy_ratio"  # the hour's mean busy time over the row's own
BUSY = "inference.replica.busy_seconds_per_request"
# what makes a deployment's profile a traffic one, left out for a row of measured energy
TRAFFIC_SETTINGS = ("requests_per_second", "replicas", "min_replicas", "max_replicas")
DEFAULT_CHUNK_ROWS = 32_768  # rows calculated at once: their arrays stay in cache (fastest here)
DEFAULT_SAMPLES = 200
MC_CELLS = 400_000  # draws x rows calculated at once in the Monte Carlo (bounds its memory)


class Totals:
    """The groups' running totals, in arrays indexed by group number: keys (text tuples),
    requests, token totals (groups, 2), indicator totals (groups, indicators) and, with draws,
    the totals at each shared draw (groups, indicators, samples)."""

    def __init__(self, samples: int) -> None:
        self.samples = samples
        self.keys: list[tuple[str, ...]] = []
        self.index: dict[tuple[str, ...], int] = {}
        self.requests = np.zeros(0, dtype=np.int64)
        self.tokens = np.zeros((0, 2))
        self.totals = np.zeros((0, len(OUTPUTS)))
        self.draws = np.zeros((0, len(OUTPUTS), samples)) if samples else None

    def numbers(self, keys: Sequence[tuple[str, ...]]) -> np.ndarray:
        """The group number of each key, new groups added."""
        numbers = []
        for key in keys:
            number = self.index.get(key)
            if number is None:
                number = self.index[key] = len(self.keys)
                self.keys.append(key)
            numbers.append(number)
        grown = len(self.index)
        if grown > len(self.requests):
            size = max(grown, 2 * len(self.requests))
            self.requests = _grow(self.requests, size)
            self.tokens, self.totals = _grow(self.tokens, size), _grow(self.totals, size)
            if self.draws is not None:
                self.draws = _grow(self.draws, size)
        return np.array(numbers, dtype=np.int64)

    def merge(self, other: Totals) -> None:
        """Add another run's groups (the same group_by and samples) to these."""
        numbers = self.numbers(other.keys)
        count = len(other.keys)
        self.requests[numbers] += other.requests[:count]
        self.tokens[numbers] += other.tokens[:count]
        self.totals[numbers] += other.totals[:count]
        if self.draws is not None and other.draws is not None:
            self.draws[numbers] += other.draws[:count]

    def result(self, group_by: Sequence[str]) -> list[dict]:
        """The groups, sorted by key: counts, and per indicator its total, low and high (5th
        and 95th percentiles over the draws, widened to include the total) and mean."""
        groups = []
        count = len(self.keys)
        bounds = (np.percentile(self.draws[:count], [mc.LOW_PERCENTILE, mc.HIGH_PERCENTILE],
                                axis=2) if self.draws is not None else None)  # (2, groups, 5)
        for key in sorted(self.keys):
            g = self.index[key]
            entry: dict[str, object] = dict(zip(group_by, key, strict=True))
            requests = int(self.requests[g])
            entry.update(requests=requests, input_tokens=float(self.tokens[g, 0]),
                         output_tokens=float(self.tokens[g, 1]))
            for j, indicator in enumerate(INDICATORS):
                total = float(self.totals[g, j])
                low = high = None
                if bounds is not None:
                    low = float(min(bounds[0, g, j], total))
                    high = float(max(bounds[1, g, j], total))
                entry[indicator] = {"total": total, "low": low, "high": high,
                                    "mean_per_request": total / requests}
            groups.append(entry)
        return groups


def _grow(array: np.ndarray, size: int) -> np.ndarray:
    grown = np.zeros((size, *array.shape[1:]), dtype=array.dtype)
    grown[:len(array)] = array
    return grown


Busy = dict[tuple[str, int], tuple[float, int]]
"""(model, hour since 1970) -> (busy replica-seconds summed over the hour's modelled rows,
those rows): what the hour's idle time is shared by (Run.busy)."""


class Run:
    """A log's groups, estimated batch by batch at the log's hourly rates ``counts``
    ((model, hour since 1970) -> requests of that model in that hour, over the whole log),
    each hour's idle replica time shared among its modelled rows by busy time where ``busy``
    gives the hour's busy time (Run.busy over the whole log; None: each row carries the idle
    time of its single estimate, as if its hour's requests were all like it)."""

    def __init__(self, estimator: Estimator, deployments: Deployments, group_by: list[str],
                 samples: int, seed: int, counts: Mapping[tuple[str, int], int],
                 busy: Mapping[tuple[str, int], tuple[float, int]] | None = None) -> None:
        self.estimator, self.deployments = estimator, deployments
        self.group_by, self.samples, self.seed = group_by, samples, seed
        self.totals = Totals(samples)
        self.readings: dict[tuple[str, bool], object] = {}
        self.rates: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.means: dict[str, np.ndarray] | None = None if busy is None else {}
        by_model: dict[str, list[tuple[int, int]]] = {}
        for (model, hour), count in counts.items():
            by_model.setdefault(model, []).append((hour, count))
        for model, pairs in by_model.items():
            pairs.sort()
            hours = np.array([h for h, _ in pairs], dtype=np.int64)
            self.rates[model] = (hours,
                                 np.array([c for _, c in pairs], dtype=float) / SECONDS_PER_HOUR)
            if busy is not None and self.means is not None:  # the hour's mean busy time
                sums = [busy.get((model, h), (np.nan, 1)) for h in hours.tolist()]
                self.means[model] = np.array([b / max(n, 1) for b, n in sums], dtype=float)

    def busy(self, columns: Columns, sums: Busy) -> None:
        """The busy pass: each modelled row's busy replica-seconds at its hour's rate (central
        values), summed per (model, hour) into ``sums`` with the number of such rows. Rows
        rejected, or of measured energy (no traffic mode), are left out."""
        for part in pieces(columns, DEFAULT_CHUNK_ROWS):
            valid, _ = check(part, self.deployments)
            rows = part.take(np.flatnonzero(valid)) if not valid.all() else part
            if not len(rows):
                continue
            codes, model_of = rows.model.codes, rows.model.values
            for code in np.unique(codes).tolist():
                mine = np.flatnonzero((codes == code) & np.isnan(rows.energy))
                if not len(mine):
                    continue
                model = str(model_of[code])
                inputs, invalid, _, _ = self._bind(model, False, rows, mine)
                busy = np.broadcast_to(np.asarray(busy_seconds_per_request(inputs), dtype=float),
                                       (len(mine),))
                kept = ~invalid
                hours = rows.hour[mine][kept]
                distinct, local = np.unique(hours, return_inverse=True)
                totals = np.bincount(local.reshape(-1), busy[kept], minlength=len(distinct))
                numbers = np.bincount(local.reshape(-1), minlength=len(distinct))
                for hour, b, n in zip(distinct.tolist(), totals.tolist(), numbers.tolist(),
                                      strict=True):
                    old_b, old_n = sums.get((model, hour), (0.0, 0))
                    sums[(model, hour)] = (old_b + b, old_n + n)

    def add(self, columns: Columns, reject: Callable[[int, str], None]) -> int:
        """Estimate a batch's rows and add them to their groups; reject the others (with
        their line and reason). Returns the number of rows estimated."""
        rejected: list[tuple[int, str]] = []
        done = sum(self._add(part, lambda line, reason: rejected.append((line, reason)))
                   for part in pieces(columns, DEFAULT_CHUNK_ROWS))
        for line, reason in sorted(rejected):  # in the order of the log's lines
            reject(line, reason)
        return done

    def _add(self, columns: Columns, reject: Callable[[int, str], None]) -> int:
        valid, rejects = check(columns, self.deployments)
        for line, reason in rejects:
            reject(line, reason)
        rows = columns.take(np.flatnonzero(valid)) if not valid.all() else columns
        if not len(rows):
            return 0
        central = np.zeros((len(OUTPUTS), len(rows)))
        keep = np.ones(len(rows), dtype=bool)
        model_of = np.array(rows.model.values, dtype=object)
        codes = rows.model.codes
        local, groups = self._groups(rows)
        draws = np.zeros((len(groups), len(OUTPUTS), self.samples)) if self.samples else None
        for code in np.unique(codes).tolist():
            name = str(model_of[code])
            for measured in (False, True):
                mine = np.flatnonzero((codes == code) & (np.isnan(rows.energy) != measured))
                if len(mine):
                    self._model(name, measured, rows, mine, central, keep, local, draws,
                                reject)
        local = np.where(keep, local, len(groups))  # rows a field check refused: no group
        size = len(groups) + 1
        totals = self.totals
        numbers = totals.numbers(groups)
        totals.requests[numbers] += np.bincount(local, minlength=size)[:-1]
        for j, tokens in enumerate((rows.input_tokens, rows.output_tokens)):
            totals.tokens[numbers, j] += np.bincount(local, tokens, minlength=size)[:-1]
        for j in range(len(OUTPUTS)):
            totals.totals[numbers, j] += np.bincount(local, central[j], minlength=size)[:-1]
        if draws is not None:
            totals.draws[numbers] += draws
        return int(keep.sum())

    def _groups(self, rows: Columns) -> tuple[np.ndarray, list[tuple[str, ...]]]:
        """Each row's group among the batch's groups, and their keys."""
        parts, names = [], []
        for name in self.group_by:
            if name == "model":
                parts.append(rows.model.codes)
                names.append(lambda c: rows.model.values[c])
            elif name in TIME_GROUPS:
                parts.append(time_codes(rows.hour, name))
                names.append(lambda c, name=name: c)  # named below, all at once
            else:
                tag = rows.tags[name]
                parts.append(tag.codes)
                names.append(lambda c, tag=tag: "" if c < 0 else tag.values[c])
        if not parts:
            return np.zeros(len(rows), dtype=np.int64), [()]
        distinct, local = _distinct(parts)
        columns = []
        for k, name in enumerate(self.group_by):
            if name in TIME_GROUPS:
                columns.append(time_texts(distinct[:, k], name))
            else:
                columns.append([names[k](c) for c in distinct[:, k].tolist()])
        return local.reshape(-1), list(zip(*columns, strict=True))

    def _reading(self, model: str, measured: bool) -> object:
        """The deployment of ``model`` read once (its plan is the same at any rate), with
        valid placeholders for what each row gives: token counts, and energy when measured."""
        key = (model, measured)
        if key not in self.readings:
            profile = self.deployments.models.get(model, self.deployments.default)
            assert profile is not None  # check rejected the others
            numbers = dict.fromkeys(TOKEN_COLUMNS, 1)
            if measured:  # the single estimate of a request of measured energy (no traffic)
                inference = {k: v for k, v in profile["inference"].items()
                             if k not in TRAFFIC_SETTINGS}
                self.readings[key] = self.estimator.read({**profile, "inference": {
                    **inference, **numbers, "energy_per_request": 1.0}})
            else:
                self.readings[key] = self.estimator.read(with_traffic(profile, 1.0, numbers))
        return self.readings[key]

    def _model(self, model: str, measured: bool, rows: Columns, mine: np.ndarray,
               central: np.ndarray, keep: np.ndarray, local: np.ndarray,
               draws: np.ndarray | None, reject: Callable[[int, str], None]) -> None:
        """One model's rows (``mine``) calculated as columns into ``central``; those a field
        check refuses rejected (``keep`` False); their draws summed per group into ``draws``."""
        reading = self._reading(model, measured)
        n = len(mine)
        inputs, invalid, errors, at = self._bind(model, measured, rows, mine)
        sharing = not measured and self.means is not None and model in self.means
        if sharing:  # the hour's idle time shared by busy time: the row's share is its busy
            # time over the hour's mean (lca.model.traffic.traffic_by_hour)
            inputs[MEAN_BUSY] = self.means[model][at]
        for index, problems in sorted(errors.items()):
            reject(int(rows.lines[mine[index]]),
                   "; ".join(f"{p['field']}: {p['message']}" for p in problems))
        keep[mine[invalid]] = False
        with np.errstate(all="ignore"):
            results = calculate(inputs)
        for j, o in enumerate(OUTPUTS):
            central[j, mine] = np.broadcast_to(np.asarray(results[o], dtype=float), (n,))
        if draws is not None and not invalid.all():
            if sharing:  # the sharing key fixed at central values: at each draw the row
                # carries the same share of its hour's idle time (docs/usage.md)
                with np.errstate(all="ignore"):
                    inputs[RATIO] = inputs[MEAN_BUSY] / np.broadcast_to(
                        np.asarray(results[BUSY], dtype=float), (n,))
            self._draws(reading, inputs, np.flatnonzero(~invalid), local[mine], measured,
                        draws)

    def _bind(self, model: str, measured: bool, rows: Columns, mine: np.ndarray
              ) -> tuple[dict, np.ndarray, dict, np.ndarray]:
        """The inputs of one model's rows ``mine`` bound as columns at their hours' rates:
        inputs, rows a field check refuses, their problems, each row's hour in self.rates."""
        reading = self._reading(model, measured)
        hours, rates = self.rates[model]
        at = np.searchsorted(hours, rows.hour[mine])
        assert np.all(hours[np.minimum(at, len(hours) - 1)] == rows.hour[mine]), "uncounted hour"
        columns = {TOKEN_FIELDS[c]: getattr(rows, c)[mine] for c in TOKEN_COLUMNS}
        if measured:
            columns[ENERGY_FIELD] = rows.energy[mine]
        inputs, invalid, errors = bind_columns(reading.plan, reading.inputs, columns, len(mine))
        if not measured:  # the rate is a traffic field, which a column may not vary in
            # general (it decides whether a profile is read in traffic mode); here every
            # modelled row is in traffic mode
            inputs[RATE] = rates[at]
        return inputs, invalid, errors, at

    def _draws(self, reading, inputs: Mapping[str, object], kept: np.ndarray,
               local: np.ndarray, measured: bool, draws: np.ndarray) -> None:
        """Each group's totals at every draw added to ``draws`` (groups, indicators,
        samples): the inputs with a range drawn (the same draws for every row of the log),
        the rows on a second axis; rows alike in every input calculated once, weighted."""
        s, n = self.samples, len(local)
        # the columns bound for these rows (and the inputs tied to them), not the plan's own
        per_row = [name for name, value in inputs.items() if isinstance(value, np.ndarray)
                   and value.shape == (n,) and value is not reading.inputs.get(name)]
        if measured:  # a measured energy is a row's own: no two rows are taken as alike
            first, weight = kept, np.ones(len(kept))
        else:
            table = np.stack([local[kept].astype(float)]
                             + [np.asarray(inputs[p], dtype=float)[kept] for p in per_row])
            _, first, weight = np.unique(table, axis=1, return_index=True,
                                         return_counts=True)
            first = kept[first]
        group = local[first]
        order = np.argsort(group, kind="stable")
        first, group, weight = first[order], group[order], weight[order].astype(float)
        drawn = {name: values[:, None]
                 for name, values in mc.drawn_inputs(reading.spreads, s, self.seed).items()}
        step = max(1, MC_CELLS // s)
        for start in range(0, len(first), step):
            part = first[start:start + step]
            x = {name: value[part][None, :] if name in per_row else value
                 for name, value in inputs.items()}
            x.update(drawn)
            with np.errstate(all="ignore"):
                results = calculate(x)
            mine = group[start:start + step]
            starts = np.flatnonzero(np.r_[True, mine[1:] != mine[:-1]])
            w = weight[start:start + step]
            for j, o in enumerate(OUTPUTS):
                values = np.broadcast_to(np.asarray(results[o], dtype=float), (s, len(part)))
                draws[mine[starts], j] += np.add.reduceat(values * w, starts, axis=1).T


def _distinct(parts: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of integer columns ``parts`` (sorted) and each row's number among
    them: the columns numbered as one mixed-radix key, counted in a table where the keys are
    few (a sort otherwise)."""
    lows = [int(p.min()) for p in parts]
    spans = [int(p.max()) - low + 1 for p, low in zip(parts, lows, strict=True)]
    key = np.zeros(len(parts[0]), dtype=np.int64)
    for p, low, span in zip(parts, lows, spans, strict=True):
        key = key * span + (p - low)
    size = int(np.prod(spans, dtype=float))
    if size <= max(1 << 20, 4 * len(key)):
        present = np.zeros(size, dtype=bool)
        present[key] = True
        keys = np.flatnonzero(present)
        number = np.cumsum(present) - 1
        local = number[key]
    else:
        keys, local = np.unique(key, return_inverse=True)
    distinct = np.empty((len(keys), len(parts)), dtype=np.int64)
    for k in range(len(parts) - 1, -1, -1):
        keys, digit = np.divmod(keys, spans[k])
        distinct[:, k] = digit + lows[k]
    return distinct, local.reshape(-1)


def counts_table(counts: Mapping[tuple[str, int], int]) -> list[tuple[str, str, int]]:
    """(model, ``YYYY-MM-DDTHH``, count) of hourly counts keyed by hour since 1970."""
    items = list(counts.items())
    texts = hour_texts(np.array([h for (_, h), _ in items], dtype=np.int64))
    return [(m, t, c) for ((m, _), c), t in zip(items, texts, strict=True)]
