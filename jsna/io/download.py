"""Cached, resumable, retried and verified downloads (used by ``jsna fetch``).

A verified download is kept in the cache folder under a name made from its URL;
a cached file is used without a request. An unfinished download lives in
``<cache>/partial`` and is resumed with an HTTP ``Range`` request; it enters
the cache only once complete and accepted by the caller's ``verify``. Requests
go through ``HTTPS_PROXY``/``HTTP_PROXY`` (requests reads them) and show a tqdm
progress bar.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import requests

from jsna.exceptions import JSNAError, SourceError

__all__ = ["Downloader"]


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
