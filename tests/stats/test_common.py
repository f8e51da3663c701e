"""Grouping helpers of jsna.stats.common: categorical keys give the same groups as text keys."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from jsna.stats.common import factorize, group_index, group_runs, take_rows

keys = st.lists(st.sampled_from(["a", "b", "c", None]), min_size=0, max_size=30)


@settings(max_examples=200, deadline=None)
@given(keys, keys, st.booleans())
def test_categorical_keys_group_like_text_keys(first, second, sort):
    n = min(len(first), len(second))
    text = pd.DataFrame({"x": first[:n], "y": second[:n]}, dtype=object)
    if sort:  # rows of a group together (the cheap path of group_runs)
        text = text.sort_values(["x", "y"], na_position="last").reset_index(drop=True)
    # categories in another order than first appearance, and one never used
    dtype = pd.CategoricalDtype(["c", "z", "b", "a"])
    cats = text.astype(dtype)
    for by in (["x"], ["x", "y"], ["y", "x"]):
        codes, groups = group_index(text, by)
        cat_codes, cat_groups = group_index(cats, by)
        assert codes.tolist() == cat_codes.tolist()
        assert groups.astype(object).equals(cat_groups.astype(object))
        assert (group_runs(text, by)[2] is None) == (group_runs(cats, by)[2] is None)
    codes, uniques = factorize(cats["x"])
    expected, expected_uniques = pd.factorize(text["x"])
    assert codes.tolist() == expected.tolist() and list(uniques) == list(expected_uniques)


def test_group_index_worked_example_with_missing_keys():
    df = pd.DataFrame(
        {
            "ward": pd.Categorical(["W2", "W2", "W1", None, "W1"], categories=["W1", "W2"]),
            "sex": ["Male", "Male", "Male", "Female", "Female"],
        }
    )
    codes, keys = group_index(df, ["ward", "sex"])
    assert codes.tolist() == [0, 0, 1, 2, 3]
    assert keys["ward"].tolist()[:2] == ["W2", "W1"] and pd.isna(keys["ward"].iloc[2])
    assert isinstance(keys["ward"].dtype, pd.CategoricalDtype)


def test_take_rows_keeps_categories_and_takes_numbers():
    ward = pd.Series(pd.Categorical(["W1", "W2"], categories=["W2", "W1"]))
    taken = take_rows(ward, np.array([1, 0, 1]))
    assert isinstance(taken.dtype, pd.CategoricalDtype) and list(taken.categories) == ["W2", "W1"]
    assert list(taken) == ["W2", "W1", "W2"]
    assert take_rows(pd.Series([0.5, 1.5]), np.array([1, 1])).tolist() == [1.5, 1.5]
