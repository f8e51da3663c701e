"""The one exception hierarchy of jsna.

Every error a user can cause is a :class:`JSNAError`. Messages say what is
wrong, where (file, column, argument), the first few offending values, and
what to do. The command line prints them as one line without a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "JSNAError",
    "DataValidationError",
    "SourceError",
    "GeographyError",
    "first_values",
]


class JSNAError(Exception):
    """Base class for every error a user of jsna can cause and fix."""


class DataValidationError(JSNAError):
    """Input data has the wrong values or shape (negative counts, NaN keys, ...)."""


class SourceError(JSNAError):
    """A file is missing, unreadable or in the wrong layout, or the network is unavailable."""


class GeographyError(JSNAError):
    """An area code is unknown, or codes of different vintages were mixed."""


def first_values(values: Iterable[object], n: int = 5) -> str:
    """Format the first ``n`` distinct offending values for an error message.

    Examples
    --------
    >>> first_values(["E01000001", "E01000002", "E01000001"])
    "'E01000001', 'E01000002' (2 in all)"
    """
    seen: list[object] = []
    for value in values:
        if value not in seen:
            seen.append(value)
    shown = ", ".join(repr(v.item() if hasattr(v, "item") else v) for v in seen[:n])
    more = (
        f" (+{len(seen) - n} more, {len(seen)} in all)"
        if len(seen) > n
        else f" ({len(seen)} in all)"
    )
    return shown + more
