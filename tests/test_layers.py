"""The package's layers import in one direction, and no module takes another's private names.

Rules (README, "Layout"):

- the ground floor (``exceptions``, ``config``, ``columns``, ``meta``) imports only itself;
- ``reference`` (facts with sources) imports only the ground floor;
- ``stats`` imports only the ground floor;
- ``io`` (readers, DataPack, validation) imports the ground floor and ``reference``;
- ``analysis`` imports the ground floor, ``reference``, ``stats`` and the DataPack seam
  (``jsna.io`` and ``jsna.io.datapack``), never a reader module, ``plots`` or ``publish``;
- ``plots`` draws only: the ground floor, ``reference`` and ``analysis.suppression`` (the
  gate that ``save_figure`` applies), never ``stats`` or the rest of ``analysis``;
- ``demo`` and ``publish`` sit on top (``demo`` never imports ``publish``).

A private module (``_read``) is for its own package; a private name (``_helper``) is for
its own module.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "jsna"

GROUND = {"jsna", "jsna.exceptions", "jsna.config", "jsna.columns", "jsna.meta"}

#: layer -> prefixes of the modules it may import (besides its own layer and the ground floor)
ALLOWED = {
    "package": {"jsna.io.datapack"},  # jsna/__init__.py: the public face (jsna.DataPack)
    "ground": set(),
    "reference": set(),
    "stats": set(),
    "io": {"jsna.reference"},
    "records": {"jsna.reference", "jsna.io", "jsna.stats", "jsna.analysis.suppression"},
    "analysis": {"jsna.reference", "jsna.stats", "jsna.io.datapack", "jsna.io!"},
    "plots": {"jsna.reference", "jsna.analysis.suppression", "jsna.io.atomic"},
    # demo: the pack's deaths file is aggregated from its records by jsna.records
    "demo": {
        "jsna.reference",
        "jsna.stats",
        "jsna.io",
        "jsna.records",
        "jsna.analysis",
        "jsna.plots",
    },
    "publish": {
        "jsna.reference",
        "jsna.stats",
        "jsna.io",
        "jsna.records",
        "jsna.analysis",
        "jsna.plots",
        "jsna.demo",
    },
}


def layer_of(module: str) -> str:
    """The layer of a dotted module name."""
    if module == "jsna":
        return "package"
    if module in GROUND:
        return "ground"
    return module.split(".")[1]


def module_name(path: Path) -> str:
    """Dotted module name of a file of the package."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imports(source: str, module: str) -> list[tuple[str, list[str], int]]:
    """(imported module, names taken from it, line) for each jsna import in ``source``."""
    found = []
    package = module if module.count(".") == 0 else module.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(a.name, [], node.lineno) for a in node.names if a.name.startswith("jsna")]
        elif isinstance(node, ast.ImportFrom):
            name = node.module or ""
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                name = ".".join(base + ([name] if name else []))
            if name.startswith("jsna"):
                found.append((name, [a.name for a in node.names], node.lineno))
    return found


def _allowed(target: str, layer: str) -> bool:
    if target in GROUND - {"jsna"} or target == "jsna" and layer != "package":
        return True
    if layer_of(target) == layer:
        return True
    for prefix in ALLOWED[layer]:
        if prefix.endswith("!"):
            if target == prefix[:-1]:
                return True
        elif target == prefix or target.startswith(prefix + "."):
            return True
    return False


def violations(source: str, module: str) -> list[str]:
    """Every import of ``source`` (the text of ``module``) that breaks the rules."""
    layer = layer_of(module)
    out = []
    for target, names, line in imports(source, module):
        # "from jsna.analysis import prevalence" imports the module jsna.analysis.prevalence
        targets = [target]
        if target in ("jsna", "jsna.analysis", "jsna.io", "jsna.plots", "jsna.publish"):
            subs = [
                f"{target}.{n}"
                for n in names
                if (PACKAGE.parent / f"{target}.{n}".replace(".", "/")).exists()
                or (PACKAGE.parent / (f"{target}.{n}".replace(".", "/") + ".py")).exists()
            ]
            targets = subs or targets
        for t in targets:
            if not _allowed(t, layer):
                out.append(f"{module}:{line} imports {t} (layer {layer} may not use {layer_of(t)})")
            private = [p for p in t.split(".") if p.startswith("_") and p != "__init__"]
            if private and t.rsplit(".", 1)[0] != module.rsplit(".", 1)[0]:
                out.append(f"{module}:{line} imports private module {t} from another package")
        for name in names:
            if name.startswith("_") and not name.startswith("__"):
                out.append(f"{module}:{line} imports private name {name} from {target}")
    return out


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_module_respects_layers(path):
    assert violations(path.read_text(encoding="utf-8"), module_name(path)) == []


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("jsna.stats.rates", "from jsna.analysis.geography import aggregate\n"),
        ("jsna.stats.rates", "import jsna.io.datapack\n"),
        ("jsna.analysis.geography", "from jsna.plots import ward_map\n"),
        ("jsna.analysis.geography", "from jsna.publish.chapter import Chapter\n"),
        ("jsna.analysis.geography", "from jsna.io.qof import read_recorded\n"),
        ("jsna.plots.maps", "from jsna.stats import wilson\n"),
        ("jsna.plots.maps", "from jsna.analysis import deprivation\n"),
        ("jsna.io.imd", "from jsna.analysis.geography import aggregate\n"),
        ("jsna.demo.pack", "from jsna.publish.build import build\n"),
        ("jsna.analysis.prevalence", "from jsna.analysis.deprivation import _summable\n"),
        ("jsna.analysis.prevalence", "from jsna.io._read import read_csv\n"),
        ("jsna.columns", "from jsna.stats import wilson\n"),
    ],
)
def test_a_forbidden_import_is_caught(module, source):
    assert violations(source, module), f"{source!r} in {module} should break the rules"


@pytest.mark.parametrize(
    ("module", "source"),
    [
        (
            "jsna.analysis.geography",
            "from jsna.stats import wilson\nfrom jsna.io.datapack import DataPack\n",
        ),
        ("jsna.plots.save", "from jsna.analysis.suppression import suppress\n"),
        (
            "jsna.io.qof",
            "from jsna.io._read import read_csv\nfrom jsna.reference.qof import CONDITIONS\n",
        ),
        ("jsna.publish.cli", "from jsna.demo import pack\nfrom jsna.analysis import prevalence\n"),
        (
            "jsna.stats.rates",
            "from jsna.stats.common import group_index\nfrom jsna.columns import VALUE\n",
        ),
    ],
)
def test_an_allowed_import_passes(module, source):
    assert violations(source, module) == []


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_module_declares_its_public_names(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    exported = None
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        if isinstance(node, ast.Assign | ast.AnnAssign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in targets
        ):
            exported = ast.literal_eval(node.value)
    if path.name == "__init__.py" and exported is None and len(tree.body) <= 1:
        return  # a namespace package with a docstring only
    assert exported is not None, f"{path.relative_to(PACKAGE)} has no __all__"
    assert not {"np", "pd", "plt", "gpd"} & set(exported)


def test_only_meta_touches_attrs():
    """Metadata travels through jsna.meta, whose names are documented and tested."""
    offenders = []
    for path in MODULES:
        if path.name == "meta.py":
            continue
        for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if ".attrs" in code and "``" not in line and ">>>" not in line:
                offenders.append(f"{path.relative_to(PACKAGE)}:{line_no}: {line.strip()}")
    assert offenders == []
