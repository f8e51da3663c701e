"""Reading executed chapter notebooks (jsna.publish.notebook)."""

from __future__ import annotations

import nbformat
import pytest

from jsna.exceptions import SourceError
from jsna.publish.notebook import chapter_title, headings, layout, read_notebook
from jsna.publish.saved import read_chapter_figures, read_chapter_tables


def _notebook(*cells) -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(cells=list(cells))


def test_read_notebook_errors(tmp_path):
    with pytest.raises(SourceError, match="does not exist; run the chapter first"):
        read_notebook(tmp_path / "missing.ipynb")
    broken = tmp_path / "broken.ipynb"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(SourceError, match="cannot read notebook .*broken.ipynb.*rebuild"):
        read_notebook(broken)


def test_headings_skip_fenced_code_and_code_cells():
    notebook = _notebook(
        nbformat.v4.new_markdown_cell("# Title\ntext\n```python\n# a comment\n```\n## Part ##"),
        nbformat.v4.new_code_cell("# a code comment"),
        nbformat.v4.new_markdown_cell("### Detail"),
    )
    assert headings(notebook) == [(1, "Title"), (2, "Part"), (3, "Detail")]


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("# One *title*\n## A\n## B", ("One title", 2, True)),
        ("## A\n## B", ("fallback", 2, False)),  # no single top heading: top level is Heading 1
        ("## A\n# Late title", ("fallback", 1, False)),  # the first heading is not the top one
        ("no headings", ("fallback", 1, False)),
    ],
)
def test_chapter_title(markdown, expected):
    notebook = _notebook(nbformat.v4.new_markdown_cell(markdown))
    assert chapter_title(notebook, "fallback") == expected


def test_layout_places_saved_items_where_the_notebook_shows_them(small_chapter):
    notebook = read_notebook(small_chapter["notebook"])
    figures = read_chapter_figures(small_chapter["figures"], "07_")
    tables = read_chapter_tables(small_chapter["tables"])
    placed = [
        (kind, item if kind == "markdown" else getattr(item, "stem", getattr(item, "name", None)))
        for kind, item in layout(notebook, figures, tables)
    ]
    kinds = [(kind, item) for kind, item in placed if kind != "markdown"]
    # notebook order, not manifest order; the unsaved image and the other chapter are left out
    assert kinds == [
        ("figure", "zeta_bars"),
        ("figure", "alpha_female"),
        ("figure", "alpha_male"),
        ("table", "ward_counts"),
        ("table", "a_england_values"),
    ]
    assert ("markdown", "The groups **differ**.") in placed
    assert ("markdown", "## Other figures and tables") not in placed


def test_layout_puts_unnamed_items_at_the_end(small_chapter):
    notebook = _notebook(nbformat.v4.new_markdown_cell("# Only text"))
    figures = read_chapter_figures(small_chapter["figures"], "07_")
    blocks = layout(notebook, figures, [])
    assert blocks[:2] == [("markdown", "# Only text"), ("markdown", "## Other figures and tables")]
    assert [item.stem for _, item in blocks[2:]] == ["alpha_female", "alpha_male", "zeta_bars"]


def test_layout_follows_output_tags_not_code(small_chapter):
    """Placement comes from the outputs' metadata; the code that made them does not matter."""
    figures = read_chapter_figures(small_chapter["figures"], "07_")

    def image(tag):
        metadata = {"text/html": {"jsna": {"figure": tag}}} if tag else {}
        return nbformat.v4.new_output(
            "display_data", data={"text/html": "<img>", "image/png": ""}, metadata=metadata
        )

    notebook = _notebook(
        nbformat.v4.new_code_cell("section(chapter)", outputs=[image("07_alpha_male")]),
        nbformat.v4.new_markdown_cell("between"),
        nbformat.v4.new_code_cell(
            'chapter.figure(fig, "zeta_bars", title="Zeta")',  # code naming another figure
            outputs=[
                image("07_zeta_bars"),
                image("07_alpha_male"),
                image("07_unknown"),
                image(None),
            ],
        ),
    )
    blocks = [
        item if kind == "markdown" else item.stem for kind, item in layout(notebook, figures, [])
    ]
    # each figure once, where first shown; unknown and untagged images are not published
    assert blocks == [
        "alpha_male",
        "between",
        "zeta_bars",
        "## Other figures and tables",
        "alpha_female",
    ]
