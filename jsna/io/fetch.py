"""Download publishers' files into a data pack (``jsna fetch``).

The sources are listed in a catalogue file (data, not code:
``jsna/reference/catalogue.toml``): per source its URL, publisher, licence,
attribution, expected columns and, where the file is fixed, its size and
checksum. :func:`fetch_pack` downloads each source for one local authority,
cuts it to the area, writes it into the pack folder and writes the pack's
``datapack.toml`` with vintages, editions and attribution.

Downloads are:

* **cached** under ``cache_dir`` by URL; a cached file is used without any
  request (``refresh=True`` downloads again), so a second run works offline;
* **resumable**: an interrupted download continues from where it stopped
  with an HTTP ``Range`` request;
* **retried** on connection errors, time-outs and 5xx answers, with backoff;
* **verified before use**: the byte count against ``Content-Length``, the
  ``size`` and ``sha256`` of the catalogue where given, and the expected
  columns. Only a verified file enters the cache; partial downloads live in
  ``cache_dir/partial`` and never in the cache proper;
* sent through ``HTTPS_PROXY``/``HTTP_PROXY`` (requests reads them);
* shown with a tqdm progress bar (``progress=False`` to hide it).

A source that fails (moved, changed, unreachable) gives one line naming the
file, the URL and what was expected; the rest of the pack is still written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import time
import tomllib
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import requests

from jsna.exceptions import JSNAError, SourceError, first_values
from jsna.io._read import normalise_header
from jsna.io.atomic import write_atomic, write_bytes_atomic

__all__ = [
    "CATALOGUE",
    "Source",
    "Downloader",
    "FetchReport",
    "load_catalogue",
    "fetch_pack",
]

#: The catalogue shipped with jsna.
CATALOGUE = Path(__file__).resolve().parents[1] / "reference" / "catalogue.toml"

_SUBSETS = ("none", "column", "lsoa")


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
    columns: tuple[str, ...] = ()
    subset: str = "none"
    subset_column: str = ""
    sha256: str = ""
    size: int | None = None
    settings: dict[str, Any] = field(default_factory=dict)

    def url_for(self, area: str) -> str:
        """The download URL for ``area``."""
        return self.url.replace("{area}", area)


def load_catalogue(path: str | Path | None = None) -> list[Source]:
    """Read a catalogue file (default: the one shipped with jsna).

    Examples
    --------
    >>> sorted({s.role for s in load_catalogue()})  # doctest: +NORMALIZE_WHITESPACE
    ['census.lsoa', 'gp.practice_map', 'imd', 'lookup.lsoa_ward_lad']
    """
    path = Path(path) if path is not None else CATALOGUE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SourceError(f"cannot read the catalogue {path}: {exc}") from exc
    sources = []
    for number, item in enumerate(data.get("source", []), start=1):
        missing = [k for k in ("id", "role", "url", "path") if not item.get(k)]
        if missing:
            raise SourceError(f"{path}: [[source]] number {number} needs {', '.join(missing)}")
        if item.get("subset", "none") not in _SUBSETS:
            raise SourceError(
                f"{path}: source {item['id']!r} has subset {item['subset']!r}; "
                f"use one of {', '.join(_SUBSETS)}"
            )
        item = dict(item)
        item["columns"] = tuple(item.get("columns", ()))
        item["settings"] = dict(item.get("settings", {}))
        sources.append(Source(**item))
    return sources


# --------------------------------------------------------------------------- downloading


class Downloader:
    """Cached, resumable, retried and verified downloads.

    Parameters
    ----------
    cache_dir : path
        Verified downloads, one file per URL; ``partial/`` holds unfinished ones.
    retries : int
        Attempts after the first, on connection errors, time-outs and 5xx.
    backoff : float
        Seconds before the first retry, doubled each time.
    timeout : float
        Seconds to wait for the server to connect or send more data.
    progress : bool
        Show a tqdm progress bar.
    session : requests.Session, optional
        For tests; proxies come from ``HTTPS_PROXY``/``HTTP_PROXY``.

    Attributes
    ----------
    requests_made : int
        HTTP requests sent (a cached file costs none).

    Examples
    --------
    >>> import tempfile
    >>> d = Downloader(tempfile.mkdtemp(), progress=False)
    >>> d.cached("https://example.org/a.csv") is None
    True
    """

    def __init__(
        self,
        cache_dir: str | Path,
        *,
        retries: int = 3,
        backoff: float = 0.5,
        timeout: float = 60.0,
        progress: bool = True,
        session: requests.Session | None = None,
    ) -> None:
        self.cache_dir = Path(cache_dir)
        self.retries = retries
        self.backoff = backoff
        self.timeout = timeout
        self.progress = progress
        self.session = session or requests.Session()
        self.requests_made = 0

    def _key(self, url: str) -> str:
        name = url.split("?")[0].rstrip("/").rsplit("/", 1)[-1] or "download"
        return f"{hashlib.sha256(url.encode()).hexdigest()[:16]}-{name[:60]}"

    def cached(self, url: str) -> Path | None:
        """The verified cached file of ``url``, or ``None``."""
        path = self.cache_dir / self._key(url)
        return path if path.is_file() else None

    def get(self, url: str, *, refresh: bool = False, verify=None, label: str = "") -> Path:
        """The file at ``url``: from the cache, or downloaded, verified and cached.

        ``verify(path)`` is called on the complete download before it enters the
        cache; it raises :class:`SourceError` to reject it (the partial is deleted).
        """
        target = self.cache_dir / self._key(url)
        if target.is_file() and not refresh:
            return target
        partial = self.cache_dir / "partial" / (target.name + ".part")
        partial.parent.mkdir(parents=True, exist_ok=True)
        label = label or url
        last: Exception | None = None
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                self._download(url, partial, label)
                break
            except _Retry as exc:
                last = exc
            except (requests.ConnectionError, requests.Timeout) as exc:
                last = exc
            except requests.exceptions.ChunkedEncodingError as exc:
                last = exc  # cut short: the next attempt resumes from the partial file
        else:
            raise SourceError(
                f"{label}: could not download {url} after {self.retries + 1} attempts "
                f"({_reason(last)}); check the network or HTTPS_PROXY, or download the file by "
                "hand and add it to datapack.toml"
            )
        try:
            if verify is not None:
                verify(partial)
        except JSNAError:
            partial.unlink(missing_ok=True)
            raise
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(partial, target)
        return target

    def _download(self, url: str, partial: Path, label: str) -> None:
        have = partial.stat().st_size if partial.is_file() else 0
        headers = {"Range": f"bytes={have}-"} if have else {}
        self.requests_made += 1
        with self.session.get(url, headers=headers, stream=True, timeout=self.timeout) as response:
            if response.status_code == 416:  # nothing left to send: start again
                partial.unlink(missing_ok=True)
                raise _Retry("the server refused to resume")
            if response.status_code >= 500 or response.status_code == 429:
                raise _Retry(f"HTTP {response.status_code}")
            if response.status_code >= 400:
                raise SourceError(
                    f"{label}: {url} answered HTTP {response.status_code}; the publisher may "
                    "have moved the file - find it on the page in the catalogue's 'documented' "
                    "and update the URL"
                )
            resumed = response.status_code == 206 and have > 0
            mode = "ab" if resumed else "wb"
            length = response.headers.get("Content-Length")
            expected = int(length) + (have if resumed else 0) if length else None
            bar = _bar(self.progress, expected, have if resumed else 0, label)
            try:
                with partial.open(mode) as handle:
                    for chunk in response.iter_content(chunk_size=1 << 16):
                        handle.write(chunk)
                        bar.update(len(chunk))
            finally:
                bar.close()
            got = partial.stat().st_size
            if expected is not None and got != expected:
                raise _Retry(f"received {got} of {expected} bytes")


class _Retry(Exception):
    """A failure worth another attempt (5xx, short body)."""


def _reason(exc: Exception | None) -> str:
    if isinstance(exc, requests.Timeout):
        return "timed out"
    text = str(exc).strip().splitlines()[0] if exc is not None and str(exc).strip() else ""
    return text[:160] or type(exc).__name__


def _bar(show: bool, total: int | None, initial: int, label: str):
    from tqdm.auto import tqdm

    return tqdm(
        total=total,
        initial=initial,
        unit="B",
        unit_scale=True,
        desc=label[:40],
        disable=not show,
        leave=False,
    )


# --------------------------------------------------------------------------- verifying


def _csv_bytes(path: Path, source: Source) -> bytes:
    data = path.read_bytes()
    if source.format == "zip":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = {Path(n).name: n for n in archive.namelist()}
                if source.member not in names:
                    raise SourceError(
                        f"{source.path}: the zip at {source.url} has no {source.member!r} "
                        f"(it has {first_values(sorted(names))}); the publisher changed the "
                        "archive - update member in the catalogue"
                    )
                return archive.read(names[source.member])
        except zipfile.BadZipFile as exc:
            raise SourceError(
                f"{source.path}: {source.url} is not a zip file ({exc}); expected "
                f"{source.member} inside - the publisher may have moved it"
            ) from exc
    return data


def verify_source(path: Path, source: Source, url: str) -> None:
    """Check a complete download against the catalogue: size, checksum, columns.

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
    if source.columns:
        text = _csv_bytes(path, source)
        first = text.split(b"\n", 1)[0].decode("utf-8-sig", errors="replace")
        header = {normalise_header(h) for h in next(_csv_rows(first), [])}
        missing = [c for c in source.columns if normalise_header(c) not in header]
        if missing:
            raise SourceError(
                f"{source.path}: {url} has no column {missing[0]!r} (expected "
                f"{first_values(list(source.columns))}; its header starts "
                f"{first[:120]!r}); the publisher changed the layout - update the catalogue"
            )


def _csv_rows(text: str):
    import csv

    return csv.reader(io.StringIO(text))


# --------------------------------------------------------------------------- the pack


@dataclass
class FetchReport:
    """What :func:`fetch_pack` did: files written, sources failed, requests made."""

    pack: Path
    written: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    requests: int = 0

    def lines(self) -> list[str]:
        """One line per source, for the command line."""
        out = [f"wrote {w}" for w in self.written]
        out += [f"FAILED {f}" for f in self.failed]
        out.append(f"{len(self.written)} file(s) in {self.pack}; {self.requests} request(s)")
        return out


def _subset(frame: pd.DataFrame, source: Source, codes: set[str], where: str) -> pd.DataFrame:
    column = next(
        (c for c in frame.columns if normalise_header(c) == normalise_header(source.subset_column)),
        None,
    )
    if column is None:
        raise SourceError(
            f"{where}: no column {source.subset_column!r} to cut the file to the area; "
            "update subset_column in the catalogue"
        )
    kept = frame[frame[column].astype(str).str.strip().isin(codes)]
    if kept.empty:
        raise SourceError(
            f"{where}: no rows for the area in column {column!r} (looked for "
            f"{first_values(sorted(codes))}); is the area code right for this vintage?"
        )
    return kept


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
        The local authority code (e.g. ``E08000014``).
    pack : path
        The pack folder; its ``datapack.toml`` is (re)written.
    only : list of str, optional
        Roles or source ids to fetch (default: all).
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
    """
    area = str(area).strip()
    pack = Path(pack)
    pack.mkdir(parents=True, exist_ok=True)
    sources = load_catalogue(catalogue)
    if only:
        wanted = set(only)
        roles = sorted({s.role for s in sources})
        sources = [s for s in sources if s.role in wanted or s.id in wanted]
        unknown = wanted - {s.role for s in sources} - {s.id for s in sources}
        if unknown:
            raise SourceError(
                f"--only {first_values(sorted(unknown))} is not a role or source of the "
                f"catalogue; it has {first_values(roles, 20)}"
            )
    get = downloader or Downloader(cache_dir or pack / ".cache")
    start = get.requests_made
    report = FetchReport(pack=pack)
    entries: list[dict[str, Any]] = []
    attribution: list[str] = []
    lsoas: set[str] | None = None
    # the lookup first: other sources are cut to its LSOAs
    ordered = sorted(sources, key=lambda s: s.role != "lookup.lsoa_ward_lad")
    for source in ordered:
        url = source.url_for(area)
        try:
            cached = get.get(
                url,
                refresh=refresh,
                verify=lambda p, s=source, u=url: verify_source(p, s, u),
                label=source.path,
            )
            data = _csv_bytes(cached, source)
            if source.subset == "none":
                out = data
            else:
                frame = pd.read_csv(
                    io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig"
                )
                if source.subset == "column":
                    codes = {area}
                else:
                    if lsoas is None:
                        raise SourceError(
                            f"{source.path}: needs the LSOAs of {area} from the "
                            "lookup.lsoa_ward_lad source, which was not fetched; add it to --only"
                        )
                    codes = lsoas
                kept = _subset(frame, source, codes, f"{source.path} ({url})")
                out = kept.to_csv(index=False).encode("utf-8")
            write_bytes_atomic(pack / source.path, out)
            if source.role == "lookup.lsoa_ward_lad":
                lookup = pd.read_csv(io.BytesIO(out), dtype=str, keep_default_na=False)
                column = next(c for c in lookup.columns if normalise_header(c).startswith("lsoa"))
                lsoas = set(lookup[column].str.strip())
        except JSNAError as exc:
            report.failed.append(str(exc))
            continue
        except (OSError, ValueError, pd.errors.ParserError) as exc:
            report.failed.append(f"{source.path}: {url} could not be read ({exc})")
            continue
        report.written.append(source.path)
        entry = {"role": source.role, "path": source.path, **source.settings}
        entry["source_url"] = url
        entry["sha256"] = hashlib.sha256(cached.read_bytes()).hexdigest()
        entry["publisher"] = source.publisher
        entry["licence"] = source.licence
        entries.append(entry)
        if source.attribution and source.attribution not in attribution:
            attribution.append(source.attribution)
    report.requests = get.requests_made - start
    if entries:
        _write_manifest(pack, area, entries, attribution)
    return report


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def _write_manifest(
    pack: Path, area: str, entries: Iterable[dict[str, Any]], attribution: list[str]
) -> None:
    today = dt.date.today().isoformat()
    lines = [
        "# Written by `jsna fetch`; each file's source_url and sha256 say what was downloaded.",
        "[pack]",
        f"name = {_toml_value(f'{area} (fetched {today})')}",
        "synthetic = false",
        f"areas = {_toml_value([area])}",
        f"fetched = {_toml_value(today)}",
        "attribution = [",
        *[f"  {_toml_value(a)}," for a in attribution],
        "]",
    ]
    for entry in entries:
        lines += ["", "[[file]]"] + [f"{k} = {_toml_value(v)}" for k, v in entry.items()]
    write_atomic(pack / "datapack.toml", lambda tmp: tmp.write_text("\n".join(lines) + "\n"))
