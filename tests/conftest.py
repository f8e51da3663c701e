"""Shared fixtures: the real open data and reference values in ../shared.

Tests that need them skip only when ../shared is absent (CI has it). Files are
read where they are; nothing is copied into the repository.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _shared() -> Path:
    env = os.environ.get("JSNA_SHARED")
    return Path(env) if env else REPO.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The ../shared folder, or skip when it is absent."""
    path = _shared()
    if not path.is_dir():
        pytest.skip("../shared is absent (real data and reference values)")
    return path


@pytest.fixture(scope="session")
def shared_data(shared_dir: Path) -> Path:
    """The real Cheshire and Merseyside data pack folder (../shared/data)."""
    return shared_dir / "data"


@pytest.fixture(scope="session")
def reference_dir(shared_dir: Path) -> Path:
    """PHEindicatormethods / PHStatsMethods reference values (GPL-3 test data)."""
    return shared_dir / "reference"


@pytest.fixture(scope="session")
def demo_pack() -> Path:
    """The synthetic demo pack (written to data/raw/demo if missing)."""
    from jsna.config import project_paths
    from jsna.demo.pack import ensure_demo_pack

    return ensure_demo_pack(project_paths().demo_pack)
