"""Metadata that travels with a result frame: notes, sources, editions, periods.

jsna's readers and analysis functions return pandas DataFrames. What a reader of
the result must know beside the numbers (the file it came from, the IMD edition,
the period, caveats to print under a table) travels in ``DataFrame.attrs``, which
pandas keeps through copies. jsna writes and reads those attributes only through
this module, and only under the documented names in :data:`KEYS`, so that what a
frame carries is a tested contract rather than a side channel: an unknown name is
an error, and a test checks that no other module touches ``.attrs``.

Examples
--------
>>> import pandas as pd
>>> frame = with_meta(pd.DataFrame({"value": [1.0]}), period="2024", note="Provisional.")
>>> meta(frame, "period"), note(frame)
('2024', 'Provisional.')
>>> meta(frame, "edition", "not stated")
'not stated'
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from jsna.exceptions import DataValidationError, first_values

__all__ = ["KEYS", "meta", "with_meta", "copy_meta", "note", "join_notes"]

#: Every name a jsna frame may carry, with what it holds.
KEYS: dict[str, str] = {
    # where a frame came from
    "source": "the pack file(s) a frame was read from, as text for messages and notes",
    "sources": "list of the sources combined into a frame",
    "role": "the data pack role a frame was read for (e.g. 'neighbours.list')",
    "paths": "the files of a pack entry",
    "level": "the geography level of a recorded-prevalence file ('practice' or 'lad')",
    "kind": "what a modelled-prevalence file holds ('rates' or 'expected'), or an indicator kind",
    "model": "the statistical-neighbour model of a neighbours file (e.g. 'DfE 2025')",
    "model_date": "the date of a neighbours model",
    "neighbour_model": "the neighbour model used by a benchmark",
    "england": "the England area code used by a benchmark",
    "regions": "area code -> region code used by a benchmark",
    "polarity": "the polarity given to a Fingertips file",
    "survey": "the survey a modelled prevalence came from (e.g. 'HSE 2019')",
    "unit": "the unit of the values (e.g. 'per 100,000')",
    "file_unit": "the unit of a file's values before conversion",
    "extract_date": "the extract date of a GP registration file",
    # editions, vintages and periods
    "edition": "the IMD edition of a frame (IoD2019, IoD2025)",
    "imd_edition": "the IMD edition used to make a result",
    "vintage": "the geography vintage of codes (e.g. 'WD24', 'LSOA2021')",
    "lookup_vintage": "the vintage of the ward lookup used",
    "boundary_vintage": "the vintage of the ward boundaries used",
    "period": "the period of the data (e.g. '2024', '2023/24')",
    "register_period": "the QOF period of the registers used",
    "population_period": "the period of the population used",
    # what was done, for the reader
    "note": "text to print under a table or figure: caveats, bridging, what was left out",
    "persons_only": "True when the population file had no split by sex",
    "has_scores": "True when an IMD file holds scores as well as ranks and deciles",
    "bridging": "2011 LSOAs by ONS change indicator, when populations were bridged to 2021",
    "unallocated_practices": "practices left out because they had no registered-patient data",
    "unmapped_practices": "practices with no PCN or sub-ICB in the practice map",
    "registers_over_list": "practices whose register exceeds the list size",
    "band_map": "condition -> the age-to-band table used for expected counts",
    "lsoa_column": "the LSOA code column of a frame",
    "group": "the grouping column of a result by deprivation",
    "groups": "the groups of a result",
    "quintile_by": "the columns within which local quintiles were formed",
    "decile_by": "the columns within which local deciles were formed",
    "quartile_by": "the columns within which local quartiles were formed",
    "tertile_by": "the columns within which local tertiles were formed",
    "local_quintile_by": "the column local quintiles ranked by (imd_score or imd_rank)",
    "local_decile_by": "the column local deciles ranked by (imd_score or imd_rank)",
    "gap": "records of the gap between the most and least deprived groups",
    "disclosure": "the disclosure control applied to record-level counts (rule, thresholds, cells)",
}


def _check_key(key: str) -> None:
    if key not in KEYS:
        raise DataValidationError(
            f"metadata name {key!r} is not one of jsna.meta.KEYS "
            f"({first_values(sorted(KEYS), 8)}); add it there with what it holds"
        )


def meta(frame: pd.DataFrame, key: str, default: Any = None) -> Any:
    """The metadata ``key`` of ``frame``, or ``default`` when it has none.

    Examples
    --------
    >>> meta(pd.DataFrame(), "period", "")
    ''
    """
    _check_key(key)
    return frame.attrs.get(key, default)


def with_meta(frame: pd.DataFrame, **values: Any) -> pd.DataFrame:
    """Set metadata on ``frame`` (in place) and return it.

    Examples
    --------
    >>> meta(with_meta(pd.DataFrame(), edition="IoD2025"), "edition")
    'IoD2025'
    """
    for key in values:
        _check_key(key)
    frame.attrs.update(values)
    return frame


def copy_meta(target: pd.DataFrame, source: pd.DataFrame) -> pd.DataFrame:
    """Give ``target`` (in place) the metadata of ``source``; return ``target``.

    Examples
    --------
    >>> a = with_meta(pd.DataFrame(), period="2024")
    >>> meta(copy_meta(pd.DataFrame(), a), "period")
    '2024'
    """
    return with_meta(target, **dict(source.attrs))


def note(frame: pd.DataFrame) -> str:
    """The note of ``frame`` (text for the reader), or an empty string.

    Examples
    --------
    >>> note(pd.DataFrame())
    ''
    """
    return str(meta(frame, "note", "") or "")


def join_notes(*notes: str | None) -> str:
    """Join notes into one paragraph with spaces, leaving out empty ones.

    Examples
    --------
    >>> join_notes("A.", "", None, "B.")
    'A. B.'
    """
    return " ".join(text for text in notes if text)
