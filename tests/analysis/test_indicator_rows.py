"""Picking an area's rows and the latest period from a tidy Fingertips frame."""

from __future__ import annotations

import pandas as pd

from jsna.analysis.indicator_rows import (
    area_rows,
    latest_rows,
    one_per_comparator,
    period_order,
    without_categories,
)


def frame():
    return pd.DataFrame(
        {
            "indicator_id": [92443] * 6,
            "area_code": ["E08000014"] * 5 + ["E08000012"],
            "sex": "Persons",
            "age": "18+ yrs",
            "period": ["2021", "2022", "2022", "2022", "2023", "2023"],
            "period_sortable": [20210000, 20220000, 20220000, 20220000, 20230000, 20230000],
            "category_type": ["", "", "", "Deprivation deciles", None, ""],
            "compared_to_parent_type": ["England", "England", "Region", "England", "England", "x"],
            "value": [14.1, 12.6, 12.6, 20.3, 11.9, 17.0],
        }
    )


def test_area_rows_drop_categories_and_comparator_repeats():
    rows = area_rows(frame(), "E08000014")
    assert rows["value"].tolist() == [14.1, 12.6, 11.9]


def test_latest_rows_per_series():
    assert latest_rows(area_rows(frame(), "E08000014"))["value"].tolist() == [11.9]
    both = without_categories(frame())
    assert latest_rows(both)["value"].tolist() == [11.9, 17.0]


def test_period_order_and_comparators():
    assert period_order(frame()) == "period_sortable"
    assert period_order(frame().drop(columns="period_sortable")) == "period"
    plain = frame().drop(columns="compared_to_parent_type")
    assert len(one_per_comparator(plain, ["period"])) == 6
    assert len(one_per_comparator(frame(), ["period"])) == 3
