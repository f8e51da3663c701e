"""Findings, ambitions and draft recommendations (jsna.publish.findings) and count wording."""

from __future__ import annotations

import pandas as pd
import pytest

from jsna.publish.findings import (
    DRAFT_NOTICE,
    Ambition,
    AmbitionPosition,
    Finding,
    ambition_finding,
    ambitions_markdown,
    deprivation_gap,
    key_messages_markdown,
    recommendations,
    recommendations_markdown,
    worse_than_england,
)
from jsna.publish.prose import count_text, ordinal

HYP = Ambition.from_registry("hypertension")


def test_registry_ambitions_carry_value_date_and_source():
    assert (HYP.value, HYP.unit, HYP.date) == (80.0, "%", "2029")
    assert "CVD prevention ambitions" in HYP.source
    smi = Ambition.from_registry("smi")
    # "(source_url)" in the registry is replaced by the address itself
    assert "https://www.england.nhs.uk/" in smi.source and "(source_url)" not in smi.source
    assert Ambition.dementia().value == 66.7
    with pytest.raises(KeyError, match="no clinical area 'nope'"):
        Ambition.from_registry("nope")


def test_position_verdicts_follow_the_limits_and_polarity():
    def at(value, lower, upper, polarity="high is good", target=80.0):
        ambition = Ambition("x", target, "%", "2029", "s")
        return AmbitionPosition("ratio", value, lower, upper, ambition, polarity)

    assert at(64.4, 63.9, 65.0).verdict == "below" and not at(64.4, 63.9, 65.0).met
    assert at(79.0, 77.0, 81.0).verdict == "not significantly different from"
    assert at(85.0, 82.0, 88.0).met
    smoking = at(10.8, 8.9, 13.1, "low is good", target=5.0)
    assert smoking.verdict == "above" and not smoking.met
    assert at(3.0, 2.0, 4.0, "low is good", target=5.0).met


def test_hypertension_finding_numbers_shortfall_and_places():
    # Wirral 2019/20 (issue 13): ratio 0.644 of 47,525 expected; 80% ambition
    expected, observed = 47_525.0, 30_617.0
    position = AmbitionPosition("diagnosis ratio", 64.4, 63.9, 65.0, HYP)
    finding = ambition_finding(
        position,
        "Wirral",
        shortfall=0.8 * expected - observed,
        people="people with high blood pressure",
        action="Agree a case-finding plan",
        places=["Practice A (900)", "Practice B (800)"],
        place_kind="practices with most people estimated undiagnosed",
    )
    assert finding.message == (
        "Wirral's diagnosis ratio is 64.4% (95% CI 63.9% to 65.0%), below the national "
        "ambition of 80% by 2029."
    )
    assert "about 7,403 more people with high blood pressure in Wirral" in finding.so_what
    assert finding.recommendation == (
        "Agree a case-finding plan, starting with the practices with most people estimated "
        "undiagnosed: Practice A (900) and Practice B (800)."
    )
    assert finding.ambition is position


def test_met_ambition_has_no_recommendation():
    position = AmbitionPosition("rate", 70.0, 68.0, 72.0, Ambition.dementia())
    finding = ambition_finding(position, "Ayton", action="Raise diagnosis")
    assert finding.recommendation is None and "met" in finding.so_what


def test_ceiling_ambition_gap_in_points():
    smoking = Ambition.from_registry("smoking")
    position = AmbitionPosition("smoking prevalence", 10.8, 8.9, 13.1, smoking, "low is good")
    finding = ambition_finding(position, "Ayton", action="Size stop smoking support")
    assert finding.so_what == "Ayton is 5.8 percentage points from the ambition: ground to make up."
    assert finding.recommendation == "Size stop smoking support."


def test_worse_than_england_names_indicators_and_counts_in_words():
    summary = pd.DataFrame(
        {
            "indicator_name": ["Injuries", "Obesity", "Decay"],
            "period": ["2023/24", "2023/24", "2022/23"],
            "compared_to_england_95": ["Worse", "Similar", "Worse"],
        }
    )
    finding = worse_than_england(summary, "Ayton", "children's indicator")
    assert finding.message == (
        "2 of Ayton's 3 children's indicators are significantly worse than England: "
        "Injuries (2023/24); Decay (2022/23)."
    )
    assert finding.recommendation.startswith("Review Injuries and Decay with the services")
    one = summary.iloc[:1]
    assert worse_than_england(one, "Ayton", "children's indicator").message.startswith(
        "Ayton's only children's indicator is significantly worse"
    )
    assert worse_than_england(summary.iloc[1:2], "Ayton", "indicator") is None


def test_deprivation_gap_targets_core20_wards_only_when_significant_and_worse():
    worse = deprivation_gap(
        "Admissions",
        125.3,
        67.2,
        worse_in_deprived=True,
        significant=True,
        area_name="A",
        core20_places=["W1", "W2"],
    )
    assert worse.recommendation.endswith("starting with the Core20 wards: W1 and W2.")
    unclear = deprivation_gap(
        "Admissions", 125.3, 67.2, worse_in_deprived=True, significant=False, area_name="A"
    )
    assert unclear.recommendation is None
    better = deprivation_gap(
        "Admissions", 60.0, 67.2, worse_in_deprived=False, significant=True, area_name="A"
    )
    assert better.recommendation is None


def test_markdown_of_messages_recommendations_and_ambitions():
    findings = [
        Finding("Rates are high.", "Care costs more.", "Do X."),
        "A plain message.",
        Finding("Again.", "", "Do X."),
    ]
    text = key_messages_markdown(findings, synthetic=True)
    assert text.splitlines()[:2] == [
        "- Rates are high\\. **Why it matters here:** Care costs more\\.",
        "- A plain message\\.",
    ]
    assert text.endswith("*Synthetic data: these are not real figures for any place.*")
    assert recommendations(findings) == ["Do X."]
    drafted = recommendations_markdown(findings)
    assert drafted.startswith(DRAFT_NOTICE) and drafted.endswith("1. Do X\\.")
    assert "No recommendation follows" in recommendations_markdown(["Only a message."])
    position = AmbitionPosition("ratio", 64.4, 63.9, 65.0, HYP)
    listed = ambitions_markdown(
        [Finding("m", ambition=position)], unmeasured=[("Early cancer diagnosis", HYP)]
    )
    first, second = listed.splitlines()
    assert first.startswith("- **Ratio**: 64.4% (95% CI 63.9% to 65.0%), below the national")
    assert "*Source:* Public Health England and NHS England" in first
    assert "No local measure in this data pack" in second and "*Source:*" in second


@pytest.mark.parametrize(
    ("n", "expected"),
    [(0, "no indicators"), (1, "1 indicator"), (2, "2 indicators"), (12000, "12,000 indicators")],
)
def test_count_text(n, expected):
    assert count_text(n, "indicator") == expected


def test_ordinal():
    assert [ordinal(n) for n in (1, 2, 3, 11, 12, 13, 22, 111)] == [
        "1st",
        "2nd",
        "3rd",
        "11th",
        "12th",
        "13th",
        "22nd",
        "111th",
    ]
