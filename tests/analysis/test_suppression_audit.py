"""The attacker (jsna.analysis.suppression.audit) and the gate (protect): what a reader can
work out about hidden cells from everything published beside them, and that suppression
leaves every hidden cell at least 5 wide.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jsna.analysis.suppression import (
    EHRQL_RULE,
    MARKER_COLUMN,
    ColumnRoles,
    audit,
    audit_file,
    protect,
    structure_json,
    suppress,
)
from jsna.exceptions import DataValidationError, SourceError


def _attack(out, report):
    return audit(out, report.structure)


# --- the attacker on hand-worked examples ------------------------------------------------


def test_issue_example_the_old_pattern_gives_the_4_away():
    # The issue's ward: LSOAs 4, 7, 7, 9 (total 27). Hiding the 4 and the smallest other cell
    # (7) leaves 11 for the pair, and each hidden cell is at most 7 (the smallest shown):
    # the 4 lies in 4-7.
    frame = pd.DataFrame({"n": [np.nan, np.nan, 7.0, 9.0, 27.0], "is_total": [False] * 4 + [True]})
    structure = {
        "count_columns": ["n"],
        "total": "is_total",
        "hidden": {"n": [0, 1]},
        "rule_upper": 4,
    }
    result = audit(frame, structure)
    assert result["lower"].tolist() == [4.0, 4.0]
    assert result["upper"].tolist() == [7.0, 7.0]
    assert not result["ok"].any()
    # without knowledge of the method, the pair is 0-11 for each
    result = audit(frame, {k: v for k, v in structure.items() if k != "rule_upper"})
    assert result["upper"].tolist() == [11.0, 11.0] and result["ok"].all()


def test_issue_example_is_now_protected():
    df = pd.DataFrame({"n": [4, 7, 7, 9, 27], "is_total": [False] * 4 + [True]})
    out, report = suppress(df, count_columns="n", total="is_total")
    result = _attack(out, report)
    assert out["n"].isna().tolist() == [True, True, True, False, False]
    assert result["ok"].all() and (result["width"] >= 5).all()


def test_persons_minus_female_gives_male_unless_row_sums_are_protected():
    # male 3, female 40, persons 43 in one row, and a second row
    df = pd.DataFrame({"male": [3, 30], "female": [40, 35], "persons": [43, 65]})
    out, report = suppress(
        df,
        count_columns=["male", "female", "persons"],
        row_sums={"persons": ["male", "female"]},
        totals_published=False,
    )
    result = _attack(out, report)
    assert result["ok"].all(), result
    row0 = out.loc[0, ["male", "female", "persons"]]
    assert row0.isna().sum() >= 2  # persons - female would give male back
    # the same frame declared without the row sum: the audit, told the truth, catches it
    naive, naive_report = suppress(
        df, count_columns=["male", "female", "persons"], totals_published=False
    )
    structure = {**naive_report.structure, "row_sums": {"persons": ["male", "female"]}}
    assert not audit(naive, structure)["ok"].all()


def test_shown_derived_value_of_a_hidden_count_is_a_leak():
    frame = pd.DataFrame({"n": [np.nan, 50.0], "rate": [1.5, 25.0]})
    structure = {
        "count_columns": ["n"],
        "derived_columns": {"rate": ["n"]},
        "hidden": {"n": [0]},
    }
    result = audit(frame, structure)
    assert result.loc[0, "reason"] == "derived: rate" and not result.loc[0, "ok"]


def test_bounds_use_whole_numbers():
    # x + y = 5 and x - y = 0 has no whole solution... x = y = 2.5 is not people: the
    # declared sums contradict themselves
    frame = pd.DataFrame({"a": [np.nan], "b": [np.nan], "c": [5.0]})
    structure = {
        "count_columns": ["a", "b", "c"],
        "row_sums": {"c": ["a", "b"]},
        "hidden": {"a": [0], "b": [0]},
    }
    result = audit(frame, structure)
    assert result["lower"].tolist() == [0.0, 0.0] and result["upper"].tolist() == [5.0, 5.0]


# --- property test: random tables with totals, row sums and derived columns -------------


@st.composite
def tables(draw):
    n_groups = draw(st.integers(1, 3))
    rows = []
    for g in range(n_groups):
        n_cells = draw(st.integers(1, 5))
        small = st.one_of(st.integers(0, 6), st.integers(0, 60))
        male = draw(st.lists(small, min_size=n_cells, max_size=n_cells))
        female = draw(st.lists(small, min_size=n_cells, max_size=n_cells))
        for i in range(n_cells):
            rows.append((f"g{g}", f"c{i}", male[i], female[i], False))
        rows.append((f"g{g}", "total", sum(male), sum(female), True))
    frame = pd.DataFrame(rows, columns=["g", "cell", "male", "female", "is_total"])
    frame["persons"] = frame["male"] + frame["female"]
    frame["denominator"] = 1000
    frame["rate"] = 1000 * frame["persons"] / frame["denominator"]
    frame["male_rate"] = 1000 * frame["male"] / frame["denominator"]
    with_totals = draw(st.booleans())
    if not with_totals:
        frame = frame[~frame["is_total"]].reset_index(drop=True)
    use_rows = draw(st.booleans())
    return frame, with_totals, use_rows


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_property_every_hidden_cell_is_at_least_5_wide(case):
    frame, with_totals, use_rows = case
    roles = ColumnRoles(
        count_columns=["male", "female", "persons"] if use_rows else ["male", "female"],
        derived_columns={"male": ["male_rate"], **({"persons": ["rate"]} if use_rows else {})},
        safe_columns=["denominator"] + ([] if use_rows else ["persons", "rate"]),
        by="g",
        total="is_total" if with_totals else None,
        row_sums={"persons": ["male", "female"]} if use_rows else None,
    )
    if not with_totals:
        frame = frame.drop(columns="is_total")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        protected = protect(frame, roles)
    out, report = protected.frame, protected.report
    result = audit(out, protected.structure)
    counts = list(roles.count_columns)
    small = frame[counts].apply(lambda c: c.between(1, 4))
    # every 1-4 count is hidden
    assert out[counts][small].isna().all().all()
    if report.unprotected == 0:
        assert result["ok"].all(), result[~result["ok"]]
        assert (result["width"] >= 5).all()
        # no hidden 1-4 cell lies inside 1-4
        is_small = np.array(
            [bool(small.iloc[r][c]) for r, c in zip(result["row"], result["column"], strict=True)],
            dtype=bool,
        )
        primary = result.loc[is_small]
        assert not ((primary["lower"] >= 1) & (primary["upper"] <= 4)).any()
    else:
        assert any("narrowed to less than 5" in str(w.message) for w in caught)
    if with_totals:
        # with the totals in the table, hiding can always go far enough
        assert report.unprotected == 0
    # derived values are hidden with their counts
    assert out.loc[out["male"].isna(), "male_rate"].isna().all()
    # shown counts are unchanged
    shown = out["male"].notna()
    assert (out.loc[shown, "male"] == frame.loc[shown, "male"]).all()


# --- the gate ----------------------------------------------------------------------------


def test_gate_refuses_undeclared_numbers_and_renamed_counts():
    frame = pd.DataFrame({"ward": ["A", "B"], "Registered (n)": [3, 50], "Share": [0.1, 0.9]})
    with pytest.raises(DataValidationError, match="'Registered \\(n\\)', 'Share' hold numbers"):
        protect(frame)
    with pytest.raises(DataValidationError, match="'Share' hold numbers"):
        protect(frame, ColumnRoles(count_columns="Registered (n)"))
    # numbers written as text are numbers too
    with pytest.raises(DataValidationError, match="'n' hold numbers"):
        protect(pd.DataFrame({"n": ["3", "40"]}))
    out = protect(
        frame,
        ColumnRoles(count_columns="Registered (n)", derived_columns=["Share"]),
        # one row: the total is the count itself when published; here it is not
    ).frame
    assert out["Share"].isna().tolist() == out["Registered (n)"].isna().tolist()


def test_gate_refuses_two_roles_and_derived_without_counts():
    frame = pd.DataFrame({"n": [3, 40], "v": [1.0, 2.0]})
    with pytest.raises(DataValidationError, match="declared with two roles"):
        protect(frame, ColumnRoles(count_columns="n", safe_columns=["n", "v"]))
    with pytest.raises(DataValidationError, match="no count_columns"):
        protect(frame, ColumnRoles(derived_columns=["v"], safe_columns="n"))
    with pytest.raises(DataValidationError, match="not a ColumnRoles"):
        protect(frame, {"count_columns": "n"})


def test_gate_safe_only_frame_passes_unchanged():
    frame = pd.DataFrame({"code": ["E1", "E2"], "population": [1200, 3400], "flag": [True, False]})
    protected = protect(frame, ColumnRoles(safe_columns="population"))
    assert protected.frame is frame and protected.report is None
    assert protected.structure == {"count_columns": [], "safe_columns": ["population"]}


def test_dementia_register_cannot_be_worked_back_from_ratio_and_expected():
    # the issue: a register of 3 hidden, but ratio x expected gives it back
    practices = pd.DataFrame(
        {
            "practice": ["P1", "P2", "P3", "P4"],
            "observed": [3, 40, 55, 61],
            "expected": [5.2, 60.1, 70.3, 80.0],
        }
    )
    practices["ratio"] = practices["observed"] / practices["expected"]
    roles = ColumnRoles(
        count_columns="observed", derived_columns=["ratio"], safe_columns="expected"
    )
    protected = protect(practices, roles)
    out = protected.frame
    assert out.loc[0, ["observed", "ratio"]].isna().all()
    assert audit(out, protected.structure)["ok"].all()


def test_ehrql_rule_suppresses_up_to_7_rounds_to_5_and_withholds_derived():
    df = pd.DataFrame({"n": [6, 8, 12, 23, 101], "rate": [0.6, 0.8, 1.2, 2.3, 10.1]})
    out, report = suppress(
        df, count_columns="n", derived_columns=["rate"], rule=EHRQL_RULE, totals_published=False
    )
    assert out["n"].tolist()[1:] == [10.0, 10.0, 25.0, 100.0]
    assert np.isnan(out["n"].iloc[0])
    assert out["rate"].isna().all()
    assert "rounded to the nearest 5" in report.note


def test_structure_round_trips_through_the_sidecar(tmp_path):
    df = pd.DataFrame(
        {
            "ward": ["W1"] * 4 + ["W2"] * 3,
            "lsoa": list("abcdefg"),
            "n": [4, 7, 7, 9, 12, 2, 30],
        }
    )
    protected = protect(df, ColumnRoles(count_columns="n", by="ward"))
    protected.frame.to_csv(tmp_path / "t.csv", index=False)
    (tmp_path / "t.disclosure.json").write_text(structure_json(protected.structure))
    assert json.loads((tmp_path / "t.disclosure.json").read_text())["by"] == ["ward"]
    result = audit_file(tmp_path / "t.csv")
    assert len(result) == int(protected.frame["n"].isna().sum()) and result["ok"].all()
    (tmp_path / "u.csv").write_text("a\n1\n")
    with pytest.raises(SourceError, match="did not leave through the disclosure gate"):
        audit_file(tmp_path / "u.csv")


def test_marker_column_is_added_only_with_counts():
    out = protect(pd.DataFrame({"n": [3, 50, 60]}), ColumnRoles(count_columns="n")).frame
    assert MARKER_COLUMN in out.columns
