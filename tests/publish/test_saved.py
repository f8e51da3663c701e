"""What a chapter saved, read back for the documents (jsna.publish.saved)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jsna.exceptions import SourceError
from jsna.publish.saved import (
    cell_text,
    read_chapter_figures,
    read_chapter_tables,
    split_note,
    table_cells,
    thousands_columns,
    unique_lines,
)


def test_figures_of_one_chapter_in_manifest_order(small_chapter):
    figures = read_chapter_figures(small_chapter["figures"], "07_")
    assert [f.stem for f in figures] == ["alpha_female", "alpha_male", "zeta_bars"]
    assert all(f.path.is_file() and f.alt_text.startswith("Bar chart") for f in figures)
    assert read_chapter_figures(small_chapter["root"] / "nowhere", "07_") == []


def test_a_figure_without_alt_text_is_an_error(tmp_path):
    (tmp_path / "01_a.png").write_bytes(b"")
    (tmp_path / "manifest.csv").write_text(
        "file,title,alt_text,source,synthetic\n01_a.png,A, ,S,False\n", encoding="utf-8"
    )
    with pytest.raises(SourceError, match="'01_a.png' has no alt text.*alt_text="):
        read_chapter_figures(tmp_path, "01_")


def test_tables_and_their_errors(small_chapter, tmp_path):
    tables = read_chapter_tables(small_chapter["tables"])
    assert [t.name for t in tables] == ["a_england_values", "ward_counts"]
    assert tables[1].frame["ward"].tolist()[-1] == "NA"  # a ward called NA stays a ward
    (tmp_path / "tables.csv").write_text("file,title,source,note\ngone.csv,G,S,\n")
    with pytest.raises(SourceError, match="'gone.csv' is in .* is missing; rebuild the chapter"):
        read_chapter_tables(tmp_path)
    (tmp_path / "tables.csv").write_text("file,title\ngone.csv,G\n")
    with pytest.raises(SourceError, match="lacks columns 'source', 'note'"):
        read_chapter_tables(tmp_path)


def test_cells_mark_confidential_and_not_available():
    frame = pd.DataFrame(
        {
            "area": ["A", "B", "C"],
            "count": [np.nan, 12.0, np.nan],
            "ratio": [np.inf, 1.5, 2.0],
            "flag": [True, False, True],
            "suppression": ["[c]", "", None],
        }
    )
    header, rows, numeric = table_cells(frame)
    assert header == ["area", "count", "ratio", "flag"]
    assert rows == [["A", "[c]", "[c]", True], ["B", 12.0, 1.5, False], ["C", "[x]", 2.0, True]]
    assert numeric == [False, True, True, False]
    assert table_cells(frame.iloc[:0]) == (header, [], numeric)


def test_thousands_and_text():
    frame = pd.DataFrame(
        {"year": [2023, 2024], "people": [9_000, 275_899], "rate": [1.5, 10_000.0], "x": ["a", "b"]}
    )
    assert thousands_columns(frame) == [False, True, False, False]
    assert thousands_columns(pd.DataFrame({"n": [np.nan]}, dtype=float)) == [False]
    assert [cell_text(v, True) for v in (275899, 12.0, 1.25, False, "[c]")] == [
        "275,899",
        "12",
        "1.25",
        "No",
        "[c]",
    ]


def test_notes_and_sources():
    assert split_note("") == []
    assert split_note("Synthetic data.") == []
    note = "Crude rates. Counts of 1 to 4 are shown as [c] (1 count here). Provisional."
    assert split_note(note + " Synthetic data.") == [
        "Crude rates.",
        "Provisional.",
        "Counts of 1 to 4 are shown as [c] (1 count here).",
    ]
    assert unique_lines([" ONS ", "", "ONS; MHCLG.", "MHCLG", "OHID"]) == [
        "ONS",
        "ONS; MHCLG.",
        "MHCLG",
        "OHID",
    ]
