"""Atomic writes (jsna.io.atomic): never a half-written target; a failure keeps the old file."""

from __future__ import annotations

import os
import stat

import pytest

from jsna.io.atomic import write_atomic, write_bytes_atomic


def _names(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_writes_a_new_file_and_creates_its_folder(tmp_path):
    path = tmp_path / "a" / "b" / "file.bin"
    assert write_bytes_atomic(path, b"\x00\x01") == path
    assert path.read_bytes() == b"\x00\x01"
    assert _names(path.parent) == ["file.bin"]


def test_replaces_an_existing_file(tmp_path):
    path = tmp_path / "file.csv"
    path.write_text("old\n")
    write_atomic(path, lambda tmp: tmp.write_text("new\n"))
    assert path.read_text() == "new\n"
    assert _names(tmp_path) == ["file.csv"]


def test_the_target_keeps_its_old_content_while_being_written(tmp_path):
    path = tmp_path / "file.csv"
    path.write_text("old\n")
    seen = []

    def write(tmp):
        assert tmp.parent == tmp_path and tmp.name.startswith(".file.csv.")
        assert tmp.name.endswith(".tmp") and tmp.read_bytes() == b""
        tmp.write_text("half")
        seen.append(path.read_text())
        tmp.write_text("new\n")

    write_atomic(path, write)
    assert seen == ["old\n"]
    assert path.read_text() == "new\n"


@pytest.mark.parametrize("error", [OSError("disk full"), KeyboardInterrupt()])
def test_a_failure_leaves_the_old_file_and_no_temporary(tmp_path, error):
    path = tmp_path / "file.csv"
    path.write_text("old\n")

    def write(tmp):
        tmp.write_text("half a fi")
        raise error

    with pytest.raises(type(error)):
        write_atomic(path, write)
    assert path.read_text() == "old\n"
    assert _names(tmp_path) == ["file.csv"]


def test_a_failure_leaves_no_file_where_there_was_none(tmp_path):
    def write(tmp):
        tmp.write_text("half")
        raise ValueError("cannot draw")

    with pytest.raises(ValueError, match="cannot draw"):
        write_atomic(tmp_path / "new.png", write)
    assert _names(tmp_path) == []


def test_a_writer_that_removes_its_file_fails_cleanly(tmp_path):
    path = tmp_path / "file.csv"
    path.write_text("old\n")
    with pytest.raises(FileNotFoundError):
        write_atomic(path, lambda tmp: tmp.unlink())
    assert path.read_text() == "old\n"
    assert _names(tmp_path) == ["file.csv"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_permissions_follow_the_umask_like_a_plain_write(tmp_path):
    old = os.umask(0o022)
    try:
        path = write_bytes_atomic(tmp_path / "file.bin", b"x")
        plain = tmp_path / "plain.bin"
        plain.write_bytes(b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == stat.S_IMODE(plain.stat().st_mode) == 0o644
