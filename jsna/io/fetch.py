"""Download publishers' files into a data pack (``jsna fetch``).

The sources are listed in a catalogue file (data, not code:
``jsna/reference/catalogue.toml``, read by :mod:`jsna.io.catalogue`).
:func:`fetch_pack` downloads each source for one local authority, cuts it to
the area and what its comparisons need, writes it into the pack folder and
writes the pack's ``datapack.toml`` with vintages, editions and attribution.

Downloads (:class:`jsna.io.download.Downloader`) are cached by URL (a second
run makes no request and works offline; ``refresh=True`` downloads again),
resumed with HTTP ``Range`` when cut short, retried on connection errors,
time-outs and 5xx answers, verified before they enter the cache (byte count,
catalogue size and sha256, layout), sent through ``HTTPS_PROXY`` and shown
with a tqdm progress bar. Fingertips is read through
:class:`jsna.io.fingertips_api.FingertipsClient` and its own cache.

The order matters: the LSOA to ward to LAD lookup comes first (its LSOAs,
wards and authority names cut the other files), then the LSOA 2011 to 2021
lookup (the LSOA 2011 codes of IoD2019), the GP patients by LSOA (the
practices with patients living in the area, which cut the QOF files), the
neighbour lists and last Fingertips (the area, England, its region and its
neighbours).

**Upper-tier areas.** For a county council (``E10...``) the catalogue's
``lookup.ltla_utla`` source (ONS *Lower Tier Local Authority to Upper Tier
Local Authority* lookup) gives its districts; every file is cut to the
districts' LSOAs, and in the pack's ONS lookups the ``LADyyCD``/``LADyyNM``
columns name the county (the build treats it as one area) while each row's
district is kept as ``LTLAyyCD``/``LTLAyyNM``.

A source that fails (moved, changed, unreachable) gives one line naming the
file, the URL and what was expected; the rest of the pack is still written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from jsna.exceptions import JSNAError, SourceError, first_values
from jsna.io import FileEntry
from jsna.io._read import normalise_header
from jsna.io.atomic import write_atomic, write_bytes_atomic
from jsna.io.catalogue import CATALOGUE, Source, load_catalogue, open_source, verify_source
from jsna.io.download import Downloader
from jsna.io.fetch_fingertips import ENGLAND, fetch_fingertips, local_health_layout, tier

__all__ = [
    "CATALOGUE",
    "Source",
    "Downloader",
    "FetchReport",
    "load_catalogue",
    "verify_source",
    "fetch_pack",
    "ENGLAND",
]

#: Sources handled first, in this order; the others follow in catalogue order.
_FIRST = (
    "lookup.ltla_utla",
    "lookup.lsoa_ward_lad",
    "lookup.lsoa11_lsoa21",
    "gp.lsoa_patients",
    "qof.mapping",
    "neighbours.dfe",
    "neighbours.list",
)
#: The source role whose codes a subset needs.
_NEEDS = {
    "lsoa": "lookup.lsoa_ward_lad",
    "ward": "lookup.lsoa_ward_lad",
    "name": "lookup.lsoa_ward_lad",
    "lsoa11": "lookup.lsoa11_lsoa21",
    "practice": "gp.lsoa_patients",
}
_LAD = re.compile(r"^lad(\d\d)(cd|nm|nmw)$")


@dataclass
class FetchReport:
    """What :func:`fetch_pack` did: files written, sources failed, requests made.

    ``requests`` counts the downloader's requests; Fingertips goes through
    :class:`~jsna.io.fingertips_api.FingertipsClient` and its own cache, which
    also answers a second run without a request. ``districts`` lists the
    districts of a county council (one code for any other area).
    """

    pack: Path
    written: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    requests: int = 0
    districts: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """One line per source, for the command line."""
        out = [f"wrote {w}" for w in self.written]
        out += [f"FAILED {f}" for f in self.failed]
        if len(self.districts) > 1:
            out.append(
                f"upper-tier area: {len(self.districts)} districts {', '.join(self.districts)}"
            )
        out.append(f"{len(self.written)} file(s) in {self.pack}; {self.requests} request(s)")
        return out


@dataclass
class _Area:
    """The area being fetched and the codes found so far that cut other files."""

    code: str
    name: str = ""
    districts: set[str] = field(default_factory=set)
    lsoas: set[str] | None = None
    lsoa11s: set[str] | None = None
    wards: set[str] | None = None
    lad_names: set[str] = field(default_factory=set)
    practices: set[str] | None = None
    neighbours: set[str] = field(default_factory=set)

    @property
    def upper(self) -> bool:
        return len(self.districts - {self.code}) > 0

    def codes(self, source: Source) -> set[str]:
        kind = source.subset
        if kind in ("area", "column"):
            return self.districts | {self.code}
        found = {
            "lsoa": (self.lsoas, "lookup.lsoa_ward_lad"),
            "ward": (self.wards, "lookup.lsoa_ward_lad"),
            "name": (self.lad_names or None, "lookup.lsoa_ward_lad"),
            "lsoa11": (self.lsoa11s, "lookup.lsoa11_lsoa21"),
            "practice": (self.practices, "gp.lsoa_patients"),
        }[kind]
        if found[0] is None:
            raise SourceError(
                f"{source.path}: needs the {kind} codes of {self.code} from the {found[1]} "
                "source, which was not fetched (or failed); add it to --only"
            )
        return set(found[0])


def _column(columns, wanted: str, source: Source, where: str) -> str:
    found = next((c for c in columns if normalise_header(c) == normalise_header(wanted)), None)
    if found is None:
        raise SourceError(
            f"{where}: no column {wanted!r} to cut the file to the area (it has "
            f"{first_values(list(columns), 8)}); update subset_column of {source.id!r}"
        )
    return found


def _keep(values: pd.Series, codes: set[str], kind: str) -> pd.Series:
    values = values.astype(str).str.strip()
    if kind == "name":  # ONS names LSOAs and MSOAs after their authority: "Sefton 001A"
        return values.map(lambda v: any(v.startswith(f"{n} ") for n in codes))
    return values.isin(codes)


def _subset(data: Any, source: Source, area: _Area, where: str) -> Any:
    if source.subset == "none":
        return data
    codes = area.codes(source)
    if isinstance(data, dict):  # GeoJSON
        features = data["features"]
        if not features:
            raise SourceError(f"{where}: no features; expected boundaries for the area")
        props = pd.DataFrame([f.get("properties") or {} for f in features])
        column = _column(props.columns, source.subset_column, source, where)
        keep = _keep(props[column].fillna(""), codes, source.subset).to_numpy()
        kept = [f for f, k in zip(features, keep, strict=True) if k]
        if not kept:
            raise SourceError(
                f"{where}: no features for the area in {column!r} (looked for "
                f"{first_values(sorted(codes))}); is the vintage right for this area?"
            )
        return {**data, "features": kept}
    column = _column(data.columns, source.subset_column, source, where)
    kept = data[_keep(data[column], codes, source.subset)]
    if source.keep_whole and not kept.empty:  # e.g. a practice's whole list, not only the area's
        whole = _column(data.columns, source.keep_whole, source, where)
        kept = data[data[whole].isin(set(kept[whole]))]
    if kept.empty:
        raise SourceError(
            f"{where}: no rows for the area in column {column!r} (looked for "
            f"{first_values(sorted(codes))}); is the area code right for this vintage?"
        )
    return kept


def _relabel_upper(frame: pd.DataFrame, source: Source, area: _Area) -> pd.DataFrame:
    """Name the county in an ONS lookup's LAD columns, keeping districts as LTLA columns."""
    if not area.upper or not source.role.startswith("lookup."):
        return frame
    out = frame.copy()
    for column in list(frame.columns):
        match = _LAD.match(normalise_header(column))
        if not match:
            continue
        year, kind = match.groups()
        out = out.rename(columns={column: f"LTLA{year}{kind.upper()}"})
        if kind == "cd":
            out[column] = area.code
        elif kind == "nm":
            out[column] = area.name or area.code
    return out


def _learn(frame: pd.DataFrame, source: Source, area: _Area, pack: Path) -> None:
    """Take the codes that cut later files from a file just written."""
    heads = {normalise_header(c): c for c in frame.columns}

    def col(pattern: str) -> str | None:
        return next((c for h, c in heads.items() if re.fullmatch(pattern, h)), None)

    if source.role == "lookup.lsoa_ward_lad":
        area.lsoas = set(frame[col(r"lsoa\d\dcd")].str.strip())
        area.wards = set(frame[col(r"wd\d\dcd")].str.strip())
        names = col(r"ltla\d\dnm") or col(r"lad\d\dnm")
        area.lad_names = set(frame[names].str.strip()) if names else set()
    elif source.role == "lookup.lsoa11_lsoa21":
        area.lsoa11s = set(frame[col(r"lsoa11cd|flsoa11cd")].str.strip())
    elif source.role == "gp.lsoa_patients":
        area.practices = set(frame[col(r"practice_?code")].str.strip())
    elif source.role in ("neighbours.dfe", "neighbours.list"):
        import warnings

        from jsna.io.neighbours import read_dfe_neighbours, read_neighbour_list

        entry = FileEntry(source.role, (pack / source.path,), dict(source.settings), pack)
        read = read_dfe_neighbours if source.role == "neighbours.dfe" else read_neighbour_list
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            table = read(entry)
        mine = table[table["area_code"] == area.code]
        area.neighbours |= set(mine["neighbour_code"].dropna().astype(str))


def _resolve_area(frame: pd.DataFrame, area: _Area, source: Source, where: str) -> None:
    heads = {normalise_header(c): c for c in frame.columns}
    ltla = next((c for h, c in heads.items() if re.fullmatch(r"ltla\d\dcd|lad\d\dcd", h)), None)
    utla = next((c for h, c in heads.items() if re.fullmatch(r"utla\d\dcd", h)), None)
    if ltla is None or utla is None:
        raise SourceError(f"{where}: needs LTLAyyCD and UTLAyyCD columns; update the catalogue")
    rows = frame[frame[utla].str.strip() == area.code]
    if rows.empty and not (frame[ltla].str.strip() == area.code).any():
        raise SourceError(
            f"{where}: {area.code!r} is neither an upper- nor a lower-tier authority in this "
            "lookup; check the code (county councils E10, districts E07, unitary E06/E08/E09)"
        )
    if not rows.empty:
        area.districts = set(rows[ltla].str.strip())
        name = heads.get(normalise_header(utla).replace("cd", "nm"))
        area.name = str(rows[name].iloc[0]).strip() if name else area.code


def _write_frame(path: Path, frame: pd.DataFrame) -> None:
    write_bytes_atomic(path, frame.to_csv(index=False, lineterminator="\n").encode("utf-8"))


def fetch_pack(
    area: str,
    pack: str | Path,
    *,
    only: Sequence[str] | None = None,
    refresh: bool = False,
    catalogue: str | Path | None = None,
    cache_dir: str | Path | None = None,
    downloader: Downloader | None = None,
) -> FetchReport:
    """Download the catalogue's sources for ``area`` into the pack folder ``pack``.

    Parameters
    ----------
    area : str
        The local authority code: lower tier (``E06``, ``E07``, ``E08``, ``E09``)
        or a county council (``E10``; the pack then covers all its districts).
    pack : path
        The pack folder; its ``datapack.toml`` is (re)written. Entries of an
        earlier fetch that this run did not touch (``--only``) are kept.
    only : list of str, optional
        Roles or source ids to fetch (default: all), with the sources whose
        codes cut them (the LSOA lookup for a file cut by LSOA, ...).
    refresh : bool
        Download again even when the cache has the file.
    catalogue : path, optional
        Default :data:`CATALOGUE`.
    cache_dir : path, optional
        Default ``<pack>/.cache``.
    downloader : Downloader, optional
        For tests and to set retries/timeouts.

    Returns
    -------
    FetchReport
        Files written, one line per failed source, requests made. A failed
        source does not stop the others; ``datapack.toml`` lists what was written.

    Examples
    --------
    >>> import tempfile
    >>> fetch_pack("E08000014", tempfile.mkdtemp(), only=["nonsense"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    jsna.exceptions.SourceError: --only 'nonsense'... is not a role or source of the catalogue; ...
    """
    code = str(area).strip()
    pack = Path(pack)
    sources = load_catalogue(catalogue)
    if only:
        wanted = set(only)
        roles = sorted({s.role for s in sources})
        unknown = wanted - {s.role for s in sources} - {s.id for s in sources}
        if unknown:
            raise SourceError(
                f"--only {first_values(sorted(unknown))} is not a role or source of the "
                f"catalogue; it has {first_values(roles, 30)}"
            )
        chosen = [s for s in sources if s.role in wanted or s.id in wanted]
        while True:  # and the sources whose codes cut the chosen ones
            roles = {s.role for s in chosen}
            need = {_NEEDS[s.subset] for s in chosen if s.subset in _NEEDS} - roles
            need |= {"lookup.lsoa_ward_lad"} if roles & set(_NEEDS.values()) else set()
            extra = [s for s in sources if s.role in need - roles and s not in chosen]
            if not extra:
                break
            chosen += extra
        named = {str(v) for s in chosen for v in s.settings.values()}
        sources = [s for s in sources if s in chosen or s.use == "fetch" or s.path in named]
    pack.mkdir(parents=True, exist_ok=True)
    cache = Path(cache_dir) if cache_dir else pack / ".cache"
    get = downloader or Downloader(cache)
    cache = get.cache_dir
    start = get.requests_made
    report = FetchReport(pack=pack)
    state = _Area(code, districts={code})
    entries: list[dict[str, Any]] = []
    attribution: list[str] = []
    order = {role: n for n, role in enumerate(_FIRST)}
    fingertips_last = sorted(
        sources,
        key=lambda s: (s.format.startswith("fingertips") and s.format != "fingertips-neighbours",
                       order.get(s.role, len(_FIRST))),
    )  # fmt: skip
    for source in fingertips_last:
        url = source.url_for(code).replace("{area_type}", str(source.area_type.get(tier(code), "")))
        where = f"{source.path} ({url})"
        try:
            files: list[Path] = []
            if source.format.startswith("fingertips"):
                frame, url = fetch_fingertips(source, state, pack, cache, report.failed)
            else:
                raw = source.format in ("csv", "zip") and source.subset == "none"
                raw = raw and not source.settings.get("layout") == "local health"

                def fetch(u, **kw):
                    return get.get(u, refresh=refresh, **kw)

                data, files = open_source(source, url, fetch, raw=raw)
                if source.use == "fetch":
                    _resolve_area(data, state, source, where)
                    report.districts = sorted(state.districts)
                    continue
                data = _subset(data, source, state, where)
                if source.role == "indicators.local_health":
                    data = local_health_layout(data, where)
                frame = data if isinstance(data, pd.DataFrame) else None
                if isinstance(data, bytes):
                    write_bytes_atomic(pack / source.path, data)
                    if source.role in _FIRST:
                        frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False,
                                            encoding="utf-8-sig")  # fmt: skip
                elif isinstance(data, dict):
                    text = json.dumps(data, ensure_ascii=False)
                    write_bytes_atomic(pack / source.path, text.encode("utf-8"))
                else:
                    frame = _relabel_upper(frame, source, state)
                    _write_frame(pack / source.path, frame)
            if frame is not None:
                _learn(frame, source, state, pack)
        except JSNAError as exc:
            report.failed.append(str(exc).splitlines()[0])
            continue
        except (OSError, ValueError, KeyError, pd.errors.ParserError) as exc:
            report.failed.append(f"{where} could not be read ({str(exc).splitlines()[0][:160]})")
            continue
        report.written.append(source.path)
        if source.use == "file":
            continue
        entry = {"role": source.role, "path": source.path, **source.settings}
        entry["source_url"] = url
        if len(files) == 1:
            entry["sha256"] = hashlib.sha256(files[0].read_bytes()).hexdigest()
        entry["publisher"] = source.publisher
        entry["licence"] = source.licence
        entries.append(entry)
        if source.attribution and source.attribution not in attribution:
            attribution.append(source.attribution)
    report.requests = get.requests_made - start
    if entries:
        # an entry of an earlier run is replaced only by a file written now: a source that
        # failed this time keeps its earlier file and entry
        _write_manifest(pack, state, entries, attribution, set(report.written))
    return report


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def _write_manifest(
    pack: Path, area: _Area, entries: list[dict[str, Any]], attribution: list[str], touched
) -> None:
    manifest = pack / "datapack.toml"
    if manifest.is_file():  # keep what an earlier fetch wrote and this run did not touch
        try:
            old = tomllib.loads(manifest.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError):
            old = {}
        kept = [e for e in old.get("file", []) if e.get("path") not in touched]
        entries = kept + entries
        for line in old.get("pack", {}).get("attribution", []):
            if line not in attribution and any(e in kept for e in entries):
                attribution.append(line)
    today = dt.date.today().isoformat()
    name = f"{area.name or area.code} (fetched {today})"
    lines = [
        "# Written by `jsna fetch`; each file's source_url and sha256 say what was downloaded.",
        "[pack]",
        f"name = {_toml_value(name)}",
        "synthetic = false",
        f"areas = {_toml_value([area.code])}",
        f"fetched = {_toml_value(today)}",
    ]
    if area.upper:
        lines.append(f"districts = {_toml_value(sorted(area.districts))}")
    lines += ["attribution = [", *[f"  {_toml_value(a)}," for a in attribution], "]"]
    for entry in entries:
        lines += ["", "[[file]]"] + [f"{k} = {_toml_value(v)}" for k, v in entry.items()]
    write_atomic(manifest, lambda tmp: tmp.write_text("\n".join(lines) + "\n", encoding="utf-8"))
