"""The attacker run over every table and figure CSV of real builds (Sefton, Liverpool) and
the demo: each output left through the gate (its ``.disclosure.json`` is beside it) and no
hidden cell can be narrowed to less than 5 wide from what is published with it.

The builds are the session's (``builds`` in ``tests/publish/conftest.py``): real areas are
built once for all the tests that read them.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from jsna.analysis.suppression import SIDECAR_SUFFIX, audit_file


def _outputs(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.csv") if p.name not in ("manifest.csv", "tables.csv"))


def _audit_build(*roots: Path) -> pd.DataFrame:
    paths = [p for root in roots for p in _outputs(root)]
    root = roots[0]
    assert paths, f"nothing was built under {root}"
    missing = [p.name for p in paths if not p.with_name(p.stem + SIDECAR_SUFFIX).exists()]
    assert not missing, f"outputs that did not pass the gate: {missing}"
    results = [audit_file(p).assign(file=p.name) for p in paths]
    return pd.concat(results, ignore_index=True)


def _check(result: pd.DataFrame) -> None:
    failures = result[~result["ok"].astype(bool)]
    assert failures.empty, failures.to_string()
    assert (result["width"] >= 5).all()


@pytest.mark.parametrize("area", ["E08000014", "E08000012"])
def test_real_build_cannot_be_differenced(shared_data, builds, area):
    reports, figures = builds.reports(area), builds.figures(area)
    assert not builds.failed[area], builds.failed[area]
    audited = _audit_build(reports, figures)
    _check(audited)
    # the table: residents aged 90+ hides cells and none can be recovered
    oldest = audited[audited["file"] == "residents_90_plus.csv"]
    assert len(oldest) > 0
    table = next(reports.rglob("residents_90_plus.csv"))
    published = pd.read_csv(table)
    is_total = published["Ward total"].astype(str).eq("True")
    shown_totals = published.loc[is_total & published["Residents aged 90+"].notna(), "Ward code"]
    cells = published[~is_total & published["Ward code"].isin(shown_totals)]
    # never one hidden cell beside its shown total
    assert (
        cells.groupby("Ward code")["Residents aged 90+"].agg(lambda s: s.isna().sum()) != 1
    ).all()


def test_demo_build_cannot_be_differenced(builds):
    assert not builds.failed[builds.demo], builds.failed[builds.demo]
    _check(_audit_build(builds.reports(builds.demo), builds.figures(builds.demo)))
