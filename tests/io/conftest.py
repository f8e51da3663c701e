"""Fixtures shared by the io tests: the real Fingertips exports read once."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from jsna.io import FileEntry
from jsna.io.fingertips import ROLE, read_fingertips

#: The real Fingertips exports under ``shared_data / "fingertips"``.
LA = "la_hospital_admissions_2324.csv"
REGION = "region_hospital_admissions_2324.csv"
LEGACY = "indicators-CountyUA.data.csv"


def _read(path: Path) -> pd.DataFrame:
    return read_fingertips(FileEntry(ROLE, (path,)))


@pytest.fixture(scope="session")
def ft_dir(shared_data: Path) -> Path:
    return shared_data / "fingertips"


@pytest.fixture(scope="session")
def la(ft_dir: Path) -> pd.DataFrame:
    return _read(ft_dir / LA)


@pytest.fixture(scope="session")
def region(ft_dir: Path) -> pd.DataFrame:
    return _read(ft_dir / REGION)


@pytest.fixture(scope="session")
def legacy(ft_dir: Path) -> pd.DataFrame:
    return _read(ft_dir / LEGACY)
