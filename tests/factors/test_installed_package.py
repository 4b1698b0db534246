"""An installed lca (a wheel, not this checkout) carries every factor file and estimates with them.

Platform teams install lca as a library (pip install git+…); the factor tables live in
``factors/`` at the top of the repository, outside any package, so setup.cfg maps them into the
wheel as ``lca/factor_data``. This builds the wheel and runs an estimate from it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from lca.factors import load_factor_set

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # built from a copy: setuptools writes build/ and *.egg-info/ beside the sources
    source = tmp_path_factory.mktemp("source") / "lca"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", ".bench", "build", "artifacts", "__pycache__", "*.egg-info"))
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out),
                    str(source)], check=True, capture_output=True, timeout=300)
    [built] = out.glob("lca-*.whl")
    return built


def test_the_wheel_carries_every_factor_file(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {f"lca/factor_data/{p.relative_to(ROOT / 'factors').as_posix()}"
               for p in (ROOT / "factors").rglob("*") if p.is_file()}
    assert shipped and shipped <= names, sorted(shipped - names)


def test_the_wheel_carries_every_module_of_the_packages(wheel):
    # setup.cfg lists the packages by hand: a new subpackage left out of it would be missing
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {p.relative_to(ROOT).as_posix() for folder in ("lca", "api", "cli")
               for p in (ROOT / folder).rglob("*.py")}
    assert modules <= names, sorted(modules - names)


def test_an_installed_lca_estimates_from_its_own_factor_data(wheel, tmp_path):
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target",
                    str(site), str(wheel)], check=True, capture_output=True, timeout=300)
    script = ("import json, lca; from lca.factors import default_root; "
              "r = lca.estimate({'model': 'llama-3.1-8b', 'inference': {}, 'uncertainty': False});"
              "print(json.dumps([lca.__file__, str(default_root()), r['versions']['factors'], "
              "r['inference']['per_request']['gwp']['value']]))")
    env = {k: v for k, v in os.environ.items() if k != "LCA_FACTORS_DIR"}
    env["PYTHONPATH"] = str(site)
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, check=True,
                          capture_output=True, text=True, timeout=120)
    module, root, version, gwp = json.loads(done.stdout)
    assert Path(module).is_relative_to(site) and Path(root) == site / "lca" / "factor_data"
    assert version == load_factor_set().version and gwp > 0
