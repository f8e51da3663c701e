"""Chapter 06 (life expectancy and the causes of the gap) on the demo and on real data.

On the demo, the pack's deaths (``deaths.lsoa``, aggregated from its record-level deaths) are
drawn from planted rates (``jsna.demo.records.expected_deaths``: Gompertz by age and a
deprivation gradient, split into causes by ``cause_probabilities``). The truth is
the decomposition of the *expected* deaths of the same people; the chapter's estimates
from the drawn deaths must fall within their limits of it: the gap within the 95% limits
of the difference of two life expectancies, each cause's contribution within three
standard deviations from a parametric (Poisson) bootstrap of the planted rates.
"""

from __future__ import annotations

import json
import tomllib
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from IPython.display import Markdown  # noqa: E402

from jsna.analysis.mortality import mortality_counts, within_area_gap  # noqa: E402
from jsna.publish.chapter import Chapter, TableView  # noqa: E402
from jsna.publish.chapters import life_expectancy as le  # noqa: E402

AREA = "E06999001"
LE_BANDS = ("0", "1-4", *[f"{a}-{a + 4}" for a in range(5, 90, 5)], "90+")
LE_STARTS = np.array([0, 1, *range(5, 95, 5)])


def _expected_deaths(pack_dir) -> pd.DataFrame:
    """The planted expected deaths (five years) by LSOA, sex, life-table band and cause."""
    from jsna.demo.records import CAUSE_MIX, cause_probabilities, expected_deaths

    codes, u, expected = expected_deaths(pack_dir)  # (lsoa, [female, male], 20 bands)
    parts = []
    for s, sex in enumerate(("Female", "Male")):
        for b, band in enumerate(LE_BANDS):
            p = cause_probabilities(np.full(len(codes), LE_STARTS[b]), u)  # (lsoa, cause)
            for c, cause in enumerate(CAUSE_MIX):
                parts.append(
                    pd.DataFrame(
                        {
                            "lsoa21_code": codes,
                            "sex": sex,
                            "age_band": band,
                            "cause_group": cause,
                            "deaths": expected[:, s, b] * p[:, c],
                        }
                    )
                )
    return pd.concat(parts, ignore_index=True).assign(period="2019-2023")


@pytest.fixture(scope="module")
def demo_results(demo_pack, tmp_path_factory):
    root = tmp_path_factory.mktemp("ch06")
    chapter = Chapter.start("06_life_expectancy_gap", demo_pack, None, root / "f", root / "r")
    assert "cause_group" in chapter.pack.read("deaths.lsoa").columns  # aggregated from records
    results = le.analyse(chapter)  # the pack's own deaths, by cause
    expected = _expected_deaths(demo_pack)
    return chapter, results, expected


def test_demo_gap_recovers_the_planted_gap(demo_results):
    chapter, results, expected = demo_results
    counts = mortality_counts(chapter.pack, AREA, by="local_quintile", deaths=expected)
    truth = within_area_gap(counts, quintile="group", cause="cause_group")
    gap = results.data["gap"]
    le_q = results.data["le_quintile"].set_index(["sex", "group"])
    for sex in ("Female", "Male"):
        true_gap = truth.loc[truth["sex"] == sex, "gap"].iloc[0]
        found = gap.loc[gap["sex"] == sex, "gap"].iloc[0]
        se = [
            (le_q.loc[(sex, q), "upper_ci95"] - le_q.loc[(sex, q), "lower_ci95"]) / (2 * 1.96)
            for q in (1, 5)
        ]
        limit = 1.96 * float(np.hypot(*se))
        assert 2.0 < true_gap < 15.0  # a planted gap of several years
        assert abs(found - true_gap) < limit, (sex, found, true_gap, limit)
        # contributions add up to the gap exactly
        total = gap.loc[gap["sex"] == sex, "contribution"].sum()
        assert total == pytest.approx(found, abs=1e-9)


def test_demo_cause_contributions_within_their_limits(demo_results):
    chapter, results, expected = demo_results
    counts = mortality_counts(chapter.pack, AREA, by="local_quintile", deaths=expected)
    truth = within_area_gap(counts, quintile="group", cause="cause_group")
    true_by = truth.groupby(["sex", "cause_group"])["contribution"].sum()
    found = results.data["gap"].groupby(["sex", "cause_group"])["contribution"].sum()
    # parametric bootstrap of the planted rates: Poisson deaths, the same people
    rng = np.random.default_rng(20261203)
    draws = []
    for _ in range(60):
        sample = counts.assign(deaths=rng.poisson(counts["deaths"].to_numpy()).astype(float))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            d = within_area_gap(sample, quintile="group", cause="cause_group")
        draws.append(d.groupby(["sex", "cause_group"])["contribution"].sum())
    sd = pd.concat(draws, axis=1).std(axis=1)
    z = (found - true_by) / sd
    assert len(z) == 16 and z.notna().all()
    assert (z.abs() < 3.5).all(), z.sort_values().to_dict()
    # the cause found to matter most is one of the planted leading causes: its true
    # contribution is within sampling error of the largest true contribution
    for sex in ("Female", "Male"):
        top = found[sex].idxmax()
        leading = true_by[sex].max()
        assert true_by[sex][top] > leading - 3.5 * float(np.hypot(sd[sex][top], sd[sex].max()))
        assert true_by[sex][top] > 0.2 * true_by[sex].clip(lower=0).sum()


def test_demo_chapter_messages_and_figures(demo_results):
    chapter, results, _ = demo_results
    gap = results.data["gap"]
    female = gap.loc[gap["sex"] == "Female", "gap"].iloc[0]
    top = gap[gap["sex"] == "Female"].groupby("cause_group")["contribution"].sum().idxmax()
    first = results.findings[0][0]
    assert f"is {female:.1f} years for females" in first
    assert f"{top.lower()} contributes" in first
    assert all(so_what for _, so_what in results.findings)
    le.ward_map_section(chapter, results)
    le.causes_of_gap(chapter, results)
    le.inequalities(chapter, results)
    le.premature(chapter, results)
    by_cause = pd.read_csv(chapter.figures / "06_premature_cause_female.csv")
    assert by_cause["cause_group"].nunique() == 8 and (by_cause["value"] > 0).all()
    wards = pd.read_csv(chapter.figures / "06_le_ward_map_male.csv")
    assert set(wards["vs_area"]) <= {"Better", "Similar", "Worse", "Not compared"}
    assert {"Better", "Worse"} <= set(wards["vs_area"])  # the planted gradient shows
    segment = pd.read_csv(chapter.figures / "06_gap_segment_male.csv")
    assert segment["cause_group"].nunique() == 8
    male_gap = gap.loc[gap["sex"] == "Male", "gap"].iloc[0]
    assert segment["contribution"].sum() == pytest.approx(male_gap, abs=1e-6)
    for name in ("06_le_local_decile_female", "06_gap_segment_female", "06_le_ward_map_female"):
        assert (chapter.figures / f"{name}.png").is_file()
    methods = le.data_and_methods(chapter, results).data
    assert "Chiang II" in methods and "`deaths.lsoa`" in methods


def test_demo_without_causes_splits_by_age_and_says_why(tmp_path):
    chapter = Chapter.start("06_life_expectancy_gap", None, None, tmp_path / "f", tmp_path / "r")
    deaths = chapter.pack.read("deaths.lsoa")  # the demo's, summed over causes
    keys = [c for c in deaths.columns if c not in ("cause_group", "deaths")]
    results = le.analyse(chapter, deaths=deaths.groupby(keys, as_index=False)["deaths"].sum())
    assert results.kind == "deaths" and not results.data["causes"]
    assert "deaths at ages" in results.findings[0][0]
    text = " ".join(o.data for o in le.causes_of_gap(chapter, results).outputs)
    assert "no cause of death" in text and "cause_group" in text
    ages = pd.read_csv(chapter.figures / "06_gap_segment_female.csv")
    assert list(ages["age_group"]) == ["Under 20", "20-39", "40-59", "60-74", "75 and over"]


def _real_pack(shared: Path, out: Path) -> Path:
    """The shared real pack's manifest plus its Local Health exports (absolute paths)."""
    data = tomllib.loads((shared / "datapack.toml").read_text(encoding="utf-8"))
    lines = ["[pack]"] + [f"{k} = {json.dumps(v)}" for k, v in data["pack"].items()]
    files = data["file"] + [
        {"role": "indicators.local_health", "path": "local_health/msoa_raw.csv", "level": "msoa",
         "period": "2015-2019"},
        {"role": "indicators.local_health", "path": "local_health/ltla_raw.csv", "level": "ltla",
         "period": "2015-2019"},
    ]  # fmt: skip
    for entry in files:
        lines.append("\n[[file]]")
        for key, value in entry.items():
            value = str(shared / value) if key == "path" else value
            lines.append(f"{key} = {json.dumps(value)}")
    out.mkdir(parents=True, exist_ok=True)
    (out / "datapack.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def test_real_area_maps_local_health_msoas(shared_data, tmp_path, monkeypatch):
    monkeypatch.setenv("JSNA_ALLOW_OUTSIDE", str(shared_data))
    pack = _real_pack(shared_data, tmp_path / "pack")
    chapter = Chapter.start("06_life_expectancy_gap", pack, "E08000012", tmp_path / "f",
                            tmp_path / "r")  # fmt: skip
    results = le.analyse(chapter)
    assert results.kind == "local_health" and results.period == "2015-2019"
    # Liverpool: 61 MSOAs; the LTLA export gives 80.3 / 76.5 years (SOURCES.md)
    assert len(results.data["msoa"]) == 61
    auth = results.data["authority"].set_index("measure")["value"]
    assert auth["le_female"] == pytest.approx(80.3) and auth["le_male"] == pytest.approx(76.5)
    q = results.data["quintile"].set_index("group")
    assert q.loc[5, "le_male"] - q.loc[1, "le_male"] > 3  # a real gradient
    shown = []
    for section in (le.england, le.inequalities, le.ward_map_section, le.causes_of_gap,
                    le.premature):  # fmt: skip
        shown += section(chapter, results).outputs
    text = " ".join(o.data for o in shown if isinstance(o, Markdown))
    assert sum(isinstance(o, TableView) for o in shown) == 2  # SMRs against England, wards
    assert "not available" not in text.lower()
    smr_map = pd.read_csv(tmp_path / "f" / "06_premature_smr_msoa_map.csv")
    assert len(smr_map) == 61 and smr_map["smr_all_u75"].max() > 160  # Liverpool's highest
    msoa_map = pd.read_csv(tmp_path / "f" / "06_le_msoa_map_male.csv")
    assert len(msoa_map) == 61 and msoa_map["le_male"].between(69, 86).sum() >= 55
    wards = pd.read_csv(tmp_path / "r" / "tables" / chapter.name / "le_ward_shared.csv")
    assert len(wards) == results.data["wards"].shape[0] > 20
    messages = " ".join(m for m, _ in results.findings)
    assert "Liverpool 0" in messages and "gap of" in messages


def test_pack_without_deaths_or_local_health_says_so_in_every_section(shared_data, tmp_path):
    chapter = Chapter.start("06_life_expectancy_gap", shared_data, "E08000014", tmp_path / "f",
                            tmp_path / "r")  # fmt: skip
    results = le.analyse(chapter)
    assert results.kind is None and not results.findings
    for section in (le.england, le.inequalities, le.ward_map_section, le.premature):
        assert [o.data for o in section(chapter, results).outputs] == [le.NO_DATA]
    recommendations = le.recommendations(chapter, results).data
    assert recommendations.startswith("**Draft for local review.**")
    assert "deaths extract" in recommendations and "under 75 are highest" not in recommendations
    assert "Roles lacking" in le.data_and_methods(chapter, results).data
    assert not list((tmp_path / "f").glob("*.png"))
