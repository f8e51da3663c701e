"""A data pack reads only files inside its own folder (issue 12, "Packs stay in their folder").

Every path a manifest names - a ``[[file]]`` ``path`` glob and a file an entry names
(a QOF ``mapping``) - must resolve, after globs and symlinks, inside the pack folder.
Anything else is a one-line :class:`~jsna.exceptions.SourceError` naming the entry and the
path, raised before the file is opened, so no message can quote an outside file.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from jsna.exceptions import SourceError
from jsna.io.datapack import DataPack

IMD = "lsoa21_code,IMD_decile\nE01000001,3\n"
SECRET = "SECRET-LINE-do-not-print,password\nhunter2,1\n"


def manifest(path: str, *, role: str = "imd", extra: str = "") -> str:
    return f'[pack]\nname = "p"\n[[file]]\nrole = "{role}"\npath = {path}\n{extra}'


@pytest.fixture()
def layout(tmp_path: Path) -> tuple[Path, Path]:
    """A pack folder ``pack/inner`` and, beside it, an outside folder holding a secret CSV."""
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "elsewhere.csv").write_text(SECRET)
    (outside / "imd.csv").write_text(IMD)
    pack = tmp_path / "pack" / "inner"
    pack.mkdir(parents=True)
    (pack / "imd.csv").write_text(IMD)
    return pack, outside


def open_with(pack: Path, text: str) -> DataPack:
    (pack / "datapack.toml").write_text(text, encoding="utf-8")
    return DataPack.open(pack)


def refused(pack: Path, text: str, match: str) -> str:
    with pytest.raises(SourceError, match=match) as info:
        found = open_with(pack, text)
        found.read("imd")  # pragma: no cover - only reached if open did not refuse
    message = str(info.value)
    assert "\n" not in message
    assert "SECRET" not in message and "hunter2" not in message
    return message


def test_parent_relative_path_refused(layout):
    pack, _ = layout
    message = refused(pack, manifest('"../../elsewhere/elsewhere.csv"'), r"outside the pack folder")
    assert "[[file]] number 1 (role imd)" in message
    assert "../../elsewhere/elsewhere.csv" in message


def test_absolute_path_refused(layout):
    pack, outside = layout
    message = refused(
        pack, manifest(f'"{(outside / "elsewhere.csv").as_posix()}"'), r"absolute path"
    )
    assert "role imd" in message and "elsewhere.csv" in message


def test_home_path_refused(layout):
    pack, _ = layout
    refused(pack, manifest('"~/imd.csv"'), r"outside the pack folder|absolute path")


def test_symlink_to_a_file_outside_refused(layout):
    pack, outside = layout
    (pack / "imd_link.csv").symlink_to(outside / "elsewhere.csv")
    message = refused(pack, manifest('"imd_link.csv"'), r"symlink.*outside the pack folder")
    assert "imd_link.csv" in message


def test_symlink_to_a_file_inside_is_read(layout):
    pack, _ = layout
    (pack / "sub").mkdir()
    (pack / "sub" / "imd_link.csv").symlink_to(pack / "imd.csv")
    assert open_with(pack, manifest('"sub/imd_link.csv"')).read("imd")["imd_decile"].tolist() == [3]


def test_relative_symlink_climbing_out_refused(layout):
    pack, _ = layout
    (pack / "imd_rel.csv").symlink_to(Path("..") / ".." / "elsewhere" / "elsewhere.csv")
    refused(pack, manifest('"imd_rel.csv"'), r"outside the pack folder")


def test_symlinked_directory_pointing_out_refused(layout):
    pack, outside = layout
    (pack / "imd_dir").symlink_to(outside, target_is_directory=True)
    refused(pack, manifest('"imd_dir/imd.csv"'), r"outside the pack folder")


def test_glob_through_a_symlinked_directory_pointing_out_refused(layout):
    pack, outside = layout
    (pack / "imd_dir").symlink_to(outside, target_is_directory=True)
    refused(pack, manifest('"imd_dir/*.csv"'), r"outside the pack folder")


def test_symlinked_directory_inside_is_read(layout):
    pack, _ = layout
    (pack / "real").mkdir()
    (pack / "real" / "imd.csv").write_text(IMD)
    (pack / "alias").symlink_to(pack / "real", target_is_directory=True)
    assert len(open_with(pack, manifest('"alias/*.csv"')).read("imd")) == 1


def test_dotdot_inside_a_glob_refused(layout):
    pack, _ = layout
    refused(pack, manifest('"*/../../../elsewhere/*.csv"'), r"outside the pack folder|'\.\.'")


def test_dotdot_that_stays_inside_is_still_refused(layout):
    # A '..' is never needed inside a pack; refusing it keeps the rule simple to state.
    pack, _ = layout
    (pack / "sub").mkdir()
    refused(pack, manifest('"sub/../imd.csv"'), r"'\.\.'")


def test_recursive_glob_does_not_follow_a_link_out(layout):
    pack, outside = layout
    (pack / "deep").mkdir()
    (pack / "deep" / "imd.csv").write_text(IMD)
    (pack / "deep" / "escape.csv").symlink_to(outside / "imd.csv")
    refused(pack, manifest('"**/*.csv"'), r"escape\.csv.*outside the pack folder")


def test_glob_matching_nothing(layout):
    pack, _ = layout
    refused(pack, manifest('"nothing/*.csv"'), r"matches no file in")


def test_path_that_is_a_directory(layout):
    pack, _ = layout
    (pack / "imd").mkdir()
    refused(pack, manifest('"imd"'), r"is a folder, not a file")


def test_broken_symlink(layout):
    pack, _ = layout
    (pack / "gone.csv").symlink_to(pack / "never-there.csv")
    refused(pack, manifest('"gone.csv"'), r"gone\.csv")


def test_windows_drive_path_refused(layout):
    pack, _ = layout
    refused(pack, manifest("'C:\\\\data\\\\imd.csv'"), r"absolute path")


QOF = (
    "PRACTICE_CODE,GROUP_CODE,REGISTER,PATIENT_LIST_TYPE,PRACTICE_LIST_SIZE\n"
    "A00001,HYP,100,TOTAL,1000\n"
)


def test_mapping_outside_the_pack_refused(layout):
    pack, outside = layout
    (pack / "qof.csv").write_text(QOF)
    message = refused(
        pack,
        manifest(
            '"qof.csv"',
            role="prevalence.recorded",
            extra='level = "practice"\nmapping = "../../elsewhere/elsewhere.csv"\n',
        ),
        r"mapping",
    )
    assert "outside the pack folder" in message


def test_mapping_symlinked_out_refused(layout):
    pack, outside = layout
    (pack / "qof.csv").write_text(QOF)
    (pack / "map.csv").symlink_to(outside / "elsewhere.csv")
    refused(
        pack,
        manifest(
            '"qof.csv"',
            role="prevalence.recorded",
            extra='level = "practice"\nmapping = "map.csv"\n',
        ),
        r"mapping.*outside the pack folder",
    )


def test_mapping_absolute_refused(layout):
    pack, outside = layout
    (pack / "qof.csv").write_text(QOF)
    refused(
        pack,
        manifest(
            '"qof.csv"',
            role="prevalence.recorded",
            extra=f'level = "practice"\nmapping = "{(outside / "elsewhere.csv").as_posix()}"\n',
        ),
        r"mapping.*absolute path",
    )


def test_pack_opened_through_a_symlinked_folder_still_reads(layout, tmp_path):
    # The pack folder itself may be reached through a link (e.g. data -> /mnt/share/data).
    pack, _ = layout
    (pack / "datapack.toml").write_text(manifest('"imd.csv"'))
    link = tmp_path / "pack_link"
    link.symlink_to(pack, target_is_directory=True)
    assert DataPack.open(link).read("imd")["imd_decile"].tolist() == [3]


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_error_reading_an_inside_file_never_quotes_an_outside_one(layout):
    # The outside file's first line must not reach any message, even via a bad-file error.
    pack, outside = layout
    (pack / "imd.csv").unlink()
    (pack / "imd.csv").symlink_to(outside / "elsewhere.csv")
    refused(pack, manifest('"imd.csv"'), r"outside the pack folder")


# The user may say otherwise on the command line: `jsna build --allow-outside DIR`.


def test_allowed_folder_may_be_read_by_absolute_path(layout, monkeypatch):
    pack, outside = layout
    monkeypatch.setenv("JSNA_ALLOW_OUTSIDE", str(outside))
    found = open_with(pack, manifest(f'"{(outside / "imd.csv").as_posix()}"'))
    assert found.read("imd")["lsoa21_code"].tolist() == ["E01000001"]


def test_allowed_folder_may_be_read_through_dotdot_and_symlinks(layout, monkeypatch):
    pack, outside = layout
    monkeypatch.setenv("JSNA_ALLOW_OUTSIDE", str(outside))
    assert open_with(pack, manifest('"../../elsewhere/imd.csv"')).read("imd").shape[0] == 1
    (pack / "imd_link.csv").symlink_to(outside / "imd.csv")
    assert open_with(pack, manifest('"imd_link.csv"')).read("imd").shape[0] == 1


def test_a_folder_not_allowed_stays_refused(layout, tmp_path, monkeypatch):
    pack, outside = layout
    other = tmp_path / "other"
    other.mkdir()
    monkeypatch.setenv("JSNA_ALLOW_OUTSIDE", str(other))
    message = refused(
        pack, manifest(f'"{(outside / "elsewhere.csv").as_posix()}"'), r"--allow-outside"
    )
    assert str(other) in message


def test_build_allow_outside_option_sets_the_permission(layout, monkeypatch):
    from jsna.publish import cli

    pack, outside = layout
    monkeypatch.setenv("JSNA_ALLOW_OUTSIDE", "")  # restored (to unset) after the test
    seen = {}

    def fake_build(*args, **kwargs):
        from jsna.config import allowed_outside

        seen["allowed"] = allowed_outside()
        raise SystemExit(0)

    monkeypatch.setattr("jsna.publish.build.build", fake_build)
    with pytest.raises(SystemExit):
        cli.main(["build", "--pack", str(pack), "--allow-outside", str(outside)])
    assert seen["allowed"] == (outside.resolve(),)
