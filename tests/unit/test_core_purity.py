"""lca/ is a pure core: importing every module pulls in no web framework."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

FORBIDDEN = ("flask", "werkzeug", "marshmallow", "gunicorn", "flask_smorest", "click")


def test_importing_every_lca_module_loads_no_web_framework():
    root = Path(__file__).parents[2]
    modules = sorted(".".join(p.relative_to(root).with_suffix("").parts).removesuffix(".__init__")
                     for p in (root / "lca").rglob("*.py"))  # the packages' modules too
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}:\n"
        "    importlib.import_module(m)\n"
        f"print(sorted(n for n in sys.modules if n.split('.')[0] in {FORBIDDEN!r}))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, cwd=Path(__file__).parents[2])
    assert result.stdout.strip() == "[]", result.stdout
