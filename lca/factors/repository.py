"""The factor repository: every factor set under one folder, loaded and validated once, from
which an estimator pins a version (lca.Estimator). Built by the shell, never during a calculation.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from lca.errors import FactorDataError, UnknownFactorSetError
from lca.factors.loader import load_all, packaged_root
from lca.factors.sets import FactorSet


class FactorRepository:
    """The factor sets an estimator may use: every version under one folder, loaded and
    validated once, at construction (the only disk reads of a calculation's lifetime).

    Built by the shell (the API from its configuration, the command line from its options) and
    handed to lca.Estimator. ``get(version)`` pins a version; None gives the newest.
    """

    def __init__(self, root: Path | str | None = None,
                 sets: Mapping[str, FactorSet] | None = None) -> None:
        self.root = Path(root) if root is not None else packaged_root()
        self.sets: dict[str, FactorSet] = dict(sets) if sets is not None else load_all(self.root)
        if not self.sets:
            raise FactorDataError(f"no factor set under {self.root}")
        self.default = list(self.sets)[-1]

    @classmethod
    def of(cls, *sets: FactorSet) -> FactorRepository:
        """A repository of the sets given, newest last (for tests and library callers)."""
        return cls(sets={s.version: s for s in sets})

    @property
    def versions(self) -> list[str]:
        """The versions held, oldest first."""
        return list(self.sets)

    def get(self, version: str | None = None) -> FactorSet:
        """The factor set ``version`` (the newest when None); UnknownFactorSetError if absent."""
        if version is None:
            return self.sets[self.default]
        found = self.sets.get(version) if isinstance(version, str) else None
        if found is None:
            raise UnknownFactorSetError(f"unknown factor set {version!r}; available: "
                                        f"{', '.join(self.versions)}")
        return found
