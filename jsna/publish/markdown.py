"""The Markdown of chapter notebooks, parsed for the Word document.

Chapter narrative is written in the small part of Markdown that notebooks use:
headings, paragraphs, bullet and numbered lists (two levels of nesting),
fenced code, pipe tables, and inline bold, italic, code and links. This module
turns it into blocks (:func:`blocks`) and inline runs (:func:`inline`) that
:mod:`jsna.publish.word` writes with Word's own styles. Images and HTML tags
are dropped; a backslash escapes any ASCII punctuation character as in
CommonMark (so text from data escaped by :func:`jsna.publish.escape.markdown_text`
is shown as it is, never as formatting or links).
"""

from __future__ import annotations

import re
import string

__all__ = ["HEADING", "inline", "plain", "blocks"]

#: An ATX heading line: group 1 the ``#`` marks, group 2 the text.
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")

_INLINE = re.compile(
    r"\*\*(?P<b1>.+?)\*\*|__(?P<b2>.+?)__"
    r"|(?<![\w*])\*(?P<i1>[^\s*](?:.*?[^\s\\*])??)\*(?!\*)"
    r"|(?<![\w_])_(?P<i2>[^\s_](?:.*?[^\s_])??)_(?![\w_])"
    r"|`(?P<code>[^`]+)`|!\[[^\]]*\]\([^)]*\)|\[(?P<link>[^\]]+)\]\((?P<url>[^)\s]+)[^)]*\)"
    r"|<[^>]+>"
)
_ESCAPED = re.compile(r"\\([" + re.escape(string.punctuation) + "])")
_BULLET = re.compile(r"^(\s*)[-*+]\s+(.*)$")
_NUMBERED = re.compile(r"^(\s*)\d+[.)]\s+(.*)$")


def inline(text: str) -> list[tuple[str, bool, bool, str | None]]:
    """Inline Markdown as runs ``(text, bold, italic, url)``; images and HTML tags are dropped.

    Parameters
    ----------
    text : str
        One paragraph, list item or heading of Markdown.

    Returns
    -------
    list of tuple
        ``(text, bold, italic, url)`` for each run, in order; ``url`` is the
        link target or None.

    Examples
    --------
    >>> inline("Rates are **higher** in [Linacre](https://example.org) <br>")
    ... # doctest: +NORMALIZE_WHITESPACE
    [('Rates are ', False, False, None), ('higher', True, False, None),
     (' in ', False, False, None), ('Linacre', False, False, 'https://example.org'),
     (' ', False, False, None)]
    >>> inline(r"snake_case and 2*3*4 stay, \\*escaped\\* too")
    [('snake_case and 2*3*4 stay, *escaped* too', False, False, None)]
    """

    def runs(source: str, bold: bool, italic: bool) -> list:
        out, at = [], 0
        for match in _INLINE.finditer(source):
            if match.start() > at:
                out.append((source[at : match.start()], bold, italic, None))
            groups = match.groupdict()
            if groups["b1"] or groups["b2"]:
                out += runs(groups["b1"] or groups["b2"], True, italic)
            elif groups["i1"] or groups["i2"]:
                out += runs(groups["i1"] or groups["i2"], bold, True)
            elif groups["code"]:
                out.append((groups["code"], bold, italic, None))
            elif groups["link"]:
                out.append((plain(groups["link"]), bold, italic, groups["url"]))
            at = match.end()
        if at < len(source):
            out.append((source[at:], bold, italic, None))
        return out

    # a backslash before any ASCII punctuation makes it literal (CommonMark 2.4), which is
    # how jsna.publish.escape.markdown_text writes text from data
    text = _ESCAPED.sub(lambda m: "\x00" + str(ord(m.group(1))) + "\x01", text)
    restore = re.compile("\x00(\\d+)\x01")
    return [
        (restore.sub(lambda m: chr(int(m.group(1))), t), b, i, u)
        for t, b, i, u in runs(text, False, False)
    ]


def plain(markdown: str) -> str:
    """Inline Markdown reduced to its text.

    Parameters
    ----------
    markdown : str
        One paragraph, list item or heading of Markdown.

    Returns
    -------
    str

    Examples
    --------
    >>> plain("Population by **ward**, [ONS](https://www.ons.gov.uk) `2024`")
    'Population by ward, ONS 2024'
    """
    return "".join(text for text, _, _, _ in inline(markdown))


def blocks(markdown: str) -> list[tuple[str, int, str]]:
    """Markdown as ``(kind, level, text)``: heading, paragraph, bullet, number, code, table rows.

    Parameters
    ----------
    markdown : str
        A Markdown cell, or the Markdown a code cell displayed.

    Returns
    -------
    list of tuple
        ``kind`` is ``"heading"`` (``level`` 1-6), ``"paragraph"``, ``"bullet"``
        or ``"number"`` (``level`` 0-2 from the indent), ``"code"`` (a line of a
        fenced block) or ``"row"`` (a pipe table row; separator rows are left
        out). Continuation lines join their paragraph or item; inline Markdown
        is kept in ``text``.

    Examples
    --------
    >>> text = "## Key messages\\n\\nRates are\\nhigher.\\n\\n- one\\n  - two\\n"
    >>> text += "| a |\\n|---|\\n| 1 |"
    >>> blocks(text)
    ... # doctest: +NORMALIZE_WHITESPACE
    [('heading', 2, 'Key messages'), ('paragraph', 0, 'Rates are higher.'),
     ('bullet', 0, 'one'), ('bullet', 1, 'two'), ('row', 0, '| a |'), ('row', 0, '| 1 |')]
    """
    out: list[tuple[str, int, str]] = []
    current: list | None = None  # the open paragraph or list item
    fence = False
    for line in markdown.splitlines():
        stripped = line.strip()
        if stripped.startswith("```"):
            fence, current = not fence, None
            continue
        if fence:
            out.append(("code", 0, line))
            continue
        if not stripped or re.fullmatch(r"[-*_]{3,}", stripped):
            current = None
            continue
        heading = HEADING.match(stripped)
        bullet, number = _BULLET.match(line), _NUMBERED.match(line)
        if heading:
            out.append(("heading", len(heading.group(1)), heading.group(2)))
            current = None
        elif stripped.startswith("|"):
            if not re.fullmatch(r"\|?[\s:|-]+\|?", stripped):
                out.append(("row", 0, stripped))
            current = None
        elif bullet or number:
            match = bullet or number
            current = [
                "bullet" if bullet else "number",
                min(len(match.group(1).expandtabs(4)) // 2, 2),
                match.group(2),
            ]
            out.append(current)
        elif current is not None:
            current[2] += " " + stripped
        else:
            current = ["paragraph", 0, stripped.lstrip("> ").strip()]
            out.append(current)
    return [tuple(block) for block in out]
