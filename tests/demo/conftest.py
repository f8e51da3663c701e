"""Fixtures for the demo pack tests: one pack written afresh for the session, and its truth."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from jsna.demo.pack import FILES, load_truth, write_demo_pack


@pytest.fixture(scope="session")
def written_pack(tmp_path_factory) -> tuple[Path, float]:
    """A demo pack written afresh with the default seed, and the seconds the writing took."""
    folder = tmp_path_factory.mktemp("demo") / "pack"
    start = time.perf_counter()
    write_demo_pack(folder)
    return folder, time.perf_counter() - start


@pytest.fixture(scope="session")
def pack(written_pack) -> Path:
    """The folder of the freshly written demo pack."""
    return written_pack[0]


@pytest.fixture(scope="session")
def truth(pack) -> dict:
    """The effects planted in the pack (its truth.json)."""
    return load_truth(pack)


@pytest.fixture(scope="session")
def pack_csv(pack) -> Callable[[str], pd.DataFrame]:
    """Read a CSV of the pack by its key in ``FILES``, every cell as text."""

    def read(key: str) -> pd.DataFrame:
        return pd.read_csv(
            pack / FILES[key], dtype=str, keep_default_na=False, encoding="utf-8-sig"
        )

    return read
