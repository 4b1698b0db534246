"""Other tools' formats, in and out: Hugging Face model cards, CodeCarbon logs, YAML profiles.

Pure conversions between text or plain data and a profile or an estimate (lca.estimate); no
file is read or written here (the callers read files and hand over their text), and no factor
set is loaded here (the callers pass theirs).

- ``yamlio``: ``load_yaml``, YAML read as JSON would read it.
- ``huggingface``: ``card_block`` and ``huggingface_profile`` (a card's ``co2_eq_emissions`` in),
  ``to_huggingface`` and ``to_card_yaml`` (the block out).
- ``codecarbon``: ``codecarbon_profile`` (CodeCarbon's ``emissions.csv`` in).
- ``notes``: ``estimate_imported``, an imported profile's estimate with what the import assumed.
- ``matching``: free-text places and accelerators matched to factor-set ids.

An importer returns ``{"profile", "assumptions", "warnings"}``. Errors in the input raise
``lca.errors.ProfileError`` listing ``{field, message}``, as an invalid profile does, so the web
layer renders them as a 422 and the command line prints each one.
"""

from lca.interchange.codecarbon import codecarbon_profile
from lca.interchange.huggingface import (
           card_block,
           huggingface_profile,
           to_card_yaml,
           to_huggingface,
)
from lca.interchange.notes import estimate_imported
from lca.interchange.yamlio import load_yaml

__all__ = ["card_block", "codecarbon_profile", "estimate_imported", "huggingface_profile",
           "load_yaml", "to_card_yaml", "to_huggingface"]
