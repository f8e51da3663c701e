"""DataPack manifest parsing and role selection."""

from __future__ import annotations

from pathlib import Path

import pytest

from jsna.exceptions import GeographyError, JSNAError, SourceError
from jsna.io.datapack import DataPack
from jsna.meta import meta


def write_pack(folder: Path, manifest: str, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (folder / "datapack.toml").write_text(manifest, encoding="utf-8")
    return folder


IMD25 = "lsoa21_code,IMD_decile,IMD_rank,IMD_score\nE01000001,1,10,50.5\nE01000002,10,33000,2.0\n"
IMD19 = "lsoa11_code,IMD_decile,IMD_rank\nE01000001,2,4000\n"


def test_manifest_parsed(tmp_path):
    pack = DataPack.open(
        write_pack(
            tmp_path,
            """
[pack]
name = "Test pack"
synthetic = true
areas = ["E06999001"]
attribution = "One line"

[[file]]
role = "imd"
path = "imd/imd25.csv"
edition = "IoD2025"
""",
            {"imd/imd25.csv": IMD25},
        )
    )
    assert pack.name == "Test pack"
    assert pack.synthetic is True
    assert pack.areas == ["E06999001"]
    assert pack.attribution == ["One line"]
    assert pack.attribution_text().startswith("Synthetic data")
    frame = pack.read("imd")
    assert frame["imd_decile"].tolist() == [1, 10]
    assert frame["imd_score"].tolist() == [50.5, 2.0]
    assert meta(frame, "edition") == "IoD2025"


def test_most_recent_edition_is_default_and_choice_is_honoured(tmp_path):
    pack = DataPack.open(
        write_pack(
            tmp_path,
            """
[pack]
name = "Two editions"
[[file]]
role = "imd"
path = "imd19.csv"
edition = "IoD2019"
[[file]]
role = "imd"
path = "imd25.csv"
edition = "IoD2025"
""",
            {"imd19.csv": IMD19, "imd25.csv": IMD25},
        )
    )
    assert meta(pack.read("imd"), "edition") == "IoD2025"
    old = pack.read("imd", edition="IoD2019")
    assert meta(old, "edition") == "IoD2019"
    assert "lsoa11_code" in old.columns
    with pytest.raises(SourceError, match="no imd file with"):
        pack.read("imd", edition="IoD2015")


def test_read_returns_a_copy(tmp_path):
    pack = DataPack.open(
        write_pack(
            tmp_path, '[pack]\nname="x"\n[[file]]\nrole="imd"\npath="a.csv"\n', {"a.csv": IMD25}
        )
    )
    first = pack.read("imd")
    first.loc[0, "imd_decile"] = 7
    assert pack.read("imd").loc[0, "imd_decile"] == 1


def test_a_file_chosen_two_ways_is_read_once(tmp_path, monkeypatch):
    import jsna.io.datapack as datapack

    pack = DataPack.open(
        write_pack(
            tmp_path,
            '[pack]\nname="x"\n[[file]]\nrole="imd"\npath="a.csv"\nedition="IoD2025"\n'
            '[[file]]\nrole="imd"\npath="b.csv"\nedition="IoD2019"\n',
            {"a.csv": IMD25, "b.csv": IMD19},
        )
    )
    calls = []
    reader = datapack.READERS["imd"]
    monkeypatch.setitem(datapack.READERS, "imd", lambda entry: calls.append(entry) or reader(entry))
    # the newest edition by default and by name: one file, one read, equal frames
    default, named = pack.read("imd"), pack.read("imd", edition="iod2025")
    assert len(calls) == 1 and default.equals(named)
    assert meta(named, "edition") == "IoD2025"
    named.loc[0, "imd_decile"] = 7  # still copies
    assert pack.read("imd").loc[0, "imd_decile"] == 1
    # another file is another read
    assert meta(pack.read("imd", edition="IoD2019"), "edition") == "IoD2019"
    assert len(calls) == 2
    assert pack.sources("imd")  # both files read are cited


def test_roles_read_records_each_role_handed_out(tmp_path):
    lookup = "LSOA21CD,WD24CD,LAD24CD\nE01000001,E05000001,E06999001\n"
    pack = DataPack.open(
        write_pack(
            tmp_path,
            '[pack]\nname="x"\n[[file]]\nrole="imd"\npath="a.csv"\nedition="IoD2025"\n'
            '[[file]]\nrole="imd"\npath="b.csv"\nedition="IoD2019"\n'
            '[[file]]\nrole="lookup.lsoa_ward_lad"\npath="l.csv"\n',
            {"a.csv": IMD25, "b.csv": IMD19, "l.csv": lookup},
        )
    )
    assert pack.roles_read == set()
    assert pack.check_area("E06999001") == "E06999001"  # the pack's own check is not a use
    assert pack.roles_read == set()
    pack.read("imd", edition="IoD2019")
    pack.read("imd")  # cached the second time, still recorded once
    pack.read("imd")
    assert pack.roles_read == {"imd"}
    with pytest.raises(SourceError):
        pack.read("boundaries.ward")
    assert pack.roles_read == {"imd"}  # a failed read used nothing
    pack.read("lookup.lsoa_ward_lad")
    assert pack.roles_read == {"imd", "lookup.lsoa_ward_lad"}
    pack.roles_read.clear()
    pack.read("imd")
    assert pack.roles_read == {"imd"}


@pytest.mark.parametrize(
    ("manifest", "match"),
    [
        ('[pack]\nname="x"\n[[file]]\nrole="imd"\npath="missing.csv"\n', "matches no file"),
        ('[pack]\nname="x"\n[[file]]\nrole="imd.bad"\npath="a.csv"\n', "unknown role 'imd.bad'"),
        ('[pack]\n[[file]]\nrole="imd"\npath="a.csv"\n', r"needs a \[pack\] table"),
        ('[pack]\nname="x"\n', r"no \[\[file\]\] entries"),
        ('[pack\nname="x"\n', "not valid TOML"),
        ('[pack]\nname="x"\n[[file]]\npath="a.csv"\n', "needs both role and path"),
    ],
)
def test_bad_manifests(tmp_path, manifest, match):
    write_pack(tmp_path, manifest, {"a.csv": IMD25})
    with pytest.raises(SourceError, match=match):
        DataPack.open(tmp_path)


def test_missing_manifest_says_what_to_do(tmp_path):
    with pytest.raises(SourceError, match="no datapack.toml .*jsna demo"):
        DataPack.open(tmp_path)


def test_missing_role(tmp_path):
    pack = DataPack.open(
        write_pack(
            tmp_path, '[pack]\nname="x"\n[[file]]\nrole="imd"\npath="a.csv"\n', {"a.csv": IMD25}
        )
    )
    with pytest.raises(SourceError, match="no file for role boundaries.ward"):
        pack.read("boundaries.ward")


def test_unknown_area(tmp_path):
    pack = DataPack.open(
        write_pack(
            tmp_path,
            '[pack]\nname="x"\nareas=["E06999001"]\n[[file]]\nrole="imd"\npath="a.csv"\n',
            {"a.csv": IMD25},
        )
    )
    with pytest.raises(GeographyError, match="unknown area code 'E0800001X'.*E06999001"):
        pack.check_area("E0800001X")
    assert issubclass(GeographyError, JSNAError)


def test_real_pack_opens_and_chooses_latest(shared_data):
    pack = DataPack.open(shared_data)
    assert pack.synthetic is False
    assert len(pack.areas) == 9
    assert meta(pack.read("imd"), "edition") == "IoD2025"
    assert pack.entry("neighbours.dfe").get("vintage") == "2025 model"
    assert pack.entry("boundaries.lsoa").get("vintage") == "LSOA21"
    assert pack.check_area("E08000014") == "E08000014"


def test_combined_fingertips_entries_keep_their_polarity(tmp_path, shared_data):
    import shutil

    src = shared_data / "fingertips"
    for name in ("la_hospital_admissions_2324.csv", "indicators-CountyUA.data.csv"):
        shutil.copy(src / name, tmp_path / name)  # a temporary copy, not committed
    pack = DataPack.open(
        write_pack(
            tmp_path,
            """
[pack]
name = "two fingertips files"
[[file]]
role = "indicators.fingertips"
path = "la_hospital_admissions_2324.csv"
polarity = "low is good"
[[file]]
role = "indicators.fingertips"
path = "indicators-CountyUA.data.csv"
""",
            {},
        )
    )
    frame = pack.read("indicators.fingertips")
    by_id = frame.groupby("indicator_id")["polarity"].first()
    assert by_id[90284] == "low is good"
    assert frame.loc[frame["indicator_id"] == 93356, "polarity"].isna().all()
