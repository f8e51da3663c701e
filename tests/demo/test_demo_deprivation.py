"""The demo IoD File 7: national ranks, consistent deciles, a deprived core."""

from __future__ import annotations

import numpy as np


def test_imd_ranks_deciles_and_spread(pack_csv, truth):
    imd = pack_csv("imd")
    rank = imd["Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)"].astype(int)
    decile = imd[
        "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)"
    ].astype(int)
    score = imd["Index of Multiple Deprivation (IMD) Score"].astype(float)
    assert rank.between(1, 33_755).all() and rank.is_unique
    np.testing.assert_array_equal(decile, np.ceil(rank * 10 / 33_755).astype(int))
    assert (
        np.diff(score.to_numpy()[np.argsort(rank.to_numpy())]) <= 0
    ).all()  # higher score, lower rank
    assert (decile <= 2).sum() >= 15 and (decile >= 9).sum() >= 10
    assert truth["deprivation"]["core20_lsoas"] == (decile <= 2).sum()
