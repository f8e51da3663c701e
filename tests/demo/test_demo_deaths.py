"""The demo deaths file: layout, totals and a plausible death rate."""

from __future__ import annotations


def test_deaths_file(pack_csv, truth):
    deaths = pack_csv("deaths")
    assert list(deaths.columns) == ["LSOA21CD", "sex", "age_band", "deaths", "period"]
    assert deaths["age_band"].nunique() == 20 and set(deaths["period"]) == {"2019-2023"}
    assert deaths["deaths"].astype(int).sum() == truth["deaths"]["total"]
    per_year = truth["deaths"]["total"] / 5 / truth["population"]["total"]
    assert 0.007 < per_year < 0.014
