"""Project paths, overridable.

The project root is, in order: the ``JSNA_HOME`` environment variable, the
nearest folder above the current directory holding ``pyproject.toml`` with a
``jsna`` project, or the current directory. Every path below can be
overridden by its own environment variable or by the command-line options of
``jsna build``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["SEED", "ALLOW_OUTSIDE_VARIABLE", "Paths", "project_paths", "allowed_outside"]

#: Environment variable naming folders (separated by ``os.pathsep``) a data pack may read
#: outside its own folder; set by ``jsna build --allow-outside DIR``.
ALLOW_OUTSIDE_VARIABLE = "JSNA_ALLOW_OUTSIDE"

SEED = 20261124  # default seed for the demo pack and simulated intervals


def _find_root(start: Path) -> Path:
    for folder in (start, *start.parents):
        project = folder / "pyproject.toml"
        if project.is_file() and 'name = "jsna"' in project.read_text(encoding="utf-8"):
            return folder
    return start


@dataclass(frozen=True)
class Paths:
    """Where jsna reads and writes.

    Examples
    --------
    >>> paths = Paths.from_root("/tmp/project")
    >>> str(paths.figures)
    '/tmp/project/figures'
    """

    root: Path
    raw: Path
    processed: Path
    figures: Path
    reports: Path

    @classmethod
    def from_root(cls, root: str | os.PathLike[str]) -> Paths:
        root = Path(root)
        return cls(
            root=root,
            raw=root / "data" / "raw",
            processed=root / "data" / "processed",
            figures=root / "figures",
            reports=root / "reports",
        )

    @property
    def demo_pack(self) -> Path:
        """Folder the built-in synthetic demo pack is written to."""
        return self.raw / "demo"


def project_paths() -> Paths:
    """The project's paths, honouring ``JSNA_HOME``, ``JSNA_FIGURES`` and ``JSNA_REPORTS``.

    Examples
    --------
    >>> isinstance(project_paths().root, Path)
    True
    """
    home = os.environ.get("JSNA_HOME")
    root = Path(home) if home else _find_root(Path.cwd())
    paths = Paths.from_root(root)
    overrides = {
        "figures": os.environ.get("JSNA_FIGURES"),
        "reports": os.environ.get("JSNA_REPORTS"),
    }
    changes = {key: Path(value) for key, value in overrides.items() if value}
    if changes:
        paths = Paths(**{**paths.__dict__, **changes})
    return paths


def allowed_outside() -> tuple[Path, ...]:
    """Folders outside its own that a data pack may read, as the user allowed them.

    None unless ``JSNA_ALLOW_OUTSIDE`` names them (``jsna build --allow-outside DIR``
    sets it for the build and its notebooks).

    Examples
    --------
    >>> os.environ.pop(ALLOW_OUTSIDE_VARIABLE, None) and None
    >>> allowed_outside()
    ()
    """
    value = os.environ.get(ALLOW_OUTSIDE_VARIABLE, "")
    return tuple(Path(part).resolve() for part in value.split(os.pathsep) if part.strip())
