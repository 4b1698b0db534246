"""The loader refuses a corrupted factor set with a message naming the file and the line or key.

Each case copies the fixture set tests/fixtures/factors/t.1, changes one thing and loads it
uncached (``load_factor_set.__wrapped__``), so no case sees another's files.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from lca.errors import FactorDataError
from lca.factors import FactorSet, load_factor_set

FIXTURE = Path(__file__).parent.parent / "fixtures" / "factors" / "t.1"
VERSION = "t.1"

WOR_GWP = "WOR,World,gwp,500.0,gCO2e/kWh,,,yes,"  # zones.csv line 2
AAA_WATER = "AAA,Zone A,water,2,"  # zones.csv line 7
DC_A_PUE = "dc-a,DC A,pue,1.5,dimensionless,1.2,1.8,"  # datacenters.csv line 2
DC_B_PUE = "dc-b,DC B,pue,1.1,dimensionless,,,yes,fixture,2024,"  # datacenters.csv line 4


@pytest.fixture()
def root(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURE, tmp_path / VERSION)
    return tmp_path


def _edit(root: Path, file: str, old: str, new: str) -> None:
    path = root / VERSION / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} must occur once in {file}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def _load(root: Path) -> FactorSet:
    return load_factor_set.__wrapped__(root, VERSION)


def test_unmodified_fixture_copy_loads(root: Path) -> None:
    assert _load(root).version == VERSION


@pytest.mark.parametrize(("file", "old", "new", "message"), [
    pytest.param("zones.csv", "key,label,attribute", "key,name,attribute",
                 "zones.csv: header", id="wrong header"),
    pytest.param("zones.csv", AAA_WATER, "AAA,Zone A,water,two,",
                 "zones.csv:7: value 'two' is not a number", id="non-numeric value"),
    pytest.param("zones.csv", AAA_WATER, "AAA,Zone A,water,nan,",
                 "zones.csv:7: value 'nan' is not finite", id="NaN value"),
    pytest.param("datacenters.csv", DC_A_PUE, "dc-a,DC A,pue,1.5,dimensionless,1.2,inf,",
                 "datacenters.csv:2: high 'inf' is not finite", id="infinite high"),
    pytest.param("zones.csv", WOR_GWP, "WOR,World,gwp,500.0,W,,,yes,",
                 "zones.csv:2: unit 'W'", id="power unit on a gwp row"),
    pytest.param("zones.csv", WOR_GWP, "WOR,World,gwp,500.0,blorbs/kWh,,,yes,",
                 "zones.csv:2: unit 'blorbs/kWh'", id="unknown unit"),
    pytest.param("hardware.csv", "gpu-b,GPU B,tdp,", "gpu-b,GPU B,tdpp,",
                 "hardware.csv:16: unknown attribute 'tdpp'", id="unknown attribute"),
    pytest.param("datacenters.csv", DC_B_PUE, "dc-b,DC B,pue,1.1,dimensionless,,,yes,,2024,",
                 "datacenters.csv:4: source is empty", id="empty source"),
    pytest.param("datacenters.csv", DC_B_PUE, "dc-b,DC B,pue,1.1,dimensionless,,,yes,fixture,20x4,",
                 "datacenters.csv:4: year '20x4'", id="bad year"),
    pytest.param("zones.csv", ",no,alt fixture,", ",yes,alt fixture,",
                 "zones.csv: WOR.gwp has 2 rows marked default=yes", id="two defaults"),
    pytest.param("zones.csv", WOR_GWP, "WOR,World,gwp,500.0,gCO2e/kWh,,,no,",
                 "zones.csv: WOR.gwp has 0 rows marked default=yes", id="no default"),
    pytest.param("hardware.csv", "gpu-b,GPU B,memory,16,GB,,,yes,fixture,2024,\n", "",
                 "hardware.csv: 'gpu-b' lacks required ['memory']", id="missing required"),
    pytest.param("datacenters.csv", DC_A_PUE, "dc-a,DC A,pue,1.5,dimensionless,1.6,1.8,",
                 "datacenters.csv:2: low <= value <= high", id="low above value"),
    pytest.param("datacenters.csv", DC_A_PUE, "dc-a,DC A,pue,1.5,dimensionless,1.2,1.4,",
                 "datacenters.csv:2: low <= value <= high", id="high below value"),
    pytest.param("zones.csv", "AAA,Zone A,pe,", "AAA,Zone AA,pe,",
                 "zones.csv:9: label differs from the first row of 'AAA'", id="label differs"),
    pytest.param("regions.csv", "Cloud East,AAA,", "Cloud East,ZZZ,",
                 "regions.csv: cloud:east -> unknown zone 'ZZZ'", id="region to unknown zone"),
    pytest.param("regions.csv", ",AAA,dc-b,", ",AAA,dc-z,",
                 "regions.csv: cloud:east -> unknown datacenter 'dc-z'",
                 id="region to unknown datacenter"),
    pytest.param("manifest.json", '"version": "t.1"', '"version": "t.2"',
                 "manifest.json: version 't.2' != folder name", id="manifest version"),
    pytest.param("constants.csv", "training_overhead,training_overhead,value,1,dimensionless,,,yes,"
                 "fixture,2024,\n", "", "constants.csv: constants missing: ['training_overhead']",
                 id="missing constant"),
    pytest.param("zones.csv", AAA_WATER, "usa_ca,Zone A,water,2,",
                 "zones.csv:7: zone 'usa_ca' is neither an ISO 3166-1 alpha-3 code",
                 id="zone key neither a country nor a subdivision"),
    pytest.param("zones.csv", AAA_WATER, "AAA,Zone A,water,-2,",
                 "zones.csv:7: value '-2' is not a finite, non-negative number",
                 id="negative value"),
    pytest.param("zones.csv", AAA_WATER, "AAA,Zone A,water,2_0,",
                 "zones.csv:7: value '2_0' is not a number", id="underscore digits"),
    pytest.param("datacenters.csv", DC_B_PUE, "dc-b,DC B,pue,1.1,dimensionless,,,yes,fixture,2²24,",
                 "datacenters.csv:4: year '2²24'", id="superscript digit in year"),
    pytest.param("datacenters.csv", DC_B_PUE, "dc-b,DC B,pue,1.1,dimensionless,,,yes",
                 "datacenters.csv:4: row has fewer fields", id="short row"),
    pytest.param("datacenters.csv", DC_B_PUE, "dc-b,DC B,pue,1.1,dimensionless,,,yes,x,2024,a,b",
                 "datacenters.csv:4: row has more fields", id="long row"),
    pytest.param("zones.csv", "AAA,Zone A,gwp,", "AAA,,gwp,", "zones.csv:6: label is empty",
                 id="empty label"),
    pytest.param("zones.csv", ",no,alt fixture,", ",no,fixture,",
                 "zones.csv:14: WOR.gwp repeats the source", id="duplicate source"),
    pytest.param("regions.csv", "cloud:east,cloud,", "cloud:east,other,",
                 "regions.csv:2: provider 'other' does not match", id="provider mismatch"),
    pytest.param("regions.csv", ",AAA,dc-b,", ",AAA,,",
                 "regions.csv: cloud:east -> unknown datacenter ''",
                 id="region without datacenter"),
    pytest.param("models.csv", "moe-100b,MoE 100B,active_parameters,10000000000.0",
                 "moe-100b,MoE 100B,active_parameters,200000000000.0",
                 "models.csv: moe-100b has more active than total parameters",
                 id="more active than total parameters"),
])
def test_corrupted_fixture_is_rejected_naming_file_and_line_or_key(
        root: Path, file: str, old: str, new: str, message: str) -> None:
    _edit(root, file, old, new)
    with pytest.raises(FactorDataError, match=re.escape(message)):
        _load(root)


@pytest.mark.parametrize(("low", "high", "expected"), [
    pytest.param("", "1.3", (1.1, 1.3), id="only high: low is the value"),
    pytest.param("1.05", "", (1.05, 1.1), id="only low: high is the value"),
])
def test_one_sided_range_takes_the_value_as_its_other_bound(
        root: Path, low: str, high: str, expected: tuple[float, float]) -> None:
    _edit(root, "datacenters.csv", DC_B_PUE,
          f"dc-b,DC B,pue,1.1,dimensionless,{low},{high},yes,fixture,2024,")
    pue = _load(root).get("datacenters", "dc-b", "pue")
    assert pue is not None
    assert pue.value == 1.1
    assert (pue.low, pue.high) == expected


def test_a_quoted_newline_in_a_note_keeps_line_numbers_physical(root: Path) -> None:
    _edit(root, "zones.csv", "WOR,World,gwp,500.0,gCO2e/kWh,,,yes,fixture,2024,",
          'WOR,World,gwp,500.0,gCO2e/kWh,,,yes,fixture,2024,"two\nlines"')
    _edit(root, "zones.csv", AAA_WATER, "AAA,Zone A,water,two,")
    with pytest.raises(FactorDataError, match=re.escape("zones.csv:8: value 'two'")):
        _load(root)


def test_versions_sort_in_release_order_not_as_text(tmp_path: Path) -> None:
    from lca.factors import available_versions

    for version in ("2026.9", "2026.10", "2025.2"):
        (tmp_path / version).mkdir()
        (tmp_path / version / "manifest.json").write_text("{}")
    assert available_versions(tmp_path) == ["2025.2", "2026.9", "2026.10"]
