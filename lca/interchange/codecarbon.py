"""CodeCarbon's ``emissions.csv``, read into a training profile with measured energy.

``codecarbon_profile`` sums the rows' energy and reads where and on what they ran; the text is
handed over by the caller (no file is read here).
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from lca.errors import ProfileError
from lca.factors import FactorSet
from lca.interchange.matching import locate, set_hardware
from lca.interchange.notes import Notes, model_or_placeholder
from lca.quantities import MAX_NAME_LENGTH
from lca.units import conversion_factor

SECONDS_PER_HOUR = conversion_factor("h", "s")  # CodeCarbon logs durations in seconds
MAX_ERRORS = 20  # a broken log of thousands of rows is reported by its first errors, not all


def codecarbon_profile(text: str, *, factors: FactorSet, model: object = None) -> dict:
    """A measured-energy training profile from the text of CodeCarbon's ``emissions.csv``.

    Read with ``factors`` (the zones, regions and hardware the free text is matched to):

    - ``energy_consumed`` (kWh) summed over the rows -> ``training.energy``. CodeCarbon measures
      the hardware (CPU, GPU, RAM) and multiplies by its ``pue`` setting: with ``pue`` 1 (its
      default) the sum is taken as IT energy and the data centre's PUE applies on top; otherwise it
      is facility energy at the energy-weighted PUE of the rows, which the profile keeps.
    - ``country_iso_code`` -> ``training.location`` (a known ``cloud_provider:cloud_region`` is
      preferred, as it also names the data centre); none or unknown: the world average, with a
      warning. Rows from several countries are refused: import them one country at a time.
    - ``gpu_count`` x ``duration`` (s) -> ``training.accelerator_hours`` where a GPU was seen;
      ``gpu_model`` -> ``training.hardware`` where it names a known accelerator.

    Only ``energy_consumed`` is required, so the shorter header of older CodeCarbon versions
    reads too. Returns ``{"profile", "assumptions", "warnings"}``; raises ProfileError (fields
    ``csv`` and ``csv.<column>``, messages naming lines).
    """
    rows = _csv_rows(text)
    totals = _Totals.of(rows)
    notes = Notes()
    training: dict = {}
    locate(_cloud_region(rows, factors) or (totals.countries[0] if totals.countries else None),
           factors, training, notes, "country_iso_code")
    _set_gpu_model(rows, factors, training, notes)
    _set_energy(training, notes, totals, len(rows))
    project = next((p for _, r in rows if (p := (r.get("project_name") or "").strip())), None)
    name = f"CodeCarbon: {project or 'emissions.csv'}, {len(rows)} run(s)"
    profile = {"name": name[:MAX_NAME_LENGTH], "factors_version": factors.version,
               "model": model_or_placeholder(model, notes, "a CodeCarbon log"),
               "training": training}
    return notes.result(profile)


@dataclass
class _Totals:
    """What the rows add up to: energy (kWh, as logged and divided by each row's PUE), GPU
    hours, CodeCarbon's own emissions (kgCO2e), the PUEs and countries seen."""

    energy: float = 0.0
    it_energy: float = 0.0
    hours: float = 0.0
    emitted: float = 0.0
    pues: set[float] = field(default_factory=set)
    countries: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, rows: Sequence[tuple[int, Mapping]]) -> _Totals:
        """The totals of numbered rows; ProfileError listing the first errors."""
        totals, errors = cls(), []
        for line, row in rows:
            e = _csv_number(errors, row, "energy_consumed", line, required=True)
            pue = _csv_number(errors, row, "pue", line) or 1.0
            duration = _csv_number(errors, row, "duration", line) or 0.0
            gpus = _csv_number(errors, row, "gpu_count", line) or 0.0
            totals.emitted += _csv_number(errors, row, "emissions", line) or 0.0
            if pue < 1.0:
                errors.append({"field": "csv.pue", "message": f"line {line}: {pue:g} is below 1"})
            if e is None or pue < 1.0:
                continue
            totals.energy += e
            totals.it_energy += e / pue
            totals.pues.add(pue)
            totals.hours += gpus * duration / SECONDS_PER_HOUR
        totals.countries = sorted({c for _, r in rows
                                   if (c := (r.get("country_iso_code") or "").strip())})
        if len(totals.countries) > 1:
            errors.append({"field": "csv.country_iso_code", "message": "rows from several "
                           f"countries ({', '.join(totals.countries)}): import each country's "
                           "rows separately"})
        if errors:
            raise ProfileError(errors[:MAX_ERRORS])
        return totals


def _set_gpu_model(rows: Sequence[tuple[int, Mapping]], fs: FactorSet, training: dict,
                   notes: Notes) -> None:
    """``training.hardware`` from the one GPU model the rows name, else a warning."""
    models = sorted({m for _, r in rows if (m := (r.get("gpu_model") or "").strip())})
    if len(models) == 1:
        set_hardware(models[0], fs, training, notes, "gpu_model")
    elif models:
        notes.warn("hardware-unrecognised", f"rows name several GPU models ({', '.join(models)}); "
                   "the default accelerator is used for the embodied share")
    else:
        notes.warn("no-gpu", "CodeCarbon recorded no GPU; the embodied share is that of the "
                   "default accelerator")


def _set_energy(training: dict, notes: Notes, totals: _Totals, runs: int) -> None:
    """The summed energy, as IT energy (CodeCarbon's pue 1) or facility energy at its PUE, and
    the accelerator-hours when a GPU was seen."""
    training["energy"] = totals.energy
    why = (f"sum of energy_consumed over {runs} CodeCarbon row(s); CodeCarbon's own "
           f"estimate was {totals.emitted:.6g} kgCO2e with its grid factor")
    if totals.pues == {1.0}:
        training["energy_scope"] = "it"
        notes.assume("training.energy", f"{totals.energy:.6g} kWh", why + "; hardware energy "
                     "(CPU, GPU, RAM), taken as IT energy, the data centre's PUE applied on top")
    else:
        pue = totals.energy / totals.it_energy
        training["energy_scope"] = "facility"
        training["datacenter"] = {"pue": pue}
        notes.assume("training.energy", f"{totals.energy:.6g} kWh", why + "; CodeCarbon had "
                     f"multiplied it by pue {pue:g}, so it is taken as facility energy at that PUE")
    if totals.hours > 0:
        training["accelerator_hours"] = totals.hours
        notes.assume("training.accelerator_hours", f"{totals.hours:.6g} h", "gpu_count x "
                     "duration summed over the rows")


def _csv_rows(text: str) -> list[tuple[int, dict[str, str]]]:
    """Non-empty data rows of a CSV text with their line numbers; ProfileError when unusable."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise ProfileError([{"field": "csv", "message": "empty: expected CodeCarbon's "
                             "emissions.csv, a header line and at least one row"}])
    reader = csv.DictReader(io.StringIO(text))
    try:
        header = reader.fieldnames or []
        if "energy_consumed" not in header:
            shown = ",".join(header)[:80]
            raise ProfileError([{"field": "csv", "message": "no energy_consumed column: is this "
                                 f"CodeCarbon's emissions.csv? header: {shown!r}"}])
        rows = [(reader.line_num, row) for row in reader
                if any((v or "").strip() for v in row.values() if isinstance(v, str))]
    except csv.Error as exc:
        raise ProfileError([{"field": "csv", "message": f"not readable CSV (line "
                             f"{reader.line_num}): {exc}"}]) from None
    if not rows:
        raise ProfileError([{"field": "csv", "message": "no data rows below the header"}])
    return rows


def _csv_number(errors: list[dict], row: Mapping, column: str, line: int,
                required: bool = False) -> float | None:
    """A finite number >= 0 in ``column``, or None (empty, or wrong: the error is added)."""
    raw = (row.get(column) or "").strip() if isinstance(row.get(column), str) else ""
    if not raw:
        if required:
            errors.append({"field": f"csv.{column}", "message": f"line {line}: empty"})
        return None
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        errors.append({"field": f"csv.{column}", "message": f"line {line}: {raw[:40]!r} is not "
                       "a finite number >= 0"})
        return None
    return value


def _cloud_region(rows: Sequence[tuple[int, Mapping]], fs: FactorSet) -> str | None:
    """The one ``provider:region`` all cloud rows name, when the factor set knows it."""
    found = {f"{(r.get('cloud_provider') or '').strip().lower()}:"
             f"{(r.get('cloud_region') or '').strip().lower()}" for _, r in rows}
    if len(found) == 1 and (region := found.pop()) in fs.regions:
        return region
    return None
