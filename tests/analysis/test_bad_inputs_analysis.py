"""Bad inputs to the analysis layer: geography, deprivation and suppression.

Every kind of bad input gives a :class:`~jsna.exceptions.JSNAError` whose
message names what is wrong and says what to do, or NaN with a warning where
the published method says so - never a silently wrong number.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jsna.analysis.deprivation import attach_imd
from jsna.analysis.geography import aggregate, bridge_lsoa11_to_lsoa21, hierarchy
from jsna.analysis.suppression import suppress
from jsna.exceptions import DataValidationError, GeographyError, JSNAError
from jsna.io.datapack import DataPack
from jsna.meta import with_meta

SEFTON = "E08000014"


def test_unknown_area_code_in_aggregate():
    lookup = pd.DataFrame(
        {
            "lsoa21_code": ["E01006412", "E01006413"],
            "wd24_code": ["E05000930"] * 2,
            "wd24_name": ["Church"] * 2,
        }
    )
    frame = pd.DataFrame({"lsoa21_code": ["E01006412", "E01099999"], "deaths": [1, 2]})
    with pytest.raises(
        GeographyError,
        match=r"1 lsoa21_code codes did not match: 'E01099999'.*check the codes' vintage",
    ):
        aggregate(frame, "ward", lookup=lookup, values="deaths")


def test_lsoa11_column_against_lsoa21_lookup():
    lookup = pd.DataFrame(
        {"lsoa21_code": ["E01006412"], "wd24_code": ["E05000930"], "wd24_name": ["Church"]}
    )
    with pytest.raises(
        GeographyError,
        match=r"one side has LSOA11 codes and the other LSOA21; bridge .*bridge_lsoa11_to_lsoa21",
    ):
        aggregate(
            pd.DataFrame({"lsoa11_code": ["E01006412"], "n": [1]}),
            "ward",
            lookup=lookup,
            values="n",
        )
    with pytest.raises(GeographyError, match=r"bridging needs an lsoa11_code column"):
        bridge_lsoa11_to_lsoa21(
            pd.DataFrame({"lsoa21_code": ["E01006412"], "n": [1]}),
            pd.DataFrame(
                {
                    "lsoa11_code": ["E01006412"],
                    "lsoa21_code": ["E01006412"],
                    "change_indicator": ["U"],
                }
            ),
            "n",
        )


@pytest.mark.shared
def test_lsoa11_codes_under_a_2021_name(shared_data):
    """Sefton's 2011 LSOAs split in 2021 (E01006968, E01033096) are not in the LSOA21 lookup."""
    pack = DataPack.open(shared_data)
    lsoas = hierarchy(pack, SEFTON)
    bridge = pack.read("lookup.lsoa11_lsoa21")
    old = bridge.loc[bridge["lad22_code"] == SEFTON, "lsoa11_code"].unique()
    frame = pd.DataFrame({"lsoa21_code": old, "people": 1})  # 2011 codes mislabelled as 2021
    with pytest.raises(
        GeographyError,
        match=r"2 lsoa21_code codes did not match: 'E01006968', 'E01033096'.*vintage",
    ):
        aggregate(frame, "ward", lookup=lsoas, values="people")


def test_imd_edition_on_other_lsoas():
    imd = pd.DataFrame({"lsoa21_code": ["E01006412"], "imd_score": [40.0], "imd_decile": [1]})
    with_meta(imd, edition="IoD2025")
    with pytest.raises(
        GeographyError, match=r"IoD2025 is on LSOA21 but the data are on LSOA11; use the edition"
    ):
        attach_imd(pd.DataFrame({"lsoa11_code": ["E01006412"]}), imd)


def test_lsoa_missing_from_imd_warns_or_raises():
    imd = pd.DataFrame({"lsoa21_code": ["E01006412"], "imd_score": [40.0], "imd_decile": [1]})
    with_meta(imd, edition="IoD2025")
    frame = pd.DataFrame({"lsoa21_code": ["E01006412", "E01099999"]})
    with pytest.raises(
        GeographyError, match=r"1 LSOAs missing from IoD2025 did not match: 'E01099999'"
    ):
        attach_imd(frame, imd, unmatched="raise")
    with pytest.warns(UserWarning, match=r"'E01099999'.*left out"):
        out = attach_imd(frame, imd)
    assert out["imd_quintile"].tolist()[0] == 1 and pd.isna(out["imd_quintile"].tolist()[1])


def test_imd_with_a_repeated_lsoa():
    imd = pd.DataFrame(
        {"lsoa21_code": ["E01006412", "E01006412"], "imd_score": [40.0, 40.0], "imd_decile": [1, 3]}
    )
    with_meta(imd, edition="IoD2025")
    with pytest.raises(DataValidationError, match=r"E01006412"):
        attach_imd(pd.DataFrame({"lsoa21_code": ["E01006412"]}), imd)


def test_imd_decile_out_of_range_in_attach():
    imd = pd.DataFrame({"lsoa21_code": ["E01006412"], "imd_score": [40.0], "imd_decile": [11]})
    with_meta(imd, edition="IoD2025")
    with pytest.raises(DataValidationError, match=r"decile"):
        attach_imd(pd.DataFrame({"lsoa21_code": ["E01006412"]}), imd)


LOOKUP = pd.DataFrame(
    {
        "lsoa21_code": ["E01006412", "E01006413", "E01006414"],
        "wd24_code": ["E05000930", "E05000930", "E05000931"],
        "wd24_name": ["Church", "Church", "Derby"],
    }
)


def test_aggregate_negative_counts():
    with pytest.raises(DataValidationError, match=r"negative"):
        aggregate(
            pd.DataFrame({"lsoa21_code": ["E01006412"], "deaths": [-1]}),
            "ward",
            lookup=LOOKUP,
            values="deaths",
        )


def test_aggregate_text_counts():
    with pytest.raises(DataValidationError, match=r"not numbers"):
        aggregate(
            pd.DataFrame({"lsoa21_code": ["E01006412", "E01006413"], "deaths": ["x", "2"]}),
            "ward",
            lookup=LOOKUP,
            values="deaths",
        )


def test_aggregate_missing_counts():
    frame = pd.DataFrame({"lsoa21_code": ["E01006412", "E01006413"], "deaths": [np.nan, 3.0]})
    with pytest.warns(UserWarning, match=r"missing"):
        out = aggregate(frame, "ward", lookup=LOOKUP, values="deaths")
    assert np.isnan(out.loc[out["wd24_code"] == "E05000930", "deaths"].item())


def test_aggregate_with_a_lookup_repeating_an_lsoa():
    lookup = pd.concat([LOOKUP, LOOKUP.iloc[:1].assign(wd24_code="E05000931", wd24_name="Derby")])
    with pytest.raises(JSNAError, match=r"E01006412"):
        aggregate(
            pd.DataFrame({"lsoa21_code": ["E01006412"], "deaths": [1]}),
            "ward",
            lookup=lookup,
            values="deaths",
        )


def test_suppress_negative_and_fractional_counts():
    with pytest.raises(DataValidationError, match=r"negative counts: -1.0 .*fix the input data"):
        suppress(pd.DataFrame({"n": [-1, 5, 10]}), count_columns="n")
    with pytest.raises(DataValidationError, match=r"not whole numbers: 2.5 .*round or fix them"):
        suppress(pd.DataFrame({"n": [2.5, 5, 10]}), count_columns="n")
