"""Free-text places and accelerators of other tools' records, matched to factor-set ids.

Model cards and CodeCarbon logs name a location ("Quebec, Canada", "europe-west4", "FRA") and an
accelerator ("NVIDIA A100-SXM4-40GB") in free text. ``match_location`` and ``match_hardware``
find the zone, cloud region or hardware id such a text names; ``locate`` and ``set_hardware``
put the match in a training section and note what was read or could not be.
"""

from __future__ import annotations

import re

from lca.factors import FactorSet
from lca.interchange.notes import Notes

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
# Country names and codes people write that are neither a zone id nor a zone's label.
_COUNTRY_ALIASES = {"us": "USA", "u.s.": "USA", "u.s.a.": "USA", "united states of america": "USA",
                    "america": "USA", "uk": "GBR", "u.k.": "GBR", "great britain": "GBR",
                    "england": "GBR", "scotland": "GBR", "wales": "GBR", "korea": "KOR",
                    "republic of korea": "KOR", "czech republic": "CZE", "holland": "NLD",
                    "the netherlands": "NLD", "world": "WOR", "global": "WOR"}


def match_location(text: str, fs: FactorSet) -> str | None:
    """The zone or region id ``text`` names, or None.

    Tried in turn: a region id, a bare cloud region naming one region, then the comma-separated
    parts of the text from the last (a zone id, a zone's label or a common country name), then a
    zone's label anywhere in the text, longest label first.
    """
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


def match_hardware(text: str, fs: FactorSet) -> str | None:
    """The hardware id ``text`` names (the id itself, or a known accelerator's name), or None."""
    lowered = text.strip().lower()
    if fs.has("hardware", lowered):
        return lowered
    return next((hw for pattern, hw in _HARDWARE_PATTERNS
                 if re.search(pattern, lowered) and fs.has("hardware", hw)), None)


def locate(text: str | None, fs: FactorSet, training: dict, notes: Notes, origin: str) -> str:
    """Set ``training.location`` from free text and return the grid zone used.

    No text, or none that names a known place: the factor set's default zone (the world
    average), with a warning. ``origin`` says where the text came from, for the notes.
    """
    found = match_location(text, fs) if text else None
    if found is None:
        training["location"] = fs.defaults["zone"]
        why = (f"{origin} {text!r} names no known zone or cloud region" if text
               else f"{origin} is not given")
        notes.warn("location-unrecognised", f"training: {why}; the world-average grid is used")
        return fs.defaults["zone"]
    training["location"] = found
    if text != found:
        notes.assume("training.location", found, f"read from {origin} {text!r}")
    if found in fs.regions:
        return fs.regions[found].zone
    return found


def set_hardware(text: str | None, fs: FactorSet, training: dict, notes: Notes, origin: str
                 ) -> None:
    """Set ``training.hardware`` when ``text`` names a known accelerator, else say so."""
    if not text:
        return
    found = match_hardware(text, fs)
    if found is None:
        notes.warn("hardware-unrecognised", f"training: {origin} {text!r} is no known "
                   "accelerator; the default one is used for the embodied share")
        return
    training["hardware"] = found
    if found != text.strip().lower():
        notes.assume("training.hardware", found, f"read from {origin} {text!r}")
