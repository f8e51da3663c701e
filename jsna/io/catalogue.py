"""The catalogue of publishers' sources that ``jsna fetch`` downloads.

The catalogue is data (``jsna/reference/catalogue.toml``): one ``[[source]]``
per file or API call with its URL, publisher, licence, attribution, where the
URL is documented, the expected layout (format, columns) and, for files that
never change, size and sha256. This module reads it (:func:`load_catalogue`),
checks a download against it (:func:`verify_source`) and opens a download as a
table or a GeoJSON feature collection (:func:`open_source`), following ArcGIS
REST pages where the service sends its records in pages.
"""

from __future__ import annotations

import fnmatch
import hashlib
import io
import json
import re
import tomllib
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from jsna.exceptions import SourceError, first_values
from jsna.io._read import normalise_header
from jsna.io.atomic import write_bytes_atomic

__all__ = [
    "CATALOGUE",
    "FORMATS",
    "SUBSETS",
    "Source",
    "load_catalogue",
    "verify_source",
    "open_source",
    "find_header",
]

#: The catalogue shipped with jsna.
CATALOGUE = Path(__file__).resolve().parents[1] / "reference" / "catalogue.toml"

#: How a download is laid out.
FORMATS = ("csv", "zip", "xlsx", "arcgis", "geojson", "fingertips", "fingertips-neighbours")

#: How a national file is cut to the area (see the catalogue's header).
SUBSETS = (
    "none",
    "area",
    "column",
    "lsoa",
    "lsoa11",
    "ward",
    "name",
    "practice",
    "fingertips",
)


@dataclass(frozen=True)
class Source:
    """One ``[[source]]`` of the catalogue.

    Examples
    --------
    >>> s = Source("x", "imd", "https://example.org/{area}.csv", "imd/x.csv")
    >>> s.url_for("E08000014")
    'https://example.org/E08000014.csv'
    """

    id: str
    role: str
    url: str
    path: str
    publisher: str = ""
    licence: str = ""
    attribution: str = ""
    documented: str = ""
    format: str = "csv"
    member: str = ""
    sheet: str = ""
    columns: tuple[str, ...] = ()
    subset: str = "none"
    subset_column: str = ""
    keep_whole: str = ""
    sha256: str = ""
    size: int | None = None
    page_size: int = 0
    use: str = "pack"
    indicators: tuple[int, ...] = ()
    area_type: dict[str, int] = field(default_factory=dict)
    parent_area_type: int = 6
    neighbour_type: int = 0
    lad_columns: tuple[str, ...] = ()
    settings: dict[str, Any] = field(default_factory=dict)

    def url_for(self, area: str) -> str:
        """The download URL for ``area``."""
        return self.url.replace("{area}", area)


def load_catalogue(path: str | Path | None = None) -> list[Source]:
    """Read a catalogue file (default: the one shipped with jsna).

    Examples
    --------
    >>> sources = load_catalogue()
    >>> {"lookup.lsoa_ward_lad", "imd", "census.lsoa", "population.lsoa"} <= {
    ...     s.role for s in sources}
    True
    """
    path = Path(path) if path is not None else CATALOGUE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SourceError(f"cannot read the catalogue {path}: {exc}") from exc
    sources = []
    known = set(Source.__dataclass_fields__)
    for number, item in enumerate(data.get("source", []), start=1):
        missing = [k for k in ("id", "role", "url", "path") if not item.get(k)]
        if missing:
            raise SourceError(f"{path}: [[source]] number {number} needs {', '.join(missing)}")
        for key, allowed in (("subset", SUBSETS), ("format", FORMATS)):
            if item.get(key, allowed[0]) not in allowed:
                raise SourceError(
                    f"{path}: source {item['id']!r} has {key} {item[key]!r}; "
                    f"use one of {', '.join(allowed)}"
                )
        unknown = sorted(set(item) - known)
        if unknown:
            raise SourceError(
                f"{path}: source {item['id']!r} has unknown key(s) {first_values(unknown)}"
            )
        item = dict(item)
        for key in ("columns", "indicators", "lad_columns"):
            item[key] = tuple(item.get(key, ()))
        item["settings"] = dict(item.get("settings", {}))
        item["area_type"] = dict(item.get("area_type", {}))
        sources.append(Source(**item))
    ids = [s.id for s in sources]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise SourceError(f"{path}: source id(s) {first_values(repeated)} repeat")
    return sources


# --------------------------------------------------------------------------- checking


def verify_source(path: Path, source: Source, url: str) -> None:
    """Check a complete download against the catalogue: size, checksum, readable layout.

    Called before a download enters the cache. ArcGIS pages must be JSON with
    ``features``; zips must hold the ``member``; the expected ``columns`` are
    checked here for CSV files (for other formats once the file is opened).

    Raises
    ------
    SourceError
        One line naming the pack file, the URL and what was expected.
    """
    if source.size is not None and path.stat().st_size != source.size:
        raise SourceError(
            f"{source.path}: {url} gave {path.stat().st_size} bytes, the catalogue expects "
            f"{source.size}; the publisher changed the file - check it and update the catalogue"
        )
    if source.sha256:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != source.sha256.lower():
            raise SourceError(
                f"{source.path}: {url} has sha256 {digest[:12]}..., the catalogue expects "
                f"{source.sha256[:12]}...; the publisher changed the file - check it and update "
                "the catalogue"
            )
    if source.format in ("arcgis", "geojson"):
        _page(path, source, url)
        return
    if source.format == "zip":
        data = _member(path.read_bytes(), source, url)
    elif source.format == "csv":
        data = path.read_bytes()
    else:
        return
    if source.columns:
        first = data.split(b"\n", 1)[0].decode("utf-8-sig", errors="replace")
        check_columns(next(_csv_rows(first), []), source, url, first)


def check_columns(header, source: Source, url: str, shown: str = "") -> None:
    """Raise a one-line :class:`SourceError` if ``header`` lacks a catalogue column."""
    have = {normalise_header(str(h)) for h in header}
    missing = [c for c in source.columns if normalise_header(c) not in have]
    if missing:
        shown = shown or ",".join(map(str, header))
        raise SourceError(
            f"{source.path}: {url} has no column {missing[0]!r} (expected "
            f"{first_values(list(source.columns))}; its header starts {shown[:120]!r}); "
            "the publisher changed the layout - update the catalogue"
        )


def _csv_rows(text: str):
    import csv

    return csv.reader(io.StringIO(text))


def _member(data: bytes, source: Source, url: str) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = {Path(n).name: n for n in archive.namelist() if not n.endswith("/")}
            found = sorted(n for n in names if fnmatch.fnmatch(n.lower(), source.member.lower()))
            if not found:
                raise SourceError(
                    f"{source.path}: the zip at {url} has no {source.member!r} "
                    f"(it has {first_values(sorted(names))}); the publisher changed the "
                    "archive - update member in the catalogue"
                )
            return archive.read(names[found[-1]])
    except zipfile.BadZipFile as exc:
        raise SourceError(
            f"{source.path}: {url} is not a zip file ({exc}); expected "
            f"{source.member} inside - the publisher may have moved it"
        ) from exc


def _page(path: Path, source: Source, url: str) -> dict:
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceError(
            f"{source.path}: {url} did not answer JSON ({exc}); the service may have moved - "
            "check the catalogue's 'documented' page"
        ) from exc
    if isinstance(data, dict) and "error" in data:
        message = str((data.get("error") or {}).get("message", data["error"]))
        raise SourceError(
            f"{source.path}: {url} answered an ArcGIS error ({message[:120]}); the service "
            "or its fields may have changed - update the catalogue"
        )
    if not isinstance(data, dict) or not isinstance(data.get("features"), list):
        raise SourceError(
            f"{source.path}: {url} is JSON without 'features'; expected an ArcGIS "
            f"{'GeoJSON' if source.format == 'geojson' else 'JSON'} query answer"
        )
    return data


# --------------------------------------------------------------------------- opening


def find_header(raw: pd.DataFrame, wanted: str) -> int:
    """The row of a spreadsheet sheet that holds the header cell ``wanted``.

    ONS workbooks put notes above the table; the header is the first row with
    ``wanted`` in it.

    Examples
    --------
    >>> find_header(pd.DataFrame([["Title", None], ["LSOA 2021 Code", "Total"]]), "LSOA 2021 Code")
    1
    """
    target = normalise_header(wanted)
    for number, row in enumerate(raw.itertuples(index=False)):
        if any(normalise_header(str(v)) == target for v in row if isinstance(v, str)):
            return number
    raise SourceError(f"no row with the header {wanted!r}")


def _paged_url(url: str, offset: int, size: int) -> str:
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}resultOffset={offset}&resultRecordCount={size}"


def _exceeded(data: dict) -> bool:
    return bool(
        data.get("exceededTransferLimit")
        or (data.get("properties") or {}).get("exceededTransferLimit")
    )


def open_source(
    source: Source, url: str, get: Callable[..., Path], *, raw: bool = False
) -> tuple[Any, list[Path]]:
    """The download of ``source`` at ``url`` opened: a DataFrame (text cells) or GeoJSON dict.

    ``get(url, verify=..., label=...)`` returns the verified cached file of a
    URL (:meth:`jsna.io.download.Downloader.get`). ArcGIS services are read
    page by page (``resultOffset``) while they say more records are left.
    Returns the opened data and the cached files it came from; with
    ``raw=True`` a CSV (or a zip's CSV) comes back as its bytes, unchanged.
    """

    def fetch(u: str) -> Path:
        return get(u, verify=lambda p: verify_source(p, source, u), label=source.path)

    if source.format in ("arcgis", "geojson"):
        pages, files, offset = [], [], 0
        size = source.page_size or 2000
        while True:
            page_url = _paged_url(url, offset, size) if source.page_size else url
            path = fetch(page_url)
            files.append(path)
            data = _page(path, source, page_url)
            pages.append(data)
            offset += len(data["features"])
            if not (source.page_size and _exceeded(data) and data["features"]):
                break
        features = [f for p in pages for f in p["features"]]
        if source.format == "geojson":
            out = {k: v for k, v in pages[0].items() if k not in ("features", "properties")}
            out["features"] = features
            header = list((features[0].get("properties") or {}) if features else [])
            check_columns(header, source, url)
            return out, files
        frame = pd.DataFrame([f.get("attributes") or f.get("properties") or {} for f in features])
        frame = frame.astype("string").fillna("").astype(object)
        check_columns(list(frame.columns), source, url)
        return frame, files
    path = fetch(url)
    data = path.read_bytes()
    if source.format == "zip":
        data = _member(data, source, url)
    if raw and source.format in ("csv", "zip"):
        return data, [path]
    if source.format == "xlsx":
        # reading a national workbook takes minutes; its sheet is kept beside it as CSV
        sheet_cache = path.with_name(f"{path.name}.{_slug(source.sheet or 'first')}.csv")
        if sheet_cache.is_file() and sheet_cache.stat().st_mtime >= path.stat().st_mtime:
            frame = pd.read_csv(sheet_cache, dtype=str, keep_default_na=False)
            check_columns(list(frame.columns), source, url)
            return frame, [path]
        try:
            raw = pd.read_excel(io.BytesIO(data), sheet_name=source.sheet or 0, header=None)
        except (ValueError, KeyError, zipfile.BadZipFile) as exc:
            raise SourceError(
                f"{source.path}: {url} has no readable sheet {source.sheet!r} ({exc}); the "
                "publisher changed the workbook - update sheet in the catalogue"
            ) from exc
        wanted = source.columns[0] if source.columns else str(raw.iloc[0, 0])
        try:
            row = find_header(raw, wanted)
        except SourceError:
            raise SourceError(
                f"{source.path}: sheet {source.sheet!r} of {url} has no header row with "
                f"{wanted!r}; the publisher changed the layout - update the catalogue"
            ) from None
        frame = raw.iloc[row + 1 :].copy()
        frame.columns = [str(c).strip() for c in raw.iloc[row]]
        frame = frame.dropna(how="all")
        frame = frame.map(_cell).reset_index(drop=True)
        check_columns(list(frame.columns), source, url)
        write_bytes_atomic(sheet_cache, frame.to_csv(index=False).encode("utf-8"))
        return frame, [path]
    frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    return frame, [path]


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")[:40] or "sheet"


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
