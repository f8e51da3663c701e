"""``jsna aggregate`` writes disclosure-controlled counts and reports progress."""

from __future__ import annotations

import argparse

import pandas as pd
import pytest

from jsna.exceptions import DataValidationError
from jsna.publish import aggregate_cli


@pytest.fixture(scope="module")
def demo_records(demo_pack, tmp_path_factory):
    from jsna.demo.records import write_demo_records

    folder = tmp_path_factory.mktemp("cli_records")
    write_demo_records(demo_pack, folder, kinds=("deaths",))
    return folder


def parse(argv):
    parser = argparse.ArgumentParser(prog="jsna")
    aggregate_cli.add_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(argv)


def test_aggregate_writes_a_suppressed_csv_with_progress(demo_records, demo_pack, tmp_path, capsys):
    out = tmp_path / "deaths.csv"
    args = parse(
        [
            "aggregate",
            str(demo_records / "deaths_by_ward.toml"),
            "--pack",
            str(demo_pack),
            "--out",
            str(out),
            "--disclosure",
            "ehrql",
        ]
    )
    # Cause groups of young children have almost no deaths in any ward: with the authority's
    # total taken as known, such a group cannot be protected, and the gate says so.
    with pytest.warns(UserWarning, match="could still be narrowed to less than 5 wide"):
        assert aggregate_cli.run(args) == 0
    table = pd.read_csv(out)
    assert table.columns.tolist() == [
        "wd25_code",
        "age_band",
        "sex",
        "cause_group",
        "count",
        "suppression",
    ]
    assert len(table) == 22 * 19 * 2 * 8
    assert (table["count"].dropna() % 5 == 0).all() and table["count"].isna().any()
    err = capsys.readouterr().err
    assert "records read in" in err and "rows written to" in err and "ehrQL" in err


def test_aggregate_refuses_to_write_unsuppressed_counts(demo_records, demo_pack, tmp_path):
    recipe = (
        (demo_records / "deaths_by_ward.toml")
        .read_text()
        .replace('rule = "project"', 'rule = "none"')
    )
    (demo_records / "open.toml").write_text(recipe)
    args = parse(
        [
            "aggregate",
            str(demo_records / "open.toml"),
            "--pack",
            str(demo_pack),
            "--out",
            str(tmp_path / "x.csv"),
        ]
    )
    with pytest.raises(DataValidationError, match="may not be written to a file"):
        aggregate_cli.run(args)
    assert not (tmp_path / "x.csv").exists()


def test_formula_cells_are_neutralised(demo_records, demo_pack, tmp_path, monkeypatch):
    # the counts a recipe returns pass the one CSV writer: a formula-like cell is neutralised
    frame = pd.DataFrame({"cause_group": ["=HYPERLINK(1)", "Cancer"], "count": [10, 20]})
    monkeypatch.setattr(aggregate_cli, "aggregate", lambda *a, **k: frame)
    out = tmp_path / "counts.csv"
    args = parse(["aggregate", "r.toml", "--out", str(out)])
    assert aggregate_cli.run(args) == 0
    assert pd.read_csv(out)["cause_group"].tolist() == ["'=HYPERLINK(1)", "Cancer"]
