"""Bad inputs at the command line (jsna.publish.cli): one-line errors, exit code 2.

Every kind of bad input gives a :class:`~jsna.exceptions.JSNAError` whose
message names what is wrong and says what to do, or NaN with a warning where
the published method says so - never a silently wrong number.
"""

from __future__ import annotations

import re

from jsna.publish.cli import main

SEFTON = "E08000014"

# =========================================================================== command line


def _one_line_error(capsys) -> str:
    err = capsys.readouterr().err
    assert err.startswith("jsna: error: ") and err.count("\n") == 1, err
    return err


def test_cli_pack_without_manifest(tmp_path, capsys):
    assert main(["build", "--pack", str(tmp_path)]) == 2
    assert re.search(
        r"no datapack.toml in .*point --pack at a data pack folder", _one_line_error(capsys)
    )


def test_cli_manifest_naming_a_missing_file(tmp_path, capsys):
    (tmp_path / "datapack.toml").write_text(
        f'[pack]\nname = "p"\nareas = ["{SEFTON}"]\n[[file]]\nrole = "imd"\npath = '
        '"imd/missing.csv"\n'
    )
    assert main(["build", "--pack", str(tmp_path), "--area", SEFTON]) == 2
    assert re.search(
        r"path 'imd/missing.csv' matches no file .*fix the path or download the file",
        _one_line_error(capsys),
    )


def test_cli_manifest_not_toml(tmp_path, capsys):
    (tmp_path / "datapack.toml").write_text('[pack]\nname = "p\n')
    assert main(["build", "--pack", str(tmp_path)]) == 2
    assert "is not valid TOML" in _one_line_error(capsys)


def test_cli_unknown_area(tmp_path, capsys):
    (tmp_path / "imd.csv").write_text("lsoa21_code,IMD_decile\nE01006412,3\n")
    (tmp_path / "datapack.toml").write_text(
        f'[pack]\nname = "bad"\nareas = ["{SEFTON}"]\n'
        '[[file]]\nrole = "imd"\npath = "imd.csv"\nedition = "IoD2025"\n'
    )
    assert main(["build", "--pack", str(tmp_path), "--area", "E0800014", "--chapters", "01"]) == 2
    assert re.search(
        r"unknown area code 'E0800014' .* it covers 'E08000014'", _one_line_error(capsys)
    )


def test_cli_demo_into_a_file(tmp_path, capsys):
    target = tmp_path / "not_a_folder"
    target.write_text("x")
    assert main(["demo", str(target)]) == 2
    assert "is a file; give a folder" in _one_line_error(capsys)
