"""YAML read as JSON would read it: safe (no object tags), with YAML 1.2 floats.

PyYAML follows YAML 1.1, where ``1e9`` (no dot) is a string; profiles and model cards write
numbers that way, so the loader here resolves them as floats, as JSON and YAML 1.2 do.
"""

from __future__ import annotations

import re

import yaml

from lca.errors import ProfileError


class _Loader(yaml.SafeLoader):
    """yaml.safe_load with YAML 1.2 floats, so that 1e9 and 15e12 are numbers, as in JSON."""


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"))


def load_yaml(text: str, field: str = "yaml", line_offset: int = 0) -> object:
    """The plain data (dicts, lists, numbers, text) of YAML ``text``, read safely.

    Exponent numbers without a dot are floats. Raises ProfileError naming ``field`` and the
    line (shifted by ``line_offset``, for text cut out of a larger file) when the YAML is invalid,
    uses an object tag or is nested too deeply.
    """
    try:
        return yaml.load(text, Loader=_Loader)  # a SafeLoader subclass: no object tags
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" (line {mark.line + 1 + line_offset}, column {mark.column + 1})" if mark else ""
        problem = exc.problem or exc.context or "unreadable"
        raise ProfileError([{"field": field, "message": f"not valid YAML{where}: {problem}"}]
                           ) from None
    except (yaml.YAMLError, RecursionError) as exc:
        message = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise ProfileError([{"field": field, "message": f"not valid YAML: {message}"}]) from None
