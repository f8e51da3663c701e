"""Attribution per role (jsna.reference.sources) and DataPack.sources."""

from __future__ import annotations

from pathlib import Path

import pytest

from jsna.exceptions import SourceError
from jsna.io import ROLES
from jsna.io.datapack import DataPack
from jsna.reference.sources import (
    SOURCES,
    attribution,
    source_items,
    source_line,
    synthetic_attribution,
)

IMD25 = "lsoa21_code,IMD_decile,IMD_rank,IMD_score\nE01000001,1,10,50.5\n"
IMD19 = "lsoa11_code,IMD_decile,IMD_rank\nE01000001,2,4000\n"
LOOKUP = "LSOA21CD,WD24CD,LAD24CD\nE01000001,E05000001,E06999001\n"


def write_pack(folder: Path, manifest: str, files: dict[str, str]) -> DataPack:
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "datapack.toml").write_text(manifest, encoding="utf-8")
    return DataPack.open(folder)


TWO_EDITIONS = """
[pack]
name = "x"
attribution = ["Source: a pack-level line", "another pack-level line"]
[[file]]
role = "lookup.lsoa_ward_lad"
path = "l.csv"
[[file]]
role = "imd"
path = "b.csv"
edition = "IoD2019"
[[file]]
role = "imd"
path = "a.csv"
edition = "IoD2025"
"""


def test_every_role_has_a_publisher_and_a_licence():
    assert {row["role"] for row in SOURCES} == set(ROLES)
    for role in ROLES:
        line = attribution(role)
        assert "Source" not in line
        assert "; " in line and line.split("; ", 1)[1]  # "publisher, dataset; licence"
        assert not any(mark in line for mark in ("[", "]", "{", "}", "()"))
    with pytest.raises(SourceError, match="no attribution for role 'imd.bad'"):
        attribution("imd.bad")


def test_settings_fill_details_and_choose_variants():
    assert attribution("population.lsoa", {"vintage": "mid-2022"}) == (
        "Office for National Statistics, small area population estimates (mid-2022); "
        "Open Government Licence v3.0"
    )
    practice = attribution("prevalence.recorded", {"level": "practice", "period": "2022/23"})
    assert practice.startswith("NHS England, Quality and Outcomes Framework (QOF) 2022/23")
    lad = attribution("prevalence.recorded", {"level": "LAD", "period": "2019/20"})
    assert lad.startswith("House of Commons Library") and "Open Parliament Licence v3.0" in lad
    hse = attribution("prevalence.model", {"source": "Health Survey for England 2022"})
    assert hse == "NHS England, Health Survey for England 2022; Open Government Licence v3.0"
    synthetic = synthetic_attribution("imd", {"edition": "IoD2025"})
    assert synthetic.startswith("Synthetic data in the layout of Ministry of Housing")
    assert "Licence" not in synthetic  # a made-up file carries no publisher's licence


def test_source_line_labels_once_and_never_repeats():
    lines = ["Source: ONS; OGL v3.0.", "Sources: ONS;  OGL v3.0", "NHS England; OGL v3.0;"]
    assert source_line(lines) == "ONS; OGL v3.0. NHS England; OGL v3.0."
    assert source_line([]) == "" and source_line(None) == ""
    assert source_items(["A; x. B; y.", "Source: B; y", "C"]) == ["A; x", "B; y", "C"]
    # a synthetic pack's lines: said once under an output, listed one by one in a chapter
    made_up = [synthetic_attribution("imd"), synthetic_attribution("boundaries.ward")]
    line = source_line(made_up)
    assert line.count("Synthetic data") == 1
    assert source_items([line, made_up[0]]) == made_up


def test_sources_cite_only_the_roles_named_in_manifest_order(tmp_path):
    pack = write_pack(tmp_path, TWO_EDITIONS, {"a.csv": IMD25, "b.csv": IMD19, "l.csv": LOOKUP})
    # nothing read: the pack's own lines, without their "Source:" label
    assert pack.sources() == ["a pack-level line", "another pack-level line"]
    # a role not read yet: the file read() would choose (the latest edition)
    (imd,) = pack.sources("imd")
    assert imd.endswith("English Indices of Deprivation (IoD2025); Open Government Licence v3.0")
    # manifest order whatever the order asked, each once
    both = pack.sources("imd", "lookup.lsoa_ward_lad", "imd")
    assert both == [pack.sources("lookup.lsoa_ward_lad")[0], imd]
    # a role the pack lacks is left out; a name that is no role is refused
    assert pack.sources("prevalence.recorded", "imd") == [imd]
    with pytest.raises(SourceError, match="not data pack roles"):
        pack.sources("imd", "qof")
    with pytest.raises(SourceError, match=r"role\[setting=value\]"):
        pack.sources("imd[edition]")
    # once read, the files read are cited; a selection names files read or not
    pack.read("imd", edition="IoD2019")
    assert [line[-45:] for line in pack.sources("imd")] == [
        "of Deprivation (IoD2019); Open Government Licence v3.0"[-45:]
    ]
    assert "(IoD2025)" in pack.sources("imd[edition=iod2025]")[0]
    assert pack.sources() == pack.sources("imd")  # no roles: the roles read so far


def test_file_attribution_overrides_and_synthetic_packs_say_so(tmp_path):
    manifest = (
        '[pack]\nname = "x"\nsynthetic = true\n'
        '[[file]]\nrole = "imd"\npath = "a.csv"\nedition = "IoD2025"\n'
        'attribution = "Source: Made up for a test; no licence"\n'
        '[[file]]\nrole = "lookup.lsoa_ward_lad"\npath = "l.csv"\n'
    )
    pack = write_pack(tmp_path, manifest, {"a.csv": IMD25, "l.csv": LOOKUP})
    assert pack.sources("imd", "lookup.lsoa_ward_lad") == [
        "Made up for a test; no licence",
        "Synthetic data in the layout of Office for National Statistics, LSOA to ward to local "
        "authority best-fit lookup",
    ]
    (tmp_path / "datapack.toml").write_text(manifest.replace('"Source: Made', "7 #"))
    with pytest.raises(SourceError, match="attribution = 7 must be text"):
        DataPack.open(tmp_path)


def test_real_pack_cites_each_publisher(shared_data):
    pack = DataPack.open(shared_data)
    practice = pack.sources("prevalence.recorded[level=practice]")
    assert practice == [
        "NHS England, Quality and Outcomes Framework (QOF) 2022/23, practice registers; "
        "Open Government Licence v3.0"
    ]
    (lad,) = pack.sources("prevalence.recorded[level=lad]")
    assert "House of Commons Library" in lad and "(2019/20)" in lad
    # Fingertips: every file is read together, one publisher cited once
    assert pack.sources("indicators.fingertips") == [
        "Office for Health Improvement and Disparities, Fingertips public health profiles; "
        "© Crown copyright, Open Government Licence v3.0"
    ]
    assert "(2025 model)" in pack.sources("neighbours.dfe")[0]
    assert not any("Source" in line for line in pack.sources(*ROLES))


def test_demo_manifest_says_each_file_is_synthetic(demo_pack):
    pack = DataPack.open(demo_pack)
    lines = pack.sources(*ROLES)
    assert len(lines) >= 10
    assert all(line.startswith("Synthetic data") for line in lines), lines
