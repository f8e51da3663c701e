"""Demo records reproduce their planted truth, and their counts feed dsr and life_expectancy."""

from __future__ import annotations

import numpy as np
import pandas as pd

from jsna import DataPack
from jsna.columns import IMD_RANK, LSOA21_CODE, POPULATION
from jsna.demo.deaths import mortality_rates
from jsna.demo.pack import load_truth
from jsna.demo.records import NATIONAL_LSOAS, YEARS, load_records_truth, write_demo_records
from jsna.records import Recipe, aggregate, load_recipe
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


def _expected_without_gradient(pack: DataPack, truth: dict) -> pd.DataFrame:
    """Expected deaths by LSOA and sex from the planted rates with the deprivation gradient
    taken out, and each LSOA's u - 0.5."""
    pop = pack.read("population.lsoa")
    rank = pack.read("imd").set_index(LSOA21_CODE)[IMD_RANK]
    u = 1 - (pop[LSOA21_CODE].map(rank).to_numpy(float) - 0.5) / NATIONAL_LSOAS
    starts = np.array([0, 1, *range(5, 95, 5)])
    band = np.searchsorted(starts, pop["age"].to_numpy(), side="right") - 1
    # mortality_rates at u = 0.5 carries no gradient: the base rates by sex and band
    base = mortality_rates([0.5])[0] * truth["authority_excess"]  # (sex [F, M], band)
    sex = (pop["sex"] == "Male").to_numpy().astype(int)
    pop = pop.assign(
        expected=pop[POPULATION] * base[sex, band] * len(YEARS) * truth["scale"], x=u - 0.5
    )
    return pop.groupby([LSOA21_CODE, "sex"]).agg(expected=("expected", "sum"), x=("x", "first"))


def test_demo_deaths_recover_the_planted_deprivation_gradient(demo_records, demo_pack):
    truth = load_records_truth(demo_records)["deaths"]
    recipe = Recipe(
        files=("deaths/*.parquet",),
        columns=DEATHS,
        base=demo_records,
        group_by=("lsoa", "sex"),
        disclosure="none",
    )
    counts = aggregate(recipe, pack=demo_pack)
    assert counts["count"].sum() == truth["rows"]
    joined = counts.set_index([LSOA21_CODE, "sex"]).join(
        _expected_without_gradient(DataPack.open(demo_pack), truth)
    )
    for sex in ("Female", "Male"):
        part = joined.xs(sex, level="sex")
        slope = poisson_slope(
            part["count"].to_numpy(float), part["expected"].to_numpy(), part["x"].to_numpy()
        )
        # planted 0.85 (women) and 1.05 (men); about 6,000 deaths each over 150 LSOAs
        assert abs(slope - truth["gradient"][sex]) < 0.25, (sex, slope)
    # the total is the expected total within sampling error
    assert abs(counts["count"].sum() - truth["expected"]) < 4 * np.sqrt(truth["expected"])


def test_demo_deaths_recover_the_planted_causes(demo_records, demo_pack):
    truth = load_records_truth(demo_records)["deaths"]
    recipe = Recipe(
        files=("deaths/*.parquet",),
        columns={**DEATHS, "cause": "S_UNDERLYING_COD_ICD10"},
        base=demo_records,
        group_by=("cause_group",),
        disclosure="none",
    )
    counts = aggregate(recipe, pack=demo_pack).set_index("cause_group")["count"]
    for group, expected in truth["expected_by_cause"].items():
        assert abs(counts[group] - expected) < 4 * np.sqrt(expected) + 1, group
    assert counts.sum() == truth["rows"]


def test_the_pack_deaths_file_is_the_aggregation_of_its_records(demo_pack):
    # the demo pack's deaths.lsoa file: its records run through its recipe, cause by cause
    pack = DataPack.open(demo_pack)
    deaths = pack.read("deaths.lsoa")
    recipe = load_recipe(demo_pack / "records" / "deaths_by_lsoa.toml")
    counts = aggregate(recipe, pack=demo_pack)
    joined = deaths.merge(
        counts, on=[LSOA21_CODE, "sex", "age_band", "cause_group"], how="outer", indicator=True
    )
    assert (joined["_merge"] == "both").all() and len(joined) == len(deaths) == 150 * 2 * 20 * 8
    assert (joined["deaths"] == joined["count"]).all()
    truth = load_truth(demo_pack)
    records = load_records_truth(demo_pack / "records")["deaths"]
    assert deaths["deaths"].sum() == truth["deaths"]["total"] == records["rows"]
    # the planted truth of the records: deaths by cause within sampling error of the planted
    by_cause = deaths.groupby("cause_group")["deaths"].sum()
    for group, expected in records["expected_by_cause"].items():
        assert abs(by_cause[group] - expected) < 4 * np.sqrt(expected) + 1, group


def test_records_deaths_scale_and_keep_the_pack_own(demo_pack, tmp_path):
    truth = write_demo_records(demo_pack, tmp_path, kinds=("deaths",), scale=3, rows_per_file=9000)
    deaths = truth["deaths"]
    assert len(deaths["files"]) == int(np.ceil(deaths["rows"] / 9000))
    assert abs(deaths["rows"] - deaths["expected"]) < 4 * np.sqrt(deaths["expected"])
    own = load_records_truth(demo_pack / "records")["deaths"]
    assert abs(deaths["expected"] / own["expected"] - 3) < 1e-6


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


def test_jsna_demo_keeps_the_pack_own_records(tmp_path):
    # `jsna demo` writes the other records into the pack's records folder: the deaths and GP
    # registrations the pack's files were aggregated from are kept, byte for byte, with
    # their truth
    from jsna.demo.pack import FILES, write_demo_pack

    pack = write_demo_pack(tmp_path / "demo")
    before = {k: (pack / FILES[k]).read_bytes() for k in ("deaths_records", "gp_records")}
    own = load_records_truth(pack / "records")
    truth = write_demo_records(pack, kinds=("deaths", "gp_registrations", "admissions"))
    assert {k: (pack / FILES[k]).read_bytes() for k in before} == before
    assert truth["deaths"] == own["deaths"]
    assert truth["gp_registrations"] == own["gp_registrations"]
    assert load_records_truth(pack / "records")["admissions"]["rows"] > 0
    assert sorted(p.name for p in (pack / "records" / "deaths").iterdir()) == [
        "deaths_2019-2023.parquet"
    ]


def test_the_pack_patients_file_is_counted_from_its_gp_records(demo_pack):
    # gp.lsoa_patients (practice x LSOA x sex, the NHS Digital layout) is the recipe's count
    # of the pack's GP registration records, and their registers follow the planted prevalence
    import duckdb

    pack = DataPack.open(demo_pack)
    patients = pack.read("gp.lsoa_patients")
    counts = aggregate(load_recipe(demo_pack / "records" / "gp_by_practice.toml"), pack=demo_pack)
    assert counts["count"].sum() == patients["patients"].sum()
    raw = pd.read_csv(demo_pack / "gp" / "gp-reg-pat-prac-lsoa-male-female-Apr-23.csv", dtype=str)
    joined = raw.merge(
        counts.assign(SEX=counts["sex"].str.upper()),
        left_on=["PRACTICE_CODE", "LSOA_CODE", "SEX"],
        right_on=["practice_code", LSOA21_CODE, "SEX"],
        how="outer",
        indicator=True,
    )
    assert (joined["_merge"] == "both").all() and len(joined) == len(raw)
    assert (joined["NUMBER_OF_PATIENTS"].astype(int) == joined["count"]).all()
    truth = load_records_truth(demo_pack / "records")["gp_registrations"]
    files = str(demo_pack / "records" / "gp_registrations" / "*.parquet")
    rows, hyp, dm = (
        duckdb.connect()
        .execute(f"SELECT count(*), sum(HYP), sum(DM) FROM read_parquet('{files}')")
        .fetchone()
    )
    assert rows == truth["rows"] == joined["count"].sum()
    for got, condition in ((hyp, "HYP"), (dm, "DM")):
        expected = truth["registers"][condition]["expected"]
        assert abs(got - expected) < 4 * np.sqrt(expected)
