"""Each figure and table cites only the sources of the data it used, once, the same everywhere."""

from __future__ import annotations

import csv
from pathlib import Path

import matplotlib
import nbformat
import pandas as pd
import pytest
from docx import Document
from openpyxl import load_workbook

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from jsna.publish.chapter import Chapter, figure_bundle  # noqa: E402
from jsna.publish.excel import chapter_workbook  # noqa: E402
from jsna.publish.saved import table_html  # noqa: E402
from jsna.publish.word import chapter_docx  # noqa: E402


def _bars():
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.bar(["a", "b"], [1, 2])
    return fig


def _manifest_sources(figures: Path) -> dict[str, str]:
    with (figures / "manifest.csv").open(encoding="utf-8", newline="") as handle:
        return {row["file"]: row["source"] for row in csv.DictReader(handle)}


def _qof_figure(chapter: Chapter, name: str) -> str:
    """Read IMD and QOF (as a chapter does), draw from QOF only; the figure's source."""
    chapter.pack.read("imd")
    chapter.pack.read("prevalence.recorded", level="practice")
    chapter.figure(
        _bars(),
        name,
        title="Registers, 2022/23, Area",
        alt_text="Bar chart of two registers.",
        data=pd.DataFrame({"register": [10.0, 20.0]}),
        sources="prevalence.recorded[level=practice]",
        safe_columns="register",
    )
    return _manifest_sources(chapter.figures)[f"{chapter.name[:2]}_{name}.png"]


def test_qof_figure_cites_qof_not_imd_real_pack(shared_data, tmp_path):
    chapter = Chapter.start(
        "03_example", shared_data, "E08000014", tmp_path / "figures", tmp_path / "reports"
    )
    source = _qof_figure(chapter, "registers")
    assert source == (
        "NHS England, Quality and Outcomes Framework (QOF) 2022/23, practice registers; "
        "Open Government Licence v3.0."
    )
    # the chapter read IMD too: its own list of sources has it, the QOF figure does not
    assert "imd" in chapter.pack.roles_read and "Indices of Deprivation" in chapter.source


def test_qof_figure_cites_qof_not_imd_demo(demo_pack, tmp_path):
    chapter = Chapter.start("03_example", demo_pack, None, tmp_path / "f", tmp_path / "r")
    source = _qof_figure(chapter, "registers")
    assert "Quality and Outcomes Framework" in source
    assert "Deprivation" not in source and "Fingertips" not in source
    # without sources=, every role read so far is cited, each once
    chapter.figure(
        _bars(),
        "everything",
        title="All, Area",
        alt_text="Bar chart.",
        data=pd.DataFrame({"x": [1.0]}),
        safe_columns="x",
    )
    everything = _manifest_sources(chapter.figures)["03_everything.png"]
    assert "Quality and Outcomes Framework" in everything and "Deprivation" in everything
    sentences = everything.rstrip(".").split(". ")
    assert len(sentences) == len(set(sentences))


@pytest.fixture
def labelled_pack(tmp_path) -> Path:
    """A pack whose files' own attributions carry "Source:", and repeat one another."""
    folder = tmp_path / "pack"
    folder.mkdir()
    (folder / "imd.csv").write_text("lsoa21_code,IMD_decile\nE01000001,3\n", encoding="utf-8")
    (folder / "imd19.csv").write_text("lsoa11_code,IMD_decile\nE01000001,3\n", encoding="utf-8")
    (folder / "datapack.toml").write_text(
        '[pack]\nname = "labelled"\nareas = ["E06999001"]\n'
        'attribution = "Source: the pack as a whole"\n'
        '[[file]]\nrole = "imd"\npath = "imd.csv"\nedition = "IoD2025"\n'
        'attribution = "Source: MHCLG, English Indices of Deprivation; OGL v3.0"\n'
        '[[file]]\nrole = "imd"\npath = "imd19.csv"\nedition = "IoD2019"\n'
        'attribution = "Source: MHCLG, English Indices of Deprivation; OGL v3.0."\n',
        encoding="utf-8",
    )
    return folder


def _squares():
    import geopandas as gpd
    from shapely.geometry import box

    return gpd.GeoDataFrame(
        {"ward_code": ["E05000001", "E05000002"], "value": [1.0, 2.0]},
        geometry=[box(0, 0, 1000, 1000), box(1000, 0, 2000, 1000)],
        crs="EPSG:27700",
    )


def _output(data: dict, metadata: dict) -> nbformat.NotebookNode:
    return nbformat.v4.new_output("display_data", data=data, metadata=metadata)


def test_one_source_text_in_footer_html_word_and_excel(labelled_pack, tmp_path):
    from matplotlib.text import Text

    from jsna.plots.maps import ward_map

    figures, reports = tmp_path / "figures", tmp_path / "reports"
    chapter = Chapter.start("07_labelled", labelled_pack, None, figures, reports)
    chapter.pack.read("imd", edition="IoD2025")
    chapter.pack.read("imd", edition="IoD2019")  # the same attribution: cited once
    expected = "MHCLG, English Indices of Deprivation; OGL v3.0."

    ax = ward_map(
        _squares(), "value", legend_title="Value", attribution=chapter.pack.sources("imd")
    )
    fig = ax.figure
    footer = [t.get_text() for t in fig.findobj(Text) if t.get_gid() == "jsna-attribution"]
    bundle = figure_bundle(fig, "07_map", "Map.", source=chapter.sources("imd"))
    chapter.figure(
        fig,
        "map",
        title="Map, Area",
        alt_text="Map of two wards.",
        data=pd.DataFrame({"ward_code": ["E05000001", "E05000002"], "value": [1.0, 2.0]}),
        sources="imd",
        safe_columns="value",
    )
    source = _manifest_sources(figures)["07_map.png"]
    assert source == expected
    # the footer drawn on the map is the documents' source line
    assert [" ".join(text.splitlines()) for text in footer] == [f"Source: {expected}"]
    assert bundle["text/html"].endswith(f'<p class="jsna-source">Source: {expected}</p>')

    view = chapter.table(
        pd.DataFrame({"decile": [1, 2], "lsoas": [3.0, 4.0]}),
        "deciles",
        title="LSOAs by decile, Area",
        sources="imd",
        safe_columns=["decile", "lsoas"],
    )
    assert view.source == expected
    page = table_html(view.data, title=view.title, name=view.name, source=view.source)
    assert page.count("Source:") == 1 and f"Source: {expected}" in page

    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# Labelled chapter"),
            nbformat.v4.new_code_cell("chapter.figure(...)"),
            nbformat.v4.new_code_cell("chapter.table(...)"),
        ]
    )
    notebook.cells[1].outputs = [_output(bundle, {"text/html": {"jsna": {"figure": "07_map"}}})]
    data, metadata = view._repr_mimebundle_()
    notebook.cells[2].outputs = [_output(data, metadata)]
    executed = reports / "07_labelled.ipynb"
    nbformat.write(notebook, executed)
    tables = reports / "tables" / "07_labelled"
    docx = chapter_docx(
        executed,
        figures=figures,
        tables=tables,
        out=reports / "07_labelled.docx",
        synthetic=False,
        sources=chapter.pack.attribution,
    )
    text = [p.text for p in Document(str(docx)).paragraphs]
    assert not any("Source: Source:" in t or "Source:Source" in t for t in text)
    assert text.count(f"Source: {expected}") == 2  # under the figure and under the table
    listed = text[text.index("Sources") + 1 : text.index("Caveats")]
    assert listed == ["the pack as a whole", expected.rstrip(".")]

    xlsx = chapter_workbook(
        tables,
        reports / "07_labelled.xlsx",
        title="Labelled chapter",
        synthetic=False,
        sources=chapter.pack.attribution,
    )
    book = load_workbook(xlsx)
    cells = [str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert not any("Source: Source:" in c for c in cells)
    assert f"Source: {expected}" in cells
    cover = [str(c.value) for row in book["Cover"].iter_rows() for c in row]
    assert cover.count(expected.rstrip(".")) == 1
    plt.close("all")


def test_every_chapter_output_names_its_sources():
    """Each figure, table and map footer in the chapter modules cites the roles it used."""
    import ast

    import jsna.publish.chapters as chapters

    folder = Path(chapters.__file__).parent
    missing, whole_pack, seen = [], [], 0
    for path in sorted(folder.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                continue
            names = {k.arg for k in node.keywords}
            if node.func.attr in ("figure", "table") and isinstance(node.func.value, ast.Name):
                if node.func.value.id == "chapter":
                    seen += 1
                    if not names & {"sources", "source", None}:
                        missing.append(f"{path.name}:{node.lineno}")
            for keyword in node.keywords:
                if keyword.arg == "attribution" and "attribution" in ast.unparse(keyword.value):
                    whole_pack.append(f"{path.name}:{node.lineno}")
    assert seen >= 30  # every figure and table of the chapters was looked at
    assert missing == [], f"chapter outputs without sources=: {missing}"
    assert whole_pack == [], f"map footers citing the whole pack: {whole_pack}"
