"""Census 2021 topics by ward (or MSOA): shares of each table's categories, for an area.

The pack holds Census 2021 topic summary tables in the Nomis bulk layout (roles
``census.lsoa`` and ``census.msoa``, one entry per table, read by
:func:`jsna.io.census.read_census`). For an authority this module sums each
table's counts and its **own** total from LSOAs to wards with the pack's ONS
best-fit lookup (``lookup.lsoa_ward_lad``), and to the whole authority; a table
published for MSOAs is kept at MSOA level (MSOAs do not nest in wards) and summed
to the authority. Every share is ``count / total`` of the same table: ONS perturbs
each table separately, so totals of the same LSOA differ between tables by a few
people and are never mixed.

Each known table has a *key* share, the one a JSNA maps and quotes (:data:`TOPICS`):
households deprived in at least one dimension (TS011), residents of ethnic groups
other than White (TS021), residents aged 3 and over whose main language is not
English (TS029), residents in bad or very bad health (TS037), residents disabled
under the Equality Act (TS038) and residents providing unpaid care (TS039). A key
sums level-1 categories of its table (``include``), or all level-1 categories but
one (``exclude``); never a total minus a count, so the share stays inside its
table. England's share is given where the file covers every LSOA (or MSOA) of
England, as the Nomis bulk files do; a regional subset gives none.

Examples
--------
>>> TOPICS["TS038"].key
'Disabled under the Equality Act'
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from jsna.analysis.geography import hierarchy, lsoa_column
from jsna.columns import code_column
from jsna.exceptions import DataValidationError, GeographyError, SourceError, first_values
from jsna.meta import meta

__all__ = [
    "TOPICS",
    "CensusTopic",
    "CensusResult",
    "N_ENGLAND",
    "census_tables",
    "key_counts",
    "census_topic",
    "census_topics",
    "universe_unit",
]

#: Areas of England in Census 2021 geographies (ONS, "Census 2021 geographies": England has
#: 33,755 LSOAs and 6,856 MSOAs; England and Wales 35,672 and 7,264).
N_ENGLAND = {"lsoa": 33_755, "msoa": 6_856}


@dataclass(frozen=True)
class CensusTopic:
    """What to show for a Census table: its title and the key share that is mapped.

    ``include`` names level-1 categories to sum; ``exclude`` takes every level-1
    category but the one named (matched without regard to case or spacing);
    ``phrase`` says what the key share's people do or are, for sentences
    ("are disabled under the Equality Act").
    """

    table: str
    title: str
    key: str
    include: tuple[str, ...] = ()
    exclude: str | None = None
    phrase: str = ""
    #: A second share quoted with the key: sub-categories (level 2) summed, and its phrase.
    also: tuple[str, ...] = ()
    also_phrase: str = ""


#: The Census 2021 tables a JSNA population chapter uses, with their key share.
TOPICS = {
    t.table: t
    for t in (
        CensusTopic(
            "TS011",
            "Household deprivation",
            "Households deprived in at least one dimension",
            exclude="Household is not deprived in any dimension",
            phrase="are deprived in at least one of four dimensions: employment, education, "
            "health and disability, or housing",
        ),
        CensusTopic(
            "TS021",
            "Ethnic group",
            "Residents of Asian, Black, Mixed or Other ethnic groups",
            exclude="White",
            phrase="belong to Asian, Black, Mixed or Other ethnic groups",
        ),
        CensusTopic(
            "TS029",
            "Proficiency in English",
            "Main language is not English",
            include=("Main language is not English (English or Welsh in Wales)",),
            phrase="have a main language other than English",
            also=("Cannot speak English well", "Cannot speak English"),
            also_phrase="cannot speak English well or at all",
        ),
        CensusTopic(
            "TS037",
            "General health",
            "Bad or very bad health",
            include=("Bad health", "Very bad health"),
            phrase="say their health is bad or very bad",
        ),
        CensusTopic(
            "TS038",
            "Disability",
            "Disabled under the Equality Act",
            include=("Disabled under the Equality Act",),
            phrase="are disabled under the Equality Act",
        ),
        CensusTopic(
            "TS039",
            "Unpaid care",
            "Provides unpaid care",
            exclude="Provides no unpaid care",
            phrase="provide unpaid care",
        ),
    )
}

_ROLES = {"census.lsoa": "lsoa", "census.msoa": "msoa"}


def _norm(text) -> str:
    return re.sub(r"\s+", " ", str(text)).strip().lower()


def universe_unit(universe: str) -> str:
    """The unit of a share of a table's universe, for legends and tables.

    Examples
    --------
    >>> universe_unit("All usual residents")
    '% of residents'
    >>> universe_unit("All usual residents aged 3 years and over")
    '% of residents aged 3 years and over'
    >>> universe_unit("All households")
    '% of households'
    """
    text = re.sub(r"^all\s+(usual\s+)?", "", str(universe).strip(), flags=re.I)
    return f"% of {text.lower() or 'residents'}"


@dataclass
class CensusResult:
    """One Census table for an area: shares by ward (or MSOA), for the area and England.

    Attributes
    ----------
    table, title, key, phrase : str
        Table number ("TS038"), topic title, the key share's name and what its
        people are or do, for sentences ("are disabled under the Equality Act").
    level : {"ward", "msoa"}
        The small areas of ``areas``.
    universe, unit : str
        What the table counts ("All usual residents") and the shares' unit
        ("% of residents").
    areas : pandas.DataFrame
        One row per ward (``ward_code, ward_name``) or MSOA (``msoa21_code,
        msoa21_name``): ``total`` (the table's own), ``key_count``, ``key_share``
        (%), then one ``share: <category>`` column (%) per level-1 category and one
        ``share: <parent>: <category>`` per level-2 category.
    area : pandas.DataFrame
        The whole authority, one row per category (every level): ``category,
        parent_category, level, count, total, share`` (%), ``england_share``
        (%, NaN unless the file covers England).
    key_share, england_key_share : float
        The area's key share and England's (%; NaN where not available).
    also_share, also_phrase : float, str
        The area's second share (sub-categories of the key, e.g. residents who cannot
        speak English well or at all; %, NaN where the table has none) and its phrase.
    key_categories : tuple of str
        The level-1 categories summed for the key share.
    notes : list of str
        What the reader of the output should know (missing LSOAs, England not
        available...).
    """

    table: str
    title: str
    key: str
    level: str
    universe: str
    unit: str
    areas: pd.DataFrame
    area: pd.DataFrame
    key_share: float
    england_key_share: float
    key_categories: tuple[str, ...] = ()
    phrase: str = ""
    also_share: float = float("nan")
    also_phrase: str = ""
    notes: list[str] = field(default_factory=list)


def census_tables(pack) -> list[tuple[str, str]]:
    """The Census tables a pack holds: ``(role, table)`` pairs, tables in number order.

    Examples
    --------
    >>> from jsna.demo.pack import ensure_demo_pack
    >>> from jsna.io.datapack import DataPack
    >>> from jsna.config import project_paths
    >>> tables = census_tables(DataPack.open(ensure_demo_pack(project_paths().demo_pack)))
    >>> tables  # doctest: +NORMALIZE_WHITESPACE
    [('census.lsoa', 'TS011'), ('census.lsoa', 'TS021'), ('census.msoa', 'TS029'),
     ('census.lsoa', 'TS037'), ('census.lsoa', 'TS038'), ('census.lsoa', 'TS039')]
    """
    found = []
    for role in _ROLES:
        for entry in pack.entries_for(role):
            table = str(entry.get("table", "") or "").strip().upper()
            if not table:
                named = re.search(r"(ts\d{3}[a-z]?)", " ".join(p.name for p in entry.paths), re.I)
                table = named.group(1).upper() if named else ""
            found.append((role, table))
    return sorted(found, key=lambda rt: (rt[1], rt[0]))


def key_counts(frame: pd.DataFrame, spec: CensusTopic) -> tuple[pd.Series, list[str]]:
    """Which rows of a Census frame (one table) make the key share, and the categories used.

    Parameters
    ----------
    frame : pandas.DataFrame
        :func:`jsna.io.census.read_census` rows of one table.
    spec : CensusTopic
        The table's key.

    Returns
    -------
    (pandas.Series of bool, list of str)
        A mask over ``frame`` and the level-1 categories summed.

    Examples
    --------
    >>> frame = pd.DataFrame({"category": ["White", "Asian", "Bangladeshi"],
    ...                       "level": [1, 1, 2]})
    >>> mask, used = key_counts(frame, TOPICS["TS021"])
    >>> mask.tolist(), used
    ([False, True, False], ['Asian'])
    """
    level1 = frame["level"].to_numpy() == 1
    names = frame["category"].map(_norm)
    present = list(dict.fromkeys(frame.loc[level1, "category"]))
    if spec.exclude is not None:
        if _norm(spec.exclude) not in set(names[level1]):
            raise DataValidationError(
                f"Census {spec.table}: no category {spec.exclude!r} to leave out of the key share "
                f"({spec.key}); the table's categories are {first_values(present, 8)}"
            )
        mask = level1 & (names != _norm(spec.exclude)).to_numpy()
    else:
        wanted = {_norm(c) for c in spec.include}
        absent = wanted - set(names[level1])
        if absent:
            raise DataValidationError(
                f"Census {spec.table}: categories {sorted(absent)} for the key share ({spec.key}) "
                f"are not in the table; its categories are {first_values(present, 8)}"
            )
        mask = level1 & names.isin(wanted).to_numpy()
    used = list(dict.fromkeys(frame.loc[mask, "category"]))
    return pd.Series(mask, index=frame.index), used


def _msoa_of_lsoas(lookup: pd.DataFrame, lsoa: str) -> pd.Series:
    """MSOA 2021 name of each LSOA: ONS names an LSOA after its MSOA plus a letter."""
    name = lsoa.replace("_code", "_name")
    if name not in lookup.columns:
        raise GeographyError(
            f"the LSOA lookup has no {name!r} column, needed to place LSOAs in MSOAs (an LSOA's "
            "name is its MSOA's name and a letter); use the ONS best-fit lookup with names"
        )
    return lookup[name].astype("string").str.strip().str.replace(r"[A-Z]$", "", regex=True)


def _england(frame: pd.DataFrame, code: str, level: str, categories: pd.DataFrame) -> pd.Series:
    """England's share of each category (%), or NaN when the file does not cover England."""
    english = frame[code].str.startswith("E0")
    n = frame.loc[english, code].nunique()
    if n < N_ENGLAND[level]:
        return pd.Series(np.nan, index=categories.index)
    rows = frame[english]
    sums = rows.groupby(["category", "parent_category", "level"], dropna=False)[
        ["count", "total"]
    ].sum()
    keyed = categories.set_index(["category", "parent_category", "level"]).index
    sums = sums.reindex(keyed)
    return pd.Series(
        100 * sums["count"].to_numpy() / sums["total"].to_numpy(), index=categories.index
    )


def census_topic(pack, area: str, table: str, role: str = "census.lsoa") -> CensusResult:
    """One Census 2021 table for an authority: shares by ward (or MSOA) and for the area.

    Parameters
    ----------
    pack : DataPack
        With the table (role ``census.lsoa`` or ``census.msoa``, setting ``table``)
        and ``lookup.lsoa_ward_lad``.
    area : str
        Local authority code.
    table : str
        Table number, e.g. ``"TS038"``; tables not in :data:`TOPICS` get no key share.
    role : {"census.lsoa", "census.msoa"}
        The level of the table.

    Returns
    -------
    CensusResult

    Raises
    ------
    SourceError
        The table has none of the area's LSOAs (or MSOAs): a file for another place.
    DataValidationError
        The key categories are not in the table.

    Warns
    -----
    UserWarning
        Some of the area's LSOAs are missing from the table: the wards they belong
        to are NaN (not understated) and the area's shares leave them out.

    Examples
    --------
    A pack with one table, TS038, for three LSOAs in two wards:

    >>> import pathlib, tempfile
    >>> from jsna.io.datapack import DataPack
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (root / "lookup.csv").write_text(
    ...     "LSOA21CD,LSOA21NM,WD24CD,WD24NM,LAD24CD,LAD24NM\\n"
    ...     "E01000001,Aa 001A,E05000001,North,E08000001,Aa\\n"
    ...     "E01000002,Aa 001B,E05000001,North,E08000001,Aa\\n"
    ...     "E01000003,Aa 002A,E05000002,South,E08000001,Aa\\n")
    >>> _ = (root / "census2021-ts038-lsoa.csv").write_text(
    ...     "date,geography,geography code,Disability: Total: All usual residents,"
    ...     "Disability: Disabled under the Equality Act,"
    ...     "Disability: Not disabled under the Equality Act\\n"
    ...     "2021,Aa 001A,E01000001,1000,200,800\\n2021,Aa 001B,E01000002,1500,150,1350\\n"
    ...     "2021,Aa 002A,E01000003,1200,300,900\\n")
    >>> _ = (root / "datapack.toml").write_text(
    ...     '[pack]\\nname = "t"\\nareas = ["E08000001"]\\n'
    ...     '[[file]]\\nrole = "lookup.lsoa_ward_lad"\\npath = "lookup.csv"\\n'
    ...     '[[file]]\\nrole = "census.lsoa"\\npath = "census2021-ts038-lsoa.csv"\\n'
    ...     'table = "TS038"\\n')
    >>> result = census_topic(DataPack.open(root), "E08000001", "TS038")
    >>> result.areas[["ward_name", "total", "key_count", "key_share"]]
      ward_name   total  key_count  key_share
    0     North  2500.0      350.0       14.0
    1     South  1200.0      300.0       25.0
    >>> round(result.key_share, 2), result.unit
    (17.57, '% of residents')
    """
    if role not in _ROLES:
        raise DataValidationError(f"role={role!r}; Census tables are {', '.join(_ROLES)}")
    level = _ROLES[role]
    table = str(table).strip().upper()
    spec = TOPICS.get(table)
    entries = pack.entries_for(role)
    frame = (
        pack.read(role, table=table)
        if any(str(e.get("table", "")).upper() == table for e in entries)
        else pack.read(role)
    )
    frame = frame[frame["table"].str.upper() == table]
    if frame.empty:
        raise SourceError(f"the pack's {role} files hold no table {table}")
    code = f"{level}21_code"
    name = f"{level}21_name"
    lookup = hierarchy(pack, area)
    lsoa = lsoa_column(lookup)
    notes: list[str] = []
    categories = frame[["category", "parent_category", "level"]].drop_duplicates(
        ["category", "parent_category", "level"]
    )
    categories = categories.reset_index(drop=True)
    if level == "lsoa":
        if lsoa != code:
            raise GeographyError(
                f"the best-fit lookup has {lsoa} codes but Census 2021 tables are on LSOA 2021 "
                "codes; use the LSOA 2021 lookup"
            )
        ward = code_column(lookup, "wd")
        places = lookup[[lsoa, ward, ward.replace("_code", "_name")]].rename(
            columns={ward: "ward_code", ward.replace("_code", "_name"): "ward_name"}
        )
        small, small_name = "ward_code", "ward_name"
        units = lookup[lsoa]
    else:
        msoa_names = _msoa_of_lsoas(lookup, lsoa)
        names = frame[[code, name]].drop_duplicates(code)
        by_name = names.assign(_n=names[name].astype("string").str.strip()).set_index("_n")[code]
        codes = msoa_names.map(by_name)
        if codes.isna().all():
            raise SourceError(
                f"Census {table} ({role}) has none of the MSOAs of {area} (matched by the LSOA "
                "names of the lookup); is it the file for another place?"
            )
        places = pd.DataFrame({code: codes, name: msoa_names}).dropna().drop_duplicates(code)
        small, small_name = code, name
        units = places[code]
    sub = frame[frame[code].isin(set(units))]
    if sub.empty:
        raise SourceError(
            f"Census {table} ({role}) has none of the {len(units)} {level.upper()}s of {area}; "
            "is it the file for another place?"
        )
    missing = sorted(set(units) - set(sub[code]))
    if missing:
        warnings.warn(
            f"Census {table}: {len(missing)} {level.upper()}s of {area} are not in the table "
            f"{first_values(missing)}; the wards they belong to are left empty",
            UserWarning,
            stacklevel=2,
        )
        notes.append(
            f"{len(missing)} {level.upper()}s of the area are missing from Census {table}; their "
            "wards are shown as no data and the area's shares leave them out."
        )
    if spec is not None:
        mask, used = key_counts(sub, spec)
    else:
        mask, used = pd.Series(False, index=sub.index), []
    sub = sub.assign(_key=np.where(mask, sub["count"].to_numpy(), 0.0))
    if level == "lsoa":
        sub = sub.merge(places, left_on=code, right_on=lsoa, how="left")
    # one total per small unit (the table's own), summed to wards / MSOAs
    per_unit = (
        sub.groupby(code, sort=False)
        .agg(total=("total", "first"), key_count=("_key", "sum"))
        .reset_index()
    )
    mapping = places.rename(columns={lsoa: code}) if level == "lsoa" else places
    per_unit = per_unit.merge(mapping[list(dict.fromkeys([code, small, small_name]))], on=code)
    totals = per_unit.groupby([small, small_name], sort=True)[["total", "key_count"]].sum()
    # level-1 categories, then level-2 ones named "<parent>: <category>"
    shown = sub[sub["level"].isin([1, 2])]
    label = shown["category"].where(
        shown["level"] == 1, shown["parent_category"].astype(str) + ": " + shown["category"]
    )
    shown = shown.assign(_label=label.to_numpy())
    wide = shown.pivot_table(
        index=small, columns="_label", values="count", aggfunc="sum", sort=False
    )
    order = [*dict.fromkeys(shown.loc[shown["level"] == 1, "_label"])]
    order += [*dict.fromkeys(shown.loc[shown["level"] == 2, "_label"])]
    wide = wide[order]
    out = totals.reset_index()
    out["key_share"] = (
        100 * out["key_count"] / out["total"].where(out["total"] > 0) if spec else np.nan
    )
    shares = 100 * wide.div(out.set_index(small)["total"].where(lambda t: t > 0), axis=0)
    shares.columns = [f"share: {c}" for c in shares.columns]
    out = out.merge(shares, left_on=small, right_index=True, how="left")
    if level == "lsoa":
        ward_missing = places.loc[places[lsoa].isin(missing), "ward_code"].unique()
        if len(ward_missing):
            value_cols = [c for c in out.columns if c not in (small, small_name)]
            out.loc[out[small].isin(ward_missing), value_cols] = np.nan
    # the whole authority, one row per category (every level)
    whole = (
        sub.groupby(["category", "parent_category", "level"], sort=False, dropna=False)[
            ["count", "total"]
        ]
        .sum()
        .reindex(pd.MultiIndex.from_frame(categories))
        .reset_index()
    )
    whole["share"] = 100 * whole["count"] / whole["total"].where(whole["total"] > 0)
    whole["england_share"] = _england(frame, code, level, whole).to_numpy()
    area_total = per_unit["total"].sum()
    key_share = 100 * per_unit["key_count"].sum() / area_total if spec and area_total else np.nan
    england_key = np.nan
    if spec is not None:
        in_key = whole["level"].eq(1) & whole["category"].isin(used)
        shares_e = whole.loc[in_key, "england_share"]
        if shares_e.notna().all() and len(shares_e):
            england_key = float(shares_e.sum())
    if np.isnan(england_key) and spec is not None:
        notes.append(
            f"England's share is not shown: the pack's Census {table} file does not cover every "
            f"{level.upper()} in England (the Nomis bulk file does)."
        )
    also = np.nan
    if spec is not None and spec.also:
        wanted = {_norm(c) for c in spec.also}
        rows = whole[whole["level"].eq(2) & whole["category"].map(_norm).isin(wanted)]
        if len(rows) == len(wanted) and area_total:
            also = 100 * rows["count"].sum() / area_total
    universe = str(sub["universe"].iloc[0])
    return CensusResult(
        table=table,
        title=spec.title if spec else str(sub["topic"].iloc[0]),
        key=spec.key if spec else "",
        level="ward" if level == "lsoa" else "msoa",
        universe=universe,
        unit=universe_unit(universe),
        areas=out.reset_index(drop=True),
        area=whole,
        key_share=float(key_share),
        england_key_share=float(england_key),
        key_categories=tuple(used),
        phrase=spec.phrase if spec else "",
        also_share=float(also),
        also_phrase=spec.also_phrase if spec else "",
        notes=notes + ([meta(frame, "note")] if meta(frame, "note") else []),
    )


def census_topics(pack, area: str) -> list[CensusResult]:
    """Every Census table of the pack for an authority (see :func:`census_topic`), by number.

    Examples
    --------
    >>> from jsna.demo.pack import ensure_demo_pack, DEMO_AREA_CODE
    >>> from jsna.io.datapack import DataPack
    >>> from jsna.config import project_paths
    >>> topics = census_topics(
    ...     DataPack.open(ensure_demo_pack(project_paths().demo_pack)), DEMO_AREA_CODE
    ... )
    >>> [(t.table, t.level) for t in topics]  # doctest: +NORMALIZE_WHITESPACE
    [('TS011', 'ward'), ('TS021', 'ward'), ('TS029', 'msoa'), ('TS037', 'ward'),
     ('TS038', 'ward'), ('TS039', 'ward')]
    """
    return [census_topic(pack, area, table, role) for role, table in census_tables(pack)]
