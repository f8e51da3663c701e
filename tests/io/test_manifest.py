"""Manifest validation: wrong types and shapes in ``datapack.toml`` are one-line errors (issue 12).

Also the encodings of manifests and data files, and ambiguous entries of one role.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from jsna.exceptions import SourceError
from jsna.io.datapack import DataPack

IMD = "lsoa21_code,IMD_decile\nE01000001,3\nE01000002,7\n"
IMD19 = "lsoa11_code,IMD_decile\nE01000001,2\n"
FILE = '[[file]]\nrole = "imd"\npath = "imd.csv"\n'


def pack_with(folder: Path, text: str, files: dict[str, str] | None = None) -> Path:
    for name, content in (files or {"imd.csv": IMD}).items():
        (folder / name).write_text(content, encoding="utf-8")
    (folder / "datapack.toml").write_text(text, encoding="utf-8")
    return folder


def refused(folder: Path, match: str) -> str:
    with pytest.raises(SourceError, match=match) as info:
        DataPack.open(folder)
    assert "\n" not in str(info.value)
    return str(info.value)


# ------------------------------------------------------------------ [pack] types


def test_synthetic_as_a_string_refused(tmp_path):
    pack_with(tmp_path, '[pack]\nname = "p"\nsynthetic = "false"\n' + FILE)
    refused(tmp_path, r"synthetic = 'false' must be true or false \(a TOML boolean, no quotes\)")


def test_synthetic_as_a_number_refused(tmp_path):
    pack_with(tmp_path, '[pack]\nname = "p"\nsynthetic = 0\n' + FILE)
    refused(tmp_path, r"synthetic = 0 must be true or false")


def test_synthetic_boolean_accepted(tmp_path):
    pack_with(tmp_path, '[pack]\nname = "p"\nsynthetic = false\n' + FILE)
    assert DataPack.open(tmp_path).synthetic is False


def test_areas_as_a_string_refused(tmp_path):
    pack_with(tmp_path, '[pack]\nname = "p"\nareas = "E08000014"\n' + FILE)
    refused(tmp_path, r'areas must be a list of area codes, like areas = \["E08000014"\]')


def test_areas_holding_numbers_refused(tmp_path):
    pack_with(tmp_path, '[pack]\nname = "p"\nareas = ["E08000014", 8000015]\n' + FILE)
    refused(tmp_path, r"areas.*8000015.*in quotes")


def test_areas_with_spaces_refused(tmp_path):
    pack_with(tmp_path, '[pack]\nname = "p"\nareas = [" E08000014"]\n' + FILE)
    refused(tmp_path, r"areas.*' E08000014'.*spaces")


def test_name_not_text_refused(tmp_path):
    pack_with(tmp_path, "[pack]\nname = 12\n" + FILE)
    refused(tmp_path, r"name = 12 must be text")


def test_empty_name_refused(tmp_path):
    pack_with(tmp_path, '[pack]\nname = "  "\n' + FILE)
    refused(tmp_path, r"name .* empty")


def test_attribution_of_numbers_refused(tmp_path):
    pack_with(tmp_path, '[pack]\nname = "p"\nattribution = [1, 2]\n' + FILE)
    refused(tmp_path, r"attribution must be text or a list of text")


def test_pack_not_a_table_refused(tmp_path):
    pack_with(tmp_path, 'pack = "p"\n' + FILE)
    refused(tmp_path, r"needs a \[pack\] table")


# ------------------------------------------------------------------ [[file]] shape and types


def test_single_bracket_file_table_refused(tmp_path):
    pack_with(tmp_path, '[pack]\nname = "p"\n[file]\nrole = "imd"\npath = "imd.csv"\n')
    refused(tmp_path, r"\[file\] must be written \[\[file\]\]")


def test_file_as_a_list_of_strings_refused(tmp_path):
    pack_with(tmp_path, 'file = ["imd.csv"]\n[pack]\nname = "p"\n')
    refused(tmp_path, r"\[\[file\]\] number 1 must be a table")


def test_path_as_a_number_refused(tmp_path):
    pack_with(tmp_path, '[pack]\nname = "p"\n[[file]]\nrole = "imd"\npath = 7\n')
    refused(tmp_path, r"\[\[file\]\] number 1 \(role imd\): path = 7 must be text")


def test_role_as_a_list_refused(tmp_path):
    pack_with(tmp_path, '[pack]\nname = "p"\n[[file]]\nrole = ["imd"]\npath = "imd.csv"\n')
    refused(tmp_path, r"\[\[file\]\] number 1: role = \['imd'\] must be text")


def test_edition_as_a_boolean_refused(tmp_path):
    pack_with(tmp_path, '[pack]\nname = "p"\n' + FILE + "edition = true\n")
    refused(tmp_path, r"edition = True must be text")


def test_mapping_as_a_number_refused(tmp_path):
    pack_with(
        tmp_path,
        '[pack]\nname = "p"\n[[file]]\nrole = "prevalence.recorded"\npath = "imd.csv"\n'
        "mapping = 7\n",
    )
    refused(tmp_path, r"mapping = 7 must be text")


def test_year_as_a_number_is_accepted(tmp_path):
    pack_with(tmp_path, '[pack]\nname = "p"\n' + FILE + "period = 2024\n")
    assert DataPack.open(tmp_path).entries[0].get("period") == 2024


# ------------------------------------------------------------------ encodings


def test_manifest_in_cp1252_refused_with_the_fix(tmp_path):
    (tmp_path / "imd.csv").write_text(IMD)
    text = '[pack]\nname = "Café pack"\nattribution = "© Crown copyright"\n' + FILE
    (tmp_path / "datapack.toml").write_bytes(text.encode("cp1252"))
    message = refused(tmp_path, r"not UTF-8.*save it as UTF-8")
    assert "datapack.toml" in message


def test_manifest_in_utf16_refused_with_the_fix(tmp_path):
    (tmp_path / "imd.csv").write_text(IMD)
    (tmp_path / "datapack.toml").write_bytes(('[pack]\nname = "p"\n' + FILE).encode("utf-16"))
    refused(tmp_path, r"UTF-16.*save it as UTF-8")


def test_manifest_with_utf8_bom_is_read(tmp_path):
    (tmp_path / "imd.csv").write_text(IMD)
    (tmp_path / "datapack.toml").write_bytes(("\ufeff" + '[pack]\nname = "é"\n' + FILE).encode())
    assert DataPack.open(tmp_path).name == "é"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_csv_is_read_correctly(tmp_path, encoding):
    # Chosen behaviour: a UTF-16 file with a byte-order mark is decoded as UTF-16, not refused.
    body = IMD.encode(encoding)
    if encoding != "utf-16":  # the plain codec writes its own BOM
        body = "\ufeff".encode(encoding) + body
    (tmp_path / "imd.csv").write_bytes(body)
    (tmp_path / "datapack.toml").write_text('[pack]\nname = "p"\n' + FILE)
    frame = DataPack.open(tmp_path).read("imd")
    assert frame["lsoa21_code"].tolist() == ["E01000001", "E01000002"]
    assert frame["imd_decile"].tolist() == [3, 7]


def test_utf16_tab_separated_excel_text_is_read(tmp_path):
    # Excel's "Unicode Text" is UTF-16 with tabs.
    (tmp_path / "imd.csv").write_bytes(IMD.replace(",", "\t").encode("utf-16"))
    (tmp_path / "datapack.toml").write_text('[pack]\nname = "p"\n' + FILE)
    assert DataPack.open(tmp_path).read("imd")["imd_decile"].tolist() == [3, 7]


# ------------------------------------------------------------------ ambiguous entries


def test_two_entries_of_one_edition_refused(tmp_path):
    text = (
        '[pack]\nname = "p"\n'
        '[[file]]\nrole = "imd"\npath = "a.csv"\nedition = "IoD2025"\n'
        '[[file]]\nrole = "imd"\npath = "b.csv"\nedition = "iod2025"\n'
    )
    pack_with(tmp_path, text, {"a.csv": IMD, "b.csv": IMD})
    message = refused(tmp_path, r"ambiguous")
    assert "'a.csv'" in message and "'b.csv'" in message and "edition" in message


def test_two_entries_of_one_level_refused(tmp_path):
    qof = "lad_code,group_code,register,list\nE08000014,HYP,10,100\n"
    text = (
        '[pack]\nname = "p"\n'
        '[[file]]\nrole = "prevalence.recorded"\npath = "a.csv"\nlevel = "lad"\n'
        '[[file]]\nrole = "prevalence.recorded"\npath = "b.csv"\nlevel = "lad"\n'
    )
    pack_with(tmp_path, text, {"a.csv": qof, "b.csv": qof})
    refused(tmp_path, r"ambiguous.*'a.csv'.*'b.csv'")


def test_two_unlabelled_entries_of_one_role_refused(tmp_path):
    text = (
        '[pack]\nname = "p"\n'
        '[[file]]\nrole = "imd"\npath = "a.csv"\n'
        '[[file]]\nrole = "imd"\npath = "b.csv"\n'
    )
    pack_with(tmp_path, text, {"a.csv": IMD, "b.csv": IMD})
    refused(tmp_path, r"ambiguous.*edition, vintage or level")


def test_two_editions_are_not_ambiguous(tmp_path):
    text = (
        '[pack]\nname = "p"\n'
        '[[file]]\nrole = "imd"\npath = "a.csv"\nedition = "IoD2025"\n'
        '[[file]]\nrole = "imd"\npath = "b.csv"\nedition = "IoD2019"\n'
    )
    pack_with(tmp_path, text, {"a.csv": IMD, "b.csv": IMD19})
    assert DataPack.open(tmp_path).read("imd")["imd_decile"].tolist() == [3, 7]


def test_fingertips_entries_are_combined_not_ambiguous(tmp_path):
    text = (
        '[pack]\nname = "p"\n'
        '[[file]]\nrole = "indicators.fingertips"\npath = "a.csv"\n'
        '[[file]]\nrole = "indicators.fingertips"\npath = "b.csv"\n'
    )
    pack_with(tmp_path, text, {"a.csv": IMD, "b.csv": IMD})
    assert len(DataPack.open(tmp_path).entries) == 2


def test_real_and_demo_manifests_still_open(shared_data, demo_pack):
    assert len(DataPack.open(shared_data).entries) > 10
    assert DataPack.open(demo_pack).synthetic is True
