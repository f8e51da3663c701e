"""Fingertips ``all_data`` CSV files (role ``indicators.fingertips``) and the live API.

The reader turns the Fingertips export into the tidy indicator frame of
:mod:`jsna.columns`. Two layouts are read:

* the current 27 columns, ending ``..., Time period Sortable, New data,
  Compared to goal, Time period range``;
* the legacy 26 columns (no ``Time period range``).

Column 23 is named after the parent the file was downloaded for:
``Compared to Regions (statistical) value or percentiles``, ``Compared to
Region value or percentiles`` or, when the parent is England, ``Compared to
percentiles``. It becomes ``compared_to_parent``, and the parent it names
becomes ``compared_to_parent_type`` ("Regions (statistical)", "Region",
"percentiles").

A row is identified by indicator, parent comparison, area, parent, sex, age,
category and period: Fingertips repeats an area once per parent it is
compared with (England and its region), so a frame read from an England
download and a region download holds both. Rows identical across files are
merged; the same row with different values in two files is an error.

:class:`FingertipsClient` fetches the same CSVs from the API
(``/api/all_data/csv/by_indicator_id``), plus indicator metadata, area types
and nearest-neighbour lists (``nn-<type>-<code>`` parent codes). Every
response is checked before it is cached under ``data/raw/fingertips_cache``
(a CSV must be complete and carry the Fingertips header), so later runs work
offline; :meth:`FingertipsClient.write_pack` writes a ``datapack.toml`` for
what was fetched.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import shutil
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from jsna import columns as S
from jsna.exceptions import DataValidationError, SourceError, first_values
from jsna.io import FileEntry, reader
from jsna.io._read import normalise_header, read_csv

__all__ = [
    "read_fingertips",
    "check_fingertips_csv",
    "FingertipsClient",
    "FINGERTIPS_URL",
    "URL_ENV",
    "EXTRA_COLUMNS",
    "KEY_COLUMNS",
]

ROLE = "indicators.fingertips"

#: The public API; override with the ``base_url`` argument or ``JSNA_FINGERTIPS_URL``.
FINGERTIPS_URL = "https://fingertips.phe.org.uk/api"
URL_ENV = "JSNA_FINGERTIPS_URL"
ATTRIBUTION = (
    "Office for Health Improvement and Disparities, Fingertips, © Crown copyright, "
    "Open Government Licence v3.0."
)

# Tidy names of the Fingertips columns kept beside the schema columns.
PARENT_NAME = "parent_name"
TIME_PERIOD_RANGE = "time_period_range"
RECENT_TREND = "recent_trend"
COMPARED_TO_ENGLAND = "compared_to_england"
COMPARED_TO_PARENT = "compared_to_parent"
COMPARED_TO_PARENT_TYPE = "compared_to_parent_type"
COMPARED_TO_GOAL = "compared_to_goal"
NEW_DATA = "new_data"

#: Columns after :data:`jsna.columns.INDICATOR_COLUMNS` in the reader's frame.
EXTRA_COLUMNS = [
    PARENT_NAME,
    TIME_PERIOD_RANGE,
    RECENT_TREND,
    COMPARED_TO_ENGLAND,
    COMPARED_TO_PARENT,
    COMPARED_TO_PARENT_TYPE,
    COMPARED_TO_GOAL,
    NEW_DATA,
]

KEY_COLUMNS = S.FINGERTIPS_KEY

# (Fingertips header, tidy name, kind, required); the parent comparison is found separately.
_LAYOUT = [
    ("Indicator ID", S.INDICATOR_ID, "id", True),
    ("Indicator Name", S.INDICATOR_NAME, "text", True),
    ("Parent Code", S.PARENT_CODE, "text", True),
    ("Parent Name", PARENT_NAME, "text", True),
    ("Area Code", S.AREA_CODE, "text", True),
    ("Area Name", S.AREA_NAME, "text", True),
    ("Area Type", S.AREA_TYPE, "text", True),
    ("Sex", S.SEX, "text", True),
    ("Age", S.AGE, "text", True),
    ("Category Type", S.CATEGORY_TYPE, "text", True),
    ("Category", S.CATEGORY, "text", True),
    ("Time period", S.PERIOD, "text", True),
    ("Value", S.VALUE, "number", True),
    ("Lower CI 95.0 limit", S.LOWER_CI95, "number", True),
    ("Upper CI 95.0 limit", S.UPPER_CI95, "number", True),
    ("Lower CI 99.8 limit", S.LOWER_CI99_8, "number", True),
    ("Upper CI 99.8 limit", S.UPPER_CI99_8, "number", True),
    ("Count", S.COUNT, "number", True),
    ("Denominator", S.DENOMINATOR, "number", True),
    ("Value note", S.VALUE_NOTE, "text", True),
    ("Recent Trend", RECENT_TREND, "text", True),
    ("Compared to England value or percentiles", COMPARED_TO_ENGLAND, "text", True),
    ("Time period Sortable", S.PERIOD_SORTABLE, "id", True),
    ("New data", NEW_DATA, "text", False),
    ("Compared to goal", COMPARED_TO_GOAL, "text", False),
    ("Time period range", TIME_PERIOD_RANGE, "text", False),
]
_REQUIRED_HEADERS = [h for h, _, _, required in _LAYOUT if required]
_PARENT_PATTERN = re.compile(
    r"compared to (?!england\b|goal\b)(.+?)(?: value or percentiles)?", re.I
)
_PARENT_HEADER = "Compared to <parent> value or percentiles"


# --------------------------------------------------------------------------- reader
def _norm(header: str) -> str:
    return re.sub(r"\s+", " ", normalise_header(header))


def _find_columns(columns: list[str], where: str) -> tuple[dict[str, str], str, str]:
    """Map tidy names to the file's headers; also return the parent column and its label."""
    by_norm: dict[str, str] = {}
    for column in columns:
        by_norm.setdefault(_norm(column), column)
    found: dict[str, str] = {}
    missing = []
    for header, tidy, _, required in _LAYOUT:
        column = by_norm.get(_norm(header))
        if column is not None:
            found[tidy] = column
        elif required:
            missing.append(header)
    parents = [c for c in columns if _PARENT_PATTERN.fullmatch(_norm(c))]
    if not parents:
        missing.append(_PARENT_HEADER)
    if missing:
        shown = ", ".join(repr(c) for c in columns[:30])
        raise SourceError(
            f"{where}: no column {missing[0]!r}"
            + (f" (nor {', '.join(repr(m) for m in missing[1:4])})" if len(missing) > 1 else "")
            + f"; a Fingertips all_data CSV has {', '.join(repr(h) for h in _REQUIRED_HEADERS[:3])}, ..., "
            f"{_PARENT_HEADER!r}, 'Time period Sortable'; this file's columns are {shown}. "
            "Download the all_data CSV from Fingertips again or restore the header"
        )
    if len(parents) > 1:
        raise SourceError(
            f"{where}: several parent comparison columns {parents}; "
            "a Fingertips all_data CSV has one - download it again"
        )
    # Keep the publisher's spelling of the parent (e.g. 'Regions (statistical)').
    spelled = re.sub(r"\s+", " ", parents[0].replace("\ufeff", "").strip())
    return found, parents[0], _PARENT_PATTERN.fullmatch(spelled).group(1)


def _record_lengths(text: str) -> tuple[int, int]:
    """Field counts of the first and the last data record (0 when there is none)."""
    records = csv.reader(io.StringIO(text))
    next(records, None)
    first = next(records, None)
    if first is None:
        return 0, 0
    last = deque(records, maxlen=1)
    return len(first), len(last[0]) if last else len(first)


def check_fingertips_csv(text: str, where: str) -> None:
    """Check that ``text`` is a complete Fingertips ``all_data`` CSV.

    The header must carry the Fingertips columns, and the last record as many
    fields as the first (a download cut short fails this). Records may be one
    field shorter than the header: legacy exports leave out the last,
    empty ``Compared to goal`` field on every row.

    Raises
    ------
    SourceError
        Naming ``where``, the missing column or the short last record.

    Examples
    --------
    >>> check_fingertips_csv("Indicator ID,Indicator Name\\n1,x\\n", "x.csv")
    Traceback (most recent call last):
    ...
    jsna.exceptions.SourceError: x.csv: no column 'Parent Code' ...
    """
    text = text.lstrip("\ufeff")
    header = next(csv.reader(io.StringIO(text)), [])
    if not text.strip() or not header:
        raise SourceError(f"{where} is empty; download the Fingertips all_data CSV again")
    _find_columns([h.strip() for h in header], where)
    first, last = _record_lengths(text)
    if first == 0:
        raise SourceError(f"{where} has a header but no rows; download it again")
    if last != first or first > len(header):
        raise SourceError(
            f"{where}: the last record has {last} fields, the first {first} and the header "
            f"{len(header)}; the file is truncated - download it again"
        )


def _numbers(values: pd.Series, column: str, where: str) -> pd.Series:
    numbers = pd.to_numeric(values, errors="coerce")
    bad = values.notna() & numbers.isna()
    if bad.any():
        raise SourceError(
            f"{where}: column {column!r} has values that are not numbers: "
            f"{first_values(values[bad])}; replace them with numbers or leave the cells empty (read as missing), or download the file again"
        )
    return numbers.astype("float64")


def _read_one(path: Path, polarity: Any) -> pd.DataFrame:
    where = f"{path} (role {ROLE})"
    frame = read_csv(path, role=ROLE)
    found, parent_column, parent_label = _find_columns(list(frame.columns), where)
    if not path.name.endswith(".gz"):
        check_fingertips_csv(path.read_text(encoding="utf-8-sig", errors="replace"), where)
    out = {}
    for header, tidy, kind, _ in _LAYOUT:
        if tidy not in found:
            out[tidy] = pd.Series(np.nan, index=frame.index, dtype="str")
            continue
        values = frame[found[tidy]]
        if kind == "text":
            values = values.str.strip().replace("", np.nan)
            out[tidy] = values
        else:
            numbers = _numbers(values.str.strip(), header, where)
            if kind == "id":
                if numbers.isna().any() or (numbers % 1 != 0).any():
                    bad = frame.loc[numbers.isna() | (numbers % 1 != 0), found[tidy]]
                    raise SourceError(
                        f"{where}: column {header!r} must be a whole number on every row; "
                        f"found {first_values(bad.fillna('<empty>'))}. Download the file again"
                    )
                numbers = numbers.astype("int64")
            out[tidy] = numbers
    out[COMPARED_TO_PARENT] = frame[parent_column].str.strip().replace("", np.nan)
    out[COMPARED_TO_PARENT_TYPE] = pd.Series(parent_label, index=frame.index, dtype="str")
    result = pd.DataFrame(out)
    result[S.POLARITY] = _polarity(result[S.INDICATOR_ID], polarity, where)
    return result[S.INDICATOR_COLUMNS + EXTRA_COLUMNS]


def _polarity(ids: pd.Series, polarity: Any, where: str) -> pd.Series:
    if polarity is None:
        return pd.Series(np.nan, index=ids.index, dtype="str")
    mapping = polarity if isinstance(polarity, Mapping) else None
    values = list(mapping.values()) if mapping is not None else [polarity]
    bad = [v for v in values if v not in S.POLARITIES]
    if bad:
        raise SourceError(
            f"{where}: polarity {first_values(bad)} is not one of {', '.join(map(repr, S.POLARITIES))}; "
            "fix polarity in datapack.toml"
        )
    if mapping is None:
        return pd.Series(polarity, index=ids.index, dtype="str")
    lookup = {int(k): v for k, v in mapping.items()}
    return ids.map(lookup).astype("str")


def _merge(frames: list[pd.DataFrame], paths: list[Path]) -> pd.DataFrame:
    combined = pd.concat(frames, keys=range(len(frames)), names=["_file", None]).reset_index(0)
    data_columns = S.INDICATOR_COLUMNS + EXTRA_COLUMNS
    combined = combined[~combined.duplicated(data_columns)]
    clash = combined.duplicated(KEY_COLUMNS, keep=False)
    if clash.any():
        rows = combined[clash]
        first = rows.iloc[0]
        same = (
            rows[KEY_COLUMNS].eq(first[KEY_COLUMNS])
            | (rows[KEY_COLUMNS].isna() & first[KEY_COLUMNS].isna())
        ).all(axis=1)
        pair = rows[same].iloc[:2]
        a, b = pair.iloc[0], pair.iloc[1]
        differ = [
            c for c in data_columns if not (a[c] == b[c] or (pd.isna(a[c]) and pd.isna(b[c])))
        ]
        key = ", ".join(f"{c}={_plain(first[c])!r}" for c in KEY_COLUMNS if not pd.isna(first[c]))
        shown = "; ".join(f"{c} {_plain(a[c])!r} vs {_plain(b[c])!r}" for c in differ[:3])
        n_keys = rows.drop_duplicates(KEY_COLUMNS).shape[0]
        raise DataValidationError(
            f"conflicting Fingertips rows for {key}: {paths[a['_file']].name} and "
            f"{paths[b['_file']].name} differ ({shown}); {n_keys} key(s) in all. "
            "Keep one download of each indicator in the pack, or download both again"
        )
    return combined.drop(columns="_file")


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


@reader(ROLE)
def read_fingertips(entry: FileEntry) -> pd.DataFrame:
    """Read Fingertips ``all_data`` CSV files into the tidy indicator frame.

    Parameters
    ----------
    entry : FileEntry
        One or more files (27-column or legacy 26-column layout). The entry
        attribute ``polarity`` ("high is good", "low is good", "no
        judgement", or a table of indicator id to polarity) fills the
        ``polarity`` column; otherwise it is missing.

    Returns
    -------
    pandas.DataFrame
        :data:`jsna.columns.INDICATOR_COLUMNS` then :data:`EXTRA_COLUMNS`.
        ``indicator_id`` and ``period_sortable`` are int64; values,
        limits, counts and denominators float64 (empty cells NaN); text
        stripped, empty text missing. Rows identical across files appear
        once, in file order.

    Raises
    ------
    SourceError
        A file is unreadable, truncated, or lacks a Fingertips column.
    DataValidationError
        Two files disagree on a row (same :data:`KEY_COLUMNS`).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "ft.csv"
    >>> header = ("Indicator ID,Indicator Name,Parent Code,Parent Name,Area Code,Area Name,"
    ...     "Area Type,Sex,Age,Category Type,Category,Time period,Value,Lower CI 95.0 limit,"
    ...     "Upper CI 95.0 limit,Lower CI 99.8 limit,Upper CI 99.8 limit,Count,Denominator,"
    ...     "Value note,Recent Trend,Compared to England value or percentiles,"
    ...     "Compared to Region value or percentiles,Time period Sortable,New data,Compared to goal")
    >>> row = ('93356,"Campylobacter rate",E12000002,North West region,E08000014,Sefton,'
    ...     'County & UA,Persons,All ages,,,2015,81.47,71.13,92.90,,,223,273707,,,Better,'
    ...     'Similar,20150000,,')
    >>> _ = p.write_text(header + "\\n" + row + "\\n")
    >>> frame = read_fingertips(FileEntry("indicators.fingertips", (p,), {"polarity": "low is good"}))
    >>> frame[["area_name", "period", "value", "count", "compared_to_parent",
    ...        "compared_to_parent_type", "polarity"]].to_dict("records")
    ... # doctest: +NORMALIZE_WHITESPACE
    [{'area_name': 'Sefton', 'period': '2015', 'value': 81.47, 'count': 223.0,
      'compared_to_parent': 'Similar', 'compared_to_parent_type': 'Region',
      'polarity': 'low is good'}]
    """
    if not entry.paths:
        raise SourceError(f"no files for role {ROLE}; check the path in datapack.toml")
    polarity = entry.get("polarity")
    by_path = entry.get("polarity_by_path") or {}  # set by DataPack when it combines entries
    frames = [_read_one(Path(p), by_path.get(str(p), polarity)) for p in entry.paths]
    result = _merge(frames, [Path(p) for p in entry.paths]).reset_index(drop=True)
    result.attrs = {"source": entry.describe(), "role": ROLE}
    return result


# --------------------------------------------------------------------------- client
@dataclass(frozen=True)
class _Fetched:
    kind: str  # "all_data" or "neighbours"
    path: Path
    url: str
    params: dict[str, Any] = field(default_factory=dict)


def _base_url(base_url: str | None) -> str:
    url = base_url or os.environ.get(URL_ENV) or FINGERTIPS_URL
    return url.rstrip("/")


def _slug(endpoint: str, params: Mapping[str, Any]) -> str:
    parts = [endpoint.strip("/").replace("/", "_")]
    parts += [f"{k}-{v}" for k, v in params.items()]
    return re.sub(r"[^A-Za-z0-9_.,-]+", "-", "__".join(parts))


class FingertipsClient:
    """Fetch Fingertips data from the live API, with an on-disk cache.

    Every response is checked before it is cached: a CSV must carry the
    Fingertips ``all_data`` header and be complete, JSON must parse. A
    cached response is used without touching the network (pass
    ``refresh=True`` to fetch again), so once fetched, everything works
    offline.

    Parameters
    ----------
    base_url : str, optional
        The API root; default ``$JSNA_FINGERTIPS_URL`` or :data:`FINGERTIPS_URL`.
    cache_dir : path-like, optional
        Default ``data/raw/fingertips_cache`` under the project root.
    proxies : dict, optional
        ``{"https": "http://proxy:8080"}``; ``HTTP_PROXY``/``HTTPS_PROXY``
        are honoured anyway.
    retries, backoff_factor : int, float
        Retries for connection errors and 429/5xx answers, with exponential
        backoff (``backoff_factor * 2 ** n`` seconds).
    timeout : float
        Seconds to wait for the server.
    progress : bool
        Show a progress bar when pulling several indicators.
    offline : bool
        Never use the network; only the cache.

    Examples
    --------
    >>> import tempfile
    >>> client = FingertipsClient("http://localhost:9/api/", cache_dir=tempfile.mkdtemp())
    >>> client.url("all_data/csv/by_indicator_id", {"indicator_ids": 90284})
    'http://localhost:9/api/all_data/csv/by_indicator_id?indicator_ids=90284'
    """

    def __init__(
        self,
        base_url: str | None = None,
        *,
        cache_dir: str | os.PathLike[str] | None = None,
        proxies: Mapping[str, str] | None = None,
        retries: int = 3,
        backoff_factor: float = 0.5,
        timeout: float = 60.0,
        progress: bool = True,
        offline: bool = False,
    ) -> None:
        import requests
        from requests.adapters import HTTPAdapter
        from urllib3.util.retry import Retry

        from jsna.config import project_paths

        self.base_url = _base_url(base_url)
        self.cache_dir = (
            Path(cache_dir) if cache_dir is not None else project_paths().raw / "fingertips_cache"
        )
        self.timeout = timeout
        self.progress = progress
        self.offline = offline
        self.fetched: list[_Fetched] = []
        self.session = requests.Session()
        if proxies:
            self.session.proxies.update(dict(proxies))
        retry = Retry(
            total=retries,
            connect=retries,
            read=retries,
            status=retries,
            backoff_factor=backoff_factor,
            status_forcelist=(429, 500, 502, 503, 504),
            allowed_methods=frozenset({"GET"}),
            raise_on_status=True,
        )
        adapter = HTTPAdapter(max_retries=retry)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    # ---------------------------------------------------------------- plumbing
    def url(self, endpoint: str, params: Mapping[str, Any] | None = None) -> str:
        """The full URL of an API endpoint."""
        from urllib.parse import urlencode

        query = f"?{urlencode(dict(params), safe=',')}" if params else ""
        return f"{self.base_url}/{endpoint.strip('/')}{query}"

    def _get(self, endpoint: str, params: Mapping[str, Any], suffix: str, *, refresh: bool) -> Path:
        """Path of the checked, cached response to ``endpoint`` (fetching it if needed)."""
        url = self.url(endpoint, params)
        path = self.cache_dir / f"{_slug(endpoint, params)}{suffix}"
        if path.is_file() and not refresh:
            try:
                self._check(path.read_text(encoding="utf-8-sig"), suffix, f"cached {path}")
                return path
            except (SourceError, UnicodeDecodeError):
                path.unlink()  # a bad cache entry is never used
        if self.offline:
            raise SourceError(
                f"{url} is not in the cache {self.cache_dir} and the client is offline; "
                "fetch it once online, or open a data pack written by write_pack"
            )
        text = self._download(url)
        self._check(text, suffix, url)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".part")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
        return path

    def _download(self, url: str) -> str:
        import requests

        try:
            response = self.session.get(url, timeout=self.timeout)
        except requests.exceptions.RetryError as exc:
            raise SourceError(
                f"{url} kept failing after retries ({_reason(exc)}); try again later "
                "or use a cached data pack"
            ) from exc
        except requests.exceptions.RequestException as exc:
            raise SourceError(
                f"cannot reach {url} ({_reason(exc)}); you may be offline - use a cached data "
                "pack (FingertipsClient.write_pack, or offline=True with a filled cache) or set "
                "a proxy (HTTPS_PROXY or proxies=)"
            ) from exc
        if response.status_code != 200:
            raise SourceError(
                f"{url} answered HTTP {response.status_code}; check the indicator and area "
                "type ids (FingertipsClient.area_types, indicator_metadata)"
            )
        return response.content.decode("utf-8-sig", errors="replace")

    @staticmethod
    def _check(text: str, suffix: str, where: str) -> None:
        if suffix == ".csv":
            check_fingertips_csv(text, where)
            return
        try:
            json.loads(text)
        except json.JSONDecodeError as exc:
            raise SourceError(
                f"{where} did not return JSON ({exc}); not cached, try again"
            ) from exc

    def _json(self, endpoint: str, params: Mapping[str, Any], *, refresh: bool = False) -> Any:
        path = self._get(endpoint, params, ".json", refresh=refresh)
        return json.loads(path.read_text(encoding="utf-8"))

    # ---------------------------------------------------------------- data
    def fetch_all_data(
        self,
        indicator_ids: int | Iterable[int],
        child_area_type_id: int,
        parent_area_type_id: int = 15,
        *,
        refresh: bool = False,
    ) -> list[Path]:
        """Fetch ``all_data`` CSVs, one per indicator, into the cache; return their paths.

        Mirrors ``/api/all_data/csv/by_indicator_id?indicator_ids=&child_area_type_id=
        &parent_area_type_id=``. Parent area type 15 is England; 6 is Regions
        (statistical).
        """
        from tqdm.auto import tqdm

        ids = [int(i) for i in ([indicator_ids] if np.isscalar(indicator_ids) else indicator_ids)]
        if not ids:
            raise DataValidationError(
                "indicator_ids is empty; give at least one Fingertips indicator id"
            )
        paths = []
        bar = tqdm(
            ids,
            desc="Fingertips indicators",
            unit="indicator",
            disable=not self.progress or len(ids) < 2,
        )
        for indicator in bar:
            params = {
                "indicator_ids": indicator,
                "child_area_type_id": int(child_area_type_id),
                "parent_area_type_id": int(parent_area_type_id),
            }
            endpoint = "all_data/csv/by_indicator_id"
            path = self._get(endpoint, params, ".csv", refresh=refresh)
            self._record(_Fetched("all_data", path, self.url(endpoint, params), params))
            paths.append(path)
        return paths

    def all_data(
        self,
        indicator_ids: int | Iterable[int],
        child_area_type_id: int,
        parent_area_type_id: int = 15,
        *,
        refresh: bool = False,
        polarity: str | Mapping[int, str] | None = None,
    ) -> pd.DataFrame:
        """Indicator data as the tidy frame of :func:`read_fingertips`.

        See :meth:`fetch_all_data` for the arguments; ``polarity`` fills the
        ``polarity`` column (one value, or indicator id to value).

        Examples
        --------
        Offline, only what is cached can be read:

        >>> import tempfile
        >>> client = FingertipsClient(cache_dir=tempfile.mkdtemp(), offline=True)
        >>> client.all_data(90284, child_area_type_id=502)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        jsna.exceptions.SourceError: https://.../all_data/csv/by_indicator_id?indicator_ids=90284&child_area_type_id=502&parent_area_type_id=15 is not in the cache ...
        """
        paths = self.fetch_all_data(
            indicator_ids, child_area_type_id, parent_area_type_id, refresh=refresh
        )
        attrs = {"polarity": polarity} if polarity is not None else {}
        return read_fingertips(FileEntry(ROLE, tuple(paths), attrs))

    def indicator_metadata(
        self, indicator_ids: int | Iterable[int], *, refresh: bool = False
    ) -> pd.DataFrame:
        """Indicator metadata (``/api/indicator_metadata/by_indicator_id``).

        Returns one row per indicator: ``indicator_id, indicator_name,
        definition, unit, value_type, ci_method``.
        """
        ids = [int(i) for i in ([indicator_ids] if np.isscalar(indicator_ids) else indicator_ids)]
        data = self._json(
            "indicator_metadata/by_indicator_id",
            {"indicator_ids": ",".join(map(str, ids))},
            refresh=refresh,
        )
        rows = []
        for key, meta in (data or {}).items():
            descriptive = meta.get("Descriptive") or {}
            rows.append(
                {
                    S.INDICATOR_ID: int(meta.get("IID", key)),
                    S.INDICATOR_NAME: descriptive.get("Name"),
                    "definition": descriptive.get("Definition"),
                    "unit": (meta.get("Unit") or {}).get("Label"),
                    "value_type": (meta.get("ValueType") or {}).get("Name"),
                    "ci_method": (meta.get("ConfidenceIntervalMethod") or {}).get("Name"),
                }
            )
        missing = sorted(set(ids) - {r[S.INDICATOR_ID] for r in rows})
        if missing:
            raise SourceError(
                f"Fingertips has no metadata for indicator(s) {first_values(missing)}; "
                "check the ids on https://fingertips.phe.org.uk"
            )
        return pd.DataFrame(rows)

    def area_types(self, *, refresh: bool = False) -> pd.DataFrame:
        """Area types (``/api/area_types``): ``area_type_id, area_type_name, short_name``."""
        data = self._json("area_types", {}, refresh=refresh)
        return pd.DataFrame(
            {
                "area_type_id": [int(d["Id"]) for d in data],
                "area_type_name": [d.get("Name") for d in data],
                "short_name": [d.get("Short") for d in data],
            }
        )

    def neighbour_types(self, *, refresh: bool = False) -> pd.DataFrame:
        """Nearest-neighbour models (``/api/nearest_neighbour_types``).

        Returns ``neighbour_type_id, name, area_type_ids`` (the area types
        each model applies to, comma-separated).
        """
        data = self._json("nearest_neighbour_types", {}, refresh=refresh)
        return pd.DataFrame(
            {
                "neighbour_type_id": [int(d["NeighbourTypeId"]) for d in data],
                "name": [d.get("Name") for d in data],
                "area_type_ids": [
                    ",".join(str(a.get("Id")) for a in d.get("ApplicableAreaTypes") or [])
                    for d in data
                ],
            }
        )

    def neighbours(
        self,
        area_code: str,
        area_type_id: int,
        neighbour_type_id: int,
        *,
        model: str | None = None,
        refresh: bool = False,
    ) -> pd.DataFrame:
        """An area's nearest neighbours, in the order Fingertips lists them.

        Uses ``/api/areas/by_parent_area_code?area_type_id=<t>&parent_area_code=
        nn-<neighbour_type_id>-<area_code>`` (see :meth:`neighbour_types` for
        the ids, e.g. CIPFA or children's services statistical neighbours).

        Returns
        -------
        pandas.DataFrame
            ``area_code, neighbour_code, neighbour_name, rank, model`` (the
            layout of the ``neighbours.list`` role).
        """
        params = {
            "area_type_id": int(area_type_id),
            "parent_area_code": f"nn-{int(neighbour_type_id)}-{area_code}",
        }
        endpoint = "areas/by_parent_area_code"
        data = self._json(endpoint, params, refresh=refresh)
        if not data:
            raise SourceError(
                f"Fingertips lists no neighbours of type {neighbour_type_id} for {area_code} at "
                f"area type {area_type_id}; check the ids with FingertipsClient.neighbour_types()"
            )
        name = model or f"Fingertips nearest neighbours (type {int(neighbour_type_id)})"
        frame = pd.DataFrame(
            {
                "area_code": area_code,
                "neighbour_code": [d["Code"] for d in data],
                "neighbour_name": [d.get("Name") for d in data],
                "rank": np.arange(1, len(data) + 1, dtype="int64"),
                "model": name,
            }
        )
        path = self.cache_dir / f"{_slug(endpoint, params)}.json"
        self._record(
            _Fetched(
                "neighbours",
                path,
                self.url(endpoint, params),
                {**params, "model": name, "area_code": area_code},
            )
        )
        return frame

    def _record(self, item: _Fetched) -> None:
        if all(f.path != item.path for f in self.fetched):
            self.fetched.append(item)

    # ---------------------------------------------------------------- data pack
    def write_pack(
        self,
        folder: str | os.PathLike[str],
        *,
        name: str = "Fingertips extract",
        polarity: Mapping[int, str] | None = None,
        overwrite: bool = False,
    ) -> Path:
        """Copy what this client fetched into ``folder`` with a ``datapack.toml``.

        Indicator CSVs go to ``fingertips/`` (role ``indicators.fingertips``,
        one entry per indicator, with its ids, URL, retrieval date and, if
        given in ``polarity``, its polarity); neighbour lists to
        ``neighbours/`` as ``area_code,neighbour_code,rank,neighbour_name``
        (role ``neighbours.list``). Later runs open the pack offline.

        Returns
        -------
        Path
            The manifest written.

        Examples
        --------
        >>> import tempfile
        >>> FingertipsClient(cache_dir=tempfile.mkdtemp()).write_pack(tempfile.mkdtemp())
        Traceback (most recent call last):
        ...
        jsna.exceptions.SourceError: nothing fetched yet; call all_data or neighbours before write_pack
        """
        if not self.fetched:
            raise SourceError("nothing fetched yet; call all_data or neighbours before write_pack")
        folder = Path(folder)
        manifest = folder / "datapack.toml"
        if manifest.exists() and not overwrite:
            raise SourceError(f"{manifest} exists; pass overwrite=True or choose another folder")
        polarity = {int(k): v for k, v in (polarity or {}).items()}
        bad = [v for v in polarity.values() if v not in S.POLARITIES]
        if bad:
            raise DataValidationError(
                f"polarity {first_values(bad)} is not one of {', '.join(map(repr, S.POLARITIES))}"
            )
        lines = [
            "# Written by jsna.io.fingertips.FingertipsClient.write_pack",
            "[pack]",
            f"name = {_toml(name)}",
            "synthetic = false",
            f"source = {_toml(self.base_url)}",
            f"attribution = [{_toml(ATTRIBUTION)}]",
        ]
        for item in self.fetched:
            retrieved = dt.date.fromtimestamp(item.path.stat().st_mtime).isoformat()
            if item.kind == "all_data":
                target = folder / "fingertips" / item.path.name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(item.path, target)
                entry = {
                    "role": ROLE,
                    "path": f"fingertips/{target.name}",
                    **item.params,
                    "url": item.url,
                    "retrieved": retrieved,
                }
                indicator = int(item.params["indicator_ids"])
                if indicator in polarity:
                    entry["polarity"] = polarity[indicator]
            else:
                data = json.loads(item.path.read_text(encoding="utf-8"))
                target = folder / "neighbours" / (item.path.stem + ".csv")
                target.parent.mkdir(parents=True, exist_ok=True)
                pd.DataFrame(
                    {
                        "area_code": item.params["area_code"],
                        "neighbour_code": [d["Code"] for d in data],
                        "rank": range(1, len(data) + 1),
                        "neighbour_name": [d.get("Name") for d in data],
                    }
                ).to_csv(target, index=False, lineterminator="\n")
                entry = {
                    "role": "neighbours.list",
                    "path": f"neighbours/{target.name}",
                    "model": item.params["model"],
                    "area_type_id": item.params["area_type_id"],
                    "url": item.url,
                    "retrieved": retrieved,
                }
            lines += ["", "[[file]]"] + [f"{k} = {_toml(v)}" for k, v in entry.items()]
        folder.mkdir(parents=True, exist_ok=True)
        manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return manifest


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | np.integer):
        return str(int(value))
    return json.dumps(str(value), ensure_ascii=False)


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]
