"""Tests of jsna.analysis.suppression: each rule with real numbers, the real Sefton data, and
properties.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jsna.analysis.suppression import (
    CONFIDENTIAL_MARKER,
    DEFAULT_RULE,
    MARKER_COLUMN,
    SUPPRESS_FROM,
    SUPPRESS_TO,
    SuppressionRule,
    check_counts,
    suppress,
)
from jsna.exceptions import DataValidationError, JSNAError

SEFTON = "E08000014"


def hidden(out: pd.DataFrame, column: str = "count") -> list[bool]:
    return out[column].isna().tolist()


# --- the rule -------------------------------------------------------------


def test_default_rule_is_one_to_four_with_zeros_shown():
    assert (SUPPRESS_FROM, SUPPRESS_TO) == (1, 4)
    assert DEFAULT_RULE == SuppressionRule(lower=1, upper=4, marker="[c]")
    assert CONFIDENTIAL_MARKER == "[c]"


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"lower": 5, "upper": 4}, "0 <= lower <= upper"),
        ({"lower": -1}, "0 <= lower <= upper"),
        ({"upper": 4.5}, "not a whole number"),
        ({"upper": True}, "not a whole number"),
        ({"marker": ""}, "non-empty string"),
    ],
)
def test_bad_rule_is_refused(kwargs, match):
    with pytest.raises(DataValidationError, match=match):
        SuppressionRule(**kwargs)


# --- primary suppression --------------------------------------------------


def test_primary_suppresses_one_to_four_and_shows_zero():
    df = pd.DataFrame({"count": [0, 1, 2, 3, 4, 5, 10]})
    out, report = suppress(df, count_columns="count")
    # four cells hidden (sum 10, not all ones): no secondary suppression needed
    assert hidden(out) == [False, True, True, True, True, False, False]
    assert out["count"].tolist()[0] == 0
    assert out["count"].tolist()[5:] == [5, 10]
    assert out[MARKER_COLUMN].tolist() == ["", "[c]", "[c]", "[c]", "[c]", "", ""]
    assert (report.primary, report.secondary, report.derived, report.unprotected) == (4, 0, 0, 0)


def test_custom_rule_thresholds():
    df = pd.DataFrame({"count": [0, 0, 5, 9, 10, 200]})
    out, report = suppress(df, count_columns="count", rule=SuppressionRule(lower=1, upper=9))
    assert hidden(out) == [False, False, True, True, False, False]
    assert report.primary == 2
    out, report = suppress(df, count_columns="count", rule=SuppressionRule(lower=0, upper=4))
    # the two zeros add up to 0, which the total would give away: the 5 is hidden as well
    assert hidden(out) == [True, True, True, False, False, False]
    assert "zeros are suppressed too" in report.note


def test_marker_can_be_changed():
    df = pd.DataFrame({"count": [2, 3, 50]})
    out, _ = suppress(df, count_columns="count", rule=SuppressionRule(marker="*"))
    assert out[MARKER_COLUMN].tolist() == ["*", "*", ""]


def test_missing_counts_pass_through_unmarked():
    df = pd.DataFrame({"count": [np.nan, 20, 30, 3, 7]})
    out, report = suppress(df, count_columns="count")
    # the NaN does not protect the 3: the next-smallest shown cell (7) is hidden too
    assert hidden(out) == [True, False, False, True, True]
    assert out[MARKER_COLUMN].tolist() == ["", "", "", "[c]", "[c]"]
    assert (report.primary, report.secondary) == (1, 1)


# --- secondary suppression ------------------------------------------------


def test_secondary_with_total_row_hides_next_smallest_nonzero_cell():
    wards = pd.DataFrame(
        {
            "area": ["A", "B", "C", "D", "Sefton"],
            "count": [3, 12, 40, 0, 55],
            "is_total": [False, False, False, False, True],
        }
    )
    out, report = suppress(wards, count_columns="count", total="is_total")
    assert hidden(out) == [True, True, False, False, False]
    assert out["count"].tolist()[2:] == [40, 0, 55]
    assert (report.primary, report.secondary) == (1, 1)
    # the recovery attempt: total minus published cells is 15, split over two hidden cells
    published = out.loc[~out.is_total, "count"].sum()
    assert 55 - published == 15 == 3 + 12


def test_secondary_without_total_row_assumes_total_is_published_elsewhere():
    df = pd.DataFrame({"count": [3, 7, 20, 9]})
    out, report = suppress(df, count_columns="count")
    assert hidden(out) == [True, True, False, False]
    assert report.secondary == 1


def test_all_ones_with_total_shown_gets_one_more_cell():
    # hidden 1 + 1 = 2 = total - published would reveal both ones
    df = pd.DataFrame({"count": [1, 1, 30, 50, 82], "is_total": [False] * 4 + [True]})
    out, report = suppress(df, count_columns="count", total="is_total")
    assert hidden(out) == [True, True, True, False, False]
    assert (report.primary, report.secondary) == (2, 1)


def test_small_total_is_suppressed_and_protects_its_cell():
    df = pd.DataFrame({"count": [2, 0, 0, 2], "is_total": [False, False, False, True]})
    out, report = suppress(df, count_columns="count", total="is_total")
    assert hidden(out) == [True, False, False, True]
    assert (report.primary, report.secondary) == (2, 0)


def test_zero_is_used_only_when_no_nonzero_cell_is_left():
    df = pd.DataFrame({"count": [3, 0]})
    with pytest.warns(UserWarning, match="narrowed to less than 5 wide"):
        out, report = suppress(df, count_columns="count")
    assert hidden(out) == [True, True]
    # the total 3 (published elsewhere) still bounds both hidden cells to 0-3
    assert report.secondary == 1 and report.unprotected == 2


def test_total_row_is_used_when_no_cell_is_left():
    # two ones and a zero: their total 2 is hidden as a small count, which protects the ones
    df = pd.DataFrame({"count": [1, 1, 0, 2], "is_total": [False] * 3 + [True]})
    out, report = suppress(df, count_columns="count", total="is_total")
    assert hidden(out) == [True, True, False, True]
    assert (report.primary, report.secondary) == (3, 0)
    # five ones add up to 5: each lies in 0-4 for a reader, wide enough, so the total is shown
    df = pd.DataFrame({"count": [1, 1, 1, 1, 1, 5], "is_total": [False] * 5 + [True]})
    out, report = suppress(df, count_columns="count", total="is_total")
    assert hidden(out) == [True] * 5 + [False]


def test_groups_are_suppressed_independently():
    df = pd.DataFrame(
        {
            "lad": ["X", "X", "X", "Y", "Y", "Y"],
            "count": [2, 50, 60, 8, 70, 80],
        }
    )
    out, report = suppress(df, count_columns="count", by="lad")
    assert hidden(out) == [True, True, False, False, False, False]
    assert (report.primary, report.secondary) == (1, 1)


def test_single_cell_group_with_known_total_warns():
    df = pd.DataFrame({"lad": ["X", "Y", "Y"], "count": [3, 40, 50]})
    with pytest.warns(UserWarning, match=r"group\(s\) 'X'.*narrowed to less than 5 wide"):
        out, report = suppress(df, count_columns="count", by="lad")
    assert hidden(out) == [True, False, False]
    assert report.unprotected == 1


def test_each_count_column_is_protected_separately():
    df = pd.DataFrame({"male": [3, 20, 30], "female": [40, 2, 1]})
    out, report = suppress(df, count_columns=["male", "female"])
    assert hidden(out, "male") == [True, True, False]
    # 2 + 1 = 3 would bound both to 0-3, so the 40 is hidden as well
    assert hidden(out, "female") == [True, True, True]
    assert out[MARKER_COLUMN].tolist() == ["[c]", "[c]", "[c]"]
    assert (report.primary, report.secondary) == (3, 2)


# --- derived values -------------------------------------------------------


def test_default_derived_columns_follow_their_count():
    df = pd.DataFrame(
        {
            "count": [3, 12, 40],
            "denominator": [1000, 1200, 1500],
            "value": [300.0, 1000.0, 2666.7],
            "lower_ci95": [61.9, 516.7, 1905.0],
            "upper_ci95": [876.7, 1746.8, 3631.2],
        }
    )
    out, report = suppress(df, count_columns="count")
    for column in ("count", "value", "lower_ci95", "upper_ci95"):
        assert hidden(out, column) == [True, True, False], column
    assert out["denominator"].tolist() == [1000, 1200, 1500]
    assert out["value"].iloc[2] == 2666.7
    assert (report.primary, report.secondary, report.derived) == (1, 1, 6)
    assert report.mask.loc[0].all() and not report.mask.loc[2].any()


def test_derived_columns_by_count_column():
    df = pd.DataFrame(
        {
            "deaths": [2, 3, 50],
            "births": [100, 200, 300],
            "rate": [2.0, 1.5, 16.7],
            "share": [0.1, 0.2, 0.7],
        }
    )
    out, report = suppress(
        df,
        count_columns=["deaths", "births"],
        derived_columns={"deaths": ["rate"], "births": ["share"]},
    )
    assert hidden(out, "rate") == [True, True, False]
    assert not out["share"].isna().any()
    assert report.derived == 2


def test_no_derived_columns():
    df = pd.DataFrame({"count": [3, 4, 40], "value": [1.0, 2.0, 3.0]})
    out, report = suppress(df, count_columns="count", derived_columns=[])
    assert out["value"].tolist() == [1.0, 2.0, 3.0]
    assert report.derived == 0


# --- the note -------------------------------------------------------------


def test_note_when_nothing_suppressed():
    _, report = suppress(pd.DataFrame({"count": [0, 5, 60]}), count_columns="count")
    assert report.note == (
        "Counts of 1 to 4 are shown as [c] to protect confidentiality (zeros are shown): "
        "none here, so nothing was suppressed."
    )


def test_note_names_every_kind_of_suppression():
    df = pd.DataFrame({"count": [3, 12, 40], "value": [0.1, 0.2, 0.3]})
    _, report = suppress(df, count_columns="count")
    assert report.note == (
        "Counts of 1 to 4 are shown as [c] to protect confidentiality (zeros are shown): 1 count "
        "here, "
        "1 further count so that it cannot be worked out from totals, and 2 values calculated "
        "from suppressed counts."
    )


# --- bad input fails loudly -----------------------------------------------


@pytest.mark.parametrize(
    "values, match",
    [
        ([1, -2, 3], r"negative counts: -2\.0"),
        ([1, 2.5, 3], r"not whole numbers: 2\.5"),
        ([1, np.inf, 3], "infinite counts"),
        (["1", "three", "3"], r"not numbers: 'three'"),
    ],
)
def test_bad_counts_raise(values, match):
    df = pd.DataFrame({"count": values})
    with pytest.raises(DataValidationError, match=match) as info:
        suppress(df, count_columns="count")
    assert "'count'" in str(info.value)
    assert isinstance(info.value, JSNAError)


def test_check_counts_accepts_whole_floats_and_missing():
    check_counts(pd.DataFrame({"n": [0.0, 3.0, np.nan]}), "n")


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"count_columns": "deaths"}, r"count_columns='deaths' is not a column"),
        ({"count_columns": []}, "count_columns is empty"),
        ({"count_columns": "count", "by": "ward"}, r"by='ward' is not a column"),
        (
            {"count_columns": "count", "derived_columns": ["rate"]},
            r"derived_columns='rate' is not a column",
        ),
        ({"count_columns": "count", "derived_columns": {"value": ["count"]}}, "not count_columns"),
        ({"count_columns": "count", "derived_columns": ["count"]}, "also count_columns"),
        ({"count_columns": "count", "total": "value"}, "must be True/False"),
        ({"count_columns": "count", "rule": 5}, "not a SuppressionRule"),
    ],
)
def test_bad_arguments_raise(kwargs, match):
    df = pd.DataFrame({"count": [1, 20, 30], "value": [0.5, 0.6, 0.7], "lad": ["X", "X", "X"]})
    with pytest.raises(DataValidationError, match=match):
        suppress(df, **kwargs)


def test_two_totals_in_a_group_raise():
    df = pd.DataFrame(
        {"lad": ["X", "X", "X"], "count": [5, 6, 11], "is_total": [True, False, True]}
    )
    with pytest.raises(DataValidationError, match=r"more than one total row in group\(s\) 'X'"):
        suppress(df, count_columns="count", by="lad", total="is_total")


def test_suppressing_twice_is_refused():
    out, _ = suppress(pd.DataFrame({"count": [3, 30, 40]}), count_columns="count")
    with pytest.raises(DataValidationError, match="looks suppressed already"):
        suppress(out, count_columns="count")


# --- the real Sefton data ---------------------------------------------------


@pytest.fixture(scope="module")
def sefton_90_plus(shared_data) -> pd.DataFrame:
    """Residents aged 90+ in each Sefton LSOA (ONS mid-2020, LSOA 2011), with MSOA and ward."""
    population = pd.read_csv(
        shared_data / "population" / "Mid-2020_Persons_LSOA11_CheshireMerseyside.csv", dtype=str
    )
    population = population[population["LA Code (2021 boundaries)"] == SEFTON]
    lsoa11_21 = pd.read_csv(shared_data / "lookups" / "LSOA11_LSOA21_LAD22_EW_LU.csv", dtype=str)
    lsoa21_ward = pd.read_csv(shared_data / "lookups" / "LSOA21_WD24_LAD24_EW_LU.csv", dtype=str)
    wards = (
        lsoa11_21[["LSOA11CD", "LSOA21CD"]]
        .merge(lsoa21_ward[["LSOA21CD", "WD24CD", "WD24NM"]], on="LSOA21CD")
        .drop_duplicates(["LSOA11CD", "WD24CD"])
    )
    frame = pd.DataFrame(
        {
            "area_code": population["LSOA Code"],
            "area_name": population["LSOA Name"],
            "msoa": population["LSOA Name"].str[:-1],  # "Sefton 001A" -> "Sefton 001"
            "count": population["90+"].astype(int),
            "denominator": population["All Ages"].astype(int),
        }
    ).merge(
        wards[["LSOA11CD", "WD24CD", "WD24NM"]],
        left_on="area_code",
        right_on="LSOA11CD",
        how="left",
    )
    assert len(frame) == 189 and frame["area_code"].is_unique
    assert frame["WD24CD"].notna().all()
    return frame.drop(columns="LSOA11CD")


def with_totals(cells: pd.DataFrame, group: str) -> pd.DataFrame:
    """LSOA rows plus one published total row per group (computed from unsuppressed data)."""
    totals = cells.groupby(group, as_index=False)[["count", "denominator"]].sum()
    totals["area_code"] = totals[group]
    totals["area_name"] = totals[group]
    table = pd.concat(
        [cells.assign(is_total=False), totals.assign(is_total=True)], ignore_index=True
    )[["area_code", "area_name", group, "count", "denominator", "is_total"]]
    table["value"] = table["count"] / table["denominator"] * 1000  # per 1,000 residents
    return table


def recovery_attempts(original: pd.DataFrame, out: pd.DataFrame, group: str) -> list[str]:
    """Try to recover every suppressed cell as total minus the published cells; list the successes.

    The attacker knows the group total (the published total row, or the true
    total when the row is suppressed - as if it were published elsewhere),
    the published cells, and that zeros are shown (so each hidden cell >= 1).
    """
    recovered = []
    for key, cells in out[~out["is_total"]].groupby(group):
        truth = original[~original["is_total"] & (original[group] == key)]
        total = truth["count"].sum()
        shown = cells["count"].notna()
        n_hidden = int((~shown).sum())
        if n_hidden == 0:
            continue
        remainder = total - cells.loc[shown, "count"].sum()
        assert remainder == truth.loc[~shown.to_numpy(), "count"].sum()
        # each hidden cell lies in [min_each, remainder - min_each * (n_hidden - 1)]
        min_each = 0 if (truth.loc[~shown.to_numpy(), "count"] == 0).any() else 1
        widest = remainder - min_each * (n_hidden - 1)
        if n_hidden == 1 or widest == min_each:
            recovered.append(f"{key}: {truth.loc[~shown.to_numpy(), 'count'].tolist()}")
    return recovered


@pytest.mark.parametrize("group", ["WD24NM", "msoa"])
def test_sefton_small_area_table_cannot_be_differenced(sefton_90_plus, group):
    table = with_totals(sefton_90_plus, group)
    before = table.copy()
    out, report = suppress(
        table, count_columns="count", by=group, total="is_total", derived_columns=["value"]
    )
    pd.testing.assert_frame_equal(table, before)

    cells = out[~out["is_total"]]
    # (a) suppressed cells are shown: the 21 Sefton LSOAs with 1 to 4 residents aged 90+
    assert report.primary == 21 == sefton_90_plus["count"].between(1, 4).sum()
    assert cells["count"].isna().sum() == report.primary + report.secondary
    assert report.secondary >= 1
    assert (cells.loc[cells["count"].isna(), MARKER_COLUMN] == "[c]").all()
    assert cells.loc[cells["count"].isna(), "value"].isna().all()
    # the one LSOA with nobody aged 90+ is shown as 0
    assert (cells["count"] == 0).sum() == 1
    # group totals are large enough to publish
    assert out.loc[out["is_total"], "count"].notna().all()
    # (b) no suppressed value can be recovered as total minus the published cells
    assert recovery_attempts(table, out, group) == []
    # unsuppressed values are exactly the input values
    shown = out["count"].notna()
    assert (out.loc[shown, "count"] == table.loc[shown, "count"]).all()


def test_sefton_ward_counts(sefton_90_plus):
    """The ward table itself, within the authority (published total 3,419)."""
    wards = sefton_90_plus.groupby(["WD24CD", "WD24NM"], as_index=False)["count"].sum()
    assert len(wards) == 22 and wards["count"].sum() == 3419
    out, report = suppress(wards, count_columns="count")
    # every Sefton ward has at least 52 residents aged 90+: nothing to suppress
    assert wards["count"].min() == 52
    assert report.primary == report.secondary == 0
    assert out["count"].tolist() == wards["count"].tolist()


def test_without_secondary_suppression_sefton_cells_would_be_recoverable(sefton_90_plus):
    """Shows the recovery attempt bites: hiding only the 1-4 cells leaves some recoverable."""
    table = with_totals(sefton_90_plus, "WD24NM")
    naive = table.copy()
    naive["count"] = naive["count"].mask(naive["count"].between(1, 4))
    assert recovery_attempts(table, naive, "WD24NM") != []


# --- properties -------------------------------------------------------------

small_counts = st.integers(min_value=0, max_value=12)


@st.composite
def grouped_tables(draw):
    n_groups = draw(st.integers(min_value=1, max_value=4))
    rows = []
    for g in range(n_groups):
        cells = draw(st.lists(small_counts, min_size=2, max_size=6))
        rows += [{"g": g, "count": c, "is_total": False} for c in cells]
        rows.append({"g": g, "count": sum(cells), "is_total": True})
    frame = pd.DataFrame(rows)
    if draw(st.booleans()):  # total rows not in the frame: published elsewhere
        frame = frame[~frame["is_total"]].reset_index(drop=True)
    return frame


def run(frame: pd.DataFrame):
    total = "is_total" if frame["is_total"].any() else None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out, report = suppress(frame, count_columns="count", by="g", total=total)
    assert (len(caught) > 0) == (report.unprotected > 0)
    return out, report


@settings(max_examples=300, deadline=None)
@given(grouped_tables())
def test_property_no_group_has_exactly_one_hidden_entry(frame):
    out, report = run(frame)
    for _, group in out.groupby("g"):
        n_hidden = int(group["count"].isna().sum())
        total_shown = not (group["is_total"] & group["count"].isna()).any()
        cells = group[~group["is_total"]]
        if report.unprotected == 0:
            # the group's total is known (shown, or published elsewhere) so one hidden entry would
            # be recoverable
            assert n_hidden != 1
            if total_shown and cells["count"].isna().any():
                original = frame.loc[cells.index, "count"]
                # the hidden cells' sum, known to the reader, is at least the protection level
                assert original[cells["count"].isna()].sum() >= 5


@settings(max_examples=300, deadline=None)
@given(grouped_tables())
def test_property_zeros_shown_unless_needed_and_shown_values_unchanged(frame):
    before = frame.copy()
    out, _ = run(frame)
    pd.testing.assert_frame_equal(frame, before)  # input not mutated
    shown = out["count"].notna()
    assert (out.loc[shown, "count"] == frame.loc[shown, "count"]).all()
    assert frame.loc[~shown, "count"].ne(0).any() or (~shown).sum() == 0
    # every 1-4 count is hidden
    assert out.loc[frame["count"].between(1, 4), "count"].isna().all()
    # a zero is hidden only where every non-zero cell of its group is hidden already
    for g, group in out[~out["is_total"]].groupby("g"):
        original = frame.loc[group.index, "count"]
        if (group["count"].isna() & (original == 0)).any():
            assert group.loc[original > 0, "count"].isna().all(), g
    assert (out[MARKER_COLUMN] == "[c]").tolist() == (~shown).tolist()


# --- groups no suppression can protect: a known total below 5 ---------------------------


def test_small_known_total_hides_the_whole_group_and_says_why():
    # deaths of one age band and cause by ward: 2 in all (published for the authority), so
    # each ward lies in 0-2 whatever is hidden; every ward is hidden, zeros included, so
    # the output says nothing the total does not
    df = pd.DataFrame({"ward": list("ABCDEF"), "count": [2, 0, 0, 0, 0, 0]})
    with pytest.warns(UserWarning, match=r"group total, taken as published elsewhere, is below 5"):
        out, report = suppress(df, count_columns="count")
    assert hidden(out) == [True] * 6
    assert (report.primary, report.secondary, report.unprotected, report.bounded) == (1, 5, 6, 6)
    assert report.structure["bounded_by_known_totals"] == {"count": [0, 1, 2, 3, 4, 5]}
    from jsna.analysis.suppression import audit

    result = audit(out, report.structure)
    assert result["upper"].tolist() == [2.0] * 6 and result["lower"].tolist() == [0.0] * 6
    # with the total in the table it can be hidden too, and then the group is protected
    with_total = pd.concat(
        [df.assign(t=False), pd.DataFrame({"ward": ["all"], "count": [2], "t": [True]})]
    )
    out, report = suppress(with_total.reset_index(drop=True), count_columns="count", total="t")
    assert report.unprotected == report.bounded == 0
    assert audit(out, report.structure)["ok"].all()


def test_totals_not_published_leave_nothing_bounded():
    df = pd.DataFrame({"count": [2, 0, 0, 9]})
    out, report = suppress(df, count_columns="count", totals_published=False)
    assert hidden(out) == [True, False, False, False] and report.bounded == 0


def test_single_cell_group_is_bounded_by_its_published_total():
    df = pd.DataFrame({"lad": ["X", "Y", "Y"], "count": [3, 40, 50]})
    with pytest.warns(UserWarning, match=r"'X'.*below 5"):
        out, report = suppress(df, count_columns="count", by="lad")
    assert report.bounded == report.unprotected == 1


@st.composite
def sex_tables(draw):
    rows = []
    for g in range(draw(st.integers(1, 3))):
        n = draw(st.integers(1, 6))
        male = draw(st.lists(st.integers(0, 12), min_size=n, max_size=n))
        female = draw(st.lists(st.integers(0, 12), min_size=n, max_size=n))
        rows += [(g, m, f, False) for m, f in zip(male, female, strict=True)]
        rows.append((g, sum(male), sum(female), True))
    frame = pd.DataFrame(rows, columns=["g", "male", "female", "is_total"])
    frame["persons"] = frame["male"] + frame["female"]
    with_totals = draw(st.booleans())
    if not with_totals:
        frame = frame[~frame["is_total"]].reset_index(drop=True)
    return frame, with_totals, draw(st.booleans()), draw(st.booleans())


@settings(max_examples=300, deadline=None)
@given(sex_tables())
def test_property_the_output_exposes_nothing_beyond_small_known_totals(case):
    # every hidden cell the project's attack narrows below 5 wide is one that a group total
    # below 5 (or a group of one cell), known to the reader, bounds whatever is hidden
    from jsna.analysis.suppression import audit

    frame, with_totals, use_rows, published = case
    counts = ["male", "female", "persons"] if use_rows else ["male", "female"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out, report = suppress(
            frame,
            count_columns=counts,
            derived_columns=[],
            by="g",
            total="is_total" if with_totals else None,
            row_sums={"persons": ["male", "female"]} if use_rows else None,
            totals_published=published,
        )
    result = audit(out, report.structure)
    narrow = {
        (r, c)
        for r, c in zip(
            result.loc[~result["ok"], "row"], result.loc[~result["ok"], "column"], strict=True
        )
    }
    bounded = {
        (r, c) for c, rows in report.structure["bounded_by_known_totals"].items() for r in rows
    }
    assert narrow <= bounded
    assert report.unprotected == len(narrow) and report.bounded == len(bounded)
    if with_totals or not published:
        assert not bounded
    for r, c in bounded:  # its group's total is below 5, or the group has one cell
        cells = frame.loc[frame["g"] == frame.loc[r, "g"], c]
        assert cells.sum() < 5 or len(cells) == 1
