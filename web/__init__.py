"""The web calculator: a static single-page app over the REST API, served at ``/``.

Only files live here (``static/``): the page, its script and style sheet, and the vendored
charting library with its licence (``static/vendor/README.md``). ``api.resources.web`` serves
them; nothing is fetched from the internet at run time.
"""

from __future__ import annotations

from pathlib import Path

STATIC = Path(__file__).resolve().parent / "static"
