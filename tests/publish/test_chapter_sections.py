"""Chapter 01 and 05 sections on the demo pack: what they write and say."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from jsna.publish.chapter import Chapter  # noqa: E402
from jsna.publish.chapters import inequalities, population  # noqa: E402


@pytest.fixture
def chapter(tmp_path):
    return Chapter.start("05_core20plus5_inequalities", None, None, tmp_path / "f", tmp_path / "r")


def test_population_summary_of_the_demo(chapter):
    pop, shown = population.population_by_age(chapter)
    text = population.population_summary(chapter, pop).data
    assert "**225,079 residents**" in text and "17.7% are 65 or over" in text
    assert (chapter.figures / "05_population_age.csv").is_file()


def test_core20_by_ward_writes_the_labelled_table(chapter):
    dep, shown = inequalities.core20_by_ward(chapter)
    table = pd.read_csv(chapter.reports / "tables" / chapter.name / "ward_core20.csv")
    assert list(table.columns)[:3] == ["Ward code", "Ward", "LSOAs"]
    assert len(table) == len(dep["ward"]) == 22
    assert shown[-1].title.startswith("Core20 LSOAs and residents by ward (IoD2025)")
