"""The repository stands alone: a clone holds everything its text refers to.

- No tracked text file names a build machine's folder or the notes kept beside the repository.
  The rule: a user's or a build's folder at the top of the file system (home, Users, root,
  work: ``EVERYWHERE``) or a path into the folder of notes kept beside the repository is
  refused everywhere; ``/tmp/`` is refused in data and
  documentation (factors, docs, examples, web pages, Markdown), where a reader would take it
  for a path to use, and allowed in code and tests, where it is a scratch place at run time.
- Every link and every backticked file path of the README resolves to a file inside the
  repository.
- Every ``lca.<name>`` the README, the docs or the command line's help names exists.
"""

from __future__ import annotations

import importlib
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEP = "/"
# Spelt in pieces, so that this file does not hold what it looks for.
EVERYWHERE = [SEP + name + SEP for name in ("home", "Users", "root", "work")] + [
    ".." + SEP + "shared", "shared" + SEP + "design", "shared" + SEP + "reference"]
DATA_AND_DOCS = [SEP + "tmp" + SEP]
DOC_PLACES = ("factors/", "docs/", "examples/", "web/")


def tracked_text_files() -> dict[str, str]:
    """Every file git tracks, by path, that reads as UTF-8 text."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                            check=True).stdout.decode().split("\0")
    out = {}
    for name in filter(None, listed):
        path = ROOT / name
        if not path.is_file():
            continue  # deleted in the working tree
        try:
            out[name] = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # images and other binary files
    return out


def is_data_or_doc(name: str) -> bool:
    return name.startswith(DOC_PLACES) or name.endswith(".md")


def test_no_tracked_file_names_a_build_machine_path():
    found = []
    for name, text in tracked_text_files().items():
        patterns = EVERYWHERE + (DATA_AND_DOCS if is_data_or_doc(name) else [])
        for number, line in enumerate(text.splitlines(), 1):
            found += [f"{name}:{number}: {p}" for p in patterns if p in line]
    assert not found, "\n".join(found)


def test_the_scan_sees_what_it_refuses():
    """The test above can fail: its patterns match the paths it is meant to refuse."""
    line = "see " + SEP.join(["", "home", "me", "x.md"]) + " and " + SEP.join(
        ["..", "shared", "design", "x.md"])
    assert [p for p in EVERYWHERE if p in line] == [EVERYWHERE[0], EVERYWHERE[4], EVERYWHERE[5]]
    assert is_data_or_doc("factors/2026.1/constants.csv") and not is_data_or_doc("lca/units.py")


README = (ROOT / "README.md").read_text(encoding="utf-8")
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
FILE_PATH = re.compile(r"`((?:\.{1,2}/)?[\w.-]+(?:/[\w.-]+)+\.(?:py|md|json|csv|txt|cfg|toml|"
                       r"ya?ml|html|js|css))`")


def local_references(text: str) -> list[str]:
    """Markdown link targets without a scheme, and backticked relative file paths."""
    links = [t.split("#", 1)[0] for t in LINK.findall(text)
             if not re.match(r"^[a-z][a-z0-9+.-]*:", t) and not t.startswith("#")]
    return [t for t in links + FILE_PATH.findall(text) if t and not t.startswith("/")]


def test_readme_links_and_paths_resolve_inside_the_repository():
    broken = []
    for target in local_references(README):
        path = (ROOT / target).resolve()
        if not path.is_relative_to(ROOT) or not path.exists():
            broken.append(target)
    assert not broken, broken


def test_the_reference_finder_sees_links_and_paths():
    text = "[notes](../notes/m.md#a), [site](https://x.org/a.md), `lca/units.py`, `/openapi.json`"
    assert local_references(text) == ["../notes/m.md", "lca/units.py"]


LCA_NAME = re.compile(r"(?<![\w./-])lca(?:\.[A-Za-z_]\w*)+")


def resolves(dotted: str) -> bool:
    """Whether ``dotted`` (lca.x.y) is an attribute chain or a module of the lca package."""
    node: object = importlib.import_module("lca")
    parts = dotted.split(".")
    for i, part in enumerate(parts[1:], 1):
        if hasattr(node, part):
            node = getattr(node, part)
            continue
        try:
            node = importlib.import_module(".".join(parts[:i + 1]))
        except ImportError:
            return False
    return True


def named_lca_names() -> dict[str, set[str]]:
    """Each ``lca.<name>`` the README, docs/ and the command line name, by where."""
    places = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")),
              *sorted((ROOT / "cli").glob("*.py"))]
    return {str(p.relative_to(ROOT)): set(LCA_NAME.findall(p.read_text(encoding="utf-8")))
            for p in places}


def test_every_lca_name_the_readme_docs_and_cli_give_exists():
    missing = [f"{where}: {name}" for where, names in named_lca_names().items()
               for name in sorted(names) if not resolves(name)]
    assert not missing, missing


@pytest.mark.parametrize(("name", "exists"), [
    ("lca.estimate", True), ("lca.estimate_table", True), ("lca.engine.table", True),
    ("lca.quantities.FIGURES", True), ("lca.compare", True), ("lca.table", False),
    ("lca.batch", False), ("lca.estimate.nothing", False)])
def test_name_resolution_finds_functions_and_modules_only(name, exists):
    assert resolves(name) is exists
