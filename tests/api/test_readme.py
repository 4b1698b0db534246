"""The README's curl example gives the output the README shows, and its commands exist."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
README = (ROOT / "README.md").read_text()


def test_readme_first_screen_gives_the_serve_and_test_commands():
    first_screen = "\n".join(README.splitlines()[:15])
    assert "make serve" in first_screen and "make test" in first_screen
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^serve:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_readme_curl_example_output_is_what_the_service_returns(client):
    command = next(line for line in README.splitlines() if line.startswith("curl -s localhost"))
    body = json.loads(re.search(r"-d '([^']*)'", command).group(1))
    script = re.search(r"python3 -c '([^']*)'", command).group(1)
    shown = README.split(command, 1)[1].split("```json", 1)[1].split("```", 1)[0]
    response = client.post("/v1/estimates", json=body)
    assert response.status_code == 200
    printed = subprocess.run([sys.executable, "-c", script], input=response.get_data(),
                             capture_output=True, check=True).stdout
    assert json.loads(printed) == approx_tree(json.loads(shown))


def approx_tree(expected: object) -> object:
    """``expected`` with every float compared to 1e-9 relative (last-ulp differences)."""
    if isinstance(expected, dict):
        return {k: approx_tree(v) for k, v in expected.items()}
    if isinstance(expected, float):
        return pytest.approx(expected, rel=1e-9)
    return expected



def test_readme_library_example_runs():
    """The README's Python block (the library without a server) runs as written."""
    block = README.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict = {}
    exec(compile(block, "README.md", "exec"), namespace)
    assert namespace["estimator"].repository.versions
