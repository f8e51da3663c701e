"""The demo population: plausible sizes, younger where more deprived."""

from __future__ import annotations

import numpy as np


def test_population_is_plausible_and_younger_where_deprived(pack_csv):
    population = pack_csv("population")
    imd = pack_csv("imd")
    ages = population.iloc[:, 5:].astype(int).to_numpy()
    total = population["Total"].astype(int).to_numpy()
    np.testing.assert_array_equal(ages.sum(axis=1), total)
    assert 1_200 < total.mean() < 1_800 and total.min() > 800
    children = ages[:, :16].sum(axis=1) + ages[:, 91:107].sum(axis=1)
    share = children / total
    decile = imd[
        "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)"
    ].astype(int)
    assert share[decile <= 2].mean() > share[decile >= 9].mean() + 0.05
