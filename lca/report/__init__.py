"""Estimates written for people and other tools: reports, CSV, number formats, illustrations.

- ``markdown``: ``to_markdown``, the disclosure report of one estimate.
- ``csv``: ``to_csv`` and ``quantities``, every figure of estimates one per row.
- ``equivalences``: everyday items an amount stands for (illustrations, never results).
- ``format``: numbers and percentages as the reports and the command line print them.

Kept light: importing ``lca.report`` loads only these small modules.
"""

from lca.report.csv import CSV_COLUMNS, quantities, to_csv
from lca.report.markdown import to_markdown

__all__ = ["CSV_COLUMNS", "quantities", "to_csv", "to_markdown"]
