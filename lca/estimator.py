"""The Estimator: a factor repository and the plans made from it, and every way to estimate.

An Estimator is built once by the caller (the API when the app is created, the command line per
run, a library user at will) from a FactorRepository, and holds the caches of the reading: the
plans of the shapes it has seen, and the sections they were made of (lca.reading.plan). Every
entry point is the same three steps: read (plan the shape, bind the numbers), calculate
(lca.model.graph), report (lca.report.response), with the Monte Carlo (lca.engine.montecarlo)
when asked.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable, Mapping

from lca.engine import montecarlo
from lca.errors import ProfileError, UnknownFactorSetError, out_of_range
from lca.factors import FactorRepository, FactorSet
from lca.method import DEFAULT_SAMPLES, DEFAULT_SEED, HIGH_PERCENTILE, LOW_PERCENTILE
from lca.model.graph import calculate
from lca.quantities import declared, quantity_paths
from lca.reading import Reading
from lca.reading.bind import bind, read_numbers
from lca.reading.options import read_options
from lca.reading.plan import Plan, SectionPlans, make_plan
from lca.reading.shape import Shape, split
from lca.report.response import render
from lca.xp import Array

PLAN_CACHE_SIZE = 512  # plans of ~20 kB: 10 MB at most; traffic repeats a few shapes


class Estimator:
    """Estimates profiles against the factor sets of ``repository`` (module doc)."""

    def __init__(self, repository: FactorRepository | None = None,
                 plan_cache_size: int = PLAN_CACHE_SIZE) -> None:
        self.repository = repository if repository is not None else FactorRepository()
        self._plans: OrderedDict[Hashable, Plan] = OrderedDict()
        self._plan_cache_size = plan_cache_size
        self._sections = SectionPlans(plan_cache_size)

    # --- reading

    def factor_set(self, version: object) -> FactorSet:
        """The factor set a profile pins (the newest when None); ProfileError if unknown."""
        try:
            return self.repository.get(version)  # type: ignore[arg-type]
        except UnknownFactorSetError:
            known = ", ".join(self.repository.versions)
            message = (f"unknown factor set {version!r}; available: {known}"
                       if isinstance(version, str) else
                       f"expected a version string, one of {known}; got {version!r} "
                       f"(a {type(version).__name__}): write it in quotes")
            raise ProfileError([{"field": "factors_version", "message": message}]) from None

    def plan(self, shape: Shape, factors: FactorSet) -> Plan:
        """The plan of ``shape`` (kept for the next profile of that shape)."""
        if shape.key is None:
            return make_plan(shape, factors, self._sections)
        key = (factors.version, declared(), shape.key)
        found = self._plans.get(key)
        if found is not None and found.factors is factors:
            self._plans.move_to_end(key)
            return found
        found = make_plan(shape, factors, self._sections)
        self._plans[key] = found
        if len(self._plans) > self._plan_cache_size:
            self._plans.popitem(last=False)
        return found

    def read(self, profile: object) -> Reading:
        """Validate ``profile`` and read it into inputs; ProfileError lists every wrong field."""
        if not isinstance(profile, Mapping):
            raise ProfileError([{"field": "", "message": "a profile must be a JSON object"}])
        factors = self.factor_set(profile.get("factors_version"))
        option_errors: list[dict] = []
        name, units, uncertainty = read_options(profile, option_errors)
        shape, numbers = split(profile)
        try:
            plan = self.plan(shape, factors)
        except ProfileError as error:
            unread = read_numbers(numbers)[1]
            raise ProfileError(in_profile_order(error.errors + unread + option_errors)) from None
        inputs, spreads, errors = bind(plan, numbers)
        if errors or option_errors:
            raise ProfileError(in_profile_order(errors + option_errors))
        return Reading(name, plan, inputs, spreads, units, uncertainty,
                       uncertainty_explicit=profile.get("uncertainty") not in (None, False))

    # --- estimating

    def estimate(self, profile: object, *, uncertainty_by_default: bool = True,
                 provenance: bool = True) -> dict:
        """The estimate of one profile, as the response of POST /v1/estimates.

        The Monte Carlo runs unless the profile says ``"uncertainty": false`` (or, with
        ``uncertainty_by_default=False``, unless the profile asks for it).
        """
        reading = self.read(profile)
        return self.report(reading, figures(reading), uncertainty_by_default, provenance)

    def report(self, reading: Reading, out: Mapping[str, Array], by_default: bool = True,
               provenance: bool = True) -> dict:
        """The response for a reading and its figures, with the Monte Carlo when it is due."""
        options = reading.uncertainty
        if options is None or (not by_default and not reading.uncertainty_explicit):
            return render(reading, out, provenance=provenance)
        run = montecarlo.simulate(reading, options.get("samples", DEFAULT_SAMPLES),
                                  options.get("seed", DEFAULT_SEED))
        return with_monte_carlo(reading, out, run, provenance)


def figures(reading: Reading) -> dict[str, float]:
    """The central figures of one reading; an overflow is the profile's error."""
    try:
        return calculate(reading.inputs)
    except ArithmeticError:
        raise out_of_range() from None


def with_monte_carlo(reading: Reading, out: Mapping[str, Array], run: montecarlo.MonteCarlo,
                     provenance: bool = True) -> dict:
    """The response with the low, high and drivers of a finished Monte Carlo ``run``."""
    # low and high are shown on quantities only, not on bare numbers (shares, counts)
    shown = {path: value for path, value in out.items() if path in quantity_paths()}
    result = render(reading, out, montecarlo.bounds(run, shown), provenance)
    result["uncertainty"] = {"samples": run.samples, "seed": run.seed,
                             "percentiles": [LOW_PERCENTILE, HIGH_PERCENTILE],
                             "inputs": len(run.quantiles),
                             "drivers": montecarlo.drivers(run, reading)}
    return result


_ORDER = {name: rank for rank, name in enumerate(
    ("name", "model", "hardware_lifetime", "", "training", "inference", "units", "uncertainty"))}


def in_profile_order(errors: list[dict[str, str]]) -> list[dict[str, str]]:
    """Errors sorted by the section they concern, in the order a profile is read (stable)."""
    return sorted(errors, key=lambda e: _ORDER.get(e["field"].split(".")[0], len(_ORDER)))


_DEFAULT: dict[str, Estimator] = {}


def default_estimator() -> Estimator:
    """An Estimator over the packaged factor sets, made on first use (for library callers)."""
    if "packaged" not in _DEFAULT:
        _DEFAULT["packaged"] = Estimator()
    return _DEFAULT["packaged"]


_FOR_SETS: OrderedDict[int, tuple[FactorSet, Estimator]] = OrderedDict()


def estimator_for(factors: FactorSet | Estimator | None) -> Estimator:
    """The Estimator of a library call: ``factors`` itself if an Estimator, the default one for
    None, else one whose repository holds the packaged sets with ``factors`` as the default."""
    if isinstance(factors, Estimator):
        return factors
    if factors is None:
        return default_estimator()
    found = _FOR_SETS.get(id(factors))
    if found is None or found[0] is not factors:
        sets = {v: s for v, s in default_estimator().repository.sets.items()
                if v != factors.version}
        repository = FactorRepository(sets={**sets, factors.version: factors})
        found = (factors, Estimator(repository))
        _FOR_SETS[id(factors)] = found
        if len(_FOR_SETS) > 8:
            _FOR_SETS.popitem(last=False)
    return found[1]


def estimate(profile: object, factors: FactorSet | Estimator | None = None, *,
             uncertainty_by_default: bool = True) -> dict:
    """Estimate one profile and return the response of POST /v1/estimates as plain data.

    ``factors`` is the factor set to use when the profile pins none (an Estimator also serves);
    the packaged sets by default. Raises lca.errors.ProfileError listing every wrong field.
    """
    return estimator_for(factors).estimate(profile, uncertainty_by_default=uncertainty_by_default)


def read(profile: object, factors: FactorSet | Estimator | None = None) -> Reading:
    """Read one profile into the inputs of lca.model.graph.calculate (lca.reading.Reading);
    ProfileError lists every wrong field."""
    return estimator_for(factors).read(profile)
