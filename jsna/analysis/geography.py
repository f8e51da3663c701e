"""The LSOA -> ward -> local authority (-> ICB) hierarchy and the joins along it.

Rules
-----
* Codes carry their vintage in the column name (``lsoa21_code``,
  ``wd24_code``). Joining LSOA 2011 codes to an LSOA 2021 lookup raises
  :class:`~jsna.exceptions.GeographyError`: bridge them first with
  :func:`bridge_lsoa11_to_lsoa21`.
* Ward boundaries and the best-fit lookup may be of neighbouring ward
  vintages (WD24 lookup, WD25 boundaries) only when every ward the lookup
  names has a boundary: a complete match, never a partial one.
* Codes that do not match are reported (an error by default, or a warning
  with ``unmatched="warn"``), never dropped silently.
* A ward with no LSOA best-fitted to it (Liverpool's Waterfront North,
  E05015332, in the LSOA21 to WD24 lookup) is kept, with ``n_lsoas`` 0, and
  shows as "no data".

LSOA 2011 to 2021 bridging follows the ONS change indicator: unchanged (U)
and merged (M) LSOAs pass their whole value to the 2021 LSOA; a split (S) or
irregular (X) 2011 LSOA shares its value among its 2021 LSOAs in proportion
to ``weights`` (e.g. their 2021 populations) when given, else equally. Totals
are preserved.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from jsna.columns import CHANGE_INDICATOR, check_columns, code_column, numeric_column
from jsna.exceptions import DataValidationError, GeographyError, first_values
from jsna.meta import meta, with_meta

__all__ = [
    "LEVELS",
    "lsoa_column",
    "hierarchy",
    "aggregate",
    "bridge_lsoa11_to_lsoa21",
    "area_wards",
    "report_unmatched",
    "require_population",
    "warn_unplaced_residents",
    "PRACTICE_RULE",
    "practice_authorities",
]

#: user-facing level name -> code kind in column names
LEVELS = {
    "lsoa": "lsoa",
    "ward": "wd",
    "lad": "lad",
    "icb": "icb",
    "sicbl": "sicbl",
    "msoa": "msoa",
}


def lsoa_column(frame: pd.DataFrame) -> str:
    """The frame's one LSOA code column (``lsoa11_code`` or ``lsoa21_code``).

    Examples
    --------
    >>> lsoa_column(pd.DataFrame(columns=["lsoa21_code", "value"]))
    'lsoa21_code'
    """
    return code_column(frame, "lsoa")


def _check_vintage(left: str, right: str, *, what: str) -> None:
    if left != right:
        raise GeographyError(
            f"cannot join {what}: one side has {left.split('_')[0].upper()} codes and the other "
            f"{right.split('_')[0].upper()}; bridge LSOA 2011 codes with "
            "jsna.analysis.geography.bridge_lsoa11_to_lsoa21 first"
        )


def report_unmatched(codes: Sequence[str], *, what: str, unmatched: str) -> None:
    """Raise or warn about codes that did not match, as ``unmatched`` says.

    Examples
    --------
    >>> report_unmatched([], what="LSOAs", unmatched="raise")
    """
    codes = list(codes)
    if not codes:
        return
    message = f"{len(codes)} {what} did not match: {first_values(codes)}"
    if unmatched == "raise":
        raise GeographyError(
            message
            + "; check the codes' vintage and area, or pass unmatched='warn' to go on without them"
        )
    if unmatched == "warn":
        warnings.warn(message + "; they are left out of the result", UserWarning, stacklevel=3)
        return
    raise DataValidationError(f"unmatched={unmatched!r}; use 'raise' or 'warn'")


def require_population(lsoas, covered, *, area: str, source: str) -> None:
    """Raise if an LSOA of ``area`` has no population estimate.

    The residents of such an LSOA cannot be counted, so every population total
    of the area would be short: a clear error, never a partial sum or a NaN
    headline ("nan% of residents").

    Parameters
    ----------
    lsoas : sequence of str
        The area's LSOA codes (from the best-fit lookup).
    covered : sequence of str
        The LSOA codes that have a population estimate.
    area, source : str
        The area code and the population file, for the message.

    Examples
    --------
    >>> require_population(["A", "B"], ["A", "B", "C"], area="E06999001", source="pop.csv")
    >>> require_population(["A", "B"], ["A"], area="E06999001", source="pop.csv")
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    jsna.exceptions.DataValidationError: the population file (pop.csv) has no population ...
    """
    needed = pd.unique(pd.Series(lsoas, dtype=object))
    missing = needed[~pd.Series(needed).isin(pd.Series(covered, dtype=object)).to_numpy()]
    if len(missing):
        raise DataValidationError(
            f"the population file ({source}) has no population estimate for {len(missing)} of "
            f"{len(needed)} LSOAs of {area} in the best-fit lookup: {first_values(missing)}; "
            f"their residents cannot be counted, so every population total of {area} would be "
            "short - use a population file covering every LSOA of the area (of the lookup's "
            "LSOA vintage, or LSOA 2011 with the lookup.lsoa11_lsoa21 lookup)"
        )


def warn_unplaced_residents(codes: pd.Series, residents, placed, *, source: str) -> None:
    """Warn, naming the LSOAs and their residents, about population rows in no area of the lookup.

    Parameters
    ----------
    codes : pandas.Series
        LSOA code of each population row.
    residents : array-like
        Residents of each row.
    placed : sequence of str
        LSOA codes the lookup places in an authority.
    source : str
        The population file, for the message.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn_unplaced_residents(pd.Series(["A", "B", "B"]), [10, 5, 6], ["A"], source="p.csv")
    >>> print(caught[0].message)  # doctest: +ELLIPSIS
    LSOAs 'B' (1 in all) of the population file (p.csv), 11 residents, are in no authority ...
    """
    codes = pd.Series(codes).reset_index(drop=True)
    outside = ~codes.isin(pd.Series(placed, dtype=object)).to_numpy()
    if not outside.any():
        return
    people = float(np.nansum(np.asarray(residents, dtype=float)[outside]))
    warnings.warn(
        f"LSOAs {first_values(pd.unique(codes[outside]))} of the population file ({source}), "
        f"{people:,.0f} residents, are in no authority of the best-fit lookup; they are left "
        "out of every area's population - use a lookup that lists them (of the population's "
        "LSOA vintage)",
        UserWarning,
        stacklevel=3,
    )


def hierarchy(pack, area: str | None = None) -> pd.DataFrame:
    """LSOA to ward to local authority (to sub-ICB and ICB, where the pack has it).

    Parameters
    ----------
    pack : DataPack
        A pack with a ``lookup.lsoa_ward_lad`` file (and optionally ``lookup.lsoa_icb``).
    area : str, optional
        Keep only this local authority.

    Returns
    -------
    pandas.DataFrame
        One row per LSOA: ``lsoa21_code, lsoa21_name, wd24_code, wd24_name,
        lad24_code, lad24_name`` (vintages as in the files), then ICB columns.

    Examples
    --------
    >>> from jsna.demo.pack import ensure_demo_pack, DEMO_AREA_CODE
    >>> from jsna.io.datapack import DataPack
    >>> from jsna.config import project_paths
    >>> pack = DataPack.open(ensure_demo_pack(project_paths().demo_pack))
    >>> h = hierarchy(pack, DEMO_AREA_CODE)
    >>> h[code_column(h, "lad")].unique().tolist() == [DEMO_AREA_CODE]
    True
    """
    lookup = pack.read("lookup.lsoa_ward_lad")
    lad = code_column(lookup, "lad")
    if area is not None:
        pack.check_area(area)
        lookup = lookup[lookup[lad] == area]
        if lookup.empty:
            raise GeographyError(
                f"area {area!r} has no LSOAs in the best-fit lookup ({meta(lookup, 'source')})"
            )
    if pack.has("lookup.lsoa_icb"):
        icb = pack.read("lookup.lsoa_icb")
        left, right = lsoa_column(lookup), lsoa_column(icb)
        _check_vintage(left, right, what="the LSOA-ward lookup and the LSOA-ICB lookup")
        extra = [c for c in icb.columns if c.startswith(("sicbl", "icb"))]
        merged = lookup.merge(icb[[right, *extra]], on=left, how="left", validate="one_to_one")
        missing = merged[extra[0]].isna()
        if missing.any() and area is not None:
            report_unmatched(merged.loc[missing, left], what="LSOAs with no ICB", unmatched="warn")
        lookup = merged
    return lookup.reset_index(drop=True)


def aggregate(
    frame: pd.DataFrame,
    to: str,
    *,
    lookup: pd.DataFrame,
    values: str | Sequence[str],
    by: str | Sequence[str] | None = None,
    unmatched: str = "raise",
) -> pd.DataFrame:
    """Sum counts from LSOAs up the hierarchy to wards, authorities or ICBs.

    Parameters
    ----------
    frame : pandas.DataFrame
        Has one LSOA code column (``lsoa21_code`` ...) and the ``values`` columns.
    to : {"ward", "lad", "icb", "sicbl", "msoa"}
        The level to sum to.
    lookup : pandas.DataFrame
        From :func:`hierarchy` (or any frame with the LSOA and target columns).
    values : str or list of str
        Count columns to sum. Rates cannot be summed: sum their numerators
        and denominators and recompute.
    by : str or list of str, optional
        Extra grouping columns kept in the result (sex, age, period ...).
    unmatched : {"raise", "warn"}
        What to do with LSOA codes not in the lookup.

    Returns
    -------
    pandas.DataFrame
        Target code and name columns, ``by`` columns and the summed values.

    Examples
    --------
    >>> lu = pd.DataFrame({"lsoa21_code": ["A1", "A2", "A3"], "wd24_code": ["W1", "W1", "W2"],
    ...                    "wd24_name": ["North", "North", "South"]})
    >>> df = pd.DataFrame({"lsoa21_code": ["A1", "A2", "A3"], "deaths": [1, 2, 3]})
    >>> aggregate(df, "ward", lookup=lu, values="deaths")
      wd24_code wd24_name  deaths
    0        W1     North       3
    1        W2     South       3
    """
    if to not in LEVELS or to == "lsoa":
        raise DataValidationError(f"to={to!r}; sum to one of 'ward', 'lad', 'icb', 'sicbl', 'msoa'")
    values = [values] if isinstance(values, str) else list(values)
    by = [] if by is None else ([by] if isinstance(by, str) else list(by))
    missing = [c for c in values + by if c not in frame.columns]
    if missing:
        raise DataValidationError(
            f"columns {missing} are not in the frame; it has {list(frame.columns)[:10]}"
        )
    left, right = lsoa_column(frame), lsoa_column(lookup)
    _check_vintage(left, right, what="the frame and the lookup")
    target = code_column(lookup, LEVELS[to])
    name = target.replace("_code", "_name")
    keep = [right, target] + ([name] if name in lookup.columns else [])
    pairs = lookup[keep].drop_duplicates([right, target])
    repeated = pairs[right].duplicated(keep=False)
    if repeated.any():
        raise GeographyError(
            f"the lookup puts LSOAs in more than one {to}: "
            f"{first_values(pairs.loc[repeated, right])}; "
            "use a best-fit lookup (one row per LSOA)"
        )
    for column in values:
        numbers = pd.to_numeric(frame[column], errors="coerce")
        text = numbers.isna() & frame[column].notna()
        if text.any():
            raise DataValidationError(
                f"values column {column!r} has values that are not numbers: "
                f"{first_values(frame.loc[text, column])}; convert them to numbers or NaN"
            )
        if (numbers < 0).any():
            raise DataValidationError(
                f"values column {column!r} has negative counts "
                f"{first_values(numbers[numbers < 0])} "
                f"for {first_values(frame.loc[numbers < 0, left])}; "
                "counts cannot be negative - fix the input"
            )
    matched = frame[left].isin(lookup[right])
    report_unmatched(frame.loc[~matched, left].unique(), what=f"{left} codes", unmatched=unmatched)
    used = frame.loc[matched, [left, *by, *values]]
    missing = used[values].isna().any(axis=1)
    if missing.any():
        warnings.warn(
            f"{int(missing.sum())} rows have missing values in {values} (LSOAs "
            f"{first_values(used.loc[missing, left])}); "
            f"the {to} totals they belong to are NaN, not understated",
            UserWarning,
            stacklevel=2,
        )
    merged = used.merge(pairs, left_on=left, right_on=right, how="left")
    groups = keep[1:] + by
    out = merged.groupby(groups, sort=True, dropna=False)[values].sum(min_count=1)
    if missing.any():
        has_nan = (
            merged[values]
            .isna()
            .groupby([merged[g] for g in groups], sort=True, dropna=False)
            .any()
        )
        out = out.mask(has_nan.to_numpy())
    return out.reset_index()


def bridge_lsoa11_to_lsoa21(
    frame: pd.DataFrame,
    lookup: pd.DataFrame,
    values: str | Sequence[str],
    *,
    by: str | Sequence[str] | None = None,
    weights: pd.Series | None = None,
    unmatched: str = "raise",
) -> pd.DataFrame:
    """Move LSOA 2011 counts onto LSOA 2021 by the ONS change indicator.

    Parameters
    ----------
    frame : pandas.DataFrame
        Has ``lsoa11_code`` and the ``values`` columns.
    lookup : pandas.DataFrame
        The ``lookup.lsoa11_lsoa21`` frame (``lsoa11_code, lsoa21_code, change_indicator``).
    values : str or list of str
        Count columns to move.
    by : str or list of str, optional
        Grouping columns kept (e.g. ``sex`` and ``age``).
    weights : pandas.Series, optional
        Weights indexed by LSOA 2021 code for sharing split and irregular
        2011 LSOAs (e.g. 2021 populations). Equal shares when omitted.
    unmatched : {"raise", "warn"}
        What to do with 2011 codes missing from the lookup.

    Returns
    -------
    pandas.DataFrame
        ``lsoa21_code``, the ``by`` columns and the values; the sum of each
        value column equals the input's sum over matched rows.
        Its ``bridging`` metadata counts the 2011 LSOAs by change type.

    Examples
    --------
    >>> lu = pd.DataFrame({"lsoa11_code": ["A", "B", "C", "C"], "lsoa21_code": ["X", "X", "Y", "Z"],
    ...                    "change_indicator": ["M", "M", "S", "S"]})
    >>> df = pd.DataFrame({"lsoa11_code": ["A", "B", "C"], "people": [10.0, 20.0, 30.0]})
    >>> bridge_lsoa11_to_lsoa21(df, lu, "people")
      lsoa21_code  people
    0           X    30.0
    1           Y    15.0
    2           Z    15.0
    """
    values = [values] if isinstance(values, str) else list(values)
    by = [] if by is None else ([by] if isinstance(by, str) else list(by))
    if "lsoa11_code" not in frame.columns:
        raise GeographyError(
            f"bridging needs an lsoa11_code column; the frame has {list(frame.columns)[:10]}"
        )
    for column in ("lsoa11_code", "lsoa21_code", CHANGE_INDICATOR):
        if column not in lookup.columns:
            raise GeographyError(
                f"the lookup has no {column} column; pass the lookup.lsoa11_lsoa21 frame"
            )
    pairs = lookup[["lsoa11_code", "lsoa21_code", CHANGE_INDICATOR]].drop_duplicates(
        ["lsoa11_code", "lsoa21_code"]
    )
    if weights is None:
        w = np.ones(len(pairs))
    else:
        w = pairs["lsoa21_code"].map(weights).to_numpy(dtype=float)
        if np.isnan(w).any():
            missing = pairs.loc[np.isnan(w), "lsoa21_code"]
            raise DataValidationError(
                f"weights have no value for LSOA 2021 codes {first_values(missing)}"
            )
    totals = pd.Series(w).groupby(pairs["lsoa11_code"].to_numpy()).transform("sum").to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(
            totals > 0,
            w / totals,
            1.0 / pairs.groupby("lsoa11_code")["lsoa21_code"].transform("size").to_numpy(),
        )
    pairs = pairs.assign(_share=share)
    matched = frame["lsoa11_code"].isin(pairs["lsoa11_code"])
    report_unmatched(
        frame.loc[~matched, "lsoa11_code"].unique(), what="LSOA 2011 codes", unmatched=unmatched
    )
    used = frame.loc[matched, ["lsoa11_code", *by, *values]]
    merged = used.merge(pairs, on="lsoa11_code", how="left")
    scaled = merged[values].to_numpy(dtype=float) * merged["_share"].to_numpy()[:, None]
    merged[values] = scaled
    out = merged.groupby(["lsoa21_code", *by], sort=True, dropna=False)[values].sum().reset_index()
    kinds = pairs[pairs["lsoa11_code"].isin(used["lsoa11_code"])].drop_duplicates("lsoa11_code")
    bridging = kinds[CHANGE_INDICATOR].value_counts().sort_index().to_dict()
    return with_meta(out, bridging=bridging)


def area_wards(pack, area: str):
    """The wards of an authority, with boundaries and their LSOA count.

    Every ward with a boundary in the authority is kept; one with no LSOA in
    the best-fit lookup has ``n_lsoas`` 0 and ``no_lsoa`` True, and shows as
    "no data". A ward the lookup names without a boundary is an error.

    Returns
    -------
    geopandas.GeoDataFrame
        ``ward_code, ward_name, n_lsoas, no_lsoa, geometry`` in EPSG:27700,
        sorted by ward name. The metadata records the vintages of lookup and boundaries.

    Examples
    --------
    >>> from jsna.demo.pack import ensure_demo_pack, DEMO_AREA_CODE
    >>> from jsna.io.datapack import DataPack
    >>> from jsna.config import project_paths
    >>> pack = DataPack.open(ensure_demo_pack(project_paths().demo_pack))
    >>> wards = area_wards(pack, DEMO_AREA_CODE)
    >>> bool((wards["n_lsoas"] > 0).all())
    True
    """
    import geopandas as gpd

    lookup = hierarchy(pack, area)
    ward_lu = code_column(lookup, "wd")
    bounds = pack.read("boundaries.ward")
    ward_b = code_column(bounds, "wd")
    lad_b = code_column(bounds, "lad", required=False)
    counts = lookup.groupby(ward_lu).size()
    if lad_b is not None:
        mine = bounds[bounds[lad_b] == area]
    else:
        mine = bounds[bounds[ward_b].isin(counts.index)]
    missing = sorted(set(counts.index) - set(mine[ward_b]))
    if missing:
        raise GeographyError(
            f"{len(missing)} wards in the lookup ({ward_lu}) have no boundary ({ward_b}) in area "
            f"{area}: {first_values(missing)}; use ward boundaries of the lookup's vintage"
        )
    name_b = ward_b.replace("_code", "_name")
    out = gpd.GeoDataFrame(
        {
            "ward_code": mine[ward_b].to_numpy(),
            "ward_name": mine[name_b].to_numpy()
            if name_b in mine.columns
            else mine[ward_b].to_numpy(),
            "n_lsoas": mine[ward_b].map(counts).fillna(0).astype(int).to_numpy(),
        },
        geometry=mine.geometry.to_numpy(),
        crs=bounds.crs,
    )
    out["no_lsoa"] = out["n_lsoas"] == 0
    out = out.sort_values("ward_name", kind="stable").reset_index(drop=True)
    vintages = {re.sub(r"_code$", "", ward_lu).upper(), re.sub(r"_code$", "", ward_b).upper()}
    return with_meta(
        out,
        lookup_vintage=ward_lu.split("_")[0].upper(),
        boundary_vintage=ward_b.split("_")[0].upper(),
        note=(
            f"Wards from {ward_b.split('_')[0].upper()} boundaries and the "
            f"{ward_lu.split('_')[0].upper()} LSOA best-fit lookup "
            "(every lookup ward has a boundary)."
            if len(vintages) > 1
            else ""
        ),
    )


#: The rule :func:`practice_authorities` applies, in words, for notes under tables and figures.
PRACTICE_RULE = (
    "A practice belongs to the local authority where more of its registered patients live than "
    "in any other (a plurality of its patients, by LSOA of residence); a practice split exactly "
    "between two or more authorities belongs to each of them, and one most of whose patients live "
    "in LSOAs the lookup does not place belongs to none."
)


def practice_authorities(patients: pd.DataFrame, lookup: pd.DataFrame) -> pd.DataFrame:
    """The local authority each GP practice belongs to, by where its registered patients live.

    Rule (:data:`PRACTICE_RULE`): a practice belongs to the authority where
    the largest number of its registered patients live (a plurality; the
    share is returned so that a reader can see how far it is a majority).
    Every registered patient counts in the practice's total, including those
    living in LSOAs the lookup does not have (other nations, no LSOA); when
    they outnumber the patients of the leading authority, the practice
    belongs to none. A practice whose patients are split exactly between
    authorities (a tie for the largest number) belongs to each of them, with
    ``tied`` True, so the result does not depend on the order of the rows.
    A whole sub-ICB location is never used.

    Parameters
    ----------
    patients : pandas.DataFrame
        Patients registered at each practice by LSOA of residence (role
        ``gp.lsoa_patients``): ``practice_code``, one LSOA code column and
        ``patients`` (rows by sex are summed); ``practice_name`` is kept
        when present.
    lookup : pandas.DataFrame
        LSOA to local authority (:func:`hierarchy` of the whole pack, not of
        one area: a lookup of one area's LSOAs would hide the authorities the
        other patients live in).

    Returns
    -------
    pandas.DataFrame
        One row per practice and authority it belongs to, sorted by practice:
        ``practice_code`` (``practice_name``), the lookup's authority code and
        name columns (``lad24_code`` ...), ``patients`` (all registered),
        ``patients_in_authority``, ``share`` (their ratio) and ``tied``.

    Raises
    ------
    GeographyError
        The patients and the lookup are on different LSOA vintages.
    DataValidationError
        Missing columns, or counts that are missing or negative.

    Examples
    --------
    >>> lookup = pd.DataFrame({"lsoa21_code": ["A1", "A2", "B1"],
    ...                        "lad24_code": ["LA", "LA", "LB"]})
    >>> patients = pd.DataFrame({"practice_code": ["P1", "P1", "P1", "P1", "P2", "P2"],
    ...                          "lsoa21_code": ["A1", "A2", "B1", "W9", "A1", "B1"],
    ...                          "patients": [300, 200, 400, 100, 10, 10]})
    >>> practice_authorities(patients, lookup)
      practice_code lad24_code  patients  patients_in_authority  share   tied
    0            P1         LA    1000.0                  500.0    0.5  False
    1            P2         LA      20.0                   10.0    0.5   True
    2            P2         LB      20.0                   10.0    0.5   True
    """
    check_columns(patients, {"patients": ["practice_code", "patients"]})
    left, right = lsoa_column(patients), lsoa_column(lookup)
    _check_vintage(left, right, what="the patients-by-LSOA file and the lookup")
    lad = code_column(lookup, "lad")
    lad_name = lad.replace("_code", "_name")
    counts = numeric_column(patients, "patients", "patients")
    bad = np.isnan(counts) | (counts < 0)
    if bad.any():
        raise DataValidationError(
            "patients column 'patients' has missing or negative values "
            f"(practices {first_values(patients.loc[bad, 'practice_code'])}); "
            "fix the patients-by-LSOA file"
        )
    pairs = lookup[[right, lad]].drop_duplicates(right)
    # integer codes throughout: a practices x (authorities + "outside the lookup") table of counts
    lad_of_lsoa, lads = pd.factorize(pairs[lad], sort=True)
    at = pd.Index(pairs[right]).get_indexer(patients[left])
    row_lad = np.where(at >= 0, lad_of_lsoa[at] + 1, 0)  # 0 = outside the lookup
    row_practice, practices = pd.factorize(patients["practice_code"], sort=True)
    if (row_practice < 0).any():
        raise DataValidationError(
            f"column 'practice_code' is empty on {int((row_practice < 0).sum())} rows of the "
            "patients-by-LSOA file; every row needs its practice"
        )
    width = len(lads) + 1
    table = np.bincount(
        row_practice * width + row_lad, weights=counts, minlength=len(practices) * width
    ).reshape(len(practices), width)
    outside, inside = table[:, 0], table[:, 1:]
    most = inside.max(axis=1) if len(lads) else np.zeros(len(practices))
    placed = (inside == most[:, None]) & (most > 0)[:, None] & (most >= outside)[:, None]
    which_practice, which_lad = np.nonzero(placed)
    total = table.sum(axis=1)
    leading = pd.DataFrame(
        {
            "practice_code": practices[which_practice],
            lad: lads[which_lad],
            "patients": total[which_practice],
            "patients_in_authority": inside[which_practice, which_lad],
        }
    )
    leading["share"] = leading["patients_in_authority"] / leading["patients"]
    leading["tied"] = placed.sum(axis=1)[which_practice] > 1
    columns = ["practice_code", lad, "patients", "patients_in_authority", "share", "tied"]
    out = leading[columns].reset_index(drop=True)
    if "practice_name" in patients.columns:
        names = patients.drop_duplicates("practice_code").set_index("practice_code")
        out.insert(1, "practice_name", out["practice_code"].map(names["practice_name"]))
    if lad_name in lookup.columns:
        names = lookup.drop_duplicates(lad).set_index(lad)[lad_name]
        out.insert(list(out.columns).index(lad) + 1, lad_name, out[lad].map(names))
    return out
