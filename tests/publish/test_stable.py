"""Byte-stable Office files (jsna.publish.stable)."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

from jsna.publish.stable import FIXED_DATE, document_date, stable_zip


def test_document_date(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert document_date() == FIXED_DATE == datetime(1980, 1, 1, tzinfo=UTC)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    assert document_date() == datetime(2026, 1, 1, tzinfo=UTC)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")  # zip files cannot hold dates before 1980
    assert document_date() == FIXED_DATE
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "not a number")
    assert document_date() == FIXED_DATE


def test_stable_zip_keeps_members_and_fixes_dates():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr(zipfile.ZipInfo("b.xml", (2024, 5, 6, 7, 8, 10)), "<b/>")
        archive.writestr(zipfile.ZipInfo("a.xml", (2025, 1, 2, 3, 4, 6)), "<a/>")
    when = datetime(2026, 1, 1, 12, 30, tzinfo=UTC)
    out = zipfile.ZipFile(io.BytesIO(stable_zip(buffer.getvalue(), when)))
    assert [(i.filename, i.date_time) for i in out.infolist()] == [
        ("b.xml", (2026, 1, 1, 12, 30, 0)),
        ("a.xml", (2026, 1, 1, 12, 30, 0)),
    ]
    assert {i.compress_type for i in out.infolist()} == {zipfile.ZIP_DEFLATED}
    assert out.read("a.xml") == b"<a/>"
