"""Fixtures for the publish tests: a small saved chapter and its executed notebook.

A small chapter is made with the real :class:`jsna.publish.chapter.Chapter` against the
demo pack (figures through save_figure, tables through suppression) and an
executed notebook is put together with nbformat, with the outputs a run would
have produced.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib
import nbformat
import pandas as pd
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

PNG_1PX = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
        "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
    )
).decode()


def _figure(text: str):
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.bar(["a", "b"], [1, 2])
    ax.set_title(text)
    ax.set_ylabel("Count (people)")
    return fig


def _code(source: str, outputs: list) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source)
    cell.outputs = outputs
    return cell


def _markdown_output(text: str, kind: str = "display_data"):
    if kind == "execute_result":
        return nbformat.v4.new_output(
            "execute_result",
            data={"text/markdown": text, "text/plain": "<Markdown>"},
            execution_count=1,
        )
    return nbformat.v4.new_output(
        "display_data", data={"text/markdown": text, "text/plain": "<Markdown>"}
    )


def _image_output(file: str | None = None, alt: str = "A chart."):
    """An image output as Chapter.figure displays it (tagged with the saved file stem)."""
    if file is None:  # a plot shown with plt.show(), never saved
        return nbformat.v4.new_output(
            "display_data", data={"image/png": PNG_1PX, "text/plain": "<Figure>"}
        )
    html = f'<img src="data:image/png;base64,{PNG_1PX}" alt="{alt}">'
    return nbformat.v4.new_output(
        "display_data",
        data={"text/html": html, "text/plain": "<Figure>"},
        metadata={"text/html": {"jsna": {"figure": file}}},
    )


def _table_output(view):
    """The output of displaying what Chapter.table returned (its real HTML and tag)."""
    data, metadata = view._repr_mimebundle_()
    return nbformat.v4.new_output("display_data", data=data, metadata=metadata)


@pytest.fixture(scope="session")
def small_chapter(demo_pack, tmp_path_factory):
    """A two-figure, two-table chapter saved through Chapter, and its executed notebook."""
    from jsna.publish.chapter import Chapter

    root = tmp_path_factory.mktemp("chapter")
    figures, reports = root / "figures", root / "reports"
    chapter = Chapter.start("07_small_example", demo_pack, None, figures, reports)
    # Saved in the opposite order to their names, so notebook order differs from manifest order.
    fig = _figure("Zeta")
    chapter.figure(
        fig,
        "zeta_bars",
        title="Zeta: people by group",
        alt_text="Bar chart: group b has twice group a.",
        data=pd.DataFrame({"group": ["a", "b"], "people": [10, 20]}),
        count_columns="people",
    )
    plt.close(fig)
    for sex in ("Female", "Male"):
        fig = _figure(sex)
        chapter.figure(
            fig,
            f"alpha_{sex.lower()}",
            title=f"Alpha for {sex.lower()}s",
            alt_text=f"Bar chart of alpha for {sex.lower()}s: b is higher.",
            data=pd.DataFrame({"group": ["a", "b"], "value": [1.5, 2.5]}),
            safe_columns="value",
        )
        plt.close(fig)
    other = Chapter.start("02_other_chapter", demo_pack, None, figures, reports)
    fig = _figure("Other")
    other.figure(
        fig,
        "zzz_not_mine",
        title="Another chapter's figure",
        alt_text="Not in this chapter.",
        data=pd.DataFrame({"x": [1]}),
        safe_columns="x",
    )
    plt.close(fig)
    counts = pd.DataFrame(
        {
            "ward": ["Amet Hill", "Bogus Bridge", "Copyton", "Dolor Bank", "NA"],
            "count": [3, 12, 40, 25, 18],
            "denominator": [1000, 1200, 3900, 2600, 1500],
            "period": [2024] * 5,
        }
    )
    counts["value"] = 100 * counts["count"] / counts["denominator"]
    ward_counts = chapter.table(
        counts,
        "ward_counts",
        title="Admissions by ward, 2024",
        count_columns="count",
        derived_columns=["value"],
        safe_columns=["denominator", "period"],
        note="Rates are crude, per 100 people.",
    )
    england = chapter.table(
        pd.DataFrame({"indicator": ["Smoking", "Obesity"], "england": [11.6, None]}),
        "a_england_values",
        title="England values",
        safe_columns="england",
    )
    tables = reports / "tables" / chapter.name

    cells = [
        nbformat.v4.new_markdown_cell(
            "# Small example chapter\n\nAn introduction with **bold**, *italic* and a "
            "[link to the ONS](https://www.ons.gov.uk).\n\n- first point\n- second point\n"
            "  continues here"
        ),
        _code("PACK = None", []),
        nbformat.v4.new_markdown_cell(
            "## People by group\n\n### Detail\n\nText under the detail heading."
        ),
        _code(
            'chapter.figure(fig, "zeta_bars", title="Zeta: people by group", alt_text="...",\n'
            "               data=d)\n"
            "plt.show()\n"
            'display(Markdown("The groups **differ**."))',
            [_image_output("07_zeta_bars"), _markdown_output("The groups **differ**.")],
        ),
        _code(
            "plt.plot([1, 2])\nplt.show()  # shown, never saved: not published", [_image_output()]
        ),
        nbformat.v4.new_markdown_cell("## By sex"),
        _code(
            'for sex in ("Female", "Male"):\n'
            '    chapter.figure(ax.figure, f"alpha_{sex.lower()}", title=f"Alpha {sex}",\n'
            '                   alt_text="...",\n'
            "                   data=d)\n"
            "    plt.show()\n"
            'chapter.table(df[["ward", "count"]], "ward_counts",\n'
            '              title="Admissions by ward, 2024",\n'
            '              count_columns="count")',
            [
                _image_output("07_alpha_female"),
                _image_output("07_alpha_male"),
                _table_output(ward_counts),
            ],
        ),
        nbformat.v4.new_markdown_cell("## Key messages"),
        _code(
            "chapter.messages(lines)",
            [
                _markdown_output(
                    chapter.messages(["Group b has 20 people.", "Alpha is higher in b."]).data,
                    "execute_result",
                )
            ],
        ),
        _code(
            'chapter.table(england, "a_england_values", title="England values")',
            [_table_output(england)],
        ),
    ]
    notebook = nbformat.v4.new_notebook(cells=cells)
    executed = reports / "07_small_example.ipynb"
    nbformat.write(notebook, executed)
    return {
        "root": root,
        "figures": figures,
        "reports": reports,
        "tables": tables,
        "notebook": executed,
    }


# --- real builds, once per session ------------------------------------------------------------
#
# The acceptance tests of issue 13 (tests/publish/test_outputs_all_areas.py), the disclosure
# audit over real builds, the demo HTML checks and the accessibility test all read the same
# builds: the demo and every authority of the shared data pack, built once per session with
# `jsna build` (two at a time) into a temporary folder.

DEMO_AREA = "E06999001"
BUILD_WORKERS = 2


def shared_pack() -> Path | None:
    """The shared data pack folder (``$JSNA_SHARED/data`` or ``../shared/data``), if present."""
    root = os.environ.get("JSNA_SHARED")
    folder = (
        Path(root) if root else Path(__file__).resolve().parents[2].parent / "shared"
    ) / "data"
    return folder if (folder / "datapack.toml").is_file() else None


#: Files of ../shared/data that its datapack.toml does not list (added to the folder this
#: wave), as the ``[[file]]`` entries an analyst adds to a pack (README, "Real data").
EXTRA_ENTRIES = (
    {"role": "census.lsoa", "path": "census2021/census2021-ts011-lsoa_CheshireMerseyside.csv",
     "table": "TS011"},
    {"role": "census.lsoa",
     "path": "census2021/census2021-ts021-lsoa_CheshireMerseyside_6of25cols.csv",
     "table": "TS021"},
    {"role": "census.lsoa",
     "path": "census2021/census2021-ts038-lsoa_CheshireMerseyside_3of7cols.csv",
     "table": "TS038"},
    {"role": "census.msoa", "path": "census2021/census2021-ts029-msoa_CheshireMerseyside.csv",
     "table": "TS029"},
    {"role": "indicators.local_health", "path": "local_health/msoa_raw.csv", "level": "msoa",
     "period": "2015-2019"},
    {"role": "indicators.local_health", "path": "local_health/ltla_raw.csv", "level": "ltla",
     "period": "2015-2019"},
)  # fmt: skip


def full_pack(shared: Path, out: Path) -> Path:
    """A copy of the shared pack folder whose manifest also lists :data:`EXTRA_ENTRIES`.

    The files are copied (about 40 MB), so the pack reads only inside its own folder.
    """
    shutil.copytree(shared, out, dirs_exist_ok=True)
    lines = [(shared / "datapack.toml").read_text(encoding="utf-8").rstrip("\n")]
    for entry in EXTRA_ENTRIES:
        lines += ["", "[[file]]", *(f"{k} = {json.dumps(v)}" for k, v in entry.items())]
    (out / "datapack.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def pack_areas() -> list[str]:
    """The areas of the shared data pack (none when it is absent).

    ``JSNA_TEST_AREAS`` (codes separated by commas) builds only those, while developing.
    """
    pack = shared_pack()
    if pack is None:
        return []
    with (pack / "datapack.toml").open("rb") as handle:
        areas = list(tomllib.load(handle)["pack"]["areas"])
    chosen = os.environ.get("JSNA_TEST_AREAS")
    if chosen:
        wanted = [c.strip() for c in chosen.split(",") if c.strip()]
        areas = [a for a in areas if a in wanted]
    return areas


_BUILD = """
import json, sys
from jsna.publish.build import build
result = build(sys.argv[1], sys.argv[2], sys.argv[3], progress=print)
print("JSNA-RESULT " + json.dumps({"built": result.built, "failed": result.failed}))
"""


@dataclass
class Builds:
    """Where the session's builds are: areas, chapters published and chapters that failed."""

    out: Path
    areas: list[str]
    pack: Path | None = None  # the shared data pack, when present
    demo: str = DEMO_AREA
    built: dict[str, list[str]] = field(default_factory=dict)
    failed: dict[str, dict[str, str]] = field(default_factory=dict)
    crashed: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    area_seconds: dict[str, float] = field(default_factory=dict)

    def reports(self, area: str) -> Path:
        self.require(area)
        return self.out / "reports" / area

    def figures(self, area: str) -> Path:
        self.require(area)
        return self.out / "figures" / area

    def chapters(self, area: str) -> list[str]:
        """The chapters of ``area`` that were built and published (file stems)."""
        self.require(area)
        return self.built[area]

    def require(self, area: str) -> None:
        if area not in self.areas:
            pytest.skip(f"{area} was not built this session (JSNA_TEST_AREAS or no shared data)")
        if area in self.crashed:
            pytest.fail(f"the build of {area} did not finish: {self.crashed[area]}")


def _build_area(pack: Path, area: str, out: Path) -> tuple[str, float, dict | None, str]:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", _BUILD, str(pack), area, str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    (out / f"build-{area}.log").write_text(done.stdout + done.stderr)
    found = [line for line in done.stdout.splitlines() if line.startswith("JSNA-RESULT ")]
    outcome = json.loads(found[-1].removeprefix("JSNA-RESULT ")) if found else None
    return area, time.monotonic() - started, outcome, (done.stdout + done.stderr)[-2000:]


@pytest.fixture(scope="session")
def builds(demo_pack, tmp_path_factory) -> Builds:
    """The demo and every authority of the shared pack, built once (two builds at a time).

    Chapters that fail are recorded in ``failed`` (tests of the others go on); a build
    that does not finish is recorded in ``crashed`` and the tests of its area fail with it.
    """
    pack = shared_pack()
    if pack is not None:  # with the Census and Local Health files its manifest does not list
        pack = full_pack(pack, tmp_path_factory.mktemp("pack"))
    jobs = [(Path(demo_pack), DEMO_AREA)] + [(pack, area) for area in pack_areas()]
    kept = os.environ.get("JSNA_TEST_BUILDS")  # while developing: reuse a session's builds
    if kept and (Path(kept) / "builds.json").is_file():
        saved = json.loads((Path(kept) / "builds.json").read_text())
        if [area for _, area in jobs] == saved["areas"]:
            return Builds(out=Path(kept), pack=pack, **{k: v for k, v in saved.items()})
    out = tmp_path_factory.mktemp("builds")
    result = Builds(out=out, areas=[area for _, area in jobs], pack=pack)
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=BUILD_WORKERS) as pool:
        for area, seconds, outcome, log in pool.map(lambda job: _build_area(*job, out), jobs):
            result.area_seconds[area] = seconds
            if outcome is None:
                result.crashed[area] = log
            else:
                result.built[area] = outcome["built"]
                result.failed[area] = outcome["failed"]
    result.seconds = time.monotonic() - started
    (out / "builds.json").write_text(
        json.dumps(
            {
                "areas": result.areas,
                "built": result.built,
                "failed": result.failed,
                "crashed": result.crashed,
                "seconds": result.seconds,
                "area_seconds": result.area_seconds,
            }
        )
    )
    (out / "build-times.txt").write_text(
        f"all: {result.seconds:.0f} s\n"
        + "".join(f"{a}: {s:.0f} s\n" for a, s in result.area_seconds.items())
    )
    return result


def pytest_generate_tests(metafunc):
    """Tests taking ``built_area`` run for the demo and every area of the shared pack."""
    if "built_area" in metafunc.fixturenames:
        metafunc.parametrize("built_area", [DEMO_AREA, *pack_areas()])
