"""Markdown of chapter notebooks parsed for Word (jsna.publish.markdown)."""

from __future__ import annotations

from jsna.publish.markdown import blocks, inline


def test_markdown_parsing():
    assert inline("a **b** *c* `d` [e](http://f) <br> _g_ snake_case 2*3*4") == [
        ("a ", False, False, None),
        ("b", True, False, None),
        (" ", False, False, None),
        ("c", False, True, None),
        (" ", False, False, None),
        ("d", False, False, None),
        (" ", False, False, None),
        ("e", False, False, "http://f"),
        (" ", False, False, None),
        (" ", False, False, None),
        ("g", False, True, None),
        (" snake_case 2*3*4", False, False, None),
    ]
    assert inline(r"\*not italic\*") == [("*not italic*", False, False, None)]
    assert blocks(
        "## Head\ntext\nmore\n\n- one\n  - two\n1. first\n| a | b |\n|---|---|\n| 1 | 2 |"
    ) == [
        ("heading", 2, "Head"),
        ("paragraph", 0, "text more"),
        ("bullet", 0, "one"),
        ("bullet", 1, "two"),
        ("number", 0, "first"),
        ("row", 0, "| a | b |"),
        ("row", 0, "| 1 | 2 |"),
    ]
