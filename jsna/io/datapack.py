"""The data pack: the one seam between the publishers' files and the analysis.

A data pack is a folder of files in their publishers' formats plus a
``datapack.toml`` manifest saying what each file is (see the README and the
design guide). :meth:`DataPack.open` reads the manifest; :meth:`DataPack.read`
hands out validated tidy frames, read once and cached.

Where a role appears more than once (two IoD editions, two DfE neighbour
models, QOF at practice and authority level), the caller may choose by
``edition``, ``vintage`` or ``level``; the default is the most recent (the
entry naming the latest year), and the frame's ``source`` metadata
(:func:`jsna.meta.meta`) says which file was used.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from jsna.exceptions import GeographyError, SourceError, first_values
from jsna.io import READERS, ROLES, FileEntry
from jsna.io.paths import pack_files
from jsna.io.validation import validate_frame
from jsna.meta import copy_meta
from jsna.reference.sources import attribution, synthetic_attribution, without_source_label

__all__ = ["DataPack", "MANIFEST"]

MANIFEST = "datapack.toml"

#: Roles whose entries are combined rather than chosen between.
COMBINED_ROLES = ("indicators.fingertips",)


def _load_readers() -> None:
    # Importing the modules registers their readers. Optional ones may not exist yet.
    import importlib

    for name in (
        "geo",
        "lookups",
        "imd",
        "population",
        "fingertips",
        "neighbours",
        "qof",
        "modelled_prevalence",
        "gp_patients",
        "deaths",
        "census",
        "practice_map",
        "local_health",
    ):
        try:
            importlib.import_module(f"jsna.io.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"jsna.io.{name}":
                raise


def _load_manifest(manifest: Path) -> dict:
    """The manifest's TOML; a file not in UTF-8 is refused with the fix."""
    data = manifest.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SourceError(
            f"{manifest} is saved as UTF-16 (Unicode); save it as UTF-8 "
            "(in Notepad: Save as, Encoding: UTF-8)"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(
            f"{manifest} is not UTF-8 (byte 0x{data[exc.start]:02x} at position {exc.start}, "
            "perhaps saved as Windows-1252 / ANSI); save it as UTF-8 "
            "(in Notepad: Save as, Encoding: UTF-8)"
        ) from exc
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SourceError(f"{manifest} is not valid TOML: {exc}; fix the manifest") from exc


def _pack_name(manifest: Path, name: object) -> str:
    if not isinstance(name, str):
        raise SourceError(
            f'{manifest}: [pack] name = {name!r} must be text, like name = "Sefton JSNA 2026"'
        )
    if not name.strip():
        raise SourceError(f"{manifest}: [pack] name is empty; give the pack a name")
    return name


def _pack_synthetic(manifest: Path, value: object) -> bool:
    if not isinstance(value, bool):
        raise SourceError(
            f"{manifest}: [pack] synthetic = {value!r} must be true or false "
            "(a TOML boolean, no quotes)"
        )
    return value


def _pack_attribution(manifest: Path, value: object) -> list[str]:
    lines = [value] if isinstance(value, str) else value
    if not isinstance(lines, list) or not all(isinstance(line, str) for line in lines):
        raise SourceError(
            f"{manifest}: [pack] attribution must be text or a list of text "
            f'(attribution = ["Source: ..."]), not {value!r}'
        )
    return list(lines)


def _pack_areas(manifest: Path, value: object) -> list[str]:
    if not isinstance(value, list):
        raise SourceError(
            f'{manifest}: [pack] areas must be a list of area codes, like areas = ["E08000014"]; '
            f"it is {value!r}"
        )
    not_text = [a for a in value if not isinstance(a, str)]
    if not_text:
        raise SourceError(
            f"{manifest}: [pack] areas has {first_values(not_text)}, not codes in quotes; "
            'write each code in quotes, like "E08000014"'
        )
    spaced = [a for a in value if a != a.strip() or not a]
    if spaced:
        raise SourceError(
            f"{manifest}: [pack] areas has codes with spaces around them or empty: "
            f"{first_values(spaced)}; remove the spaces"
        )
    return list(value)


#: Settings of a [[file]] entry that must be text (a year may be a number).
TEXT_SETTINGS = (
    "edition",
    "vintage",
    "level",
    "period",
    "date",
    "model",
    "condition",
    "source",
    "unit",
    "polarity",
    "layout",
    "mapping",
    "table",
    "attribution",
)
#: Settings that name a file of the pack (a glob, resolved inside the pack folder).
FILE_SETTINGS = ("mapping",)
#: Settings that tell two entries of one role apart.
IDENTITY = ("edition", "vintage", "level", "period", "condition", "model", "table")


def _check_setting(where: str, key: str, value: object) -> None:
    if key not in TEXT_SETTINGS:
        return
    year = key in ("edition", "vintage", "period", "date") and isinstance(value, int)
    if isinstance(value, bool) or not (isinstance(value, str) or year):
        raise SourceError(f'{where}: {key} = {value!r} must be text in quotes, like {key} = "..."')


def _check_ambiguous(manifest: Path, entries: list[FileEntry]) -> None:
    """Two entries of one role that nothing tells apart: refuse, naming both paths."""
    seen: dict[tuple, FileEntry] = {}
    for entry in entries:
        if entry.role in COMBINED_ROLES:
            continue
        values = tuple(str(entry.get(k, "")).strip().lower() for k in IDENTITY)
        key = (entry.role, values)
        if key in seen:
            first = seen[key]
            same = ", ".join(
                f"{k} = {first.get(k)!r}" for k, v in zip(IDENTITY, values, strict=True) if v
            )
            raise SourceError(
                f"{manifest}: role {entry.role} has two ambiguous entries, "
                f"path {first.get('path')!r} and path {entry.get('path')!r} ("
                + (f"both {same}" if same else "neither names its edition, vintage, level or table")
                + "); give each a different edition, vintage or level, or remove one"
            )
        seen[key] = entry


def _source_role(text: str) -> tuple[str, dict[str, str]]:
    """``"role"`` or ``"role[key=value]"`` as the role and its selection."""
    match = re.fullmatch(r"\s*([\w.]+)\s*(?:\[\s*(\w+)\s*=\s*([^\]]*?)\s*\])?\s*", str(text))
    if not match:
        raise SourceError(
            f"sources: {text!r} is not a role or role[setting=value], "
            'like "prevalence.recorded[level=practice]"'
        )
    role, key, value = match.groups()
    return role, ({key: value} if key else {})


def _recency(entry: FileEntry) -> int:
    text = " ".join(str(entry.get(k, "")) for k in ("edition", "vintage", "period"))
    years = []
    for match in re.findall(r"\d{4}|\d{2}", text):
        year = int(match)
        years.append(year if year > 1900 else 2000 + year)
    return max(years, default=0)


@dataclass
class DataPack:
    """A folder of source files described by a ``datapack.toml`` manifest.

    Attributes
    ----------
    root : Path
        The folder.
    name : str
        The pack's name from ``[pack]``.
    synthetic : bool
        True for the demo pack: every output then says "synthetic data".
    attribution : list of str
        Attribution lines to print under figures and in reports.
    areas : list of str
        Local authority codes the pack covers (may be empty).
    entries : list of FileEntry
        The ``[[file]]`` entries, resolved.
    roles_read : set of str
        Every role handed out by :meth:`read` so far (whatever the ``select``),
        so a chapter can cite the sources of the data it used; clear it to start
        counting afresh.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "imd.csv").write_text("lsoa21_code,IMD_decile\\nE01000001,3\\n")
    >>> _ = (folder / "datapack.toml").write_text(
    ...     '[pack]\\nname = "tiny"\\n'
    ...     '[[file]]\\nrole = "imd"\\npath = "imd.csv"\\nedition = "IoD2025"\\n')
    >>> pack = DataPack.open(folder)
    >>> pack.name, pack.read("imd")["imd_decile"].tolist()
    ('tiny', [3])
    >>> pack.roles_read
    {'imd'}
    """

    root: Path
    name: str
    synthetic: bool = False
    attribution: list[str] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)
    entries: list[FileEntry] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    roles_read: set[str] = field(default_factory=set)
    _cache: dict[tuple, pd.DataFrame] = field(default_factory=dict, repr=False)
    _used: dict[tuple, tuple[int, ...]] = field(default_factory=dict, repr=False)
    # frames by the files read (role, entry numbers, combined): ``read("imd")`` and
    # ``read("imd", edition="IoD2025")`` naming the same file read it once
    _by_files: dict[tuple, pd.DataFrame] = field(default_factory=dict, repr=False)

    @classmethod
    def open(cls, path: str | Path) -> DataPack:
        """Open the data pack in ``path`` (a folder holding ``datapack.toml``).

        The manifest is checked as it is read, each mistake a one-line
        :class:`~jsna.exceptions.SourceError`: it must be UTF-8 TOML; ``[pack]``
        needs a text ``name``, ``synthetic`` is a boolean, ``areas`` a list of
        codes and ``attribution`` text or a list of text; every ``[[file]]`` table
        needs a text ``role`` and ``path``, its other settings are text (or a year;
        ``attribution = "..."`` replaces the publisher's line that :meth:`sources`
        cites for the file);
        two entries of one role may not share edition, vintage, level, period,
        condition and model. Every path must match files inside the pack folder
        (see :func:`jsna.io.paths.pack_files`): a pack reads nothing outside it.
        """
        _load_readers()
        root = Path(path)
        manifest = root / MANIFEST if root.is_dir() or not root.suffix else root
        root = manifest.parent
        if not manifest.is_file():
            raise SourceError(
                f"no {MANIFEST} in {root}; point --pack at a data pack folder, or run "
                "`jsna demo` to write the synthetic demo pack as an example"
            )
        config = _load_manifest(manifest)
        pack = config.get("pack")
        if not isinstance(pack, dict) or "name" not in pack:
            raise SourceError(f'{manifest}: needs a [pack] table with name = "..."')
        files = config.get("file", [])
        if isinstance(files, dict):
            raise SourceError(
                f"{manifest}: [file] must be written [[file]] (double brackets), one [[file]] "
                "table for each file of the pack"
            )
        if not isinstance(files, list):
            raise SourceError(
                f"{manifest}: file = {files!r} is not a list of [[file]] tables; "
                "describe each file in its own [[file]] table"
            )
        entries = [
            cls._entry(root, manifest, number, item) for number, item in enumerate(files, start=1)
        ]
        if not entries:
            raise SourceError(f"{manifest}: no [[file]] entries; list the pack's files")
        _check_ambiguous(manifest, entries)
        meta = {
            k: v for k, v in pack.items() if k not in ("name", "synthetic", "attribution", "areas")
        }
        return cls(
            root=root,
            name=_pack_name(manifest, pack["name"]),
            synthetic=_pack_synthetic(manifest, pack.get("synthetic", False)),
            attribution=_pack_attribution(manifest, pack.get("attribution", [])),
            areas=_pack_areas(manifest, pack.get("areas", [])),
            entries=entries,
            meta=meta,
        )

    @staticmethod
    def _entry(root: Path, manifest: Path, number: int, item: object) -> FileEntry:
        if not isinstance(item, dict):
            raise SourceError(
                f"{manifest}: [[file]] number {number} must be a table with role and path, "
                f"not {item!r}"
            )
        role, pattern = item.get("role"), item.get("path")
        if role is None or pattern is None or role == "" or pattern == "":
            raise SourceError(f"{manifest}: [[file]] number {number} needs both role and path")
        if not isinstance(role, str):
            raise SourceError(
                f"{manifest}: [[file]] number {number}: role = {role!r} must be text, "
                'like role = "imd"'
            )
        if role not in ROLES:
            raise SourceError(
                f"{manifest}: [[file]] number {number} has unknown role {role!r}; "
                f"roles are {', '.join(ROLES)}"
            )
        where = f"{manifest}: [[file]] number {number} (role {role})"
        if not isinstance(pattern, str):
            raise SourceError(
                f'{where}: path = {pattern!r} must be text, like path = "imd/File_7.csv"'
            )
        settings = {k: v for k, v in item.items() if k not in ("role", "path")}
        for key, value in settings.items():
            _check_setting(where, key, value)
        paths = pack_files(root, pattern, where=where, allow_none=True)
        if not paths:
            raise SourceError(
                f"{manifest}: [[file]] number {number}, role {role} path {pattern!r} matches no "
                f"file in {root}; fix the path or download the file"
            )
        for key in FILE_SETTINGS:
            if key in settings:  # checked again, for matches, when the reader opens it
                pack_files(root, settings[key], where=f"{where} {key}", allow_none=True)
        settings["path"] = pattern
        return FileEntry(role=role, paths=paths, settings=settings, root=root)

    # ------------------------------------------------------------------ entries
    def has(self, role: str) -> bool:
        """Whether the pack has at least one file for ``role``."""
        return any(e.role == role for e in self.entries)

    def entries_for(self, role: str, **select: Any) -> list[FileEntry]:
        """Entries of ``role`` whose attributes match ``select`` (case-insensitive)."""
        chosen = []
        for entry in self.entries:
            if entry.role != role:
                continue
            if all(
                str(entry.get(k, "")).lower() == str(v).lower()
                for k, v in select.items()
                if v is not None
            ):
                chosen.append(entry)
        return chosen

    def entry(self, role: str, **select: Any) -> FileEntry:
        """The one entry of ``role`` matching ``select``; the most recent if several.

        Raises
        ------
        SourceError
            If the pack has no matching file.
        """
        found = self.entries_for(role, **select)
        if not found:
            have = [dict(e.settings) for e in self.entries if e.role == role]
            wanted = {k: v for k, v in select.items() if v is not None}
            if have:
                raise SourceError(
                    f"data pack {self.name!r} has no {role} file with {wanted}; it has {have}"
                )
            raise SourceError(
                f"data pack {self.name!r} has no file for role {role}; add one to "
                f"{self.root / MANIFEST}"
            )
        return max(found, key=_recency)  # max keeps the first of equals

    # ------------------------------------------------------------------ frames
    def read(self, role: str, **select: Any) -> pd.DataFrame:
        """Read the frame for ``role`` (cached); see the module docstring for choosing.

        Returns a copy, so callers may modify it freely. The role is added to
        :attr:`roles_read`.
        """
        frame = self._frame(role, **select)
        self.roles_read.add(role)
        return frame

    def _frame(self, role: str, **select: Any) -> pd.DataFrame:
        """:meth:`read` without recording the role (for the pack's own checks)."""
        key = (role, tuple(sorted((k, str(v)) for k, v in select.items() if v is not None)))
        if key not in self._cache:
            if role not in READERS:
                raise SourceError(f"no reader for role {role} in this version of jsna")
            if role in COMBINED_ROLES and not select:
                entries = self.entries_for(role)
                if not entries:
                    self.entry(role)  # raises the standard message
                polarity = {
                    str(p): e.get("polarity") for e in entries for p in e.paths if e.get("polarity")
                }
                entry = FileEntry(
                    role,
                    tuple(p for e in entries for p in e.paths),
                    {
                        "path": ", ".join(e.get("path") for e in entries),
                        "polarity_by_path": polarity,
                    },
                    root=self.root,
                )
                used = entries
            else:
                entry = self.entry(role, **select)
                used = [entry]
            self._used[key] = tuple(
                i for i, e in enumerate(self.entries) if any(e is u for u in used)
            )
            files = (role, self._used[key], role in COMBINED_ROLES and not select)
            if files not in self._by_files:
                self._by_files[files] = validate_frame(
                    role, READERS[role](entry), where=entry.describe()
                )
            self._cache[key] = self._by_files[files]
        frame = self._cache[key]
        return copy_meta(frame.copy(), frame)

    # ------------------------------------------------------------------ areas
    def check_area(self, area: str) -> str:
        """Return ``area`` if the pack covers it, else raise :class:`GeographyError`."""
        area = str(area).strip()
        known = set(self.areas)
        if not known and self.has("lookup.lsoa_ward_lad"):
            lookup = self._frame("lookup.lsoa_ward_lad")
            lad = [c for c in lookup.columns if re.fullmatch(r"lad\d\d_code", c)][0]
            known = set(lookup[lad])
        if area not in known:
            raise GeographyError(
                f"unknown area code {area!r} for data pack {self.name!r}; "
                f"it covers {first_values(sorted(known), 10)}"
            )
        return area

    # ------------------------------------------------------------------ sources
    def sources(self, *roles: str) -> list[str]:
        """The attribution lines of the files of ``roles``: each once, in manifest order.

        A file's line is its ``[[file]] attribution`` if the manifest gives one, else
        the publisher's line from :mod:`jsna.reference.sources` for its role and
        settings (in a synthetic pack, a line saying the data are synthetic in that
        publisher's layout). For a role already read, the files that were read are
        cited (e.g. only the IoD edition used); otherwise the file :meth:`read` would
        choose (every file, for Fingertips). Roles the pack has no file for are left
        out. With no ``roles``, the roles read so far (:attr:`roles_read`) are cited;
        if nothing is cited, the pack's own ``[pack] attribution`` lines are returned.

        Parameters
        ----------
        *roles : str
            Data pack roles, e.g. ``"prevalence.recorded", "imd"``; a role may name
            the files it means by one setting, as ``"prevalence.recorded[level=practice]"``
            or ``"imd[edition=IoD2019]"`` (then those files are cited, read or not).

        Returns
        -------
        list of str
            Attribution lines without a "Source:" label.

        Raises
        ------
        SourceError
            If a name is not a data pack role.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (folder / "imd.csv").write_text("lsoa21_code,IMD_decile\\nE01000001,3\\n")
        >>> _ = (folder / "datapack.toml").write_text(
        ...     '[pack]\\nname = "tiny"\\nattribution = "Source: the whole pack"\\n'
        ...     '[[file]]\\nrole = "imd"\\npath = "imd.csv"\\nedition = "IoD2025"\\n')
        >>> pack = DataPack.open(folder)
        >>> pack.sources()  # nothing read yet: the pack's own lines
        ['the whole pack']
        >>> pack.sources("imd", "prevalence.recorded")  # the pack has no QOF file
        ['Ministry of Housing, Communities and Local Government, English Indices of Deprivation (IoD2025); Open Government Licence v3.0']
        """  # noqa: E501
        wanted = [_source_role(r) for r in roles] if roles else [(r, {}) for r in self.roles_read]
        unknown = [r for r, _ in wanted if r not in ROLES]
        if unknown:
            raise SourceError(
                f"sources: {first_values(unknown)} not data pack roles; "
                f"roles are {', '.join(ROLES)}"
            )
        chosen: set[int] = set()
        for role, select in wanted:
            read = [used for (r, _), used in self._used.items() if r == role]
            if select:
                found = self.entries_for(role, **select)
                chosen.update(i for i, e in enumerate(self.entries) if any(e is f for f in found))
            elif read:
                chosen.update(i for used in read for i in used)
            elif role in COMBINED_ROLES:
                chosen.update(i for i, e in enumerate(self.entries) if e.role == role)
            elif self.has(role):
                entry = self.entry(role)
                chosen.update(i for i, e in enumerate(self.entries) if e is entry)
        lines: list[str] = []
        for index in sorted(chosen):
            line = without_source_label(self._attribution(self.entries[index]))
            if line and line not in lines:
                lines.append(line)
        if not lines:
            return [without_source_label(line) for line in self.attribution]
        return lines

    def _attribution(self, entry: FileEntry) -> str:
        own = entry.get("attribution")
        if own:
            return str(own)
        if self.synthetic:
            return synthetic_attribution(entry.role, entry.settings)
        return attribution(entry.role, entry.settings)

    def attribution_text(self) -> str:
        """The attribution lines joined for a figure footer or report."""
        lines = list(self.attribution)
        if self.synthetic:
            lines.insert(0, "Synthetic data: not real figures for any place.")
        return " ".join(lines)
