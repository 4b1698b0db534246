"""lca/ is a pure core: importing every module pulls in no web framework."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

FORBIDDEN = ("flask", "werkzeug", "marshmallow", "gunicorn", "flask_smorest", "click")


def test_importing_every_lca_module_loads_no_web_framework():
    modules = sorted(p.stem for p in (Path(__file__).parents[2] / "lca").glob("*.py"))
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}:\n"
        "    importlib.import_module('lca.' + m if m != '__init__' else 'lca')\n"
        f"print(sorted(n for n in sys.modules if n.split('.')[0] in {FORBIDDEN!r}))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, cwd=Path(__file__).parents[2])
    assert result.stdout.strip() == "[]", result.stdout
