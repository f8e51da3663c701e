"""``jsna build``: run the chapter notebooks for an area and publish the outputs.

Each chapter notebook is executed with papermill with its parameters
(``PACK``, ``AREA``, ``FIGURES``, ``REPORTS``), then exported to HTML with
the code hidden, to Word and to an Excel workbook of its tables
(:mod:`jsna.publish.documents`). Everything is written into a temporary folder beside the
outputs and moved into place only when the build is complete, so a failed
or interrupted build never leaves half-written reports or figures that look
complete, and the previous outputs stay intact. Builds for different areas
use different folders and can run at once.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from jsna.config import project_paths
from jsna.exceptions import JSNAError, SourceError

__all__ = ["BuildResult", "build", "chapter_notebooks", "notebooks_folder"]


@dataclass
class BuildResult:
    """What a build wrote and what failed."""

    area: str
    reports: Path
    figures: Path
    built: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.failed


def notebooks_folder() -> Path:
    """The folder of chapter notebooks (``JSNA_NOTEBOOKS`` or the project's ``notebooks/``)."""
    env = os.environ.get("JSNA_NOTEBOOKS")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parents[2] / "notebooks"
    return here if here.is_dir() else project_paths().root / "notebooks"


def chapter_notebooks(only: list[str] | None = None) -> list[Path]:
    """The chapter notebooks in order (``NN_name.ipynb``), optionally only some.

    Examples
    --------
    >>> [p.name for p in chapter_notebooks(["01"])]
    ['01_population_and_deprivation.ipynb']
    """
    folder = notebooks_folder()
    found = sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb"))
    if only:
        found = [p for p in found if any(p.name.startswith(o) or p.stem == o for o in only)]
    if not found:
        raise SourceError(
            f"no chapter notebooks (NN_name.ipynb) in {folder} matching {only or 'any'}"
        )
    return found


def _kernel_manager_class(socket_dir: Path):
    """A kernel manager talking to the kernel over local sockets (IPC) where the OS has them.

    The default TCP transport makes ipykernel warn that traffic is unencrypted
    on every chapter; IPC keeps kernel traffic off the network altogether. The
    sockets live in ``socket_dir``, private to one build, so builds running at
    the same time never share them.
    """
    from jupyter_client.manager import AsyncKernelManager

    class IPCKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            if os.name == "posix":
                kwargs.setdefault("transport", "ipc")
                kwargs.setdefault("ip", str(socket_dir / "kernel"))
            super().__init__(**kwargs)

    return IPCKernelManager


def _html(executed: Path, target: Path) -> None:
    import nbformat
    from nbconvert import HTMLExporter

    notebook = nbformat.read(executed, as_version=4)
    exporter = HTMLExporter(
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True
    )
    body, _ = exporter.from_notebook_node(notebook)
    target.write_text(body, encoding="utf-8")


def _publish(staged: Path, final: Path) -> None:
    """Move a finished folder into place, replacing the previous one."""
    final.parent.mkdir(parents=True, exist_ok=True)
    old = final.with_name(f".{final.name}.old-{uuid.uuid4().hex[:8]}")
    if final.exists():
        os.replace(final, old)
    os.replace(staged, final)
    shutil.rmtree(old, ignore_errors=True)


def build(
    pack: str | Path | None = None,
    area: str | None = None,
    out: str | Path | None = None,
    *,
    chapters: list[str] | None = None,
    progress=print,
) -> BuildResult:
    """Build every chapter for an area.

    Parameters
    ----------
    pack : path, optional
        Data pack folder; the synthetic demo pack (written to ``data/raw/demo``
        if missing) by default.
    area : str, optional
        Local authority code; the pack's only area by default.
    out : path, optional
        Folder for ``reports/`` and ``figures/``; the project root by default.
    chapters : list of str, optional
        Chapter numbers or names to build (all by default).

    Returns
    -------
    BuildResult
    """
    import papermill

    from jsna.io.datapack import DataPack

    paths = project_paths()
    if pack is None:
        from jsna.demo.pack import ensure_demo_pack

        pack = ensure_demo_pack(paths.demo_pack)
    pack_dir = Path(pack).resolve()
    data = DataPack.open(pack_dir)
    if area is None:
        if len(data.areas) != 1:
            raise JSNAError(
                f"data pack {data.name!r} covers {len(data.areas)} areas "
                f"({', '.join(data.areas[:10])}); choose one with --area CODE"
            )
        area = data.areas[0]
    data.check_area(area)
    out_dir = Path(out).resolve() if out else paths.root.resolve()
    reports_final = out_dir / "reports" / area
    figures_final = out_dir / "figures" / area
    staging = out_dir / f".jsna-build-{area}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
    reports, figures = staging / "reports", staging / "figures"
    reports.mkdir(parents=True)
    figures.mkdir(parents=True)
    result = BuildResult(area=area, reports=reports_final, figures=figures_final)
    notebooks = chapter_notebooks(chapters)
    sockets = Path(tempfile.mkdtemp(prefix="jsna-"))  # short path: socket names are length-limited
    try:
        for number, notebook in enumerate(notebooks, start=1):
            started = time.monotonic()
            progress(f"[{number}/{len(notebooks)}] {notebook.stem} ...")
            executed = reports / notebook.name
            try:
                papermill.execute_notebook(
                    str(notebook),
                    str(executed),
                    parameters={
                        "PACK": str(pack_dir),
                        "AREA": area,
                        "FIGURES": str(figures),
                        "REPORTS": str(reports),
                    },
                    cwd=str(notebook.parent),
                    progress_bar=False,
                    log_output=False,
                    kernel_name="python3",
                    kernel_manager_class=_kernel_manager_class(sockets),
                )
                _html(executed, reports / f"{notebook.stem}.html")
                result.built.append(notebook.stem)
                progress(f"      done in {time.monotonic() - started:.1f} s")
            except Exception as exc:  # a failing chapter does not stop the others
                message = str(exc).strip().splitlines()
                result.failed[notebook.stem] = _short_error(message)
                if executed.exists():  # keep it for debugging, never as a finished chapter
                    os.replace(executed, executed.with_suffix(".FAILED.ipynb"))
                progress(f"      FAILED: {result.failed[notebook.stem]}")
        if result.built:
            from jsna.publish.documents import write_documents

            progress("      writing Word and Excel versions ...")
            try:
                write_documents(
                    reports, figures, synthetic=data.synthetic, sources=list(data.attribution)
                )
            except Exception as exc:  # documents must not lose the chapters already built
                result.failed["documents"] = _short_error(str(exc).strip().splitlines())
        # Publish what was built; the previous outputs are replaced only now.
        _publish(reports, reports_final)
        _publish(figures, figures_final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(sockets, ignore_errors=True)
    return result


def _short_error(lines: list[str]) -> str:
    interesting = [line for line in lines if "Error" in line or "error" in line]
    text = (interesting[-1] if interesting else (lines[-1] if lines else "unknown error")).strip()
    return text[:300]


def _terminate(signum, frame):  # noqa: ARG001 - signal handler signature
    raise SystemExit(128 + signum)


def main_build(args) -> int:
    """Entry point used by the CLI.

    SIGTERM becomes a normal exit, so the staging folder is removed and the
    previous outputs stay as they were.
    """
    signal.signal(signal.SIGTERM, _terminate)
    result = build(args.pack, args.area, args.out, chapters=args.chapters)
    print(f"reports: {result.reports}")
    print(f"figures: {result.figures}")
    if result.failed:
        names = ", ".join(f"{k} ({v})" for k, v in result.failed.items())
        print(f"jsna: error: {len(result.failed)} chapter(s) failed: {names}", file=sys.stderr)
        return 1
    return 0
