"""The documentation holds together: its links resolve, anchors included, and every section a
docstring of `lca/` cites ("docs/method.md, section ...") exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
CITED = re.compile(r"(docs/[\w-]+\.md), section \"([^\"]+)\"")


def anchor(heading: str) -> str:
    """The anchor GitHub gives a Markdown heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def headings(path: Path) -> list[str]:
    return [line.lstrip("#").strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.startswith("#")]


def resolves(page: Path, target: str) -> bool:
    """Whether a relative link of ``page`` names a file of the repository (and its section)."""
    file, _, fragment = target.partition("#")
    path = (page.parent / file).resolve() if file else page
    if not path.is_relative_to(ROOT) or not path.exists():
        return False
    return not fragment or path.suffix != ".md" or fragment in map(anchor, headings(path))


def broken_links(page: Path, text: str | None = None) -> list[str]:
    """Relative links of ``page`` (or of ``text`` read as if it were there) that do not resolve."""
    text = page.read_text(encoding="utf-8") if text is None else text
    return [target for target in LINK.findall(text)
            if not re.match(r"^[a-z][a-z0-9+.-]*:", target) and not resolves(page, target)]


def test_links_of_the_docs_and_examples_resolve_inside_the_repository():
    pages = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "examples" / "README.md",
             ROOT / "README.md"]
    broken = {str(p.relative_to(ROOT)): b for p in pages if (b := broken_links(p))}
    assert not broken, broken


def test_the_link_check_sees_a_missing_file_and_a_missing_section():
    text = "[a](api.md#errors) [b](nowhere.md) [c](api.md#no-such-section) [d](https://x.org/y.md)"
    assert broken_links(ROOT / "docs" / "method.md", text) == ["nowhere.md",
                                                               "api.md#no-such-section"]


def test_every_docs_section_a_docstring_cites_exists():
    cited = [(py, doc, section) for py in sorted((ROOT / "lca").rglob("*.py"))
             for doc, section in CITED.findall(py.read_text(encoding="utf-8"))]
    assert len(cited) >= 5
    missing = [f"{py.relative_to(ROOT)}: {doc} {section!r}" for py, doc, section in cited
               if not (ROOT / doc).exists() or section not in headings(ROOT / doc)]
    assert not missing, missing


def test_no_docstring_cites_a_method_note_outside_docs():
    loose = [str(py.relative_to(ROOT)) for py in sorted((ROOT / "lca").rglob("*.py"))
             if re.search(r"(?<!docs/)\bmethod\.md|design/", py.read_text(encoding="utf-8"))]
    assert not loose, loose
