"""What a chapter saved, read back for its Word and Excel versions.

Only what a chapter *saved* is published: figures from the figures folder's
``manifest.csv`` (written by :func:`jsna.plots.save_figure`, with alt text) and
tables from ``tables/<chapter>/tables.csv`` (written by
:meth:`jsna.publish.chapter.Chapter.table`, after small-number suppression).
This module reads them back and turns table cells into what a reader sees:
suppressed cells as ``[c]``, other missing cells as ``[x]``, numbers as text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from jsna.analysis.suppression import CONFIDENTIAL_MARKER, MARKER_COLUMN
from jsna.exceptions import SourceError, first_values
from jsna.io.atomic import restore_frame
from jsna.publish.escape import html_text
from jsna.publish.labels import LABELS

__all__ = [
    "without_label",
    "NOT_AVAILABLE_MARKER",
    "SYNTHETIC_NOTICE",
    "ChapterFigure",
    "ChapterTable",
    "read_chapter_figures",
    "read_chapter_tables",
    "table_cells",
    "thousands_columns",
    "cell_text",
    "display_header",
    "column_decimals",
    "table_html",
    "split_note",
    "unique_lines",
]

# "[x] = not available": Government Analysis Function, "Using symbols and
# shorthand in tables" (https://analysisfunction.civilservice.gov.uk/
# policy-store/symbols-in-tables-definitions-and-help/). Suppressed cells are
# "[c]" (jsna.analysis.suppression.CONFIDENTIAL_MARKER, same guidance).
NOT_AVAILABLE_MARKER = "[x]"

#: The notice under the title of a document built from a synthetic pack.
SYNTHETIC_NOTICE = (
    "Synthetic data: this chapter was built from a synthetic data pack. "
    "The figures are not real statistics for any place."
)

_SUPPRESSION_NOTE = re.compile(r"Counts of [^:]*? are shown as .*?\.(?=\s|$)")


@dataclass(frozen=True)
class ChapterFigure:
    """A saved figure of a chapter, as listed in the figures manifest."""

    path: Path
    stem: str  # without the chapter prefix
    title: str
    alt_text: str
    source: str


@dataclass(frozen=True)
class ChapterTable:
    """A saved table of a chapter, as listed in ``tables.csv``, with its data."""

    name: str  # file stem
    title: str
    source: str
    note: str
    frame: pd.DataFrame  # as read from the CSV, marker column kept


def _read_csv(path: Path, columns: Sequence[str], what: str) -> pd.DataFrame:
    try:
        frame = restore_frame(pd.read_csv(path, dtype=str, keep_default_na=False))
    except (OSError, ValueError) as exc:
        raise SourceError(f"cannot read {what} {path}: {exc}; rebuild the chapter") from exc
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise SourceError(
            f"{what} {path} lacks columns {first_values(missing)}; "
            f"it needs {', '.join(columns)} - rebuild the chapter with jsna build"
        )
    return frame


def read_chapter_figures(figures: Path, prefix: str) -> list[ChapterFigure]:
    """Figures of one chapter (file names starting ``prefix``) from ``manifest.csv``, in its order.

    Parameters
    ----------
    figures : path
        The figures folder holding ``manifest.csv`` and the PNGs.
    prefix : str
        The chapter's file prefix, e.g. ``"01_"``; it is left out of each ``stem``.

    Returns
    -------
    list of ChapterFigure
        Empty when there is no manifest.

    Raises
    ------
    SourceError
        The manifest lacks columns, names a missing PNG, or a figure has no alt text.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "01_ages.png").write_bytes(b"")
    >>> _ = (folder / "manifest.csv").write_text(
    ...     "file,title,alt_text,source,synthetic\\n01_ages.png,Ages,Bar chart.,ONS,False\\n")
    >>> [(f.stem, f.title, f.alt_text) for f in read_chapter_figures(folder, "01_")]
    [('ages', 'Ages', 'Bar chart.')]
    """
    manifest = Path(figures) / "manifest.csv"
    if not manifest.exists():
        return []
    rows = _read_csv(manifest, ("file", "title", "alt_text", "source"), "figure manifest")
    rows = rows[rows["file"].str.startswith(prefix) & rows["file"].str.lower().str.endswith(".png")]
    found = []
    for file, title, alt, source in rows[["file", "title", "alt_text", "source"]].itertuples(
        index=False
    ):
        path = Path(figures) / file
        if not path.is_file():
            raise SourceError(
                f"figure {file!r} is in {manifest} but {path} is missing; rebuild the chapter"
            )
        if not alt.strip():
            raise SourceError(
                f"figure {file!r} has no alt text in {manifest}; save it again with alt_text="
            )
        found.append(ChapterFigure(path, Path(file).stem[len(prefix) :], title, alt, source))
    return found


def read_chapter_tables(tables: Path) -> list[ChapterTable]:
    """Tables listed in ``tables.csv`` in ``tables`` (none when the folder or list is absent).

    Parameters
    ----------
    tables : path
        A chapter's tables folder (``reports/<area>/tables/<chapter>``).

    Returns
    -------
    list of ChapterTable
        In ``tables.csv`` order. Only empty cells are missing values, so a
        ward called "NA" stays a ward.

    Raises
    ------
    SourceError
        ``tables.csv`` lacks columns or names a missing CSV.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "wards.csv").write_text("ward,count\\nNA,12\\nB,\\n")
    >>> _ = (folder / "tables.csv").write_text("file,title,source,note\\nwards.csv,Wards,ONS,\\n")
    >>> (table,) = read_chapter_tables(folder)
    >>> table.name, table.title, table.frame["ward"].tolist(), table.frame["count"].isna().tolist()
    ('wards', 'Wards', ['NA', 'B'], [False, True])
    """
    listing = Path(tables) / "tables.csv"
    if not listing.exists():
        return []
    rows = _read_csv(listing, ("file", "title", "source", "note"), "table list")
    found = []
    for file, title, source, note in rows[["file", "title", "source", "note"]].itertuples(
        index=False
    ):
        path = Path(tables) / file
        if not path.is_file():
            raise SourceError(
                f"table {file!r} is in {listing} but {path} is missing; rebuild the chapter"
            )
        # Only empty cells are missing values: a ward called "NA" stays a ward.
        frame = restore_frame(pd.read_csv(path, keep_default_na=False, na_values=[""]))
        found.append(ChapterTable(Path(file).stem, title, source, note, frame))
    return found


def table_cells(frame: pd.DataFrame) -> tuple[list[str], list[list[object]], list[bool]]:
    """Header, rows (Python values, markers for missing cells) and which columns are numeric.

    A missing cell in a row the suppression column marks is confidential
    ("[c]"); any other missing cell is not available ("[x]"). The marker column
    itself is dropped: the markers are in the cells.

    Parameters
    ----------
    frame : DataFrame
        A saved table (:attr:`ChapterTable.frame`).

    Returns
    -------
    tuple
        ``(header, rows, numeric)``: column names as text, one list of values
        per row, and one flag per column (numbers, not True/False).

    Examples
    --------
    >>> frame = pd.DataFrame({"area": ["A", "B"], "count": [None, 10.0],
    ...                       "suppression": ["[c]", ""]})
    >>> table_cells(frame)
    (['area', 'count'], [['A', '[c]'], ['B', 10.0]], [False, True])
    """
    suppressed = (
        frame[MARKER_COLUMN].astype("string").fillna("").str.strip() == CONFIDENTIAL_MARKER
        if MARKER_COLUMN in frame.columns
        else pd.Series(False, index=frame.index)
    ).to_numpy()
    shown = frame.drop(columns=[MARKER_COLUMN], errors="ignore")
    columns, numeric = [], []
    marker = np.where(suppressed, CONFIDENTIAL_MARKER, NOT_AVAILABLE_MARKER)
    for name in shown.columns:
        column = shown[name]
        missing = column.isna().to_numpy().copy()
        if pd.api.types.is_float_dtype(column):
            # infinities (a division by zero) are not values either
            missing |= ~np.isfinite(column.to_numpy(dtype=float, na_value=np.nan))
        values = np.asarray(column.astype(object).tolist(), dtype=object)
        values[missing] = marker[missing]
        columns.append(values)
        numeric.append(
            pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)
        )
    rows = np.column_stack(columns).tolist() if columns and len(shown) else []
    return [str(c) for c in shown.columns], rows, numeric


def thousands_columns(frame: pd.DataFrame) -> list[bool]:
    """Columns shown with thousands separators: whole numbers reaching 10,000.

    So years (2024) are left alone, while populations (275,899) are grouped.

    Parameters
    ----------
    frame : DataFrame
        A saved table; the suppression marker column is left out.

    Returns
    -------
    list of bool
        One flag per shown column.

    Examples
    --------
    >>> thousands_columns(pd.DataFrame({"year": [2024], "people": [275899], "rate": [12000.5]}))
    [False, True, False]
    """
    shown = frame.drop(columns=[MARKER_COLUMN], errors="ignore")
    out = []
    for name in shown.columns:
        column = shown[name]
        if not pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
            out.append(False)
            continue
        values = column.dropna().to_numpy(dtype=float)
        out.append(
            bool(len(values))
            and bool(np.all(values == np.round(values)))
            and float(np.abs(values).max()) >= 10_000
        )
    return out


def cell_text(value: object, thousands: bool, decimals: int | None = None) -> str:
    """A cell value as text: Yes/No, whole numbers without ``.0``, no float noise.

    Parameters
    ----------
    value : object
        A value from :func:`table_cells` rows.
    thousands : bool
        Group whole numbers with commas (see :func:`thousands_columns`).
    decimals : int, optional
        Round numbers to this many places (see :func:`column_decimals`); by
        default numbers are shown as stored.

    Returns
    -------
    str

    Examples
    --------
    >>> cell_text(275899.0, True), cell_text(2024, False), cell_text(0.1 + 0.2, False)
    ('275,899', '2024', '0.30000000000000004')
    >>> cell_text(True, False), cell_text("[c]", False)
    ('Yes', '[c]')
    >>> cell_text(4713.67, False, 0), cell_text(78.30637, False, 1), cell_text(12034.5, True, 1)
    ('4714', '78.3', '12,034.5')
    """
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int | float) and decimals is not None:
        rounded = round(float(value), decimals)
        return f"{rounded:,.{decimals}f}" if thousands else f"{rounded:.{decimals}f}"
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer():
            return f"{int(value):,}" if thousands else str(int(value))
        return np.format_float_positional(float(value), trim="-")
    return str(value)


def without_label(text: str, label: str = "Source") -> str:
    """``text`` without a leading ``"Source:"`` (attribution lines often carry their own).

    Writers add the label themselves, so a source is never shown as "Source: Source: ...".

    Examples
    --------
    >>> without_label("Source: Office for National Statistics")
    'Office for National Statistics'
    >>> without_label("ONS")
    'ONS'
    """
    head = f"{label}:"
    return text[len(head) :].lstrip() if text.startswith(head) else text


def split_note(note: str) -> list[str]:
    """A table's note as separate notes: the analyst's, then the suppression sentence.

    The closing "Synthetic data." flag that :meth:`Chapter.table` adds is dropped
    (the documents say so once, elsewhere).

    Parameters
    ----------
    note : str
        The ``note`` of a row of ``tables.csv``.

    Returns
    -------
    list of str

    Examples
    --------
    >>> split_note("Rates are crude. Counts of 1 to 4 are shown as [c]. Synthetic data.")
    ['Rates are crude.', 'Counts of 1 to 4 are shown as [c].']
    """
    text = note.strip()
    if text.endswith("Synthetic data."):
        text = text[: -len("Synthetic data.")].strip()
    parts = []
    match = _SUPPRESSION_NOTE.search(text)
    if match:
        before, after = text[: match.start()].strip(), text[match.end() :].strip()
        parts = [p for p in (before, after) if p] + [match.group(0)]
    elif text:
        parts = [text]
    return parts


def unique_lines(items: Iterable[str]) -> list[str]:
    """Distinct source lines; a line made only of lines already listed (joined) is left out.

    Parameters
    ----------
    items : iterable of str
        Source lines, e.g. the pack's attribution then each figure's and table's source.

    Returns
    -------
    list of str
        In first-seen order, stripped.

    Examples
    --------
    >>> unique_lines(["ONS", "MHCLG", "ONS MHCLG", "ONS", "NHS England"])
    ['ONS', 'MHCLG', 'NHS England']
    """
    seen: list[str] = []
    for item in items:
        item = item.strip()
        rest = item
        for known in sorted(seen, key=len, reverse=True):
            rest = rest.replace(known, "")
        if item and rest.strip(" .;,"):
            seen.append(item)
    return seen


_TOKENS = {"ci95": "95% CI", "ci99": "99.8% CI", "pct": "%", "n": "number of", "imd": "IMD"}
_CI_WORDS = re.compile(r"(95|99\.8)%")
_PEOPLE = re.compile(
    r"\b(count|observed|expected|population|residents?|undiagnosed|register|list size|"
    r"registered patients|denominator|patients|deaths|births|people|persons)\b",
    re.I,
)
_PERCENT = re.compile(r"%|\b(pct|percent(age)?)\b", re.I)
_NOT_PEOPLE = re.compile(r"%|\b(pct|rate|ratio|share|per|score|age|years?)\b", re.I)


def display_header(column: object) -> str:
    """A column header a reader understands: the house label, else the name in words.

    The label of :data:`jsna.publish.labels.LABELS` when there is one (also for
    a labelled name followed by a qualifier, ``"n_lsoas IoD2025"``); otherwise
    underscores become spaces and the first letter a capital.

    Examples
    --------
    >>> display_header("lower_ci95"), display_header("n_lsoas IoD2025")
    ('Lower 95% CI', 'LSOAs (IoD2025)')
    >>> display_header("type_quartile"), display_header("Residents aged 90+")
    ('Type quartile', 'Residents aged 90+')
    >>> display_header("status"), display_header("IoD2025")
    ('Status', 'IoD2025')
    """
    text = str(column)
    if text in LABELS:
        return LABELS[text]
    base, space, rest = text.partition(" ")
    if space and base in LABELS:
        return f"{LABELS[base]} ({rest.strip()})"
    if "_" not in text:
        return text[:1].upper() + text[1:] if text.islower() else text
    words = " ".join(_TOKENS.get(w.lower(), w) for w in text.split("_") if w)
    return words[:1].upper() + words[1:]


def column_decimals(frame: pd.DataFrame) -> list[int | None]:
    """Decimal places to show for each column: numbers rounded to their unit.

    Counts of people (a header naming residents, patients, registers, observed or
    expected cases, counts, deaths or births, and not a rate, ratio, share, score
    or percentage) are whole people; other numbers get 1 place from 10 up, 2 from
    1 up and 3 below 1 (2 for percentages); whole-number columns none. Text columns
    give None.

    Parameters
    ----------
    frame : DataFrame
        A saved table; the suppression marker column is left out.

    Returns
    -------
    list
        One entry per shown column.

    Examples
    --------
    >>> frame = pd.DataFrame({"Expected": [4713.67], "Rate": [78.30637], "Ratio": [0.6412],
    ...                       "Year": [2024], "Ward": ["A"], "Expected %": [3.2567]})
    >>> column_decimals(frame)
    [0, 1, 3, 0, None, 2]
    >>> column_decimals(pd.DataFrame({"Deprived in four dimensions (%)": [0.4, 0.25]}))
    [2]
    """
    shown = frame.drop(columns=[MARKER_COLUMN], errors="ignore")
    out: list[int | None] = []
    for name in shown.columns:
        column = shown[name]
        if not pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
            out.append(None)
            continue
        values = column.to_numpy(dtype=float, na_value=np.nan)
        values = values[np.isfinite(values)]
        header = _CI_WORDS.sub("", display_header(name))
        if (
            not len(values)
            or np.all(values == np.round(values))
            or (_PEOPLE.search(header) and not _NOT_PEOPLE.search(header))
        ):
            out.append(0)
            continue
        largest = float(np.abs(values).max())
        places = 1 if largest >= 10 else 2 if largest >= 1 else 3
        # a percentage below 1 needs no third place (0.40%, not 0.400%)
        out.append(min(places, 2) if _PERCENT.search(header) else places)
    return out


def table_html(
    frame: pd.DataFrame,
    *,
    title: str,
    name: str,
    source: str = "",
    note: str = "",
    max_rows: int = 500,
) -> str:
    """A saved table as accessible HTML: caption, readable headers, rounded numbers, markers.

    Every piece of text is escaped (:func:`jsna.publish.escape.html_text`), so a
    name in the data is never markup. Headers come from :func:`display_header`,
    numbers are rounded by :func:`column_decimals`, suppressed cells show
    ``[c]`` and other missing cells ``[x]`` (:func:`table_cells`). The table's
    ``id`` is ``jsna-table-<name>``.

    Parameters
    ----------
    frame : DataFrame
        The table as saved (suppression marker column included).
    title, name : str
        Caption, and the table's file stem.
    source, note : str
        Shown under the table when given.
    max_rows : int
        Longer tables are cut, with a line saying so.

    Returns
    -------
    str

    Examples
    --------
    >>> frame = pd.DataFrame({"area_name": ["<b>A</b>", "B"], "population": [4713.67, None],
    ...                       "suppression": ["", "[c]"]})
    >>> page = table_html(frame, title="Residents", name="t")
    >>> ">&lt;b&gt;A&lt;/b&gt;</td>" in page, 'style="text-align: left">Area</th>' in page
    (True, True)
    >>> '<td style="text-align: right">4714</td>' in page, ">[c]</td>" in page
    (True, True)
    """
    header, rows, numeric = table_cells(frame)
    thousands = thousands_columns(frame)
    decimals = column_decimals(frame)
    # numbers to the right, text to the left (whatever the page's style sheet says)
    align = [
        ' style="text-align: right"' if is_number else ' style="text-align: left"'
        for is_number in numeric
    ]
    head = "".join(
        f'<th scope="col"{a}>{html_text(display_header(h))}</th>'
        for h, a in zip(header, align, strict=True)
    )
    body = "".join(
        "<tr>"
        + "".join(
            f"<td{a}>{html_text(cell_text(v, t, d))}</td>"
            for v, t, d, a in zip(row, thousands, decimals, align, strict=True)
        )
        + "</tr>"
        for row in rows[:max_rows]
    )
    after = []
    if len(rows) > max_rows:
        after.append(
            f"The first {max_rows:,} of {len(rows):,} rows are shown; every row is in the "
            "chapter's Excel workbook and CSV file."
        )
    if source:
        after.append(f"Source: {without_label(source)}")
    notes = " ".join(split_note(note))
    if notes:
        after.append(f"Notes: {notes}")
    foot = "".join(f'<p class="jsna-table-note">{html_text(line)}</p>' for line in after)
    ident = html_text(re.sub(r"[^A-Za-z0-9_-]", "_", name))
    return (
        f'<div class="jsna-table"><table id="jsna-table-{ident}">'
        f"<caption>{html_text(title)}</caption>\n<thead><tr>{head}</tr></thead>\n"
        f"<tbody>{body}</tbody></table>{foot}</div>"
    )
