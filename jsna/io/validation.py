"""Validation of every frame the data pack hands out.

:func:`validate_frame` runs the checks listed for a data pack role in
:data:`CHECKS` on the frame its reader returned, and raises a
:class:`~jsna.exceptions.JSNAError` subclass at the first rule broken. Each
message names the file, the column, the first offending values and what to
do. The checks themselves are in :mod:`jsna.io.checks` (codes, unique keys,
counts, denominators, ranges, geometries) and :mod:`jsna.io.fingertips_checks`
(area types, periods, confidence limits).

Checks are explicit: :data:`CHECKS` maps each role to a list of check
functions ``check(frame, where)``. Frames are never modified.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jsna import columns as S
from jsna.columns import FINGERTIPS_KEY
from jsna.exceptions import SourceError
from jsna.io.checks import (
    Check,
    between,
    codes,
    counts,
    geometries,
    layouts,
    no_self_neighbours,
    not_empty,
    one_of,
    positive,
    unique,
)
from jsna.io.fingertips_checks import area_types, limits_bracket_value, periods
from jsna.meta import meta

__all__ = ["validate_frame", "CHECKS", "MAX_LSOA_PEOPLE", "MAX_PEOPLE", "MAX_INDICATOR_COUNT"]

#: IMD ranks run 1..33,755 (LSOA 2021) or 1..32,844 (LSOA 2011); deciles 1..10.
_MAX_RANK = 35_000

_SEXES = (S.PERSONS, S.MALE, S.FEMALE)

#: Upper bounds that no real value reaches; a larger one is a misplaced exponent, a total in
#: the wrong column or an overflow. People of one LSOA (LSOAs hold about 1,000-3,000 residents;
#: the largest in England about 10,000); people of the UK (about 69 million); counts and
#: denominators of a Fingertips indicator (England's largest, prescription items, about 1.2
#: billion a year).
MAX_LSOA_PEOPLE = 20_000
MAX_PEOPLE = 100_000_000
MAX_INDICATOR_COUNT = 1e12


# --------------------------------------------------------------------------- the rules, by role

_LSOA = r"lsoa\d\d_code"
_WARD = r"wd\d\d_code"
_LAD = r"lad\d\d_code"


def _recorded_level(frame: pd.DataFrame) -> str:
    return "practice" if "practice_code" in frame.columns else "lad"


def _model_kind(frame: pd.DataFrame) -> str:
    return "rates" if "rate" in frame.columns else "expected"


def _deaths_unique(frame: pd.DataFrame, where: str) -> None:
    # deaths by LSOA may be split by cause (the optional cause_group column)
    keys = [_LSOA, S.SEX, "age_band", "period"]
    unique(*keys, *(["cause_group"] if "cause_group" in frame.columns else []))(frame, where)


#: Role -> the checks its frames must pass, in order.
CHECKS: dict[str, list[Check]] = {
    "boundaries.ward": [
        codes({_WARD: "ward", _LAD: "lad"}, optional=[_LAD]),
        unique(_WARD),
        geometries,
    ],
    "boundaries.lsoa": [
        codes(
            {r"lsoa11_code": "lsoa11", r"lsoa21_code": "lsoa"},
            optional=[r"lsoa11_code", r"lsoa21_code"],
        ),
        codes({_LSOA: "lsoa"}),
        unique(_LSOA),
        geometries,
    ],
    "boundaries.msoa": [codes({r"msoa\d\d_code": "msoa"}), unique(r"msoa\d\d_code"), geometries],
    # lookups: "lad_or_county": a pack fetched for a county council (E10) names the
    # county in its lookups' LAD columns and keeps each district as LTLAyyCD
    "lookup.lsoa_ward_lad": [
        codes({_LSOA: "lsoa", _WARD: "ward", _LAD: "lad_or_county"}),
        unique(_LSOA, what="best fit: one ward per LSOA"),
    ],
    "lookup.ward_lad": [
        codes({_WARD: "ward", _LAD: "lad_or_county"}),
        unique(_WARD, what="one authority per ward"),
    ],
    "lookup.lsoa11_lsoa21": [
        codes(
            {r"lsoa11_code": "lsoa11", r"lsoa21_code": "lsoa", _LAD: "lad_or_county"},
            optional=[_LAD],
        ),
        unique(r"lsoa11_code", r"lsoa21_code"),
        one_of(S.CHANGE_INDICATOR, ["U", "S", "M", "X"]),
    ],
    "lookup.lsoa_icb": [
        codes({_LSOA: "lsoa", r"sicbl\d\d_code": "sicbl", r"icb\d\d_code": "icb"}),
        unique(_LSOA, what="one ICB per LSOA"),
    ],
    "imd": [
        codes(
            {r"lsoa11_code": "lsoa11", r"lsoa21_code": "lsoa"},
            optional=[r"lsoa11_code", r"lsoa21_code"],
        ),
        codes({_LSOA: "lsoa"}),
        unique(_LSOA),
        between(r"[a-z_]+_rank", 1, _MAX_RANK, whole=True, what="ranks", required=False),
        between(r"[a-z_]+_decile", 1, 10, whole=True, what="deciles"),
    ],
    "population.lsoa": [
        codes(
            {r"lsoa11_code": "lsoa11", r"lsoa21_code": "lsoa"},
            optional=[r"lsoa11_code", r"lsoa21_code"],
        ),
        codes({_LSOA: "lsoa"}),
        unique(_LSOA, S.SEX, r"age"),
        one_of(S.SEX, _SEXES),
        between(r"age", 0, 90, whole=True, what="ages"),
        counts(S.POPULATION, at_most=MAX_LSOA_PEOPLE),
    ],
    "deaths.lsoa": [
        codes(
            {r"lsoa11_code": "lsoa11", r"lsoa21_code": "lsoa"},
            optional=[r"lsoa11_code", r"lsoa21_code"],
        ),
        codes({_LSOA: "lsoa"}),
        _deaths_unique,
        one_of(S.SEX, _SEXES),
        counts("deaths", at_most=MAX_LSOA_PEOPLE),
    ],
    "indicators.fingertips": [
        codes({S.AREA_CODE: "area", S.PARENT_CODE: "area"}, missing_ok=[S.PARENT_CODE]),
        area_types,
        between(S.INDICATOR_ID, 1, np.inf, whole=True, what="indicator IDs"),
        unique(
            *FINGERTIPS_KEY,
            what="indicator, parent comparison, area, parent, sex, age, category, period",
        ),
        periods,
        counts(
            S.COUNT, whole=False, missing_ok=True, at_most=MAX_INDICATOR_COUNT, label=S.AREA_CODE
        ),
        positive(S.DENOMINATOR, missing_ok=True, at_most=MAX_INDICATOR_COUNT, label=S.AREA_CODE),
        limits_bracket_value,
    ],
    "neighbours.dfe": [
        codes({"area_code": "la", "neighbour_code": "la"}),
        no_self_neighbours,
        unique("area_code", "neighbour_code"),
        unique("area_code", "rank"),
        between("rank", 1, np.inf, whole=True, what="ranks"),
    ],
    "neighbours.list": [
        codes({"area_code": "la", "neighbour_code": "la"}),
        no_self_neighbours,
        unique("area_code", "neighbour_code"),
        unique("area_code", "rank"),
        between("rank", 1, np.inf, whole=True, what="ranks"),
    ],
    "prevalence.recorded": [
        layouts(
            _recorded_level,
            {
                "practice": [
                    codes(
                        {"practice_code": "practice", "sicbl_code": "sicbl", "icb_code": "icb"},
                        optional=["sicbl_code", "icb_code"],
                    ),
                    unique("practice_code", "condition"),
                    counts("register", at_most=MAX_PEOPLE, label="practice_code"),
                    positive("list_size", whole=True, at_most=MAX_PEOPLE, label="practice_code"),
                ],
                # The Commons Library authority file apportions practice registers to
                # authorities, so its registers and list sizes are not whole.
                "lad": [
                    codes({"lad_code": "lad"}),
                    unique("lad_code", "condition"),
                    counts("register", whole=False, at_most=MAX_PEOPLE, label="lad_code"),
                    positive("list_size", at_most=MAX_PEOPLE, label="lad_code"),
                ],
            },
        )
    ],
    "prevalence.model": [
        layouts(
            _model_kind,
            {
                "rates": [
                    unique("condition", S.SEX, "age_band"),
                    one_of(S.SEX, _SEXES),
                    between("rate", 0, 1, what="rates"),
                ],
                "expected": [
                    codes(
                        {
                            "practice_code": "practice",
                            "lad_code": "lad",
                            _LSOA: "lsoa",
                            "area_code": "area",
                        },
                        optional=["practice_code", "lad_code", _LSOA, "area_code"],
                    ),
                    unique(r"practice_code|lad_code|lsoa\d\d_code|area_code", "condition"),
                    between("expected_prevalence", 0, 1, what="prevalences"),
                ],
            },
        )
    ],
    "gp.lsoa_patients": [
        codes(
            {"practice_code": "practice", r"lsoa11_code": "lsoa11", r"lsoa21_code": "lsoa"},
            optional=[r"lsoa11_code", r"lsoa21_code"],
        ),
        codes({_LSOA: "lsoa"}),
        unique("practice_code", _LSOA, S.SEX),
        one_of(S.SEX, _SEXES),
        counts("patients", at_most=MAX_LSOA_PEOPLE),
    ],
    "census.lsoa": [
        codes({r"lsoa21_code": "lsoa"}),
        unique(r"lsoa21_code", "table", "category", "parent_category"),
        counts("count"),
        counts("total"),
        between("share", 0, 1, missing_ok=True, what="shares of the table's own total"),
    ],
    "census.msoa": [
        codes({r"msoa21_code": "msoa"}),
        unique(r"msoa21_code", "table", "category", "parent_category"),
        counts("count"),
        counts("total"),
        between("share", 0, 1, missing_ok=True, what="shares of the table's own total"),
    ],
    "census.health_age": [
        codes({"area_code": "area"}),
        unique("area_code", "sex", "age_start"),
        counts("good"),
        counts("total"),
        between("share", 0, 1, missing_ok=True, what="shares in good health"),
    ],
    "gp.practice_map": [
        codes(
            {
                "practice_code": "practice",
                "sicbl_code": "sicbl",
                "icb_code": "icb",
                "region_code": "nhs_region",
            }
        ),
        unique("practice_code", what="one row per practice"),
    ],
    "indicators.local_health": [
        codes({"area_code": "area"}),
        unique("area_code", "indicator"),
        between("value", 0, np.inf, missing_ok=True, what="values"),
    ],
}


def validate_frame(role: str, frame: pd.DataFrame, *, where: str | None = None) -> pd.DataFrame:
    """Check a frame read for a data pack role; return it unchanged.

    Parameters
    ----------
    role : str
        The data pack role (one of :data:`jsna.io.ROLES`).
    frame : pandas.DataFrame
        The frame the role's reader returned. Not modified.
    where : str, optional
        The file, for messages, when the frame's ``source`` metadata does not say.

    Returns
    -------
    pandas.DataFrame
        ``frame`` itself, so a reader's result can be passed through.

    Raises
    ------
    DataValidationError, GeographyError, SourceError
        At the first rule broken, naming the file, the column, the first
        offending values and what to do.

    Examples
    --------
    >>> lookup = pd.DataFrame({"wd24_code": ["E05000001", "E05000002"],
    ...                        "lad24_code": ["E08000014", "E8000014"]})
    >>> validate_frame("lookup.ward_lad", lookup, where="wards.csv")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    jsna.exceptions.GeographyError: wards.csv: column 'lad24_code' has values that are not local ...
    >>> lookup.loc[1, "lad24_code"] = "E08000014"
    >>> validate_frame("lookup.ward_lad", lookup, where="wards.csv") is lookup
    True
    """
    label = str(meta(frame, "source") or where or f"the {role} frame")
    if role not in CHECKS:
        raise SourceError(
            f"{label}: no validation rules for role {role!r}; roles are {', '.join(CHECKS)}"
        )
    not_empty(frame, label)
    for check in CHECKS[role]:
        check(frame, label)
    return frame
