"""Warnings raised while a chapter computes, turned into notes for its reader.

jsna's analysis functions warn (``UserWarning``) when they leave something out or
give NaN for a degenerate group. A chapter must show those to its reader, not to
the analyst's console only: :func:`collect_notes` runs a function, catches its
warnings and returns them with the result, and :func:`notes_markdown` formats them.

Examples
--------
>>> import warnings
>>> def half(x):
...     warnings.warn("one practice had no patients and was left out", UserWarning)
...     return x / 2
>>> value, notes = collect_notes(half, 3)
>>> value, notes
(1.5, ['one practice had no patients and was left out'])
>>> print(notes_markdown(notes))
*Note: one practice had no patients and was left out*
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any

from jsna.publish.escape import markdown_text

__all__ = ["collect_notes", "notes_markdown"]


def collect_notes(function: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, list[str]]:
    """Call ``function(*args, **kwargs)``; return its result and the warnings it raised.

    Every warning is kept, in order; errors are not caught.

    Examples
    --------
    >>> collect_notes(max, 1, 2)
    (2, [])
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = function(*args, **kwargs)
    return result, [str(w.message) for w in caught]


def notes_markdown(notes: Sequence[str]) -> str:
    """Notes as Markdown, one italic paragraph each ("" when there are none).

    A note may quote names from data, so its text is escaped (:func:`markdown_text`).

    Examples
    --------
    >>> notes_markdown([])
    ''
    >>> print(notes_markdown(["A.", "<b>B</b>"]))
    *Note: A\\.*
    <BLANKLINE>
    *Note: \\<b\\>B\\<\\/b\\>*
    """
    return "\n\n".join(f"*Note: {markdown_text(note)}*" for note in notes)
