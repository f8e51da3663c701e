"""Readers of the publishers' files, one module per source.

Nothing else in the package opens data files. Each reader is registered for
a data pack role with :func:`reader` and is called by
:class:`jsna.io.datapack.DataPack` with the :class:`FileEntry` of that role.

Modules:

* ``datapack`` - :class:`~jsna.io.datapack.DataPack`, the one seam: manifest, choosing, caching;
* ``validation`` - the checks each role's frames must pass, and ``validate_frame``;
* ``checks`` - the checks themselves (codes, unique keys, counts, ranges, geometries);
* ``fingertips_checks`` - the checks of Fingertips exports (area types, periods, limits);
* ``_read`` - tolerant CSV reading, column finding, the one numbers rule, sex labels;
* readers: ``geo`` (boundaries), ``lookups`` and ``ons`` (ONS lookups), ``imd``,
  ``population``, ``deaths``, ``fingertips`` (``all_data`` CSVs), ``neighbours``,
  ``qof`` (recorded prevalence), ``modelled_prevalence``, ``gp_patients``,
  ``census`` (Census 2021 Nomis tables), ``practice_map`` (NHS England's
  practice map), ``local_health`` (Local Health exports);
* ``fingertips_api`` - the Fingertips API client and its cache;
* ``jsna fetch``: ``catalogue`` (the publishers' sources, read from
  ``jsna/reference/catalogue.toml``, and checks of a download against them),
  ``download`` (cached, resumable, retried and verified downloads), ``fetch``
  (:func:`~jsna.io.fetch.fetch_pack`: a data pack for one authority) and
  ``fetch_fingertips`` (Fingertips indicators, neighbour lists and Local Health
  for a fetched pack).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["FileEntry", "reader", "READERS", "ROLES"]

ROLES = (
    "boundaries.ward",
    "boundaries.lsoa",
    "boundaries.msoa",
    "lookup.lsoa_ward_lad",
    "lookup.ward_lad",
    "lookup.lsoa11_lsoa21",
    "lookup.lsoa_icb",
    "imd",
    "population.lsoa",
    "indicators.fingertips",
    "neighbours.dfe",
    "neighbours.list",
    "prevalence.recorded",
    "prevalence.model",
    "gp.lsoa_patients",
    "deaths.lsoa",
    "census.lsoa",
    "census.msoa",
    "census.health_age",
    "gp.practice_map",
    "indicators.local_health",
)


@dataclass(frozen=True)
class FileEntry:
    """One ``[[file]]`` entry of a ``datapack.toml`` manifest, resolved.

    Attributes
    ----------
    role : str
        One of :data:`ROLES`.
    paths : tuple of Path
        The files the entry's glob matched, sorted.
    settings : dict
        Every other key of the entry (``vintage``, ``edition``, ``level``, ...).
    root : Path or None
        The pack folder, for resolving further paths an entry names
        (e.g. a QOF ``mapping`` file): use :meth:`resolve`.

    Examples
    --------
    >>> entry = FileEntry("imd", (Path("imd.csv"),), {"edition": "IoD2025"})
    >>> entry.get("edition"), entry.describe()
    ('IoD2025', 'imd.csv (role imd)')
    """

    role: str
    paths: tuple[Path, ...]
    settings: dict[str, Any] = field(default_factory=dict)
    root: Path | None = None

    def resolve(self, key: str) -> Path | None:
        """The file a setting names, inside the pack folder (``None`` if unset).

        The setting is a path (or glob matching one file) relative to the pack
        folder; one leading outside the folder, by an absolute path, ``..`` or a
        symlink, is a :class:`~jsna.exceptions.SourceError`, as is one that
        matches no file or several.
        """
        from jsna.exceptions import SourceError
        from jsna.io.paths import pack_files

        value = self.settings.get(key)
        if value is None:
            return None
        base = (
            self.root
            if self.root is not None
            else (self.paths[0].parent if self.paths else Path("."))
        )
        found = pack_files(base, value, where=f"{self.describe()} {key}")
        if len(found) > 1:
            raise SourceError(
                f"{self.describe()} {key}: {value!r} matches {len(found)} files; name one"
            )
        return found[0]

    def get(self, key: str, default: Any = None) -> Any:
        """A setting of the entry, or ``default``."""
        return self.settings.get(key, default)

    def describe(self) -> str:
        """Short description for error messages."""
        names = ", ".join(p.name for p in self.paths[:3]) + (" ..." if len(self.paths) > 3 else "")
        return f"{names} (role {self.role})"


ReaderFunc = Callable[[FileEntry], pd.DataFrame]
READERS: dict[str, ReaderFunc] = {}


def reader(role: str) -> Callable[[ReaderFunc], ReaderFunc]:
    """Register a reader function for a data pack role.

    Examples
    --------
    >>> @reader("example.role")
    ... def read_example(entry):
    ...     return pd.DataFrame()
    >>> "example.role" in READERS
    True
    >>> _ = READERS.pop("example.role")
    """

    def register(func: ReaderFunc) -> ReaderFunc:
        READERS[role] = func
        return func

    return register
