"""Other tools' formats in and out: Hugging Face cards, CodeCarbon logs, CSV and a Markdown report.

Pure conversions between text or plain data and the profile and estimate of design/api.md; no file
is read or written here (the callers read files, and this module parses the text they hand over).

- In: ``card_block`` finds the ``co2_eq_emissions`` block in a model card's YAML metadata;
  ``huggingface_profile`` and ``codecarbon_profile`` turn that block, or the text of CodeCarbon's
  ``emissions.csv``, into a training profile with measured energy. Each returns
  ``{"profile", "assumptions", "warnings"}``: the profile, and what the conversion assumed, in the
  shapes the estimate uses. ``estimate_imported`` runs the estimate and adds those notes to it.
- Out: ``to_huggingface`` (a ``co2_eq_emissions`` block), ``to_csv`` (every figure, one per row),
  ``to_markdown`` (the disclosure report with the three reporting indicators of the Mistral AI /
  Carbone 4 / ADEME approach).

Errors in the input raise ``lca.errors.ProfileError`` listing ``{field, message}``, as an invalid
profile does, so the web layer renders them as a 422 and the command line prints each one.
"""

from __future__ import annotations

import contextlib
import csv
import io
import math
import re
from collections.abc import Iterator, Mapping, Sequence

import yaml

from lca.equivalences import ILLUSTRATION, equivalents
from lca.errors import FieldError, ProfileError
from lca.estimator import estimate
from lca.factors import FactorSet, load_factor_set
from lca.quantities import CANONICAL_UNITS, FIELDS, INDICATORS, Spec
from lca.units import conversion_factor

MAX_NAME_LENGTH = 200
REFERENCE_OUTPUT_TOKENS = 400
PLACEHOLDER_PARAMETERS = 1e9
EMISSIONS = Spec("gCO2e", 0, 1e13, "emissions of the run, grams CO2e", low_open=True)
CARD_TEXT_KEYS = ("source", "training_type", "geographical_location", "hardware_used")
MISTRAL_REFERENCE = ("Mistral AI, \"Our contribution to a global environmental standard for AI\", "
                     "2025")

# Free-text accelerator names (Hugging Face's hardware_used, CodeCarbon's gpu_model) to hardware
# ids, first match wins; an A100 whose memory is not stated is taken as the 40 GB card.
_HARDWARE_PATTERNS = (
    (r"h100.*pcie|pcie.*h100", "nvidia-h100-pcie"),
    (r"h100", "nvidia-h100-sxm"),
    (r"h200", "nvidia-h200"),
    (r"b200", "nvidia-b200"),
    (r"a100.*80\s*gb|80\s*gb.*a100", "nvidia-a100-80gb"),
    (r"a100", "nvidia-a100-40gb"),
    (r"v100", "nvidia-v100"),
    (r"p100", "nvidia-p100"),
    (r"\bt4\b", "nvidia-t4"),
    (r"\bl4\b", "nvidia-l4"),
    (r"tpu\W*v?5\s*e", "google-tpu-v5e"),
    (r"tpu\W*v?4", "google-tpu-v4"),
    (r"tpu\W*v?3", "google-tpu-v3"),
    (r"tpu\W*v?2", "google-tpu-v2"),
)
_COUNTRY_ALIASES = {"us": "USA", "u.s.": "USA", "u.s.a.": "USA", "united states of america": "USA",
                    "america": "USA", "uk": "GBR", "u.k.": "GBR", "great britain": "GBR",
                    "england": "GBR", "scotland": "GBR", "wales": "GBR", "korea": "KOR",
                    "republic of korea": "KOR", "czech republic": "CZE", "holland": "NLD",
                    "the netherlands": "NLD", "world": "WOR", "global": "WOR"}


class _Notes:
    """What a conversion assumed and warns about, in the estimate's own shapes."""

    def __init__(self) -> None:
        self.assumptions: list[dict] = []
        self.warnings: list[dict] = []

    def assume(self, field: str, value: object, why: str) -> None:
        self.assumptions.append({"field": field, "value": value, "why": why})

    def warn(self, code: str, message: str) -> None:
        self.warnings.append({"code": code, "message": message})

    def result(self, profile: dict) -> dict:
        return {"profile": profile, "assumptions": self.assumptions, "warnings": self.warnings}


# ---- YAML ----

class _Loader(yaml.SafeLoader):
    """yaml.safe_load with YAML 1.2 floats, so that 1e9 and 15e12 are numbers, as in JSON."""


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"))


def load_yaml(text: str, field: str = "yaml", line_offset: int = 0) -> object:
    """Parse YAML text safely (no object tags); ProfileError naming ``field`` and the line."""
    try:
        return yaml.load(text, Loader=_Loader)  # a SafeLoader subclass: no object tags
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" (line {mark.line + 1 + line_offset}, column {mark.column + 1})" if mark else ""
        problem = exc.problem or exc.context or "unreadable"
        raise ProfileError([{"field": field, "message": f"not valid YAML{where}: {problem}"}]
                           ) from None
    except (yaml.YAMLError, RecursionError) as exc:
        message = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise ProfileError([{"field": field, "message": f"not valid YAML: {message}"}]) from None


# ---- Hugging Face ----

def card_block(card: str) -> object:
    """The ``co2_eq_emissions`` value of a model card's metadata.

    ``card`` is a whole README.md (YAML front matter between ``---`` lines at the top), the front
    matter alone, or a YAML document that is the block itself. ProfileError (field ``card``) when
    the YAML is invalid or holds no such block.
    """
    text = card.lstrip("\ufeff")
    lines = text.splitlines()
    offset = 0
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
        if end is None:
            raise ProfileError([{"field": "card", "message": "the YAML front matter opened by "
                                 "'---' on line 1 is never closed by another '---'"}])
        text, offset = "\n".join(lines[1:end]), 1
    data = load_yaml(text, "card", offset)
    if isinstance(data, Mapping) and "co2_eq_emissions" in data:
        return data["co2_eq_emissions"]
    if isinstance(data, Mapping) and "emissions" in data:
        return data
    raise ProfileError([{"field": "card", "message": "no co2_eq_emissions block in the card's "
                         "metadata (the YAML front matter between '---' lines)"}])


def huggingface_profile(block: object, *, model: object = None,
                        factors: FactorSet | None = None) -> dict:
    """A training profile from a Hugging Face ``co2_eq_emissions`` block (see module doc).

    The block is ``{emissions, source, training_type, geographical_location, hardware_used}``
    with emissions in grams CO2e, or a bare number of grams. The method takes energy, not
    emissions, so the emissions are mapped to a measured *facility* energy on the grid of the
    card's location:

    - with no energy in the card (the documented keys have none): ``training.energy`` =
      emissions / the location's grid gwp (factor set pinned in the profile), so the estimate's
      operational training gwp is exactly the card's emissions;
    - with an ``energy`` key (an lca extension: kWh, or a string with a unit): that energy, and a
      grid override ``training.grid.gwp`` = emissions / energy, the intensity the card implies.

    Either way the round trip block -> profile -> estimate -> ``to_huggingface`` gives back the
    emissions. The location is read from free text ("Quebec, Canada", "europe-west4", "FRA"),
    else the world average with a warning; ``hardware_used`` is matched to a hardware id where it
    names a known accelerator. A card has no model size: ``model`` (a preset id or object) is
    used when given, else a placeholder that changes no training figure of a measured-energy
    estimate (stated in the assumptions). Emissions reported in kilograms by mistake cannot be
    detected. Raises ProfileError listing every wrong key.
    """
    fs = factors or load_factor_set()
    if isinstance(block, (int, float)) and not isinstance(block, bool):
        block = {"emissions": block}
    if not isinstance(block, Mapping):
        raise ProfileError([{"field": "co2_eq_emissions", "message": "expected a number of grams "
                             "or an object with emissions, source, training_type, "
                             "geographical_location, hardware_used"}])
    errors: list[dict] = []
    grams = _read(errors, EMISSIONS, block.get("emissions"), "co2_eq_emissions.emissions",
                  required=True)
    energy = _read(errors, FIELDS["training.energy"].spec, block.get("energy"),
                   "co2_eq_emissions.energy")
    texts: dict[str, str | None] = {}
    for key in CARD_TEXT_KEYS:
        value = block.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value) if isinstance(value, int) else f"{value:g}"
        if value is not None and not isinstance(value, str):
            errors.append({"field": f"co2_eq_emissions.{key}", "message": "expected text"})
            value = None
        texts[key] = value.strip()[:MAX_NAME_LENGTH] if value else None
    if grams is not None and energy is not None:
        _read(errors, FIELDS["training.grid.gwp"].spec, grams / 1000 / energy, "co2_eq_emissions",
              what="emissions / energy")
    if errors:
        raise ProfileError(errors)

    notes = _Notes()
    training: dict = {}
    zone = _locate(texts["geographical_location"], fs, training, notes,
                   "the card's geographical_location")
    _set_hardware(texts["hardware_used"], fs, training, notes, "the card's hardware_used")
    kg = grams / 1000.0
    if energy is None:
        grid = fs.get("zones", zone, "gwp").value
        training["energy"] = kg / grid
        notes.assume("training.energy", f"{kg / grid:.6g} kWh",
                     f"derived from the card's emissions: {grams:g} gCO2e / {grid:g} kgCO2e/kWh "
                     f"(grid of {zone}, factor set {fs.version}), taken as facility energy")
    else:
        training["energy"] = energy
        training["grid"] = {"gwp": kg / energy}
        notes.assume("training.grid.gwp", f"{kg / energy:.6g} kgCO2e/kWh",
                     "implied by the card: emissions / energy")
    training["energy_scope"] = "facility"
    details = ", ".join(t for t in (texts["training_type"], texts["source"] and
                                    f"source: {texts['source']}") if t)
    name = f"Hugging Face co2_eq_emissions: {grams:g} gCO2e" + (f" ({details})" if details
                                                                   else "")
    profile = {"name": name[:MAX_NAME_LENGTH], "factors_version": fs.version,
               "model": _model(model, notes, "a model card"), "training": training}
    return notes.result(profile)


def to_huggingface(result: Mapping, profile: Mapping | None = None, *,
                   training_type: str | None = None, source: str | None = None) -> dict:
    """The ``co2_eq_emissions`` block for an estimate's training phase.

    ``emissions`` is the *operational* training gwp in grams (electricity, as CodeCarbon and the
    ML CO2 Impact calculator measure it; the embodied share has no place in the block).
    ``geographical_location`` and ``hardware_used`` come from ``profile`` when it is given.
    ProfileError when the estimate has no training figure.
    """
    figure = (result.get("training") or {}).get("operational", {}).get("gwp") or {}
    if figure.get("value") is None:
        raise ProfileError([{"field": "training", "message": "the estimate has no training "
                             "emissions to report as co2_eq_emissions"}])
    versions = result.get("versions") or {}
    block: dict = {
        "emissions": figure["value"] * conversion_factor(figure["unit"], "gCO2e"),
        "source": source or (f"lca method {versions.get('method')}, factor set "
                             f"{versions.get('factors')}: operational emissions of training"),
    }
    if training_type:
        block["training_type"] = training_type
    training = (profile or {}).get("training") or {}
    if isinstance(training.get("location"), str):
        block["geographical_location"] = training["location"]
    if isinstance(training.get("hardware"), str):
        count = training.get("accelerator_count")
        block["hardware_used"] = (f"{count:g} x {training['hardware']}"
                                  if isinstance(count, (int, float)) else training["hardware"])
    return block


def to_card_yaml(block: Mapping) -> str:
    """``block`` as model-card front matter, ready to paste at the top of a README.md."""
    body = yaml.safe_dump({"co2_eq_emissions": dict(block)}, sort_keys=False,
                          allow_unicode=True)
    return f"---\n{body}---\n"


# ---- CodeCarbon ----

def codecarbon_profile(text: str, *, model: object = None,
                       factors: FactorSet | None = None) -> dict:
    """A measured-energy training profile from the text of CodeCarbon's ``emissions.csv``.

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
    reads too. Raises ProfileError (fields ``csv`` and ``csv.<column>``, messages naming lines).
    """
    fs = factors or load_factor_set()
    rows = _csv_rows(text)
    errors: list[dict] = []
    energy = facility_it = hours = emitted = 0.0
    pues: set[float] = set()
    for line, row in rows:
        e = _csv_number(errors, row, "energy_consumed", line, required=True)
        pue = _csv_number(errors, row, "pue", line) or 1.0
        duration = _csv_number(errors, row, "duration", line) or 0.0
        gpus = _csv_number(errors, row, "gpu_count", line) or 0.0
        emitted += _csv_number(errors, row, "emissions", line) or 0.0
        if pue < 1.0:
            errors.append({"field": "csv.pue", "message": f"line {line}: {pue:g} is below 1"})
        if e is None or pue < 1.0:
            continue
        energy += e
        facility_it += e / pue
        pues.add(pue)
        hours += gpus * duration / 3600.0
    countries = sorted({c for _, r in rows if (c := (r.get("country_iso_code") or "").strip())})
    if len(countries) > 1:
        errors.append({"field": "csv.country_iso_code", "message": f"rows from several countries "
                       f"({', '.join(countries)}): import each country's rows separately"})
    if errors:
        raise ProfileError(errors[:20])

    notes = _Notes()
    training: dict = {}
    _locate(_cloud_region(rows, fs) or (countries[0] if countries else None), fs, training,
            notes, "country_iso_code")
    models = sorted({m for _, r in rows if (m := (r.get("gpu_model") or "").strip())})
    if len(models) == 1:
        _set_hardware(models[0], fs, training, notes, "gpu_model")
    elif models:
        notes.warn("hardware-unrecognised", f"rows name several GPU models ({', '.join(models)}); "
                   "the default accelerator is used for the embodied share")
    else:
        notes.warn("no-gpu", "CodeCarbon recorded no GPU; the embodied share is that of the "
                   "default accelerator")
    training["energy"] = energy
    why = (f"sum of energy_consumed over {len(rows)} CodeCarbon row(s); CodeCarbon's own "
           f"estimate was {emitted:.6g} kgCO2e with its grid factor")
    if pues == {1.0}:
        training["energy_scope"] = "it"
        notes.assume("training.energy", f"{energy:.6g} kWh", why + "; hardware energy (CPU, GPU, "
                     "RAM), taken as IT energy, the data centre's PUE applied on top")
    else:
        pue = energy / facility_it
        training["energy_scope"] = "facility"
        training["datacenter"] = {"pue": pue}
        notes.assume("training.energy", f"{energy:.6g} kWh", why + f"; CodeCarbon had multiplied "
                     f"it by pue {pue:g}, so it is taken as facility energy at that PUE")
    if hours > 0:
        training["accelerator_hours"] = hours
        notes.assume("training.accelerator_hours", f"{hours:.6g} h", "gpu_count x duration "
                     "summed over the rows")
    project = next((p for _, r in rows if (p := (r.get("project_name") or "").strip())), None)
    name = f"CodeCarbon: {project or 'emissions.csv'}, {len(rows)} run(s)"
    profile = {"name": name[:MAX_NAME_LENGTH], "factors_version": fs.version,
               "model": _model(model, notes, "a CodeCarbon log"), "training": training}
    return notes.result(profile)


def estimate_imported(imported: Mapping, factors: FactorSet | None = None) -> dict:
    """``{"profile", "estimate"}``: the imported profile's estimate with the import's notes added.

    The conversion's assumptions and warnings come first in the estimate's lists.
    """
    result = estimate(imported["profile"], factors)
    result["assumptions"] = [*imported["assumptions"], *result["assumptions"]]
    result["warnings"] = [*imported["warnings"], *result["warnings"]]
    return {"profile": imported["profile"], "estimate": result}


# ---- CSV ----

CSV_COLUMNS = ("name", "key", "value", "unit", "low", "high")


def quantities(result: Mapping) -> Iterator[dict]:
    """Every figure of an estimate as ``{key, value, unit, low, high}``, in document order.

    ``key`` is the dotted path (``training.impacts.gwp``); shares and request counts, plain
    numbers in the estimate, have unit ``1``. Records (factors, assumptions, warnings) are left out.
    """
    def walk(node: object, path: str) -> Iterator[dict]:
        if isinstance(node, Mapping) and "value" in node and "unit" in node:
            yield {"key": path, "value": node["value"], "unit": node["unit"],
                   "low": node.get("low"), "high": node.get("high")}
        elif isinstance(node, Mapping):
            for key, child in node.items():
                yield from walk(child, f"{path}.{key}")
        elif isinstance(node, (int, float)) and not isinstance(node, bool):
            yield {"key": path, "value": node, "unit": "1", "low": None, "high": None}
        elif node is None and path.startswith("lifecycle."):
            yield {"key": path, "value": None, "unit": "1", "low": None, "high": None}

    for phase in ("training", "inference", "lifecycle"):
        if isinstance(result.get(phase), Mapping):
            yield from walk(result[phase], phase)


def to_csv(results: Mapping | Sequence[Mapping]) -> str:
    """One estimate, or several side by side, as CSV: one row per figure (``CSV_COLUMNS``)."""
    if isinstance(results, Mapping):
        results = [results]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for result in results:
        for row in quantities(result):
            writer.writerow({"name": result.get("name") or "", **{
                k: "" if v is None else v for k, v in row.items()}})
    return out.getvalue()


# ---- Markdown disclosure report ----

def to_markdown(result: Mapping) -> str:
    """The disclosure report of one estimate, as Markdown.

    The three reporting indicators of the Mistral AI / Carbone 4 / ADEME approach — training
    impacts, marginal impact of one inference of 400 output tokens (``inference.per_request``,
    with a note when the profiled request is not 400 tokens long), inference share of the
    lifecycle total — then totals, illustrations (labelled as such, with sources), method and
    factor versions, every factor with its source and year, the assumptions and the warnings.
    """
    versions = result.get("versions") or {}
    training, inference = result.get("training"), result.get("inference")
    lifecycle = result.get("lifecycle") or {}
    title = _cell(result.get("name") or "unnamed profile")
    out = [f"# Environmental footprint disclosure: {title}", "",
           f"Estimated with lca, method {versions.get('method')}, factor set "
           f"{versions.get('factors')}. The reporting follows the three indicators proposed with "
           "the life-cycle analysis of Mistral Large 2 by Mistral AI, Carbone 4 and ADEME "
           f"({MISTRAL_REFERENCE}). Values are central "
           "estimates; ranges are 5th-95th percentiles where the uncertainty was computed.",
           "", "## 1. Training impacts", ""]
    if training:
        out += _indicator_table({"total": training.get("impacts"),
                                 "operational": training.get("operational"),
                                 "embodied": training.get("embodied")})
        out += ["", f"Training path: `{training.get('path')}`."]
    else:
        out.append("Not estimated: the profile has no training section.")

    out += ["", f"## 2. Marginal impact of one inference ({REFERENCE_OUTPUT_TOKENS} output "
            "tokens)", ""]
    if inference:
        tokens = _output_tokens(inference)
        if tokens is not None and math.isclose(tokens, REFERENCE_OUTPUT_TOKENS, rel_tol=1e-6):
            out.append(f"One request of {REFERENCE_OUTPUT_TOKENS} output tokens, training not "
                       "included:")
        else:
            shown = "an unknown number of" if tokens is None else f"{tokens:.4g}"
            out.append(f"**Not the reference request**: these figures are for one request of "
                       f"{shown} output tokens, as profiled, not {REFERENCE_OUTPUT_TOKENS}; "
                       f"estimate again with `inference.output_tokens` = "
                       f"{REFERENCE_OUTPUT_TOKENS} for the reference figure. Training not "
                       "included:")
        out += ["", *_indicator_table({"per request": inference.get("per_request"),
                                        "per output token": inference.get("per_output_token")})]
        out += ["", f"Inference path: `{inference.get('path')}`."]
    else:
        out.append("Not estimated: the profile has no inference section.")

    out += ["", "## 3. Inference share of the lifecycle", ""]
    shares = lifecycle.get("shares")
    if shares:
        out += ["| indicator | inference | training |", "|---|---|---|"]
        out += [f"| {k} | {_percent(shares['inference'].get(k))} | "
                f"{_percent(shares['training'].get(k))} |" for k in INDICATORS]
        out += ["", f"Over {_fmt(inference.get('requests'))} requests:", ""]
        out += _indicator_table({"lifecycle total": lifecycle.get("total"),
                                 "inference total": inference.get("total"),
                                 "per request, training amortised": lifecycle.get("per_request")})
    else:
        out.append("Not computed: it needs a training section, an inference section and a request "
                   "volume (`requests`, or `requests_per_day` with `duration`).")

    out += ["", "## Illustrations", "", f"> {ILLUSTRATION}", "", *_illustrations(result)]
    out += ["", "## Method and versions", "",
            f"- Method version: {versions.get('method')}",
            f"- Factor set: {versions.get('factors')}",
            "- Indicators: energy (facility electricity, kWh), gwp (greenhouse gases, 100-year, "
            "kgCO2e), water (consumption, L), adpe (abiotic depletion, kg Sb eq), pe (primary "
            "energy, MJ)",
            "", "## Factors used", ""]
    out += _records(result.get("factors_used"), ("key", "value", "unit", "source", "year"),
                    "No factor recorded.")
    out += ["", "## Assumptions", ""]
    out += _records(result.get("assumptions"), ("field", "value", "why"), "None.")
    out += ["", "## Warnings", ""]
    out += _records(result.get("warnings"), ("code", "message"), "None.")
    return "\n".join(out) + "\n"


def _indicator_table(columns: Mapping[str, Mapping | None]) -> list[str]:
    present = {name: block for name, block in columns.items() if block}
    lines = ["| indicator | " + " | ".join(present) + " |",
             "|---|" + "---|" * len(present)]
    for k in INDICATORS:
        cells = [_quantity(block.get(k)) for block in present.values()]
        lines.append(f"| {k} | " + " | ".join(cells) + " |")
    return lines


def _illustrations(result: Mapping) -> list[str]:
    figures = (("training", ("training", "impacts")),
               ("one inference", ("inference", "per_request")),
               ("lifecycle total", ("lifecycle", "total")))
    lines: list[str] = []
    sources: dict[str, dict] = {}
    for label, (phase, block) in figures:
        values = ((result.get(phase) or {}).get(block)) or {}
        for indicator in ("gwp", "energy", "water"):
            q = values.get(indicator)
            if not q or q.get("value") is None:
                continue
            amount = q["value"] * conversion_factor(q["unit"], CANONICAL_UNITS[indicator])
            for e in equivalents(indicator, amount):
                lines.append(f"- {label}, {indicator} {_fmt(q['value'])} {q['unit']}: about "
                             f"{_fmt(e['count'])} {e['label']}")
                sources[e["key"]] = e
    if not lines:
        return ["No figure to illustrate."]
    lines += ["", "Sources of the illustrations:", ""]
    lines += [f"- {e['label']}: {_fmt(e['value'])} {e['unit']} per {e['item']}; "
              f"{e['source']} ({e['year']}). {e['note']}" for e in sources.values()]
    return lines


def _records(rows: Sequence[Mapping] | None, columns: tuple[str, ...], empty: str) -> list[str]:
    if not rows:
        return [empty]
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_cell(row.get(c)) for c in columns) + " |" for row in rows]
    return lines


def _output_tokens(inference: Mapping) -> float | None:
    """Output tokens of the profiled request: per-request energy / per-output-token energy."""
    per_request = (inference.get("per_request") or {}).get("energy") or {}
    per_token = (inference.get("per_output_token") or {}).get("energy") or {}
    if not per_request.get("value") or not per_token.get("value"):
        return None
    return per_request["value"] / per_token["value"]


def _quantity(q: Mapping | None) -> str:
    if not q or q.get("value") is None:
        return "n/a"
    text = f"{_fmt(q['value'])} {q['unit']}"
    if q.get("low") is not None and q.get("high") is not None:
        text += f" ({_fmt(q['low'])} to {_fmt(q['high'])})"
    return text


def _fmt(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "n/a" if value is None else str(value)
    return f"{value:.4g}"


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.3g} %"


def _cell(value: object) -> str:
    text = _fmt(value) if isinstance(value, float) else "" if value is None else str(value)
    return text.replace("|", "\\|").replace("\r", " ").replace("\n", " ")


# ---- shared helpers of the imports ----

def _read(errors: list[dict], spec: Spec, raw: object, field: str, required: bool = False,
          what: str | None = None) -> float | None:
    """``raw`` read by ``spec``, or None (absent, or wrong: the error is added to ``errors``)."""
    if raw is None:
        if required:
            errors.append({"field": field, "message": f"required: {spec.doc}"})
        return None
    if isinstance(raw, str):
        with contextlib.suppress(ValueError):
            raw = float(raw)  # a bare number in quotes, in the spec's unit
    try:
        return spec.read(raw, field)
    except FieldError as exc:
        message = f"{what}: {exc.message}" if what else exc.message
        errors.append({"field": exc.field, "message": message})
        return None


def _locate(text: str | None, fs: FactorSet, training: dict, notes: _Notes, origin: str) -> str:
    """Set ``training.location`` from free text and return the grid zone used."""
    found = _location(text, fs) if text else None
    if found is None:
        training["location"] = fs.defaults["zone"]
        why = (f"{origin} {text!r} names no known zone or cloud region" if text
               else f"no {origin}")
        notes.warn("location-unrecognised", f"training: {why}; the world-average grid is used")
        return fs.defaults["zone"]
    training["location"] = found
    if text != found:
        notes.assume("training.location", found, f"read from {origin} {text!r}")
    if found in fs.regions:
        return fs.regions[found].zone
    return found


def _location(text: str, fs: FactorSet) -> str | None:
    """A zone or region id for free text: an id, a bare cloud region, a country name or code."""
    lowered = text.strip().lower()
    if lowered in fs.regions:
        return lowered
    regions = [r for r in fs.regions if r.split(":", 1)[1] == lowered]
    if len(regions) == 1:
        return regions[0]
    labels = {label.lower(): key for key, label in fs.tables["zones"].labels.items()}
    parts = [p.strip() for p in re.split(r"[,;/()]", lowered) if p.strip()]
    for part in reversed(parts):
        for candidate in (part.upper(), labels.get(part), _COUNTRY_ALIASES.get(part)):
            if candidate and fs.has("zones", candidate):
                return candidate
    for label in sorted(labels, key=len, reverse=True):
        if re.search(rf"\b{re.escape(label)}\b", lowered):
            return labels[label]
    return None


def _set_hardware(text: str | None, fs: FactorSet, training: dict, notes: _Notes, origin: str
                  ) -> None:
    """Set ``training.hardware`` when ``text`` names a known accelerator, else say so."""
    if not text:
        return
    lowered = text.strip().lower()
    found = lowered if fs.has("hardware", lowered) else next(
        (hw for pattern, hw in _HARDWARE_PATTERNS
         if re.search(pattern, lowered) and fs.has("hardware", hw)), None)
    if found is None:
        notes.warn("hardware-unrecognised", f"training: {origin} {text!r} is no known "
                   "accelerator; the default one is used for the embodied share")
        return
    training["hardware"] = found
    if found != lowered:
        notes.assume("training.hardware", found, f"read from {origin} {text!r}")


def _model(model: object, notes: _Notes, what: str) -> object:
    if model is not None:
        return model
    notes.assume("model.parameters", PLACEHOLDER_PARAMETERS,
                 f"placeholder: {what} gives no model size; it changes no training figure of a "
                 "measured-energy estimate (give the model to estimate inference)")
    return {"parameters": PLACEHOLDER_PARAMETERS}


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
