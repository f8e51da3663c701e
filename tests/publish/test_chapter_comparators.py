"""Chapters compare the area with its statistical neighbours only, and say which (issue 13).

On the real Cheshire and Merseyside pack (``../shared/data``), Sefton's DfE 2025
neighbours in the pack are Wirral, St Helens, Halton and Knowsley; Liverpool, which is
in the pack but not a neighbour, must not appear in chapter 03's hypertension gaps,
chapter 04's recorded dementia or chapter 05's Core20 shares.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest

from jsna.io.datapack import DataPack
from jsna.publish.chapter import Chapter
from jsna.publish.chapters import age_well, inequalities, live_well

SEFTON = "E08000014"
NEIGHBOURS_IN_PACK = ["E08000015", "E08000013", "E06000006", "E08000011"]  # DfE 2025 order


@pytest.fixture
def sefton(shared_data, tmp_path):
    if not (shared_data / "datapack.toml").is_file():
        pytest.skip("the shared data pack is absent")
    chapter = Chapter.start("03_x", shared_data, SEFTON, tmp_path / "f", tmp_path / "r")
    yield chapter
    plt.close("all")


def _text(outputs) -> str:
    return "\n".join(str(getattr(o, "data", "")) for o in outputs)


def test_comparator_areas_of_sefton(shared_data):
    codes, model, absent = live_well.comparator_areas(DataPack.open(shared_data), SEFTON)
    assert codes == [SEFTON, *NEIGHBOURS_IN_PACK]
    assert model == "DfE 2025 model"
    assert absent == ["Wigan", "Lancashire", "County Durham", "Stockton-on-Tees",
                      "Darlington", "Bury"]  # fmt: skip


def test_hypertension_gaps_of_neighbours_only(sefton):
    section = live_well.authorities(sefton)
    auth = section.data
    assert auth["area_code"].tolist() == [SEFTON, *NEIGHBOURS_IN_PACK]
    assert sorted(auth["rank"]) == [1, 2, 3, 4, 5]
    assert auth.loc[0, "rank"] == auth["value"].rank(method="min").iloc[0]
    assert "Liverpool" not in _text(section.outputs)
    assert "statistical neighbours (DfE 2025 model)" in str(section.outputs[0].note)
    assert "of 5 with its statistical neighbours" in str(section.messages[0].so_what)


def test_recorded_dementia_of_neighbours_only(sefton):
    section = age_well.dementia(sefton)  # the pack has no modelled dementia: recorded only
    text = _text(section.outputs).replace("\\", "")
    shown = (
        "Wirral, St. Helens, Wigan, Halton, County Durham, Stockton-on-Tees, Knowsley, "
        "Darlington, Bury."
    )
    assert shown in text and "Liverpool" not in text
    # the county is not in the QOF file of districts and unitary authorities
    assert "Not in the pack: Lancashire." in text
    # England: the QOF file's English authorities summed (QOF 2019/20 England: 0.78%)
    assert "England (0.78%, the sum of the file's 314 English authorities)" in text


def test_core20_shares_of_neighbours_only(sefton):
    outputs = inequalities.core20_by_authority(sefton)
    table = outputs[0]
    names = table.data["area_name"].tolist()
    assert names == ["Sefton", "Wirral", "St. Helens", "Halton", "Knowsley"]
    # both editions: the shared pack's population is on 2011 LSOAs, so IoD2025's
    # residents' shares come from the population moved to 2021 LSOAs
    assert {"core20_lsoa_share IoD2025", "core20_lsoa_share IoD2019"} <= set(table.data)
    assert "statistical neighbours (DfE 2025 model)" in table.note
