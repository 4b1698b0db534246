"""A released factor set keeps its values: corrections to its provenance text change no number.

`tests/fixtures/factors-2026.1-values.json` holds every column of every row of 2026.1 except
`source` and `note`, taken before the provenance erratum listed in `factors/CHANGES.md`.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from lca.factors import default_root

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT = ROOT / "tests" / "fixtures" / "factors-2026.1-values.json"
PROVENANCE = ("source", "note")


def values_of(folder: Path) -> dict[str, list[dict[str, str]]]:
    """Every table of a factor-set folder, each row without its provenance columns."""
    tables = {}
    for path in sorted(folder.glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            tables[path.name] = [{k: v for k, v in row.items() if k not in PROVENANCE}
                                 for row in csv.DictReader(handle)]
    return tables


def test_every_value_of_2026_1_is_the_released_one():
    released = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    now = values_of(default_root() / "2026.1")
    assert sorted(now) == sorted(released)
    for table, rows in released.items():
        assert len(now[table]) == len(rows), table
        changed = [(table, i, row, now_row) for i, (row, now_row) in
                   enumerate(zip(rows, now[table], strict=True)) if row != now_row]
        assert not changed, changed[:3]


def test_the_comparison_sees_a_changed_value(tmp_path):
    """The check above can fail: one digit changed in a copy is found."""
    folder = tmp_path / "2026.1"
    folder.mkdir()
    source = default_root() / "2026.1" / "zones.csv"
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    row = next(csv.reader([lines[1]]))
    row[3] = str(float(row[3]) * 1.01)
    (folder / "zones.csv").write_text(lines[0] + ",".join(f'"{c}"' for c in row) + "\n",
                                      encoding="utf-8")
    released = json.loads(SNAPSHOT.read_text(encoding="utf-8"))["zones.csv"][0]
    assert values_of(folder)["zones.csv"][0] != released


def test_no_factor_row_cites_a_note_outside_the_repository():
    cited = [f"{path.relative_to(ROOT)}:{n}" for path in sorted(default_root().glob("*/*.csv"))
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if "factor-sources.md" in line]
    assert not cited, cited
