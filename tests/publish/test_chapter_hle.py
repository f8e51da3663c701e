"""Chapter 06's healthy life expectancy (Sullivan) from Census 2021 general health by age.

On the demo pack (synthetic): healthy life expectancy is below life expectancy, in a
plausible range, higher in the least than in the most deprived fifth, and its limits are
those of the Euro-REVES practical guide (Jagger, Hauet et al. 1997, "Practical guide on
health expectancy calculation: the Sullivan method", equations 20-21,
https://euroreves.ined.fr/methods/cookdef/node17.html and node20.html): variance
``sum L_x**2 pi_x (1 - pi_x) / N_x / l_0**2`` over the Census age bands, recomputed here
by hand from the pack's files. A pack without general health by age keeps the sentence
saying what the table would add.
"""

from __future__ import annotations

import shutil
import tomllib

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from jsna.analysis.mortality import mortality_counts  # noqa: E402
from jsna.demo.pack import DEMO_AREA_CODE, FILES, write_demo_pack  # noqa: E402
from jsna.publish.chapter import Chapter, TableView  # noqa: E402
from jsna.publish.chapters import life_expectancy as le  # noqa: E402
from jsna.stats.life_expectancy import life_expectancy  # noqa: E402

Z95 = 1.959963984540054


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    return write_demo_pack(tmp_path_factory.mktemp("hle") / "pack")


def _run(pack, out):
    chapter = Chapter.start("06_life_expectancy_gap", str(pack), None, out / "f", out / "r")
    results = le.analyse(chapter)
    return chapter, le.healthy_life_expectancy(chapter, results)


@pytest.fixture(scope="module")
def section(pack, tmp_path_factory):
    chapter, section = _run(pack, tmp_path_factory.mktemp("out"))
    return chapter, section


def _table(section) -> pd.DataFrame:
    views = [o for o in section.outputs if isinstance(o, TableView)]
    assert len(views) == 1
    return views[0].data


def test_hle_below_le_and_plausible(section):
    _, sec = section
    t = _table(sec).set_index(["Area or local deprivation fifth", "Sex"])
    hle = t["Healthy life expectancy at birth (years)"]
    life = t["Life expectancy at birth (years)"]
    assert (hle < life - 10).all()
    area = t.loc["Demoshire (synthetic)"]
    assert area.index.tolist() == ["Female", "Male"]
    # Census-based HLE at birth in England is in the 60s; the demo area is deprived
    assert area["Healthy life expectancy at birth (years)"].between(55, 68).all()
    for sex in ("Female", "Male"):
        most = t.loc[("Quintile 1 (most deprived)", sex)]
        least = t.loc[("Quintile 5 (least deprived)", sex)]
        hle_gap = least["Healthy life expectancy at birth (years)"] - most.iloc[0]
        le_gap = (
            least["Life expectancy at birth (years)"] - most["Life expectancy at birth (years)"]
        )
        assert hle_gap > le_gap > 0  # more years and more of them in good health
    assert (t["Lower 95% CI"] < hle).all() and (hle < t["Upper 95% CI"]).all()


def test_sentence_says_census_based(section):
    _, sec = section
    text = sec.outputs[0].data
    assert "Census 2021-based" in text and "very good or good health" in text
    assert "for females" in text and "for males" in text


def test_limits_follow_the_euro_reves_guide(section, pack):
    chapter, sec = section
    t = _table(sec)
    area = t[t["Area or local deprivation fifth"] == "Demoshire (synthetic)"].set_index("Sex")
    # by hand: the Chiang II life table, summed into the Census bands, and the Census counts
    counts = mortality_counts(chapter.pack, DEMO_AREA_CODE, by="area")
    keys = ["sex", "age_band"]
    if "cause_group" in counts:  # every cause on every cell: people once, deaths summed
        one = counts["cause_group"] == counts["cause_group"].iloc[0]
        people = counts[one].groupby(keys)["population"].sum()
        counts = counts.groupby(keys)["deaths"].sum().to_frame().join(people).reset_index()
    else:
        counts = counts.groupby(keys, as_index=False)[["deaths", "population"]].sum()
    table = life_expectancy(
        counts, "deaths", "population", by="sex", age_band="age_band", life_table=True
    )
    raw = pd.read_csv(pack / FILES["census_health_age"])
    health = raw["General health (6 categories)"]
    raw["good"] = np.where(health.isin(["Very good health", "Good health"]), raw["Observation"], 0)
    raw["start"] = raw["Age (18 categories) Code"].map(lambda c: 0 if c == 1 else 5 * (c - 1))
    census = raw.groupby(["Sex (2 categories)", "start"])[["good", "Observation"]].sum()
    for sex in ("Female", "Male"):
        lt = table[table["sex"] == sex]
        start = np.where(lt["age_band"] >= 85, 85, np.where(lt["age_band"] < 5, 0, lt["age_band"]))
        big_l = lt.groupby(start)["nLx"].sum().to_numpy()
        c = census.loc[sex]
        pi = (c["good"] / c["Observation"]).to_numpy()
        n = c["Observation"].to_numpy()
        l0 = lt["lx"].iloc[0]
        hle = (pi * big_l).sum() / l0
        se = np.sqrt((big_l**2 * pi * (1 - pi) / n).sum()) / l0
        row = area.loc[sex]
        assert row["Healthy life expectancy at birth (years)"] == pytest.approx(hle, abs=0.006)
        assert row["Lower 95% CI"] == pytest.approx(hle - Z95 * se, abs=0.006)
        assert row["Upper 95% CI"] == pytest.approx(hle + Z95 * se, abs=0.006)
        assert 0.05 < se < 0.2  # narrow: Census counts, prevalence term only


def test_pack_without_health_by_age_keeps_the_sentence(pack, tmp_path):
    copy = tmp_path / "pack"
    shutil.copytree(pack, copy)
    manifest = copy / FILES["manifest"]
    text = manifest.read_text(encoding="utf-8")
    blocks = text.split("\n[[file]]\n")
    kept = [b for b in blocks if 'role = "census.health_age"' not in b]
    assert len(kept) == len(blocks) - 1
    manifest.write_text("\n[[file]]\n".join(kept), encoding="utf-8")
    assert not any(
        f["role"] == "census.health_age"
        for f in tomllib.loads(manifest.read_text(encoding="utf-8"))["file"]
    )
    _, sec = _run(copy, tmp_path / "out")
    assert len(sec.outputs) == 1
    assert "this pack has no such table" in sec.outputs[0].data
