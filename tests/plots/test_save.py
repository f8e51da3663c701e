"""save_figure: the files, the manifest, required alt text, and bytes stable between runs."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from jsna.analysis.suppression import ColumnRoles, numeric_columns
from jsna.exceptions import DataValidationError, JSNAError, SourceError
from jsna.plots import bars_by_quintile, save_figure, ward_map
from jsna.plots.save import MANIFEST_COLUMNS
from jsna.plots.style import SYNTHETIC_GID, has_synthetic_stamp

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def quintiles():
    return pd.DataFrame(
        {
            "imd": [1, 2, 3, 4, 5],
            "rate": [900.0, 750, 600, 450, 1 / 3],
            "lo": [860.0, 710, 570, 420, 0.3],
            "hi": [950.0, 790, 640, 480, 0.4],
        }
    )


def chart(quintiles):
    return bars_by_quintile(
        quintiles,
        quintile="imd",
        value="rate",
        lower="lo",
        upper="hi",
        value_label="Rate per 100,000",
        benchmark=650.0,
    ).figure


def save(fig, folder, name="admissions_by_quintile", **kwargs):
    arguments = {
        "title": "Emergency admissions by deprivation quintile",
        "alt_text": "Bar chart: admissions fall from 900 per 100,000 in the most deprived fifth.",
        "data": pd.DataFrame({"x": [1.0]}),
        "source": ["Source: OHID", "Hospital Episode Statistics"],
        "folder": folder,
        **kwargs,
    }
    # these test data hold no counts of people: every number is declared safe
    if isinstance(arguments["data"], pd.DataFrame):
        safe = numeric_columns(arguments["data"])
        arguments.setdefault("roles", ColumnRoles(safe_columns=safe))
    return save_figure(fig, name, **arguments)


def test_writes_png_svg_csv_and_manifest(tmp_path, quintiles):
    saved = save(chart(quintiles), tmp_path / "figures" / "sefton", data=quintiles)
    assert sorted(p.name for p in saved.png.parent.iterdir()) == [
        "admissions_by_quintile.csv",
        "admissions_by_quintile.disclosure.json",
        "admissions_by_quintile.png",
        "admissions_by_quintile.svg",
        "manifest.csv",
    ]
    with Image.open(saved.png) as image:
        assert image.format == "PNG"
        assert image.info["dpi"] == pytest.approx((300, 300), abs=0.1)
        assert "Software" not in image.info
        assert image.info["Title"] == "Emergency admissions by deprivation quintile"
        assert image.info["Description"].startswith("Bar chart: admissions fall")
    svg = saved.svg.read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "<dc:date>" not in svg and "Emergency admissions by deprivation quintile" in svg
    assert saved.csv.read_text().splitlines() == [
        "imd,rate,lo,hi",
        "1,900,860,950",
        "2,750,710,790",
        "3,600,570,640",
        "4,450,420,480",
        "5,0.3333333333,0.3,0.4",
    ]
    manifest = pd.read_csv(saved.manifest, dtype=str)
    assert tuple(manifest.columns) == MANIFEST_COLUMNS
    assert manifest.to_dict("records") == [
        {
            "file": "admissions_by_quintile.png",
            "title": "Emergency admissions by deprivation quintile",
            "alt_text": (
                "Bar chart: admissions fall from 900 per 100,000 in the most deprived fifth."
            ),
            "source": "Source: OHID; Hospital Episode Statistics",
            "synthetic": "False",
        }
    ]


def test_manifest_rows_are_sorted_and_replaced(tmp_path, quintiles):
    fig = chart(quintiles)
    save(fig, tmp_path, name="b_second", title="First title")
    save(fig, tmp_path, name="a_first")
    save(fig, tmp_path, name="b_second", title="Second title", synthetic=True)
    manifest = pd.read_csv(tmp_path / "manifest.csv", dtype=str)
    assert manifest["file"].tolist() == ["a_first.png", "b_second.png"]
    assert manifest["title"].tolist()[1] == "Second title"
    assert manifest["synthetic"].tolist() == ["False", "True"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"alt_text": ""}, "alt_text is empty"),
        ({"alt_text": "   "}, "alt_text is empty"),
        ({"alt_text": None}, "alt_text is empty"),
        ({"title": ""}, "title is empty"),
        ({"source": []}, "source is empty"),
        ({"name": "map.png"}, r"name='map.png' is not a file stem"),
        ({"name": "../escape"}, "is not a file stem"),
        ({"data": [1, 2]}, "data is a list"),
    ],
)
def test_required_fields_and_names(tmp_path, quintiles, kwargs, message):
    with pytest.raises(DataValidationError, match=message):
        save(chart(quintiles), tmp_path, **kwargs)
    assert not (tmp_path / "manifest.csv").exists()


def test_alt_text_error_is_a_jsna_error(tmp_path, quintiles):
    with pytest.raises(JSNAError):
        save(chart(quintiles), tmp_path, alt_text="")


def test_geometry_is_dropped_and_named_index_kept(tmp_path, quintiles):
    import geopandas as gpd
    import shapely

    wards = gpd.GeoDataFrame(
        {"ward": ["A", "B"], "rate": [1.5, np.nan]},
        geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)],
        crs=27700,
    )
    saved = save(chart(quintiles), tmp_path, data=wards)
    assert saved.csv.read_text() == "ward,rate\nA,1.5\nB,\n"
    indexed = pd.DataFrame({"rate": [2.0]}, index=pd.Index(["E05000932"], name="ward_code"))
    assert (
        save(chart(quintiles), tmp_path, data=indexed).csv.read_text()
        == "ward_code,rate\nE05000932,2\n"
    )
    assert "geometry" in wards.columns  # the caller's frame is untouched


def test_synthetic_figures_are_stamped_once(tmp_path, quintiles, squares):
    fig = chart(quintiles)
    assert not has_synthetic_stamp(fig)
    save(fig, tmp_path, synthetic=True)
    assert has_synthetic_stamp(fig)
    ax = ward_map(squares, "value", legend_title="Rate", synthetic=True)
    save(ax, tmp_path, name="map", synthetic=True)
    assert len(ax.figure.findobj(lambda a: a.get_gid() == SYNTHETIC_GID)) == 1
    assert f'id="{SYNTHETIC_GID}"' in (tmp_path / "map.svg").read_text()


def test_a_broken_manifest_is_reported(tmp_path, quintiles):
    (tmp_path / "manifest.csv").write_text("name,caption\nx,y\n")
    with pytest.raises(SourceError, match="manifest.csv has columns 'name', 'caption'"):
        save(chart(quintiles), tmp_path)


def _build(folder, quintiles, wards):
    """A map with labels, stamp and attribution, and a chart, saved from scratch."""
    ax = ward_map(
        wards,
        "rate",
        legend_title="Rate per 100,000",
        labels="WD25NM",
        synthetic=True,
        attribution="Contains OS data © Crown copyright and database right 2025",
    )
    save_figure(
        ax,
        "ward_map",
        title="Rate by ward",
        alt_text="Map of rates by ward.",
        data=wards,
        source="Synthetic",
        folder=folder,
        synthetic=True,
        roles=ColumnRoles(safe_columns=numeric_columns(wards)),
    )
    save(chart(quintiles), folder, data=quintiles)


def test_two_saves_are_byte_identical(tmp_path, quintiles, sefton):
    wards = sefton.assign(rate=np.linspace(100, 900, len(sefton)))
    _build(tmp_path / "one", quintiles, wards)
    _build(tmp_path / "two", quintiles, wards)
    names = sorted(p.name for p in (tmp_path / "one").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "two").iterdir())
    assert len(names) == 9  # 2 x (png, svg, csv, disclosure.json) + manifest
    for name in names:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), (
            name
        )


def test_two_processes_write_the_same_bytes(tmp_path):
    """Separate interpreters, different hash seeds: the same files, byte for byte."""
    script = textwrap.dedent("""
        import sys
        import matplotlib
        matplotlib.use("Agg")
        import geopandas as gpd, pandas as pd, shapely
        from jsna.plots import save_figure, significance_map
        wards = gpd.GeoDataFrame(
            {"name": [f"Ward {i}" for i in range(8)],
             "vs": ["Better", "Similar", "Worse", "Higher", "Lower", "Not compared", None,
                    "Better"]},
            geometry=[shapely.box(300000 + i * 900, 400000, 300900 + i * 900, 401000)
                      for i in range(8)],
            crs=27700)
        ax = significance_map(wards, "vs", legend_title="Compared with England", labels="name",
                              attribution="Contains OS data")
        save_figure(ax, "significance", title="Significance", alt_text="Map.", data=wards,
                    source="Synthetic", folder=sys.argv[1], synthetic=True)
    """)
    for run, seed in (("one", "1"), ("two", "2")):
        env = {
            **os.environ,
            "PYTHONHASHSEED": seed,
            "MPLBACKEND": "Agg",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
        }
        subprocess.run(
            [sys.executable, "-W", "error", "-c", script, str(tmp_path / run)],
            check=True,
            env=env,
            cwd=tmp_path,
        )
    for name in ("significance.png", "significance.svg", "significance.csv", "manifest.csv"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), (
            name
        )


def test_figure_data_pass_suppression(tmp_path):
    import matplotlib.pyplot as plt
    import pandas as pd

    from jsna.plots import save_figure

    fig, ax = plt.subplots()
    ax.bar(["a", "b", "c"], [3, 40, 50])
    data = pd.DataFrame({"ward": ["a", "b", "c"], "count": [3, 40, 50], "value": [0.3, 4.0, 5.0]})
    saved = save_figure(
        fig,
        "supp",
        title="t",
        alt_text="bars",
        data=data,
        source="s",
        folder=tmp_path,
        roles=ColumnRoles(count_columns="count", derived_columns=["value"]),
    )
    plt.close(fig)
    written = pd.read_csv(saved.csv)
    # the 3 and, by secondary suppression, the others (3 + 40 leaves each hidden cell 0-43)
    assert written["count"].isna().sum() == 2
    assert written.loc[written["ward"] == "a", "value"].isna().all()
    assert set(written["suppression"].fillna("")) == {"[c]", ""}
