"""Demo records reproduce their planted truth, and their counts feed dsr and life_expectancy."""

from __future__ import annotations

import numpy as np
import pandas as pd

from jsna import DataPack
from jsna.columns import IMD_RANK, LSOA21_CODE, POPULATION
from jsna.demo.records import NATIONAL_LSOAS, YEARS, death_rates, load_records_truth
from jsna.records import Recipe, aggregate
from jsna.stats.dsr import dsr
from jsna.stats.life_expectancy import life_expectancy

DEATHS = {"date": "REG_DATE", "age": "DEC_AGEC", "sex": "DEC_SEX", "lsoa": "LSOA_OF_RESIDENCE_CODE"}


def poisson_slope(observed, expected, x) -> float:
    """Slope b of log(rate ratio) = a + b x, by Newton-Raphson on the Poisson likelihood."""
    design = np.column_stack([np.ones_like(x), x])
    beta = np.zeros(2)
    for _ in range(25):
        mu = expected * np.exp(design @ beta)
        beta += np.linalg.solve(design.T @ (design * mu[:, None]), design.T @ (observed - mu))
    return float(beta[1])


def test_demo_deaths_recover_the_planted_deprivation_gradient(demo_records, demo_pack):
    truth = load_records_truth(demo_records)
    recipe = Recipe(
        files=("deaths/*.parquet",),
        columns=DEATHS,
        base=demo_records,
        group_by=("lsoa", "sex"),
        disclosure="none",
    )
    counts = aggregate(recipe, pack=demo_pack)
    assert counts["count"].sum() == truth["deaths"]["rows"]
    # expected deaths from the base rates (gradient removed) and the pack's populations
    pack = DataPack.open(demo_pack)
    pop = pack.read("population.lsoa")
    rank = pack.read("imd").set_index(LSOA21_CODE)[IMD_RANK]
    u = 1 - (pop[LSOA21_CODE].map(rank).to_numpy(float) - 0.5) / NATIONAL_LSOAS
    female = (pop["sex"] == "Female").to_numpy()
    base = death_rates(pop["age"].to_numpy(), female, u) / np.exp(
        truth["deaths"]["gradient"] * (u - 0.5)
    )
    pop = pop.assign(expected=pop[POPULATION] * base * len(YEARS), u=u)
    by_lsoa = pop.groupby([LSOA21_CODE, "sex"]).agg(expected=("expected", "sum"), u=("u", "first"))
    joined = counts.set_index([LSOA21_CODE, "sex"]).join(by_lsoa)
    slope = poisson_slope(
        joined["count"].to_numpy(float), joined["expected"].to_numpy(), joined["u"].to_numpy() - 0.5
    )
    assert abs(slope - truth["deaths"]["gradient"]) < 0.15, slope
    # and the total is the expected total within sampling error
    assert abs(counts["count"].sum() - truth["deaths"]["expected"]) < 4 * np.sqrt(
        truth["deaths"]["expected"]
    )


def test_gp_registers_recover_the_planted_prevalence(demo_records):
    truth = load_records_truth(demo_records)["gp_registrations"]
    import duckdb

    files = str(demo_records / "gp_registrations" / "*.parquet")
    rows, hyp, dm = (
        duckdb.connect()
        .execute(f"SELECT count(*), sum(HYP), sum(DM) FROM read_parquet('{files}')")
        .fetchone()
    )
    assert rows == truth["rows"]
    for got, condition in ((hyp, "HYP"), (dm, "DM")):
        expected = truth["registers"][condition]["expected"]
        assert abs(got - expected) < 4 * np.sqrt(expected)


def test_counts_feed_dsr_and_life_expectancy_unchanged(demo_records, demo_pack):
    pack = DataPack.open(demo_pack)
    pop = pack.read("population.lsoa")
    # life expectancy: life-table bands by sex, person-years = population x 5 years
    recipe = Recipe(
        files=("deaths/*.parquet",),
        columns=DEATHS,
        base=demo_records,
        group_by=("sex", "age_band"),
        age_band="life_table",
        disclosure="none",
    )
    deaths = aggregate(recipe, pack=demo_pack)
    starts = np.array([0, 1, *range(5, 95, 5)])
    band = np.searchsorted(starts, pop["age"].to_numpy(), side="right") - 1
    labels = np.array(deaths["age_band"].unique())
    years = pop.assign(age_band=labels[band]).groupby(["sex", "age_band"])[POPULATION].sum() * len(
        YEARS
    )
    table = deaths.join(years.rename("person_years"), on=["sex", "age_band"])
    le = life_expectancy(table, "count", "person_years", by="sex", age_band="age_band")
    at_birth = le[le["age_band"] == "0"].set_index("sex")["value"]
    assert 70 < at_birth["Male"] < at_birth["Female"] < 90
    # DSR by ward with the ESP2013 19 bands
    ward = Recipe(
        files=("deaths/*.parquet",),
        columns=DEATHS,
        base=demo_records,
        group_by=("ward", "age_band"),
        disclosure="none",
    )
    by_ward = aggregate(ward, pack=demo_pack)
    lookup = pack.read("lookup.lsoa_ward_lad")
    esp = np.minimum(pop["age"].to_numpy() // 5, 18)
    esp_labels = [*[f"{a}-{a + 4}" for a in range(0, 90, 5)], "90+"]
    ward_pop = pop.assign(
        age_band=np.array(esp_labels)[esp],
        wd25_code=pop[LSOA21_CODE].map(lookup.set_index(LSOA21_CODE)["wd25_code"]),
    ).groupby(["wd25_code", "age_band"])[POPULATION].sum() * len(YEARS)
    table = by_ward.join(ward_pop.rename("person_years"), on=["wd25_code", "age_band"])
    rates = dsr(table, "count", "person_years", by="wd25_code", age_band="age_band")
    assert len(rates) == 22 and rates["value"].between(500, 3000).all()
    assert isinstance(rates, pd.DataFrame)
