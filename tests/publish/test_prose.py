"""Sentences and axis labels written from benchmark numbers."""

from __future__ import annotations

import pandas as pd

from jsna.analysis.benchmark import Comparators, benchmark, headline
from jsna.io.datapack import DataPack
from jsna.publish.prose import sentence, units_label


def test_sentence_for_sefton(shared_data):
    pack = DataPack.open(shared_data)
    data = pack.read("indicators.fingertips")
    data = data[data["indicator_id"] == 90284]
    result = benchmark(data, "E08000014", Comparators.from_pack(pack))  # the 2025 model
    (row,) = [r for _, r in headline(result).iterrows()]
    text = sentence(row)
    assert text.startswith(
        "Hospital admissions caused by unintentional and deliberate injuries in children "
        "(aged 0 to 14 years), 2023/24: Sefton 92.8 (crude rate per 10,000 aged 0 to 14; "
        "95% CI 83.9 to 101.9), worse than England (72.7) and similar to the North West region "
        "(statistical) (87.8); 6th of 11 with its DfE 2025 model statistical neighbours"
    )
    assert text.endswith("recent trend: no significant change.")


def test_sentence_without_a_value_or_comparators():
    row = pd.Series(
        {
            "indicator_id": 1,
            "indicator_name": "Admissions",
            "area_name": "Area",
            "sex": "Female",
            "period": "2024",
            "value": float("nan"),
        }
    )
    assert sentence(row) == "Admissions (female), 2024: no value for Area."
    row["value"] = 12.345
    assert sentence(row) == "Admissions (female), 2024: Area 12.3."


def test_sentence_ranks_with_no_judgement_and_too_few_points():
    row = pd.Series(
        {
            "indicator_id": 1,
            "indicator_name": "Admissions",
            "area_name": "Area",
            "sex": "Persons",
            "period": "2024",
            "value": 5.0,
            "neighbour_rank": 12,
            "neighbour_rank_of": 13,
            "neighbour_model": "local",
            "neighbour_mean": 4.0,
            "polarity": "no judgement",
            "recent_trend": "Cannot be calculated",
        }
    )
    assert sentence(row) == (
        "Admissions, 2024: Area 5.0; 12th of 13 with its local statistical neighbours "
        "(1 = highest; their mean 4.0); too few recent points to test the trend."
    )


def test_units_label():
    assert units_label(93563) == "% of 5 year olds"
    assert units_label(108) == "Directly standardised rate per 100,000"
