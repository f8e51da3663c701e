"""The Fingertips live API, with an on-disk cache.

:class:`FingertipsClient` fetches the same CSVs from the API
(``/api/all_data/csv/by_indicator_id``), plus indicator metadata, area types
and nearest-neighbour lists (``nn-<type>-<code>`` parent codes). Every
response is checked before it is cached under ``data/raw/fingertips_cache``
(a CSV must be complete and carry the Fingertips header), so later runs work
offline; :meth:`FingertipsClient.write_pack` writes a ``datapack.toml`` for
what was fetched.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from jsna import columns as S
from jsna.exceptions import DataValidationError, SourceError, first_values
from jsna.io import FileEntry
from jsna.io.fingertips import ROLE, check_fingertips_csv, read_fingertips

__all__ = ["FingertipsClient", "FINGERTIPS_URL", "URL_ENV", "ATTRIBUTION"]

#: The public API; override with the ``base_url`` argument or ``JSNA_FINGERTIPS_URL``.
FINGERTIPS_URL = "https://fingertips.phe.org.uk/api"
URL_ENV = "JSNA_FINGERTIPS_URL"
ATTRIBUTION = (
    "Office for Health Improvement and Disparities, Fingertips, © Crown copyright, "
    "Open Government Licence v3.0."
)


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
        jsna.exceptions.SourceError: https://...indicator_ids=90284... is not in the cache ...
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
        jsna.exceptions.SourceError: nothing fetched yet; call all_data or neighbours before ...
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
