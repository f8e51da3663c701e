"""Chapter 03 on a pack with practice QOF but no modelled prevalence (``prevalence.model``).

The pack is the demo pack copied to a temporary folder with the ``prevalence.model``
entries taken out of its ``datapack.toml``: the practice gaps cannot be modelled, so
the chapter says which role is missing and the ``jsna fetch`` command that adds it,
and still draws recorded prevalence by practice.
"""

from __future__ import annotations

import re
import shutil

import matplotlib.pyplot as plt
import pytest

from jsna.io.datapack import DataPack
from jsna.publish.chapter import Chapter
from jsna.publish.chapters import live_well


@pytest.fixture(scope="module")
def no_model_pack(demo_pack, tmp_path_factory):
    folder = tmp_path_factory.mktemp("no_model") / "pack"
    shutil.copytree(demo_pack, folder)
    manifest = folder / "datapack.toml"
    blocks = re.split(r"(?m)^(?=\[\[file\]\])", manifest.read_text(encoding="utf-8"))
    kept = [b for b in blocks if 'role = "prevalence.model"' not in b]
    assert len(blocks) - len(kept) == 2  # the demo's two rate files
    manifest.write_text("".join(kept), encoding="utf-8")
    return folder


def _text(outputs) -> str:
    return "\n".join(getattr(o, "data", "") or "" for o in outputs)


def test_missing_roles_named(no_model_pack, demo_pack):
    assert live_well.missing_practice_roles(DataPack.open(no_model_pack)) == ["prevalence.model"]
    assert live_well.missing_practice_roles(DataPack.open(demo_pack)) == []


def test_chapter_03_says_what_is_missing(no_model_pack, tmp_path):
    chapter = Chapter.start(
        "03_live_well_prevalence_gaps", no_model_pack, None, tmp_path / "f", tmp_path / "r"
    )
    try:
        section = live_well.condition_gaps(chapter)
        assert section.data is None and section.messages == []
        text = _text(section.outputs)
        assert "role `prevalence.model`" in text
        assert f"`jsna fetch --area {chapter.area} --only prevalence.model`" in text
        # the LSOA file is there: the sentence must not claim it is missing
        assert "gp.lsoa_patients" not in text
        # what the pack allows still runs: recorded prevalence by practice, no crash
        assert live_well.practice_funnel(chapter, None).messages == []
        funnel = live_well.recorded_funnel(chapter)
        assert len(funnel.messages) == 1 and "practices" in str(funnel.messages[0])
        assert live_well.authorities(chapter).outputs == []  # no registers by authority
        assert "modelled practice gaps" in _text(
            live_well.reading_deprivation(chapter, None).outputs
        )
    finally:
        plt.close("all")
