"""Byte-stable Office files: a fixed document date and a zip container with fixed timestamps.

Word and Excel files are zip archives whose members carry the time they were
written, and whose properties hold created and modified dates. jsna gives them
one fixed date instead (``SOURCE_DATE_EPOCH`` if set, as reproducible builds
use, else :data:`FIXED_DATE`), so that rebuilding a chapter gives the same bytes.
"""

from __future__ import annotations

import io
import os
import zipfile
from datetime import UTC, datetime

__all__ = ["FIXED_DATE", "document_date", "stable_zip"]

#: Document dates when ``SOURCE_DATE_EPOCH`` is not set (1 January 1980, the
#: earliest date a zip file can hold), so that rebuilding gives the same bytes.
FIXED_DATE = datetime(1980, 1, 1, tzinfo=UTC)


def document_date() -> datetime:
    """The date written into documents: ``SOURCE_DATE_EPOCH`` (not before 1980) or FIXED_DATE.

    Returns
    -------
    datetime
        A timezone-aware UTC date.

    Examples
    --------
    >>> import os
    >>> "SOURCE_DATE_EPOCH" in os.environ or document_date() == FIXED_DATE
    True
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return datetime.fromtimestamp(max(int(epoch), 315532800), tz=UTC)  # not before 1980
    return FIXED_DATE


def stable_zip(data: bytes, when: datetime) -> bytes:
    """The same zip with every member dated ``when`` (python-docx stamps the current time).

    Parameters
    ----------
    data : bytes
        A zip archive (e.g. a ``.docx`` or ``.xlsx`` written to memory).
    when : datetime
        The date and time given to every member (not before 1980).

    Returns
    -------
    bytes
        The archive rewritten: same members in the same order, deflated, each
        dated ``when`` with fixed permissions.

    Examples
    --------
    >>> buffer = io.BytesIO()
    >>> with zipfile.ZipFile(buffer, "w") as archive:
    ...     archive.writestr("a.txt", "hello")
    >>> stable = stable_zip(buffer.getvalue(), FIXED_DATE)
    >>> [i.date_time for i in zipfile.ZipFile(io.BytesIO(stable)).infolist()]
    [(1980, 1, 1, 0, 0, 0)]
    >>> stable == stable_zip(stable, FIXED_DATE)
    True
    """
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for member in source.infolist():
            info = zipfile.ZipInfo(member.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            target.writestr(info, source.read(member))
    return out.getvalue()
