"""Census 2021 general health by age (role ``census.health_age``), in ONS's dataset layout.

The files are small ones written in the layout of ONS Census 2021 dataset downloads:
RM046 "General health by tenure by age" (https://www.ons.gov.uk/datasets/RM046/editions/
2021/versions/1) and a "Create a custom dataset" download of General health (6
categories) x Sex (2 categories) x Age (18 categories): ``<Area type> Code, <Area type>``,
then a ``Code`` and a label column per variable, then ``Observation``.
"""

from __future__ import annotations

import numpy as np
import pytest

from jsna.exceptions import SourceError
from jsna.io import FileEntry
from jsna.io.census import parse_age_band, read_census_health_age
from jsna.io.datapack import DataPack

HEALTH = [
    (-8, "Does not apply"),
    (1, "Very good health"),
    (2, "Good health"),
    (3, "Fair health"),
    (4, "Bad health"),
    (5, "Very bad health"),
]
AGES = [
    "Aged 4 years and under",
    *[f"Aged {a} to {a + 4} years" for a in range(5, 85, 5)],
    "Aged 85 years and over",
]


def _custom(path, counts):
    """A custom-dataset CSV: LSOAs x health x sex x age; ``counts(lsoa, h, s, a)``."""
    head = (
        "Lower layer Super Output Areas Code,Lower layer Super Output Areas,"
        "General health (6 categories) Code,General health (6 categories),"
        "Sex (2 categories) Code,Sex (2 categories),Age (18 categories) Code,"
        "Age (18 categories),Observation"
    )
    rows = [head]
    for i, (code, name) in enumerate([("E01006912", "Sefton 001A"), ("E01006913", "Sefton 001B")]):
        for h, (hc, hl) in enumerate(HEALTH):
            for s, sex in enumerate(["Female", "Male"]):
                for a, age in enumerate(AGES):
                    rows.append(
                        f"{code},{name},{hc},{hl},{s + 1},{sex},{a + 1},{age},{counts(i, h, s, a)}"
                    )
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_custom_dataset_by_sex_and_age(tmp_path):
    # very good 10 + good 20 of 10+20+5+3+2 = 40 counted in every cell; "Does not apply" 7
    n = {0: 7, 1: 10, 2: 20, 3: 5, 4: 3, 5: 2}
    p = _custom(tmp_path / "gh.csv", lambda i, h, s, a: n[h] * (1 + i) + (a if h == 1 else 0))
    out = read_census_health_age(FileEntry("census.health_age", (p,)))
    assert len(out) == 2 * 2 * 18
    assert set(out["sex"]) == {"Female", "Male"}
    assert out["area_type"].unique().tolist() == ["lsoa"]
    first = out[(out["area_code"] == "E01006912") & (out["sex"] == "Male")]
    assert first["age_start"].tolist() == [0, *range(5, 90, 5)]
    assert first["age_end"].iloc[0] == 4 and np.isinf(first["age_end"].iloc[-1])
    # band a: good = 10 + a + 20, total = 40 + a ("Does not apply" left out)
    a = np.arange(18)
    np.testing.assert_array_equal(first["good"], 30 + a)
    np.testing.assert_array_equal(first["total"], 40 + a)
    np.testing.assert_allclose(first["share"], (30 + a) / (40 + a))
    second = out[(out["area_code"] == "E01006913") & (out["sex"] == "Female")]
    np.testing.assert_array_equal(second["total"], 80 + a)


def test_rm046_layout_sums_tenure_and_gives_persons(tmp_path):
    p = tmp_path / "RM046.csv"
    rows = [
        "Lower tier local authorities Code,Lower tier local authorities,"
        "General health (6 categories) Code,General health (6 categories),"
        "Tenure of household (7 categories) Code,Tenure of household (7 categories),"
        "Age (B) (3 categories) Code,Age (B) (3 categories),Observation"
    ]
    ages = ["Aged 15 years and under", "Aged 16 to 64 years", "Aged 65 years and over"]
    for tc, tenure in ((1, "Owned"), (2, "Social rented")):
        for hc, hl in HEALTH:
            for ac, age in enumerate(ages):
                rows.append(
                    f"E08000014,Sefton,{hc},{hl},{tc},{tenure},{ac + 1},{age},{max(hc, 0) + tc}"
                )
    p.write_text("\ufeff" + "\r\n".join(rows) + "\r\n", encoding="utf-8")
    out = read_census_health_age(FileEntry("census.health_age", (p,)))
    assert out["sex"].unique().tolist() == ["Persons"]
    assert out["area_type"].unique().tolist() == ["ltla"]
    # good: (1+1)+(1+2) + (2+1)+(2+2) = 12; counted: sum over h=1..5 of (h+1)+(h+2) = 45 (without
    # "Does not apply", 1 + 2, which would make 48)
    assert out["good"].tolist() == [12.0] * 3
    assert out["total"].tolist() == [45.0] * 3
    assert out["age_start"].tolist() == [0, 16, 65]


def test_read_through_a_pack(tmp_path):
    _custom(tmp_path / "gh.csv", lambda i, h, s, a: 5 + h)
    (tmp_path / "datapack.toml").write_text(
        '[pack]\nname = "t"\nareas = ["E08000014"]\n\n[[file]]\nrole = "census.health_age"\n'
        'path = "gh.csv"\ntable = "custom dataset"\n',
        encoding="utf-8",
    )
    pack = DataPack.open(tmp_path)
    frame = pack.read("census.health_age")
    assert len(frame) == 72
    assert "general health by age" in pack.sources("census.health_age")[0]


@pytest.mark.parametrize(
    ("label", "band"),
    [
        ("Aged 4 years and under", (0, 4.0)),
        ("Aged 10 to 14 years", (10, 14.0)),
        ("Aged 90 years and over", (90, np.inf)),
        ("Aged 3 years", (3, 3.0)),
    ],
)
def test_age_labels(label, band):
    assert parse_age_band(label) == band


def test_bad_files(tmp_path):
    p = tmp_path / "bad.csv"
    p.write_text("area,health,age,Observation\nE08000014,Good health,Aged 5 to 9 years,3\n")
    with pytest.raises(SourceError, match="not an area code column"):
        read_census_health_age(FileEntry("census.health_age", (p,)))
    head = (
        "Lower tier local authorities Code,Lower tier local authorities,"
        "General health (6 categories) Code,General health (6 categories),"
        "Age (B) (2 categories) Code,Age (B) (2 categories),Observation\n"
    )
    p.write_text(head + "E08000014,Sefton,1,Very good health,1,Children,4\n")
    with pytest.raises(SourceError, match="'Children' is not an ONS Census 2021 age band"):
        read_census_health_age(FileEntry("census.health_age", (p,)))
    p.write_text(
        head
        + "E08000014,Sefton,1,Very good health,1,Aged 4 years and under,4\n"
        + "E08000014,Sefton,1,Very good health,2,Aged 10 to 14 years,4\n"
    )
    with pytest.raises(SourceError, match="do not run from 0 without gaps"):
        read_census_health_age(FileEntry("census.health_age", (p,)))
    p.write_text(head + "E08000014,Sefton,3,Fair health,1,Aged 4 years and under,4\n")
    with pytest.raises(SourceError, match="no 'Very good health' or 'Good health' rows"):
        read_census_health_age(FileEntry("census.health_age", (p,)))
