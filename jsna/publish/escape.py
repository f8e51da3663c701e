"""Text from data, made safe for the HTML and Markdown that chapters publish.

Names in a data pack (a Fingertips indicator or area name, a ward, a practice,
the pack's name and attribution lines) are data, not markup. A chapter that puts
them into a Markdown cell or an HTML table must escape them, or a name such as
``<img src=x onerror=alert(1)>`` runs as script in the published page, and
``[click](javascript:...)`` becomes a link in the HTML and in Word.

* :func:`html_text` for text placed in HTML (table cells, captions, notes):
  ``& < > " '`` become character references, so nothing in it is a tag, an
  attribute or an entity.
* :func:`markdown_text` for text placed in Markdown (key messages, the lines a
  chapter displays): every ASCII punctuation character gets a backslash, which
  CommonMark defines as "this character is literal" (CommonMark 0.31.2,
  section 2.4 "Backslash escapes", https://spec.commonmark.org/0.31.2/#backslash-escapes).
  So no tag, entity, link, image, emphasis, heading, list, table or math can
  start inside it; line breaks become spaces so it cannot start a new block.
  Notebook HTML (nbconvert, mistune) and the Word writer
  (:func:`jsna.publish.markdown.inline`) show the characters themselves.

Characters outside ASCII are left as they are: full-width look-alikes such as
``＜script＞`` (U+FF1C) are not markup to a browser or to Markdown, and they
are real letters in some names.

Examples
--------
>>> html_text('<script>alert("x")</script>')
'&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
>>> markdown_text("[Click](javascript:alert(1)) & <b>")
'\\\\[Click\\\\]\\\\(javascript\\\\:alert\\\\(1\\\\)\\\\) \\\\& \\\\<b\\\\>'
"""

from __future__ import annotations

import html
import re
import string

__all__ = ["html_text", "markdown_text"]

_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")
_BREAKS = re.compile(r"[\r\n\u2028\u2029\x0b\x0c\x85]+")


def html_text(value: object) -> str:
    """``value`` as text for HTML: ``& < > " '`` escaped.

    Parameters
    ----------
    value : object
        Anything; it is turned into text with ``str``.

    Returns
    -------
    str

    Examples
    --------
    >>> html_text("Barnsley & Rotherham <iframe src=x>")
    'Barnsley &amp; Rotherham &lt;iframe src=x&gt;'
    """
    return html.escape(str(value), quote=True)


def markdown_text(value: object) -> str:
    """``value`` as literal text inside Markdown: ASCII punctuation backslash-escaped, one line.

    Parameters
    ----------
    value : object
        Anything; it is turned into text with ``str``.

    Returns
    -------
    str

    Examples
    --------
    >>> markdown_text("St. Helen's_ward *1*")
    "St\\\\. Helen\\\\'s\\\\_ward \\\\*1\\\\*"
    >>> markdown_text("# Heading\\n- item")
    '\\\\# Heading \\\\- item'
    """
    return _PUNCTUATION.sub(r"\\\1", _BREAKS.sub(" ", str(value)))
