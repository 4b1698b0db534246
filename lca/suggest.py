"""Near matches for an unknown id: the "did you mean" of presets, hardware, places and data centres.

A user writes what they know: "H100", "France", "us-east-1", "llama 3 70b". ``suggest`` finds the
factor-set ids such a text most likely means, from the ids themselves, the tables' labels and the
common names the importers already read (lca.interchange.matching). No I/O: it reads only the
factor set it is given, and remembers its answers. difflib (the standard library) is enough for
a few hundred short names; a fuzzy-matching package would add a dependency for no better answer.

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
from dataclasses import dataclass

from lca.factors import FactorSet

LIMIT = 5
"""At most this many suggestions are given."""

CUTOFF = 0.75
"""The least difflib ratio (0..1) between the text and a name for a close spelling."""

MAX_TEXT = 100
"""A longer text is no id anyone meant: it gets no suggestion (and costs no matching)."""

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


@dataclass(frozen=True)
class _Name:
    """One name a candidate goes by, split once: its words, as a set, and run together."""

    words: tuple[str, ...]
    word_set: frozenset[str]
    compact: str
    telling: bool


_INDEX: dict[tuple[int, str], tuple[FactorSet, dict[str, tuple[_Name, ...]], dict[str, int]]] = {}


def _index(fs: FactorSet, kind: str) -> tuple[dict[str, tuple[_Name, ...]], dict[str, int]]:
    """The candidates' names, split, and each id's place (ties keep the tables' order), made
    once per factor set and kind: a batch of many wrong profiles pays for it once."""
    cached = _INDEX.get((id(fs), kind))
    if cached is not None and cached[0] is fs:
        return cached[1], cached[2]
    names = {}
    for key, texts in candidates(fs, kind).items():
        split = [_words(t) for t in texts]
        names[key] = tuple(_Name(w, frozenset(w), "".join(w), _telling(w)) for w in split if w)
    order = {key: i for i, key in enumerate(names)}
    if len(_INDEX) >= 32:  # factor sets are few and long-lived; bound it anyway
        _INDEX.clear()
        _MEMO.clear()
    _INDEX[(id(fs), kind)] = (fs, names, order)
    return names, order


def _score(words: tuple[str, ...], telling: bool, matcher: difflib.SequenceMatcher,
           names: Iterable[_Name]) -> float:
    """How well the text (its ``words``; ``matcher`` holds it run together as its second
    sequence) names a candidate going by ``names``: 0 (not at all) to 1 (the same)."""
    best = 0.0
    compact, given = "".join(words), frozenset(words)
    for name in names:
        if words == name.words or compact == name.compact:
            return 1.0
        if telling and given <= name.word_set:
            best = max(best, 0.9 - 0.01 * len(name.word_set - given))
        elif name.telling and len(name.words) > 1 and name.word_set <= given:
            best = max(best, 0.85 - 0.01 * len(given - name.word_set))
        matcher.set_seq1(name.compact)
        if (matcher.real_quick_ratio() >= CUTOFF and matcher.quick_ratio() >= CUTOFF
                and matcher.ratio() >= CUTOFF):
            best = max(best, 0.8 * matcher.ratio())
    return best


def suggest(text: object, fs: FactorSet, kind: str, limit: int = LIMIT) -> list[str]:
    """The ids of ``kind`` (see KINDS) that ``text`` most likely means, best first, at most
    ``limit``; empty when nothing is close (a non-string, or a text that names nothing).

    A few milliseconds for places (about 430 names); the answers are remembered per factor
    set, kind and text, so a log repeating one wrong value pays once.
    """
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT:
        return []
    names, order = _index(fs, kind)
    memo = _MEMO.setdefault((id(fs), kind), {})
    if text not in memo:
        if len(memo) >= 4096:
            memo.clear()
        memo[text] = _suggest(text, fs, kind, names, order)
    return memo[text][:limit]


_MEMO: dict[tuple[int, str], dict[str, list[str]]] = {}


def _suggest(text: str, fs: FactorSet, kind: str, names: dict[str, tuple[_Name, ...]],
             order: dict[str, int]) -> list[str]:
    words = _words(text)
    if not words:
        return []
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    matcher.set_seq2("".join(words))
    telling = _telling(words)
    scored: dict[str, float] = {}
    for key, known in names.items():
        score = _score(words, telling, matcher, known)
        if score > 0:
            scored[key] = score
    common = _common_name(text, fs, kind)
    if common is not None:
        scored[common] = 2.0
    if scored and max(scored.values()) >= 1.0:  # a sure match: no mere spellings beside it
        scored = {key: score for key, score in scored.items() if score >= WORDS}
    return sorted(scored, key=lambda key: (-scored[key], order.get(key, len(order))))[:LIMIT]


def closest(text: object, options: Iterable[str], limit: int = 3) -> list[str]:
    """The options that are close spellings of ``text`` (a field name misspelt: "ouput_tokens"
    -> output_tokens), best first, at most ``limit``."""
    if not isinstance(text, str) or len(text) > MAX_TEXT:
        return []
    return difflib.get_close_matches(text, list(options), n=limit, cutoff=CUTOFF)


def did_you_mean(suggestions: list[str]) -> str:
    """The words for ``suggestions`` after the unknown value: " (did you mean a, b?)", empty
    when there are none."""
    if not suggestions:
        return ""
    return f" (did you mean {', '.join(suggestions)}?)"
