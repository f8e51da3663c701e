"""IoD local-authority summary measures against MHCLG's published summaries.

Reference values: ``../shared/data/imd/imd2025_england_ltla24.csv`` (IoD2025 File 10,
local authority district summaries, 296 authorities) and
``imd2019_england_ltla23.csv`` (humaniverse/IMD's re-aggregation of IoD2019 to 2023
authorities with the IoD2019 File 7 mid-2015 populations). The LSOA file in
``../shared`` has no population column, so the population-weighted measures are
computed with ONS mid-2020 estimates (2011 LSOAs, moved to 2021 LSOAs with the ONS
lookup, split LSOAs shared equally) instead of the release's mid-2022 denominators.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jsna.analysis.deprivation import authority_summaries
from jsna.analysis.geography import bridge_lsoa11_to_lsoa21
from jsna.exceptions import DataValidationError, GeographyError
from jsna.io import FileEntry
from jsna.io.datapack import DataPack
from jsna.io.imd import read_imd
from jsna.meta import meta, with_meta
from jsna.publish.prose import rank_sentence

FILE10 = {  # our measure -> (File 10 value column, File 10 rank column)
    "average_score": ("imd_average_score", "imd_rank_of_average_score"),
    "average_rank": ("imd_average_rank", "imd_rank_of_average_rank"),
    "proportion_most_deprived_10": (
        "imd_proportion_of_lso_as_in_most_deprived_10_percent_nationally",
        "imd_rank_of_proportion_of_lso_as_in_most_deprived_10_percent_nationally",
    ),
    "extent": ("imd25_extent", "imd25_rank_of_extent"),
    "local_concentration": ("imd25_local_concentration", "imd25_rank_of_local_concentration"),
}


@pytest.fixture(scope="module")
def pack(shared_data):
    return DataPack.open(shared_data)


@pytest.fixture(scope="module")
def mid2020(shared_data, pack):
    """ONS mid-2020 residents of England's 2011 LSOAs (all ages, persons)."""
    pop = pd.read_csv(
        shared_data / "population/population20_lsoa11.csv.gz",
        usecols=["lsoa11_code", "total_population"],
    )
    pop = pop[pop["lsoa11_code"].str.startswith("E")]
    return pop.rename(columns={"total_population": "population"})


@pytest.fixture(scope="module")
def iod2025(shared_data, pack, mid2020):
    imd = pack.read("imd", edition="IoD2025")
    bridge = pack.read("lookup.lsoa11_lsoa21")
    pop21 = bridge_lsoa11_to_lsoa21(mid2020, bridge, "population", unmatched="warn")
    population = pop21.set_index("lsoa21_code")["population"]
    lad = pack.read("lookup.lsoa_ward_lad")
    ours = authority_summaries(imd, population, lad=lad)
    published = pd.read_csv(shared_data / "imd/imd2025_england_ltla24.csv")
    return imd, population, lad, ours.set_index("lad24_code"), published.set_index("ltla24_code")


def test_iod2025_share_in_most_deprived_10_matches_file10_exactly(iod2025):
    """The share of LSOAs in the most deprived 10% needs no population: exact for all 296.

    File 10 prints the share to at most 4 decimals (West Northamptonshire's 5/237 =
    0.021097 is printed 0.021), so the test compares the counts it implies, the values
    to the printed precision, and the ranks, which are identical for all 296.
    """
    _, _, _, ours, pub = iod2025
    assert len(ours) == 296 and list(ours.index) == list(pub.index)
    value, rank = FILE10["proportion_most_deprived_10"]
    implied = (pub[value] * ours["n_lsoas"]).round().astype(int)
    assert (implied == ours["n_most_deprived_10"]).all()
    assert (ours["proportion_most_deprived_10"] - pub[value]).abs().max() < 1e-4
    assert (ours["rank_of_proportion_most_deprived_10"] == pub[rank]).all()
    assert ours.loc["E08000011", ["n_lsoas", "n_most_deprived_10"]].tolist() == [100, 40]


def test_iod2025_population_weighted_measures_close_to_file10(iod2025):
    """Population-weighted measures and ranks are close; the differences come from the weights.

    With mid-2020 estimates (bridged to 2021 LSOAs) instead of the release's mid-2022
    denominators, the differences over the 296 authorities are (max, mean):

    * average score: 1.10 (Westminster 22.83 v 23.93; then Middlesbrough 41.10 v 40.04,
      Preston 29.78 v 28.76), mean 0.16; rank of average score: up to 14 places
      (Westminster 106th v 92nd), same rank for 95 authorities;
    * average rank: 788 (Westminster), mean 104; its rank up to 18 places (Westminster);
    * extent: 0.024 (Preston 0.438 v 0.414; Westminster, Manchester), mean 0.003;
      its rank up to 17 places (Westminster);
    * local concentration: 510 (Wokingham 16,997 v 16,487), mean 68; its rank up to 7.

    The worst are central London and student cities, where the mid-2022 estimates
    (rebased on Census 2021) moved most from the mid-2020 ones rolled forward from
    2011. The method itself is exact: with the release's own denominators City of
    London's summaries are reproduced to the printed digits
    (:func:`test_city_of_london_exact_with_the_release_denominators`), and equal
    weights roughly double every difference (checked below), so the weights, not the
    method, explain what remains. Tolerances are the observed worst plus about 10%.
    """
    _, _, _, ours, pub = iod2025
    limits = {  # measure: (max abs difference, mean abs difference, max rank places)
        "average_score": (1.2, 0.18, 15),
        "average_rank": (870, 115, 20),
        "extent": (0.027, 0.0037, 19),
        "local_concentration": (560, 75, 8),
    }
    for measure, (worst, mean, places) in limits.items():
        value, rank = FILE10[measure]
        diff = (ours[measure].astype(float) - pub[value]).abs()
        moved = (ours[f"rank_of_{measure}"].astype(float) - pub[rank]).abs()
        assert diff.max() < worst and diff.mean() < mean, (measure, diff.max(), diff.mean())
        assert moved.max() <= places, (measure, moved.max())
        rho = ours[measure].astype(float).corr(pub[value], method="spearman")
        assert rho > 0.998, (measure, rho)
    knowsley = ours.loc["E08000011"]
    assert abs(knowsley["average_score"] - 36.157) < 0.25  # published 36.157
    # Knowsley's ranks as published (13th, 7th, 12th, 19th), its average rank one place off
    assert knowsley["rank_of_average_score"] == 13
    assert knowsley["rank_of_extent"] == 12
    assert knowsley["rank_of_local_concentration"] == 19
    assert knowsley["rank_of_average_rank"] == 16  # published 17th


def test_equal_weights_are_further_from_file10(iod2025):
    imd, _, lad, ours, pub = iod2025
    with pytest.warns(UserWarning, match="weighted equally"):
        flat = authority_summaries(imd, lad=lad).set_index("lad24_code")
    assert "equally" in meta(flat, "note")
    for measure in ("average_score", "average_rank", "extent", "local_concentration"):
        value = FILE10[measure][0]
        weighted = (ours[measure].astype(float) - pub[value]).abs().mean()
        equal = (flat[measure].astype(float) - pub[value]).abs().mean()
        assert equal > 1.5 * weighted, (measure, weighted, equal)
    # the unweighted share is the same whatever the weights
    assert (flat["n_most_deprived_10"] == ours["n_most_deprived_10"]).all()


def test_city_of_london_exact_with_the_release_denominators(iod2025):
    """Worked example with the IoD2025 File 7 ``Total population: mid 2022`` denominators.

    City of London's six LSOAs (File 7 as copied in douglasmunro/iod25
    ``data-raw/2025_all_iod_scores_ranks_deciles.csv``): E01000001 1,795; E01000002
    1,671; E01000003 1,896; E01000005 1,737; E01032739 2,548; E01032740 1,810.
    File 10: average score 10.21, average rank 8,781.75, extent 0, local concentration
    18,949 (the reversed rank 33,756 - 14,807 of E01000005, whose 1,737 residents
    hold the most deprived 10% of the City's 11,457).
    """
    imd, population, lad, _, pub = iod2025
    release = {
        "E01000001": 1795,
        "E01000002": 1671,
        "E01000003": 1896,
        "E01000005": 1737,
        "E01032739": 2548,
        "E01032740": 1810,
    }
    weights = population.copy()
    weights.loc[list(release)] = list(release.values())
    city = authority_summaries(imd, weights, lad=lad).set_index("lad24_code").loc["E09000001"]
    published = pub.loc["E09000001"]
    assert city["n_lsoas"] == 6 and city["population"] == 11457
    assert round(city["average_score"], 2) == published["imd_average_score"] == 10.21
    assert round(city["average_rank"], 2) == published["imd_average_rank"] == 8781.75
    assert city["extent"] == published["imd25_extent"] == 0.0
    assert city["local_concentration"] == published["imd25_local_concentration"] == 18949.0


def test_iod2019_share_exact_and_extent_close(pack, shared_data, mid2020):
    """IoD2019 (no LSOA scores in ../shared): the share exactly, extent closely.

    2011 LSOAs get their 2022 authority from the ONS LSOA 2011 to 2021 lookup, and
    2022 authorities their 2024 successor (the 2023 mergers in Cumbria, North
    Yorkshire and Somerset) as the authority of most of their 2021 LSOAs. E01008187
    lies in both Gateshead and Northumberland in that lookup (change X); the published
    aggregation (ONS LSOA 2011 best fit) counts it in Gateshead, so it is put there.
    (Taking the 2024 authority of the 2021 LSOA instead would move E01027305 from West
    Northamptonshire to Cherwell, as the 2024 best-fit lookup does.) Extent differs
    by at most 0.019 (Dartford, Burnley, Oldham are the worst), mean 0.0026: the
    reference used IoD2019's mid-2015 populations (excluding prisoners) and dplyr's
    ``ntile`` for percentiles; we use mid-2020 estimates and ``ceil(100 * rank / N)``.
    """
    imd = pack.read("imd", edition="IoD2019")
    assert meta(imd, "has_scores") is False
    bridge = pack.read("lookup.lsoa11_lsoa21")
    lookup = pack.read("lookup.lsoa_ward_lad")[["lsoa21_code", "lad24_code"]]
    by_2021 = bridge[["lad22_code", "lsoa21_code"]].merge(lookup, on="lsoa21_code")
    successor = by_2021.groupby("lad22_code")["lad24_code"].agg(lambda s: s.mode().iloc[0])
    lad = bridge.drop_duplicates("lsoa11_code")[["lsoa11_code", "lad22_code"]]
    lad.loc[lad["lsoa11_code"] == "E01008187", "lad22_code"] = "E08000037"
    lad["lad24_code"] = lad.pop("lad22_code").map(successor)
    population = mid2020.set_index("lsoa11_code")["population"]
    ours = authority_summaries(imd, population, lad=lad).set_index("lad24_code")
    pub = pd.read_csv(shared_data / "imd/imd2019_england_ltla23.csv").set_index("ltla23_code")
    assert sorted(ours.index) == sorted(pub.index) and len(ours) == 296
    pub = pub.loc[ours.index]
    assert np.allclose(ours["proportion_most_deprived_10"], pub["Proportion"], rtol=0, atol=1e-12)
    diff = (ours["extent"] - pub["Extent"]).abs()
    assert diff.max() < 0.021 and diff.mean() < 0.003, (diff.max(), diff.mean())
    assert ours["average_score"].isna().all() and ours["rank_of_average_score"].isna().all()
    knowsley = ours.loc["E08000011"]
    assert (knowsley["n_lsoas"], knowsley["n_most_deprived_10"]) == (98, 46)
    assert knowsley["rank_of_proportion_most_deprived_10"] == 3


def test_rank_sentence_for_knowsley(iod2025):
    _, _, _, ours, _ = iod2025
    text = rank_sentence(with_meta(ours.reset_index(), edition="IoD2025"), "E08000011")
    assert text.startswith(
        "Knowsley is the 13th most deprived of 296 local authorities in England on the Index "
        "of Multiple Deprivation (IoD2025, rank of average score; 1 = most deprived). 40 of "
        "its 100 neighbourhoods (LSOAs, 40.0%) are among the most deprived 10% in England "
        "(7th highest share)"
    )
    with pytest.raises(DataValidationError, match="no authority 'E99999999'"):
        rank_sentence(ours.reset_index(), "E99999999")


# --- small worked examples -------------------------------------------------------------


def _country(n: int = 100) -> pd.DataFrame:
    """A country of ``n`` LSOAs in order of deprivation (rank 1 = most deprived)."""
    rank = np.arange(1, n + 1)
    return pd.DataFrame(
        {
            "lsoa21_code": [f"L{i:03d}" for i in rank],
            "imd_score": 100.0 - rank * 0.5,
            "imd_rank": rank,
            "imd_decile": np.ceil(10 * rank / n).astype(int),
        }
    )


def test_extent_weights_by_percentile():
    """One LSOA per percentile: weights 1 to the 10th, 0.95 at the 11th ... 0.05 at the 30th."""
    imd = _country(100).assign(lad24_code=[f"A{i:03d}" for i in range(100)])
    out = authority_summaries(imd, pd.Series(1.0, index=imd["lsoa21_code"]))
    expected = np.r_[np.ones(10), 0.95 - (0.9 / 19) * np.arange(20), np.zeros(70)]
    assert np.allclose(out["extent"], expected)
    assert out["extent"].iloc[[10, 29, 30]].round(4).tolist() == [0.95, 0.05, 0.0]
    # extent ties among the 70 least deprived share the lowest rank, as File 10
    assert out["rank_of_extent"].iloc[30:].eq(31).all()


def test_local_concentration_takes_part_of_the_crossing_lsoa():
    """Authority of 1,000: the 10% line (100 people) falls inside its second LSOA."""
    imd = _country(100)
    imd["lad24_code"] = np.where(imd["imd_rank"].isin([5, 20, 60, 90]), "A", "B")
    pop = pd.Series(100.0, index=imd["lsoa21_code"])
    pop[["L005", "L020", "L060", "L090"]] = [40.0, 200.0, 400.0, 360.0]
    a = authority_summaries(imd, pop).set_index("lad24_code").loc["A"]
    # 40 people at reversed rank 96, then 60 of the 200 at reversed rank 81
    assert a["local_concentration"] == pytest.approx((40 * 96 + 60 * 81) / 100)
    assert a["average_rank"] == pytest.approx((40 * 96 + 200 * 81 + 400 * 41 + 360 * 11) / 1000)
    assert a["average_score"] == pytest.approx((40 * 97.5 + 200 * 90 + 400 * 70 + 360 * 55) / 1000)
    assert a["proportion_most_deprived_10"] == 0.25
    assert a["extent"] == pytest.approx((40 * 1 + 200 * (0.95 - 0.9 / 19 * 9)) / 1000)


def test_file7_population_and_authority_are_used_by_default(tmp_path):
    """A File 7 layout with its LAD and population columns needs no other input."""
    rows = [
        "LSOA code (2021),Local Authority District code (2024),"
        "Local Authority District name (2024),"
        "Index of Multiple Deprivation (IMD) Score,"
        "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived),"
        "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs),"
        "Total population: mid 2022"
    ]
    for i in range(1, 21):
        rows.append(
            f"E0100{i:04d},{'E1' if i % 2 else 'E2'},{'Odd' if i % 2 else 'Even'},"
            f"{50 - i},{i},{(i + 1) // 2},{1000 + 100 * i}"
        )
    path = tmp_path / "file7.csv"
    path.write_text("\n".join(rows) + "\n")
    imd = read_imd(FileEntry("imd", (path,), {"edition": "IoD2025"}))
    assert {"lad24_code", "lad24_name", "population"} <= set(imd.columns)
    out = authority_summaries(imd)
    assert out["lad24_name"].tolist() == ["Odd", "Even"]
    assert "population denominators of the IoD release" in meta(out, "note")
    odd = imd[imd["lad24_code"] == "E1"]
    expected = (odd["imd_score"] * odd["population"]).sum() / odd["population"].sum()
    assert out.loc[0, "average_score"] == pytest.approx(expected)
    assert out["population"].tolist() == [
        odd["population"].sum(),
        imd["population"].sum() - odd["population"].sum(),
    ]


def test_bad_inputs():
    imd = _country(20).assign(lad24_code="A")
    with pytest.raises(DataValidationError, match="'income_rank'"):
        authority_summaries(imd, domain="income")
    with pytest.raises(DataValidationError, match="not the whole England file"):
        authority_summaries(imd.iloc[5:15], pd.Series(1.0, index=imd["lsoa21_code"]))
    lookup = pd.DataFrame({"lsoa21_code": imd["lsoa21_code"][:18], "lad24_code": "A"})
    with pytest.raises(DataValidationError, match="2 LSOAs have no local authority"):
        authority_summaries(imd.drop(columns="lad24_code"), lad=lookup)
    with pytest.raises(GeographyError, match="no 'lsoa21_code' column"):
        authority_summaries(imd, lad=lookup.rename(columns={"lsoa21_code": "lsoa11_code"}))
    negative = pd.Series(1.0, index=imd["lsoa21_code"])
    negative.iloc[3] = -5
    with pytest.raises(DataValidationError, match="negative for LSOAs"):
        authority_summaries(imd, negative)


def test_missing_population_and_part_of_england_give_nan_with_warnings():
    imd = _country(20)
    imd["lad24_code"] = np.where(imd["imd_rank"] <= 10, "A", "B")
    pop = pd.Series(1.0, index=imd["lsoa21_code"]).drop("L003")
    with pytest.warns(UserWarning, match="1 authorities have LSOAs without population"):
        out = authority_summaries(imd, pop).set_index("lad24_code")
    assert np.isnan(out.loc["A", "average_score"]) and np.isnan(out.loc["A", "population"])
    assert out.loc["B", "average_score"] == pytest.approx(np.mean(100 - np.arange(11, 21) * 0.5))
    assert out.loc["A", "proportion_most_deprived_10"] == 0.2  # needs no population
    # ranks among all authorities only where every authority has a value
    assert out["rank_of_average_score"].isna().all() and out["rank_of_extent"].isna().all()
    assert out["rank_of_proportion_most_deprived_10"].tolist() == [1, 2]
    with pytest.warns(UserWarning, match="ranks among authorities need the whole England"):
        part = authority_summaries(
            imd.iloc[:12], pd.Series(1.0, index=imd["lsoa21_code"]), n_national=20
        )
    assert part["rank_of_average_score"].isna().all()
    assert part["average_score"].notna().all()
