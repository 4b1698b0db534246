"""Hugging Face model cards' ``co2_eq_emissions`` metadata, in and out.

- In: ``card_block`` finds the block in a card's YAML front matter; ``huggingface_profile`` turns
  it into a training profile with measured facility energy.
- Out: ``to_huggingface`` makes the block from an estimate's training phase; ``to_card_yaml``
  writes it as front matter to paste into a card.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping

import yaml

from lca.errors import FieldError, ProfileError
from lca.factors import FactorSet
from lca.interchange.matching import locate, set_hardware
from lca.interchange.notes import Notes, model_or_placeholder
from lca.interchange.yamlio import load_yaml
from lca.quantities import FIELDS, MAX_NAME_LENGTH, Spec
from lca.units import conversion_factor

EMISSIONS = Spec("gCO2e", 0, 1e13, "emissions of the run, grams CO2e", low_open=True)
GRAMS_PER_KG = conversion_factor("kgCO2e", "gCO2e")  # cards give grams, factors use kg
CARD_TEXT_KEYS = ("source", "training_type", "geographical_location", "hardware_used")


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


def huggingface_profile(block: object, *, factors: FactorSet, model: object = None) -> dict:
    """A training profile from a Hugging Face ``co2_eq_emissions`` block, read with ``factors``.

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
    detected. Returns ``{"profile", "assumptions", "warnings"}``; raises ProfileError listing
    every wrong key.
    """
    grams, energy, texts = _read_block(block)
    notes = Notes()
    training: dict = {}
    zone = locate(texts["geographical_location"], factors, training, notes,
                  "the card's geographical_location")
    set_hardware(texts["hardware_used"], factors, training, notes, "the card's hardware_used")
    _set_energy(training, notes, grams, energy, zone, factors)
    profile = {"name": _name(grams, texts), "factors_version": factors.version,
               "model": model_or_placeholder(model, notes, "a model card"), "training": training}
    return notes.result(profile)


def _read_block(block: object) -> tuple[float, float | None, dict[str, str | None]]:
    """The block's grams CO2e, energy (kWh, or None) and texts; ProfileError listing every error."""
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
    texts = {key: _text(errors, block.get(key), key) for key in CARD_TEXT_KEYS}
    if grams is not None and energy is not None:
        _read(errors, FIELDS["training.grid.gwp"].spec, grams / GRAMS_PER_KG / energy,
              "co2_eq_emissions", what="emissions / energy")
    if errors:
        raise ProfileError(errors)
    assert grams is not None  # required: a missing value is an error above
    return grams, energy, texts


def _text(errors: list[dict], value: object, key: str) -> str | None:
    """A text key of the block, trimmed (a number is taken as its text); None when absent."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value) if isinstance(value, int) else f"{value:g}"
    if value is not None and not isinstance(value, str):
        errors.append({"field": f"co2_eq_emissions.{key}", "message": "expected text"})
        return None
    return value.strip()[:MAX_NAME_LENGTH] if value else None


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


def _set_energy(training: dict, notes: Notes, grams: float, energy: float | None, zone: str,
                fs: FactorSet) -> None:
    """Facility energy for the card's emissions: derived from the zone's grid, or the card's
    own energy with the grid intensity the two imply."""
    kg = grams / GRAMS_PER_KG
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


def _name(grams: float, texts: Mapping[str, str | None]) -> str:
    """The imported profile's name: the emissions, the training type and the source."""
    details = ", ".join(t for t in (texts["training_type"], texts["source"] and
                                    f"source: {texts['source']}") if t)
    name = f"Hugging Face co2_eq_emissions: {grams:g} gCO2e" + (f" ({details})" if details
                                                                   else "")
    return name[:MAX_NAME_LENGTH]


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
