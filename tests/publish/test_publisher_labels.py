"""Built chapters show the publisher's own comparison and trend labels, never a trend it withholds.

Fingertips labels some series' recent trend "Cannot be calculated"; a chapter must then
claim no trend (no "increasing"/"decreasing" about it), and every trend or comparison a
sentence states must be the label the benchmark shows (the publisher's where its file
gives one). Checked on the text of the built HTML and Word files of a real area.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd
import pytest
from docx import Document

from jsna.config import ALLOW_OUTSIDE_VARIABLE
from jsna.io.datapack import DataPack
from jsna.publish.build import build
from jsna.publish.prose import sentence

SEFTON = "E08000014"
INJURIES = "Hospital admissions caused by unintentional and deliberate injuries in children"
CANNOT = "Cannot be calculated"
DIRECTION = re.compile(r"increas|decreas", re.I)
#: The chapter's key message when no trend is significant (before and after its rewording).
NO_TRENDS = re.compile(
    r"Recent trends[^:]*: improving on (0 \(none\)|none) and worsening on (0 \(none\)|none)"
)
METHODS = "better or worse than England (or the region)"


def _texts(reports: Path, stem: str) -> dict[str, str]:
    """The readable text of a chapter's HTML and Word files."""
    page = (reports / f"{stem}.html").read_text(encoding="utf-8")
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S)
    page = html.unescape(re.sub(r"<[^>]+>", " ", page))
    document = Document(str(reports / f"{stem}.docx"))
    words = [p.text for p in document.paragraphs]
    words += [c.text for t in document.tables for r in t.rows for c in r.cells]
    return {
        "html": re.sub(r"\s+", " ", page),
        "docx": re.sub(r"\s+", " ", " ".join(words)),
    }


def _trend_claims(text: str) -> list[str]:
    """The clauses of a text that speak of a trend."""
    clauses = re.split(r"(?<=[.;])\s", text)
    return [c for c in clauses if re.search(r"trend", c, re.I)]


def _withheld(pack: DataPack, area: str) -> set[str]:
    """Names of indicators the publisher labels "Cannot be calculated" for the area."""
    data = pack.read("indicators.fingertips")
    own = data[(data["area_code"] == area) & data["category"].isna()]
    return set(own.loc[own["recent_trend"] == CANNOT, "indicator_name"])


def _row(**labels) -> pd.Series:
    return pd.Series(
        {
            "indicator_id": 90284,
            "indicator_name": "Admissions",
            "area_name": "Area",
            "sex": "Persons",
            "period": "2023/24",
            "value": 92.79,
            "england_value": 72.71,
            "region_name": "North West",
            "region_value": 87.83,
            **labels,
        }
    )


def test_sentence_states_the_label_shown_not_jsnas_own():
    row = _row(
        compared_to_england="Similar",
        compared_to_england_95="Worse",
        compared_to_region="Better",
        compared_to_region_95="Similar",
        recent_trend=CANNOT,
        jsna_recent_trend="Decreasing and getting better",
        trend_source="publisher",
    )
    text = sentence(row)
    assert "similar to England (72.7) and better than the North West (87.8)" in text
    assert text.endswith("; the publisher could not calculate a recent trend.")
    assert not DIRECTION.search(text)
    # jsna's own "Cannot be calculated" (too few points) says why
    jsna = sentence(_row(compared_to_england="Worse", recent_trend=CANNOT, trend_source="jsna"))
    assert "worse than England (72.7)" in jsna
    assert jsna.endswith("; too few recent points to test the trend.")
    # a frame without the shown labels falls back to jsna's comparison at 95%
    old = sentence(_row(compared_to_england_95="Worse", compared_to_region_95="Similar"))
    assert "worse than England (72.7) and similar to the North West (87.8)" in old


@pytest.fixture(scope="module")
def sefton_build(shared_data, tmp_path_factory):
    out = tmp_path_factory.mktemp("sefton")
    result = build(shared_data, SEFTON, out, chapters=["02", "05"], progress=lambda _: None)
    assert not result.failed, result.failed
    return out / "reports" / SEFTON


def test_real_sefton_chapters_state_only_the_publishers_trends(shared_data, sefton_build):
    pack = DataPack.open(shared_data)
    withheld = _withheld(pack, SEFTON)
    assert any(name.startswith("Campylobacter") for name in withheld)  # 2017, all ages
    for stem in ("02_start_well", "05_core20plus5_inequalities"):
        for kind, text in _texts(sefton_build, stem).items():
            for clause in _trend_claims(text):
                # no trend is claimed for a series the publisher could not calculate
                assert not (DIRECTION.search(clause) and any(n in clause for n in withheld)), (
                    stem,
                    kind,
                    clause,
                )
    start = _texts(sefton_build, "02_start_well")
    for kind, text in start.items():
        # the publisher's 2023/24 label for Sefton's injury admissions, persons
        assert "recent trend: no significant change" in text, kind
        assert NO_TRENDS.search(text), kind
        # Sefton's labels agree with jsna's recomputation: no disagreement note
        assert "The publisher's own labels are shown" not in text, kind


def _relabelled_pack(shared_data: Path, folder: Path) -> Path:
    """The real pack with Sefton's 2023/24 injury labels changed in copies of the two files.

    Recent Trend becomes "Cannot be calculated" (jsna's own test says "No significant
    change") and the England comparison "Similar" (jsna's own says "Worse").
    """
    manifest = (shared_data / "datapack.toml").read_text(encoding="utf-8")
    (folder / "fingertips").mkdir(parents=True)
    for name in ("la_hospital_admissions_2324.csv", "region_hospital_admissions_2324.csv"):
        frame = pd.read_csv(
            shared_data / "fingertips" / name, dtype=str, keep_default_na=False, encoding="utf-8"
        )
        rows = (
            (frame["Area Code"] == SEFTON)
            & (frame["Time period"] == "2023/24")
            & (frame["Category"] == "")
        )
        assert rows.sum() == 3  # persons, male, female
        frame.loc[rows, "Recent Trend"] = CANNOT
        frame.loc[rows, "Compared to England value or percentiles"] = "Similar"
        frame.to_csv(folder / "fingertips" / name, index=False)
    manifest = re.sub(
        r'path = "(?!fingertips/\w+_hospital_admissions)', f'path = "{shared_data}/', manifest
    )
    (folder / "datapack.toml").write_text(manifest, encoding="utf-8")
    return folder


def test_a_withheld_trend_is_never_claimed_in_the_built_chapter(shared_data, tmp_path, monkeypatch):
    monkeypatch.setenv(ALLOW_OUTSIDE_VARIABLE, str(shared_data))
    pack = _relabelled_pack(shared_data, tmp_path / "pack")
    assert INJURIES in " ".join(_withheld(DataPack.open(pack), SEFTON))
    result = build(pack, SEFTON, tmp_path / "out", chapters=["02"], progress=lambda _: None)
    assert not result.failed, result.failed
    for kind, text in _texts(tmp_path / "out" / "reports" / SEFTON, "02_start_well").items():
        for clause in _trend_claims(text):
            if INJURIES in clause or "recent trend:" in clause.lower():
                assert not DIRECTION.search(clause), (kind, clause)
        assert "recent trend: no significant change" not in text, kind
        assert "the publisher could not calculate a recent trend" in text, kind
        # the publisher's England comparison is the one stated
        assert "similar to England (72.7)" in text, kind
        # neither a sentence nor a key message says "worse than England (...)" any more (the
        # methods paragraph's "better or worse than England (or the region)" aside)
        assert "worse than England (" not in text.replace(METHODS, ""), kind
        # and the chapter tells readers where jsna's recomputation differs
        assert text.count("The publisher's own labels are shown") == 1, kind
        assert "recomputed recent trend differs from the publisher's for Hospital" in text, kind
        assert "recomputed comparison with England differs" in text, kind


def test_real_downloads_that_differ_are_noted_once_for_readers(shared_data, tmp_path):
    # St Helens' 2023/24 injury admissions: the England-parent download says "Increasing and
    # getting worse", the region-parent download "Decreasing and getting better" (the series
    # fell from 157.8 in 2014/15 to 83.1); the label jsna's test agrees with is shown, and the
    # chapter's notes say the downloads differ
    from jsna.publish.chapter import Chapter
    from jsna.publish.chapters import start_well

    chapter = Chapter.start(
        "02_start_well", shared_data, "E08000013", tmp_path / "f", tmp_path / "r"
    )
    view = start_well.benchmarked(chapter)
    row = view.summary.iloc[0]
    assert (row["sex"], row["recent_trend"], row["trend_source"]) == (
        "Persons",
        "Decreasing and getting better",
        "publisher",
    )
    assert row["publisher_trend_conflict"] == (
        "Increasing and getting worse | Decreasing and getting better"
    )
    assert len(view.notes) == 1
    assert view.notes[0].startswith(start_well.LABEL_NOTE_START)
    assert "downloads give different recent trends for Hospital admissions" in view.notes[0]
    assert "(3 rows)" in view.notes[0]  # persons, male and female
    assert sentence(row).endswith("; recent trend: decreasing and getting better.")
    messages = " ".join(str(getattr(m, "message", m)) for m in start_well.key_messages(view))
    assert "improving on" in messages and "increasing" not in messages.lower()
