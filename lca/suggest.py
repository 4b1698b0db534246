"""Near matches for an unknown id: the "did you mean" of presets, hardware, places and data centres.

A user writes what they know: "H100", "France", "us-east-1", "llama 3 70b". ``suggest`` finds the
factor-set ids such a text most likely means, from the ids themselves, the tables' labels and the
common names the importers already read (lca.interchange.matching). Pure: it reads only the
factor set it is given.

The rules, best first (a candidate's score is the best over its names, an id and a label):

1. a common name the importers recognise ("H100" -> nvidia-h100-sxm, "UK" -> GBR);
2. the same text once case and punctuation are dropped ("llama 3 70b" = llama-3-70b);
3. every word of the text is a word of the name ("h100" in "NVIDIA H100 PCIe 80GB"), fewer other
   words first; or every word of the name is in the text ("Llama-3-70B-Instruct");
4. the text is a close spelling of a name (difflib's ratio, at least ``CUTOFF``); not shown
   beside a match of rule 1 or 2.

A text with no word of two characters or more that holds a letter (``"1"``, ``"-"``) matches
nothing by words, so a number or a symbol never suggests a whole table.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from lca.factors import FactorSet

LIMIT = 5
"""At most this many suggestions are given."""

CUTOFF = 0.75
"""The least difflib ratio (0..1) between the text and a name for a close spelling."""

KINDS = ("models", "hardware", "datacenters", "zones", "locations")
"""What can be suggested: a factor table's ids, or ``locations`` (zones and cloud regions)."""

WORDS = 0.8
"""Scores from this up are matches of words (rules 1 to 3); below, close spellings (rule 4)."""

_WORD = re.compile(r"[a-z0-9]+(?:\.[0-9]+)*")


def _words(text: str) -> tuple[str, ...]:
    """Lower-case words, a decimal point kept inside a number ("llama 3.1" -> llama, 3.1)."""
    return tuple(_WORD.findall(text.lower()))


def _telling(words: Iterable[str]) -> bool:
    """Whether some word is long enough and has a letter, so that it can tell ids apart."""
    return any(len(w) >= 2 and re.search(r"[a-z]", w) for w in words)


def candidates(fs: FactorSet, kind: str) -> dict[str, tuple[str, ...]]:
    """Each id that ``kind`` may name, with the names it goes by (its id and its label)."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; one of {', '.join(KINDS)}")
    tables = ("zones",) if kind == "locations" else (kind,)
    found = {key: (key, fs.tables[t].labels.get(key, ""))
             for t in tables for key in fs.tables[t].rows}
    if kind == "locations":
        found.update({key: (key, key.split(":", 1)[1], region.label)
                      for key, region in fs.regions.items()})
    return found


def _common_name(text: str, fs: FactorSet, kind: str) -> str | None:
    """The id the importers would read ``text`` as (hardware and places), or None."""
    # Imported here: lca.interchange estimates imports, so it imports the reader, which
    # imports this module.
    from lca.interchange.matching import match_hardware, match_location

    if kind == "hardware":
        return match_hardware(text, fs)
    if kind in ("locations", "zones"):
        found = match_location(text, fs)
        return found if kind == "locations" or (found and fs.has("zones", found)) else None
    return None


def _score(text: str, words: tuple[str, ...], names: Iterable[str]) -> float:
    """How well ``text`` names a candidate going by ``names``: 0 (not at all) to 1 (the same)."""
    best = 0.0
    compact = "".join(words)
    for name in names:
        theirs = _words(name)
        if not theirs:
            continue
        if words == theirs or compact == "".join(theirs):
            return 1.0
        if _telling(words) and set(words) <= set(theirs):
            best = max(best, 0.9 - 0.01 * len(set(theirs) - set(words)))
        elif _telling(theirs) and len(theirs) > 1 and set(theirs) <= set(words):
            best = max(best, 0.85 - 0.01 * len(set(words) - set(theirs)))
        ratio = difflib.SequenceMatcher(None, compact, "".join(theirs)).ratio()
        if ratio >= CUTOFF:
            best = max(best, 0.8 * ratio)
    return best


def suggest(text: object, fs: FactorSet, kind: str, limit: int = LIMIT) -> list[str]:
    """The ids of ``kind`` (see KINDS) that ``text`` most likely means, best first, at most
    ``limit``; empty when nothing is close (a non-string, or a text that names nothing)."""
    if not isinstance(text, str) or not text.strip() or len(text) > 200:
        return []
    words = _words(text)
    if not words:
        return []
    scored: dict[str, float] = {}
    for key, names in candidates(fs, kind).items():
        score = _score(text, words, names)
        if score > 0:
            scored[key] = score
    common = _common_name(text, fs, kind)
    if common is not None:
        scored[common] = 2.0
    if scored and max(scored.values()) >= 1.0:  # a sure match: no mere spellings beside it
        scored = {key: score for key, score in scored.items() if score >= WORDS}
    order = list(candidates(fs, kind))  # the tables' order breaks ties
    ranked = sorted(scored, key=lambda key: (-scored[key], order.index(key)))
    return ranked[:limit]


def closest(text: object, options: Iterable[str], limit: int = 3) -> list[str]:
    """The options that are close spellings of ``text`` (a field name misspelt: "ouput_tokens"
    -> output_tokens), best first, at most ``limit``."""
    if not isinstance(text, str) or len(text) > 200:
        return []
    return difflib.get_close_matches(text, list(options), n=limit, cutoff=CUTOFF)


def did_you_mean(suggestions: list[str]) -> str:
    """The words for ``suggestions`` after the unknown value: " (did you mean a, b?)", empty
    when there are none."""
    if not suggestions:
        return ""
    return f" (did you mean {', '.join(suggestions)}?)"
