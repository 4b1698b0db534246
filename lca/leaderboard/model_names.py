"""Model names as leaderboards write them, matched to the factor set's model presets.

Leaderboards name models in free text: "Llama 3.1 Instruct 405B" (Artificial Analysis),
"meta-llama/Llama-3.1-70B-Instruct" (Hugging Face), "Mixtral 8x22B Instruct". A preset matches a
name when every word of the preset's id ("llama", "3.1", "405b") is a word of the name; version
numbers are whole words, so "Llama 3.3 70B" does not match llama-3.1-70b, nor "GPT-3.5" gpt-3.
Of the presets that match, the one with the most words wins; two with as many are ambiguous and
neither is chosen. Fine-tunes that keep a preset's words ("Llama 3.1 Nemotron Instruct 70B")
match it: they share its architecture, which is what the estimate needs.
"""

from __future__ import annotations

import re

from lca.factors import FactorSet

_WORD = re.compile(r"[a-z0-9]+(?:\.[0-9]+)*")


def words(text: str) -> frozenset[str]:
    """The lower-case words of ``text``: letters and digits, decimal points kept ("3.1")."""
    return frozenset(_WORD.findall(text.lower()))


def match_preset(name: str, fs: FactorSet) -> tuple[str | None, str]:
    """The model preset id that ``name`` names, and how it was found (or why none was).

    Tried in turn: the id itself, a preset's label, then the words of the ids (module doc).
    """
    table = fs.tables["models"]
    lowered = name.strip().lower()
    if fs.has("models", lowered):
        return lowered, "preset id"
    for key, label in table.labels.items():
        if label.strip().lower() == lowered:
            return key, "preset label"
    given = words(name)
    found = sorted(((len(w), key) for key in table.labels
                    if (w := words(key.replace("-", " "))) <= given), reverse=True)
    if not found:
        return None, "no preset's words are all in the name"
    if len(found) > 1 and found[0][0] == found[1][0]:
        return None, f"ambiguous: {found[0][1]} or {found[1][1]}"
    return found[0][1], f"words of the preset id {found[0][1]!r}"
