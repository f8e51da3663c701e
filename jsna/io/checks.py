"""The checks a data pack frame must pass, one function each.

Each check is a function ``check(frame, where)`` that raises a
:class:`~jsna.exceptions.JSNAError` subclass at the first rule broken,
naming the file (``where``), the column, the first offending values and what
to do; frames are never modified. Factories (:func:`codes`, :func:`unique`,
:func:`counts`, :func:`positive`, :func:`between`, :func:`one_of`,
:func:`layouts`) make a check from the columns it applies to.
:mod:`jsna.io.validation` lists which checks each role's frames must pass;
:mod:`jsna.io.fingertips_checks` holds those of Fingertips exports.

* **codes** - every code column holds well-formed codes of the expected kind
  (:data:`CODE_KINDS`: LSOA ``E01``/``W01``, MSOA ``E02``/``W02``, ward
  ``E05``/``W05``, local authority ``E06``-``E09``/``W06``, region ``E12``,
  sub-ICB location ``E38``, ICB ``E54``, England ``E92``, each 9 characters;
  GP practices by their 6-character ODS code), and an ``lsoa11_code``
  column holds no code first issued in 2021 (a mixed-vintage file);
* **unique** - no key (the columns naming a row) appears twice;
* **counts** - counts are numbers, non-negative, and whole where the
  publisher counts whole people (raw files only: populations are whole
  before any bridging between LSOA vintages);
* **positive** - denominators (list sizes) are above zero;
* **geometries** - boundaries have a coordinate reference system, valid,
  non-empty polygons, and coordinates that fit that CRS.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from jsna.exceptions import DataValidationError, GeographyError, SourceError, first_values
from jsna.io._read import numbers

__all__ = [
    "Check",
    "CODE_KINDS",
    "LSOA21_NEW_CODES",
    "column_numbers",
    "codes",
    "unique",
    "counts",
    "positive",
    "between",
    "one_of",
    "no_self_neighbours",
    "geometries",
    "not_empty",
    "layouts",
]

Check = Callable[[pd.DataFrame, str], None]

#: Code kind -> (regular expression a code must fully match, description for messages).
CODE_KINDS: dict[str, tuple[str, str]] = {
    "lsoa": (r"[EW]01\d{6}", "LSOA codes (E01 or W01 and 6 digits)"),
    "lsoa11": (r"[EW]01\d{6}", "LSOA 2011 codes (E01 or W01 and 6 digits)"),
    "msoa": (r"[EW]02\d{6}", "MSOA codes (E02 or W02 and 6 digits)"),
    "ward": (r"[EW]05\d{6}|S13\d{6}|N08\d{6}", "ward codes (E05, W05, S13 or N08 and 6 digits)"),
    "lad": (
        r"E0[6-9]\d{6}|W06\d{6}|S12\d{6}|N09\d{6}",
        "local authority district codes (E06, E07, E08, E09, W06, S12 or N09 and 6 digits)",
    ),
    # lookups of a pack fetched for a county council name the county (E10) as the authority
    "lad_or_county": (
        r"E0[6-9]\d{6}|E10\d{6}|W06\d{6}|S12\d{6}|N09\d{6}",
        "local authority codes (E06, E07, E08, E09, E10, W06, S12 or N09 and 6 digits)",
    ),
    "la": (
        r"E0[6-9]\d{6}|E10\d{6}|W06\d{6}",
        "local authority codes (E06-E10 or W06 and 6 digits)",
    ),
    "utla": (
        r"E0[689]\d{6}|E10\d{6}|W06\d{6}",
        "county or unitary authority codes (E06, E08, E09, E10 and 6 digits)",
    ),
    "region": (r"E12\d{6}", "region codes (E12 and 6 digits)"),
    "nhs_region": (r"E40\d{6}", "NHS region codes (E40 and 6 digits)"),
    "sicbl": (r"E38\d{6}", "sub-ICB location codes (E38 and 6 digits)"),
    "icb": (r"E54\d{6}", "ICB codes (E54 and 6 digits)"),
    "country": (r"E92\d{6}", "England's code (E92 and 6 digits)"),
    "practice": (r"[A-Z]\d{5}", "GP practice ODS codes (a letter and 5 digits)"),
    "area": (
        r"[EWSNK]\d{8}|[A-Z]\d{5}",
        "area codes (ONS: a letter and 8 digits; or a GP practice ODS code)",
    ),
}

#: LSOA codes first issued in 2021 (ranges by the ONS LSOA11 to LSOA21 lookup, December 2022).
LSOA21_NEW_CODES = (("E01033769", "E01035762"), ("W01001959", "W01002040"))


#: British National Grid extent (metres) with a margin: coordinates outside are not in
#: Great Britain.
_BNG_BOUNDS = (-100_000.0, -100_000.0, 800_000.0, 1_400_000.0)


# --------------------------------------------------------------------------- helpers


def _columns(frame: pd.DataFrame, pattern: str, where: str, *, required: bool = True) -> list[str]:
    """Columns whose name fully matches ``pattern``; a :class:`SourceError` if none and required."""
    regex = re.compile(pattern)
    found = [c for c in frame.columns if regex.fullmatch(str(c))]
    if not found and required:
        raise SourceError(
            f"{where}: no column like /{pattern}/ among {first_values(list(frame.columns), 12)}; "
            "is this the right file for its role in datapack.toml?"
        )
    return found


def _column(frame: pd.DataFrame, pattern: str, where: str) -> str:
    found = _columns(frame, pattern, where)
    if len(found) > 1:
        raise SourceError(f"{where}: several columns {found} match /{pattern}/; keep one vintage")
    return found[0]


def column_numbers(frame: pd.DataFrame, column: str, where: str) -> pd.Series:
    """A column as floats; text in it is a :class:`DataValidationError`.

    Examples
    --------
    >>> column_numbers(pd.DataFrame({"n": ["1", "2.5"]}), "n", "x.csv").tolist()
    [1.0, 2.5]
    """
    return numbers(
        frame[column],
        column,
        where,
        fix="replace them with numbers, or leave the cell empty for a missing value",
        finite=False,  # each check says what an infinite value means for it
    )


def _rows(frame: pd.DataFrame, mask, label: str | None) -> str:
    """The offending rows for a message: by ``label`` column values, else row numbers."""
    mask = np.asarray(mask, dtype=bool)
    if label is not None and label in frame.columns:
        return f" for {label} {first_values(frame.loc[mask, label].tolist(), 3)}"
    return f" (rows {first_values(frame.index[mask].tolist(), 3)})"


def _at_most(
    frame: pd.DataFrame,
    values: pd.Series,
    column: str,
    where: str,
    at_most: float | None,
    label: str | None,
    what: str,
) -> None:
    if at_most is None:
        return
    big = (values > at_most).to_numpy()
    if big.any():
        raise DataValidationError(
            f"{where}: column {column!r} has {what} above {at_most:,.0f}: "
            f"{first_values(values[big].tolist())}{_rows(frame, big, label)}; no {what[:-1]} of "
            "this file can be that large - a misplaced exponent, a total in the wrong column or "
            "an overflow: fix the file or download it again"
        )


def _keys_text(frame: pd.DataFrame, columns: Sequence[str], mask) -> list[str]:
    rows = (
        frame.loc[mask, list(columns)]
        .astype(object)
        .where(frame.loc[mask, list(columns)].notna(), "")
    )
    return ["/".join(str(v) for v in row) for row in rows.itertuples(index=False, name=None)]


# --------------------------------------------------------------------------- check factories


def codes(
    spec: dict[str, str], *, optional: Sequence[str] = (), missing_ok: Sequence[str] = ()
) -> Check:
    """Check code columns: ``spec`` maps a column-name pattern to a kind of :data:`CODE_KINDS`.

    Every column matching a pattern is checked; a pattern in ``optional`` may
    match no column. Missing codes are errors unless the pattern is in
    ``missing_ok`` (e.g. Fingertips' ``parent_code``, empty for England).

    Examples
    --------
    >>> check = codes({r"wd\\d\\d_code": "ward"})
    >>> wards = pd.DataFrame({"wd24_code": ["E05000001", "E0500001"]})
    >>> check(wards, "wards.csv")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    jsna.exceptions.GeographyError: wards.csv: column 'wd24_code' has values that are not ward ...
    """

    def check(frame: pd.DataFrame, where: str) -> None:
        for pattern, kind in spec.items():
            regex, description = CODE_KINDS[kind]
            for column in _columns(frame, pattern, where, required=pattern not in optional):
                values = frame[column]
                missing = values.isna() | (values.astype(str).str.strip() == "")
                if missing.any() and pattern not in missing_ok:
                    raise GeographyError(
                        f"{where}: column {column!r} has {int(missing.sum())} missing code(s), "
                        "e.g. in rows "
                        f"{first_values(frame.index[missing].tolist())}; every row needs a code - "
                        "fill them in or remove those rows"
                    )
                text = values[~missing].astype(str)
                bad = ~text.str.fullmatch(regex)
                if bad.any():
                    raise GeographyError(
                        f"{where}: column {column!r} has values that are not {description}: "
                        f"{first_values(text[bad].tolist())}; check for spaces, truncated codes or "
                        "columns in the wrong place, and that the file matches its role in "
                        "datapack.toml"
                    )
                if kind == "lsoa11":
                    _check_lsoa11(text, column, where)

    return check


def _check_lsoa11(text: pd.Series, column: str, where: str) -> None:
    new = np.zeros(len(text), dtype=bool)
    for low, high in LSOA21_NEW_CODES:
        new |= ((text >= low) & (text <= high)).to_numpy()
    if new.any():
        raise GeographyError(
            f"{where}: column {column!r} has LSOA codes first issued in 2021, "
            f"{first_values(text[new].tolist())}, among LSOA 2011 codes; the file mixes vintages - "
            'use a file on 2011 LSOAs, or say vintage = "LSOA21" in datapack.toml if it is on '
            "2021 LSOAs"
        )


def unique(*patterns: str, what: str = "") -> Check:
    """No two rows share the key columns (given as name patterns).

    Examples
    --------
    >>> check = unique(r"lsoa\\d\\d_code", "sex")
    >>> pop = pd.DataFrame({"lsoa21_code": ["E01000001"] * 2, "sex": ["Male"] * 2})
    >>> check(pop, "pop.csv")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    jsna.exceptions.DataValidationError: pop.csv: 2 rows repeat the key lsoa21_code/sex...
    """

    def check(frame: pd.DataFrame, where: str) -> None:
        keys = [_column(frame, p, where) for p in patterns]
        repeated = frame.duplicated(keys, keep=False)
        if repeated.any():
            raise DataValidationError(
                f"{where}: {int(repeated.sum())} rows repeat the key {'/'.join(keys)}"
                f"{' (' + what + ')' if what else ''}: "
                f"{first_values(_keys_text(frame, keys, repeated))}; "
                "each should appear once - is a file listed twice in datapack.toml, or were two "
                "downloads appended?"
            )

    return check


def counts(
    *columns: str,
    whole: bool = True,
    missing_ok: bool = False,
    at_most: float | None = None,
    label: str | None = None,
) -> Check:
    """Counts are finite numbers, non-negative, (if ``whole``) whole and at most ``at_most``.

    Missing counts are allowed only if ``missing_ok``. Messages name the rows by the
    ``label`` column (e.g. ``area_code``) when the frame has it.

    Examples
    --------
    >>> counts("deaths")(pd.DataFrame({"deaths": [3.0, -1.0]}), "deaths.csv")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    jsna.exceptions.DataValidationError: deaths.csv: column 'deaths' has negative counts: -1.0 ...
    """

    def check(frame: pd.DataFrame, where: str) -> None:
        for column in columns:
            _column(frame, re.escape(column), where)
            values = column_numbers(frame, column, where)
            if not missing_ok and values.isna().any():
                raise DataValidationError(
                    f"{where}: column {column!r} has {int(values.isna().sum())} missing counts; "
                    "fill them in (0 if there were none) or remove those rows"
                )
            negative = values < 0
            if negative.any():
                raise DataValidationError(
                    f"{where}: column {column!r} has negative counts: "
                    f"{first_values(values[negative].tolist())}; "
                    "counts cannot be negative - a negative number may be a suppression marker: "
                    "leave such cells empty"
                )
            finite = np.isfinite(values)
            infinite = (~finite & values.notna()).to_numpy()
            if infinite.any():
                raise DataValidationError(
                    f"{where}: column {column!r} has infinite counts"
                    f"{_rows(frame, infinite, label)}; fix the file"
                )
            _at_most(frame, values, column, where, at_most, label, "counts")
            fractional = finite & (values != np.floor(values.where(finite, 0)))
            if whole and fractional.any():
                raise DataValidationError(
                    f"{where}: column {column!r} has counts that are not whole numbers: "
                    f"{first_values(values[fractional].tolist())}; a raw count of people is whole "
                    "- is this a rate or an estimate in the count column?"
                )

    return check


def positive(
    *columns: str,
    whole: bool = False,
    missing_ok: bool = False,
    at_most: float | None = None,
    label: str | None = None,
) -> Check:
    """Denominators are finite numbers above zero and at most ``at_most`` (missing if
    ``missing_ok``).

    Examples
    --------
    >>> sizes = pd.DataFrame({"list_size": [1200.0, 0.0]})
    >>> positive("list_size")(sizes, "qof.csv")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    jsna.exceptions.DataValidationError: qof.csv: column 'list_size' has denominators that ...
    """

    def check(frame: pd.DataFrame, where: str) -> None:
        for column in columns:
            _column(frame, re.escape(column), where)
            values = column_numbers(frame, column, where)
            if not missing_ok and values.isna().any():
                raise DataValidationError(
                    f"{where}: column {column!r} has {int(values.isna().sum())} missing "
                    "denominators; "
                    "fill them in or remove those rows"
                )
            bad = values <= 0
            if bad.any():
                raise DataValidationError(
                    f"{where}: column {column!r} has denominators that are not above zero: "
                    f"{first_values(values[bad].tolist())}; a rate needs a population or list size "
                    "above zero - "
                    + (
                        "leave the cell empty if it is unknown"
                        if missing_ok
                        else "correct it or remove those rows"
                    )
                )
            infinite = np.isinf(values.to_numpy())
            if infinite.any():
                raise DataValidationError(
                    f"{where}: column {column!r} has infinite denominators"
                    f"{_rows(frame, infinite, label)}; a rate needs a finite population or list "
                    "size - fix the file or leave the cell empty if it is unknown"
                )
            _at_most(frame, values, column, where, at_most, label, "denominators")
            if whole:
                counts(column, missing_ok=missing_ok)(frame, where)

    return check


def between(
    pattern: str,
    low: float,
    high: float,
    *,
    whole: bool = False,
    missing_ok: bool = False,
    what: str = "values",
    required: bool = True,
) -> Check:
    """Every column matching ``pattern`` lies in ``[low, high]`` (and is whole if ``whole``).

    Examples
    --------
    >>> between("rate", 0, 1)(pd.DataFrame({"rate": [0.2, 1.5]}), "rates.csv")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    jsna.exceptions.DataValidationError: rates.csv: column 'rate' has values outside 0 to 1: 1.5 ...
    """

    def check(frame: pd.DataFrame, where: str) -> None:
        for column in _columns(frame, pattern, where, required=required):
            values = column_numbers(frame, column, where)
            if not missing_ok and values.isna().any():
                raise DataValidationError(
                    f"{where}: column {column!r} has {int(values.isna().sum())} missing {what}; "
                    "fill them in or remove those rows"
                )
            bad = (values < low) | (values > high) | np.isinf(values)
            if whole:
                bad |= values.notna() & (values != np.floor(values))
            if bad.any():
                fix = f"check the column holds {what}"
                if high == 1:
                    fix += " as fractions (0.25), not percentages (25)"
                raise DataValidationError(
                    f"{where}: column {column!r} has {what} outside {low:g} to {high:g}"
                    f"{' or not whole' if whole else ''}: {first_values(values[bad].tolist())}; "
                    f"{fix}"
                )

    return check


def one_of(column: str, allowed: Sequence[str]) -> Check:
    """Every value of ``column`` is one of ``allowed``.

    Examples
    --------
    >>> sexes = pd.DataFrame({"sex": ["Male", "M"]})
    >>> one_of("sex", ["Male", "Female"])(sexes, "pop.csv")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    jsna.exceptions.DataValidationError: pop.csv: column 'sex' has values 'M' (1 in all)...
    """

    def check(frame: pd.DataFrame, where: str) -> None:
        _column(frame, re.escape(column), where)
        bad = ~frame[column].isin(list(allowed))
        if bad.any():
            raise DataValidationError(
                f"{where}: column {column!r} has values "
                f"{first_values(frame.loc[bad, column].tolist())}; "
                f"expected one of {', '.join(map(str, allowed))} - recode them"
            )

    return check


def no_self_neighbours(frame: pd.DataFrame, where: str) -> None:
    """No authority is listed as its own neighbour.

    Examples
    --------
    >>> pairs = pd.DataFrame({"area_code": ["E06000001"], "neighbour_code": ["E06000001"]})
    >>> no_self_neighbours(pairs, "n.csv")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    jsna.exceptions.DataValidationError: n.csv: authorities listed as their own neighbour: ...
    """
    same = frame["area_code"] == frame["neighbour_code"]
    if same.any():
        raise DataValidationError(
            f"{where}: authorities listed as their own neighbour: "
            f"{first_values(frame.loc[same, 'area_code'].tolist())}; remove those rows"
        )


def geometries(frame: pd.DataFrame, where: str) -> None:
    """Boundaries have a known CRS and valid, non-empty polygons whose coordinates fit it.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> bow = shapely.Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])  # self-intersecting
    >>> wards = gpd.GeoDataFrame({"wd24_code": ["E05000001"]}, geometry=[bow], crs=27700)
    >>> geometries(wards, "w.geojson")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    jsna.exceptions.DataValidationError: w.geojson: invalid geometry for 'E05000001' (1 in all)...
    """
    if "geometry" not in frame.columns or not hasattr(frame, "crs"):
        raise SourceError(f"{where}: boundaries have no geometry column; read them with geopandas")
    geometry = frame.geometry
    code = next((c for c in frame.columns if str(c).endswith("_code")), None)
    labels = frame[code] if code else pd.Series(frame.index, index=frame.index)
    if frame.crs is None:
        raise SourceError(
            f"{where}: boundaries have no coordinate reference system; ONS GeoJSON is in CRS84 "
            "(longitude/latitude) or EPSG:27700 - export the file again with its CRS"
        )
    empty = (geometry.isna() | geometry.is_empty).to_numpy()
    if empty.any():
        raise DataValidationError(
            f"{where}: empty or missing geometry for {first_values(labels[empty].tolist())}; "
            "download the boundaries again"
        )
    polygonal = geometry.geom_type.isin(["Polygon", "MultiPolygon"]).to_numpy()
    if not polygonal.all():
        raise DataValidationError(
            f"{where}: geometries that are not polygons "
            f"({first_values(geometry.geom_type[~polygonal].tolist())}) "
            f"for {first_values(labels[~polygonal].tolist())}; boundaries must be polygons - "
            "download them again"
        )
    invalid = ~geometry.is_valid.to_numpy()
    if invalid.any():
        raise DataValidationError(
            f"{where}: invalid geometry for {first_values(labels[invalid].tolist())} "
            "(self-intersecting or badly closed rings); download the boundaries again, or repair "
            "them with shapely.make_valid and check the result"
        )
    minx, miny, maxx, maxy = geometry.total_bounds
    if frame.crs.is_projected and max(abs(minx), abs(miny), abs(maxx), abs(maxy)) <= 180:
        raise DataValidationError(
            f"{where}: coordinates look like longitude/latitude ({minx:g}, {miny:g} to {maxx:g}, "
            f"{maxy:g}) "
            f"but the CRS says {frame.crs.to_string()}; set the file's CRS to CRS84 (EPSG:4326)"
        )
    if frame.crs.to_epsg() == 27700:
        lo_x, lo_y, hi_x, hi_y = _BNG_BOUNDS
        if minx < lo_x or miny < lo_y or maxx > hi_x or maxy > hi_y:
            raise DataValidationError(
                f"{where}: coordinates ({minx:g}, {miny:g} to {maxx:g}, {maxy:g}) are outside "
                "British "
                "National Grid (EPSG:27700); the CRS of the file is wrong - export it again with "
                "its CRS"
            )
    if frame.crs.is_geographic and (minx < -180 or maxx > 180 or miny < -90 or maxy > 90):
        raise DataValidationError(
            f"{where}: coordinates ({minx:g}, {miny:g} to {maxx:g}, {maxy:g}) are not "
            "longitude/latitude "
            f"but the CRS says {frame.crs.to_string()}; set the file's CRS (EPSG:27700 for metres)"
        )


def not_empty(frame: pd.DataFrame, where: str) -> None:
    """The frame has at least one row.

    Examples
    --------
    >>> not_empty(pd.DataFrame({"a": []}), "x.csv")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    jsna.exceptions.DataValidationError: x.csv: no rows; download the file again or remove it ...
    """
    if len(frame) == 0:
        raise DataValidationError(
            f"{where}: no rows; download the file again or remove it from datapack.toml"
        )


def layouts(choose: Callable[[pd.DataFrame], str], options: dict[str, list[Check]]) -> Check:
    """Run the checks of the layout ``choose(frame)`` names (one role, several file layouts)."""

    def check(frame: pd.DataFrame, where: str) -> None:
        for rule in options[choose(frame)]:
            rule(frame, where)

    return check
