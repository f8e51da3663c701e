"""``jsna build``: run the chapter notebooks for an area and publish the outputs.

Each chapter notebook is executed with papermill with its parameters
(``PACK``, ``AREA``, ``FIGURES``, ``REPORTS``), then exported to HTML with
the code hidden, to Word and to an Excel workbook of its tables
(:mod:`jsna.publish.documents`).

What a build guarantees about the published folders (``reports/<area>/`` and
``figures/<area>/``):

- Publication is per chapter. Each chapter runs in its own staging folder
  (``.jsna-build-<area>-<pid>-<id>/<chapter>/`` beside the outputs); only the
  chapters that succeeded completely (notebook, HTML, Word and Excel) replace
  their previous outputs: ``<chapter>.*`` in ``reports/<area>/``,
  ``tables/<chapter>/``, the figures named ``NN_*`` after the chapter's number
  and their rows of ``manifest.csv`` (merged, not overwritten). Chapters not
  built, files of other chapters and files jsna did not write are never touched.
- A chapter that fails (or whose Word/Excel version or publication fails) keeps
  its previous version; nothing it wrote before failing is published, except
  its executed notebook as ``<chapter>.FAILED.ipynb`` for debugging.
- Files are moved into place under a lock per area (``.jsna-<area>.lock`` in
  ``--out``), so builds publishing one area at once take turns; SIGINT, SIGTERM
  and SIGHUP wait until publication is over. Published files are mode 0644 and
  folders jsna creates 0755, whatever the umask.
- Staging and kernel-socket folders carry the process id of their build; a
  build removes those left by builds that no longer run (``kill -9``, a power
  cut) before it starts. Only a ``kill -9`` in the final renames (milliseconds)
  can leave one chapter with a mixture of old and new files.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import signal
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from jsna.config import project_paths
from jsna.exceptions import GeographyError, JSNAError, SourceError

__all__ = [
    "BuildResult",
    "area_title",
    "build",
    "chapter_notebooks",
    "chapter_title",
    "chapter_title_from",
    "check_area_code",
    "index_html",
    "notebooks_folder",
    "write_index",
]

#: What a local authority code looks like (England, Wales, Scotland, Northern Ireland).
AREA_CODE = re.compile(r"[EWSN]\d{8}")
#: The outputs of one chapter in ``reports/<area>/`` (besides ``tables/<chapter>/``).
CHAPTER_SUFFIXES = (".ipynb", ".html", ".docx", ".xlsx", ".FAILED.ipynb")
_STAGING = re.compile(r"\.jsna-build-.+-(\d+)-[0-9a-f]+")
_SOCKETS = re.compile(r"jsna-(\d+)-[A-Za-z0-9_]+")
_WORKING = re.compile(r"\..+\.jsna-(\d+)-[0-9a-f]+\.(part|old)")
_LEGACY = re.compile(r"\..+\.old-[0-9a-f]{8}")  # left by jsna before per-chapter publication


@dataclass
class BuildResult:
    """What a build published, what failed, and which failed chapters kept an older version."""

    area: str
    reports: Path
    figures: Path
    built: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    kept: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed


def check_area_code(area: object) -> str:
    """Return a local authority code without surrounding spaces, or raise if it is not one.

    Examples
    --------
    >>> check_area_code(" E08000014 ")
    'E08000014'
    >>> check_area_code("E08 000014")
    Traceback (most recent call last):
    ...
    jsna.exceptions.GeographyError: area 'E08 000014' is not a local authority code: ...
    """
    code = str(area).strip()
    if not AREA_CODE.fullmatch(code):
        raise GeographyError(
            f"area {area!r} is not a local authority code: give one like E08000014 "
            "(E, W, S or N then eight digits)"
        )
    return code


def notebooks_folder() -> Path:
    """The folder of chapter notebooks (``JSNA_NOTEBOOKS`` or the project's ``notebooks/``)."""
    env = os.environ.get("JSNA_NOTEBOOKS")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parents[2] / "notebooks"
    return here if here.is_dir() else project_paths().root / "notebooks"


def chapter_notebooks(only: list[str] | None = None) -> list[Path]:
    """The chapter notebooks in order (``NN_name.ipynb``), optionally only some.

    A chapter is named by its number (``01``, or ``1``) or its notebook's name
    (``01_population_and_deprivation``); anything else, or a chapter that does
    not exist, is an error listing the chapters. Each chapter appears once.

    Examples
    --------
    >>> [p.name for p in chapter_notebooks(["01"])]
    ['01_population_and_deprivation.ipynb']
    >>> chapter_notebooks(["0"])
    Traceback (most recent call last):
    ...
    jsna.exceptions.JSNAError: no chapter '0'; ...
    """
    folder = notebooks_folder()
    found = sorted(folder.glob("[0-9][0-9]_*.ipynb"))
    if not found:
        raise SourceError(f"no chapter notebooks (NN_name.ipynb) in {folder}")
    by_number: dict[str, list[Path]] = {}
    for path in found:
        by_number.setdefault(path.name[:2], []).append(path)
    shared = [paths for paths in by_number.values() if len(paths) > 1]
    if shared:
        names = ", ".join(p.stem for p in shared[0])
        raise SourceError(
            f"chapter notebooks {names} in {folder} share the number {shared[0][0].name[:2]}; "
            "give each chapter its own number (its figures are named after it)"
        )
    if not only:
        return found
    by_stem = {p.stem: p for p in found}
    chosen = []
    for name in only:
        key = str(name).strip()
        if re.fullmatch(r"\d{1,2}", key):
            path = by_number.get(key.zfill(2), [None])[0]
        else:
            path = by_stem.get(key)
        if path is None:
            raise JSNAError(
                f"no chapter {name!r}; give a chapter's number (e.g. 01) or name; the chapters "
                f"are {', '.join(by_stem)}"
            )
        if path not in chosen:
            chosen.append(path)
    return sorted(chosen)


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


def chapter_title(notebook) -> str:
    """A chapter's title: the text of the first level-one heading of its notebook.

    Parameters
    ----------
    notebook : nbformat.NotebookNode or path
        The chapter notebook (or its file).

    Returns
    -------
    str
        The heading's text, without Markdown emphasis; the notebook's name in
        words when it has no ``# `` heading.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Live *well*")])
    >>> chapter_title(nb)
    'Live well'
    """
    import nbformat

    stem = ""
    if not hasattr(notebook, "cells"):
        stem = Path(notebook).stem
        notebook = nbformat.read(notebook, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        for line in str(cell.source).splitlines():
            if line.startswith("# "):
                return re.sub(r"[*_`]", "", line[2:]).strip()
    return chapter_title_from(stem) if stem else "Chapter"


#: Scripts nbconvert's page loads from a CDN (require.js, MathJax): the chapters need
#: neither, and a council's page should not call third parties or fail offline.
_CDN_SCRIPT = re.compile(
    r'<script[^>]*\ssrc="https://cdnjs\.cloudflare\.com/[^"]*"[^>]*>\s*</script>'
)


def _html(executed: Path, target: Path, area_name: str) -> None:
    """The chapter's web page: code hidden, titled after the chapter and the area.

    A link at the top leads to the area's ``index.html`` (:func:`write_index`).
    """
    import nbformat
    from nbconvert import HTMLExporter

    from jsna.publish.escape import html_text

    notebook = nbformat.read(executed, as_version=4)
    notebook.metadata["title"] = f"{chapter_title(notebook)} - {area_name}"
    exporter = HTMLExporter(
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True
    )
    body, _ = exporter.from_notebook_node(notebook)
    back = (
        '<nav aria-label="Chapters" style="padding: 0.5rem 1rem">'
        f'<a href="index.html">All chapters for {html_text(area_name)}</a></nav>\n<main>'
    )
    body = _CDN_SCRIPT.sub("", body).replace("<main>", back, 1)
    target.write_text(body, encoding="utf-8")


def _check_out(out_dir: Path, pack_dir: Path) -> None:
    """Refuse an ``--out`` that is a file or lies inside the data pack (nothing is written)."""
    if out_dir.exists() and not out_dir.is_dir():
        raise JSNAError(
            f"--out {out_dir} is not a folder (it is a file); give a folder for reports/ "
            "and figures/"
        )
    if out_dir == pack_dir or pack_dir in out_dir.parents:
        raise JSNAError(
            f"--out {out_dir} is inside the data pack {pack_dir}; give a folder outside it, "
            "so the pack holds only its source files"
        )


def _alive(pid: int) -> bool:
    """Whether a process runs (always True where this cannot be asked safely)."""
    if os.name != "posix":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: it exists, owned by someone else
        return True
    return True


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _remove_dead(folder: Path, pattern: re.Pattern, *, own_only: bool = False) -> None:
    """Remove entries of ``folder`` whose name matches ``pattern`` and names a dead process."""
    try:
        entries = list(folder.iterdir())
    except OSError:
        return
    for path in entries:
        match = pattern.fullmatch(path.name)
        if not match or _alive(int(match.group(1))):
            continue
        if own_only and hasattr(os, "getuid") and path.lstat().st_uid != os.getuid():
            continue
        _remove(path)


def _make_folder(path: Path) -> None:
    """Create ``path`` and missing parents, each new folder 0755."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    path.mkdir(parents=True, exist_ok=True)
    for folder in missing:
        folder.chmod(0o755)


def _set_modes(path: Path) -> None:
    """Published files 0644, folders 0755 (staging may have been written under any umask)."""
    if path.is_dir() and not path.is_symlink():
        path.chmod(0o755)
        for root, dirs, files in os.walk(path):
            for name in dirs:
                Path(root, name).chmod(0o755)
            for name in files:
                Path(root, name).chmod(0o644)
    elif not path.is_symlink():
        path.chmod(0o644)


def _move(source: Path, target: Path) -> None:
    """Rename, or copy where the two are on different file systems."""
    try:
        os.replace(source, target)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        if source.is_dir():
            shutil.copytree(source, target, symlinks=True)
        else:
            shutil.copy2(source, target)


@contextmanager
def _publication_lock(out_dir: Path, area: str) -> Iterator[None]:
    """One publication of an area at a time (an OS lock, released if the process dies)."""
    with open(out_dir / f".jsna-{area}.lock", "a+b") as handle:
        try:
            import fcntl
        except ImportError:  # Windows
            import msvcrt

            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)
            try:
                yield
            finally:
                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
            return
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT, SIGTERM and SIGHUP until the block ends, then act on them as before.

    Python handlers run in the main thread, so swapping them (rather than masking
    signals, which other threads of the process would still receive) holds a
    signal whichever thread the OS delivers it to. Outside the main thread
    nothing is held.
    """
    received: list[int] = []
    previous = {}
    try:
        for name in ("SIGINT", "SIGTERM", "SIGHUP"):
            number = getattr(signal, name, None)
            if number is not None and signal.getsignal(number) is not None:
                previous[number] = signal.signal(number, lambda n, _: received.append(n))
    except ValueError:  # not the main thread
        pass
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        for number in dict.fromkeys(received):
            handler = previous[number]
            if callable(handler):
                handler(number, None)
            elif handler != signal.SIG_IGN:
                signal.raise_signal(number)


def _merged_manifest(published: Path, staged: Path, prefix: str):
    """The published manifest with the chapter's rows (``prefix*``) replaced by its new ones."""
    import pandas as pd

    from jsna.plots.save import MANIFEST_COLUMNS

    columns = list(MANIFEST_COLUMNS)

    def read(path: Path) -> pd.DataFrame:
        if not path.exists():
            return pd.DataFrame(columns=columns, dtype=str)
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        if list(frame.columns) != columns:
            raise SourceError(
                f"{path} has columns {', '.join(frame.columns)}, not {', '.join(columns)}; "
                "move it aside and build again"
            )
        return frame

    new = read(staged)
    old = read(published)
    old = old[~old["file"].str.startswith(prefix) & ~old["file"].isin(new["file"])]
    if not len(new) and len(old) == len(read(published)):
        return None  # nothing changes
    merged = pd.concat([old, new], ignore_index=True) if len(old) else new
    return merged.sort_values("file", kind="stable").reset_index(drop=True)


def _publish_chapter(
    stem: str, staged: Path, reports: Path, figures: Path, *, succeeded: bool
) -> None:
    """Move one chapter's outputs from its staging folder into the published folders.

    First every new file is brought beside its target under a hidden name (a
    rename, or a copy across file systems: a full disk fails here, and then
    nothing has changed); then the targets are swapped in, the previous ones
    set aside and deleted at the end, or put back if a rename fails.
    """
    tag = f"jsna-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    staged_reports, staged_figures = staged / "reports", staged / "figures"
    units: list[tuple[Path, Path]] = []
    removals: list[Path] = []
    manifest = None
    if succeeded:
        for path in sorted(staged_reports.iterdir()):
            if path.name == "tables" and path.is_dir():
                units += [(t, reports / "tables" / t.name) for t in sorted(path.iterdir())]
            else:
                units.append((path, reports / path.name))
        if staged_figures.is_dir():
            units += [
                (p, figures / p.name)
                for p in sorted(staged_figures.iterdir())
                if p.name != "manifest.csv"
            ]
        new_names = {target for _, target in units}
        removals += [
            reports / f"{stem}{suffix}"
            for suffix in CHAPTER_SUFFIXES
            if (reports / f"{stem}{suffix}").is_file()
        ]
        removals.append(reports / "tables" / stem)
        if figures.is_dir():
            removals += [p for p in figures.glob(f"{stem[:2]}_*") if p.is_file()]
        removals = [p for p in removals if p.exists() and p not in new_names]
        manifest = _merged_manifest(
            figures / "manifest.csv", staged_figures / "manifest.csv", f"{stem[:2]}_"
        )
    else:
        failed = staged_reports / f"{stem}.FAILED.ipynb"
        if failed.is_file():
            units.append((failed, reports / failed.name))
    if not units and not removals and manifest is None:
        return
    for folder in {reports, figures} | {target.parent for _, target in units}:
        _make_folder(folder)

    prepared: list[tuple[Path, Path]] = []
    try:
        for source, target in units:
            temporary = target.with_name(f".{target.name}.{tag}.part")
            prepared.append((temporary, target))
            _move(source, temporary)
            _set_modes(temporary)
        if manifest is not None:
            temporary = figures / f".manifest.csv.{tag}.part"
            prepared.append((temporary, figures / "manifest.csv"))
            manifest.to_csv(temporary, index=False, lineterminator="\n", encoding="utf-8")
            _set_modes(temporary)
    except BaseException:
        for temporary, _ in prepared:
            _remove(temporary)
        raise

    swapped: list[tuple[Path | None, Path, Path | None]] = []  # (aside, target, new)
    try:
        for temporary, target in prepared:
            aside = None
            if target.exists() or target.is_symlink():
                aside = target.with_name(f".{target.name}.{tag}.old")
                os.replace(target, aside)
            swapped.append((aside, target, None))
            os.replace(temporary, target)
            swapped[-1] = (aside, target, target)
        for target in removals:
            aside = target.with_name(f".{target.name}.{tag}.old")
            os.replace(target, aside)
            swapped.append((aside, target, None))
    except BaseException:
        for aside, target, new in reversed(swapped):
            if new is not None:
                _remove(new)
            if aside is not None:
                os.replace(aside, target)
        for temporary, _ in prepared:
            _remove(temporary)
        raise
    for aside, _, _ in swapped:
        if aside is not None:
            _remove(aside)


def _run_chapter(
    notebook: Path,
    staged: Path,
    *,
    pack_dir: Path,
    area: str,
    area_name: str,
    data,
    sockets: Path,
) -> None:
    """Execute one chapter into ``staged`` and write its HTML, Word and Excel versions."""
    import papermill

    reports, figures = staged / "reports", staged / "figures"
    reports.mkdir(parents=True)
    figures.mkdir()
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
    except Exception:
        if executed.exists():  # kept for debugging, never as a finished chapter
            os.replace(executed, executed.with_suffix(".FAILED.ipynb"))
        raise
    _html(executed, reports / f"{notebook.stem}.html", area_name)
    from jsna.publish.documents import write_documents

    try:
        # each figure and table cites the roles it used; the pack-wide list would cite all
        write_documents(reports, figures, synthetic=data.synthetic, sources=[])
    except Exception as exc:
        raise JSNAError(f"Word/Excel version: {exc}") from exc


def build(
    pack: str | Path | None = None,
    area: str | None = None,
    out: str | Path | None = None,
    *,
    chapters: list[str] | None = None,
    progress: Callable[[str], object] = print,
) -> BuildResult:
    """Build chapters for an area and publish each one that succeeds.

    Everything is checked before anything is written: the area code, the
    chapters and the output folder. What a failed or interrupted build leaves
    is described in the module docstring.

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
        Chapter numbers or names to build (all by default); see
        :func:`chapter_notebooks`.
    progress : callable, optional
        Called with each line of progress (``print`` by default).

    Returns
    -------
    BuildResult

    Examples
    --------
    >>> build(area="E08 000014")
    Traceback (most recent call last):
    ...
    jsna.exceptions.GeographyError: unknown area code 'E08 000014' for data pack ...
    """
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
    try:
        code = check_area_code(area)
    except GeographyError as malformed:
        try:
            data.check_area(str(area).strip())
        except GeographyError as unknown:
            raise GeographyError(f"{unknown}; {malformed}") from None
        raise
    area = data.check_area(code)
    area_name = area_title(data, area)
    notebooks = chapter_notebooks(chapters)
    out_dir = Path(out).resolve() if out else paths.root.resolve()
    _check_out(out_dir, pack_dir)
    reports_final = out_dir / "reports" / area
    figures_final = out_dir / "figures" / area
    pid = os.getpid()
    staging = out_dir / f".jsna-build-{area}-{pid}-{uuid.uuid4().hex[:6]}"
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        _remove_dead(out_dir, _STAGING)
        staging.mkdir()
    except OSError as exc:
        raise JSNAError(f"cannot write to --out {out_dir}: {exc.strerror or exc}") from exc
    result = BuildResult(area=area, reports=reports_final, figures=figures_final)
    tmp = Path(tempfile.gettempdir())
    _remove_dead(tmp, _SOCKETS, own_only=True)
    sockets = Path(tempfile.mkdtemp(prefix=f"jsna-{pid}-"))  # short: socket names are limited
    try:
        for number, notebook in enumerate(notebooks, start=1):
            started = time.monotonic()
            progress(f"[{number}/{len(notebooks)}] {notebook.stem} ...")
            try:
                _run_chapter(
                    notebook,
                    staging / notebook.stem,
                    pack_dir=pack_dir,
                    area=area,
                    area_name=area_name,
                    data=data,
                    sockets=sockets,
                )
                result.built.append(notebook.stem)
                progress(f"      done in {time.monotonic() - started:.1f} s")
            except Exception as exc:  # a failing chapter does not stop the others
                result.failed[notebook.stem] = _short_error(str(exc).strip().splitlines())
                progress(f"      FAILED: {result.failed[notebook.stem]}")
        with _signals_held(), _publication_lock(out_dir, area):
            progress(f"publishing {len(result.built)} chapter(s) to {out_dir}")
            for folder in (reports_final, reports_final / "tables", figures_final):
                _remove_dead(folder, _WORKING)
            for folder in (reports_final.parent, figures_final.parent):
                for legacy in folder.glob(f".{area}.old-*") if folder.is_dir() else []:
                    if _LEGACY.fullmatch(legacy.name):
                        _remove(legacy)
            for notebook in notebooks:
                stem = notebook.stem
                succeeded = stem in result.built
                try:
                    _publish_chapter(
                        stem,
                        staging / stem,
                        reports_final,
                        figures_final,
                        succeeded=succeeded,
                    )
                except Exception as exc:
                    if succeeded:
                        result.built.remove(stem)
                    reason = _short_error(str(exc).strip().splitlines())
                    result.failed[stem] = f"could not publish: {reason}"
                    progress(f"      could not publish {stem}: {reason}")
                if stem in result.failed:
                    if (reports_final / f"{stem}.html").is_file():
                        result.kept.append(stem)
                        progress(f"      the previous version of {stem} was kept")
                    else:
                        progress(f"      nothing published for {stem}")
            if reports_final.is_dir():
                try:
                    write_index(reports_final, area, area_name, data.name, synthetic=data.synthetic)
                except OSError as exc:  # the chapters are published; say the index is not
                    progress(f"      could not write index.html: {exc.strerror or exc}")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(sockets, ignore_errors=True)
    return result


def area_title(pack, area: str) -> str:
    """The area's name from the pack's LSOA lookup, or its code when the lookup lacks it.

    Examples
    --------
    >>> from jsna.config import project_paths
    >>> from jsna.demo.pack import ensure_demo_pack
    >>> from jsna.io.datapack import DataPack
    >>> pack = DataPack.open(ensure_demo_pack(project_paths().demo_pack))
    >>> area_title(pack, pack.areas[0]), area_title(pack, "E99999999")
    ('Demoshire (synthetic)', 'E99999999')
    """
    try:
        lookup = pack.read("lookup.lsoa_ward_lad")
    except JSNAError:
        return area
    codes = [c for c in lookup.columns if c.startswith("lad") and c.endswith("_code")]
    if not codes or codes[0].replace("_code", "_name") not in lookup.columns:
        return area
    names = lookup.loc[lookup[codes[0]] == area, codes[0].replace("_code", "_name")]
    return str(names.iloc[0]) if len(names) else area


_INDEX_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Arial, sans-serif; color: #1b1b1b;
  line-height: 1.5; margin: 0; }
main { max-width: 60rem; margin: 0 auto; padding: 1.5rem; }
table { border-collapse: collapse; width: 100%; }
caption { text-align: left; font-weight: bold; padding: 0.5rem 0; }
th, td { text-align: left; padding: 0.5rem; border-bottom: 1px solid #b1b4b6; }
a { color: #1d4f91; }
a:focus { outline: 3px solid #fd0; background: #fd0; color: #0b0c0c; }
.notice { border-left: 5px solid #7a1f5c; padding: 0.5rem 1rem; background: #f3f2f1; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; }
"""


def index_html(
    chapters: list[tuple[str, str, list[str]]],
    area: str,
    area_name: str,
    pack_name: str,
    *,
    synthetic: bool = False,
) -> str:
    """The area's index page: one row per chapter, linking its web page, Word and Excel files.

    Every piece of text is escaped and every link is a relative file name,
    URL-quoted. The page has a language, a title, a main landmark, one
    level-one heading and a table with column headers (checked with axe-core
    in the tests).

    Parameters
    ----------
    chapters : list of (stem, title, suffixes)
        Each published chapter's file stem, title and which of ``.html``,
        ``.docx`` and ``.xlsx`` exist.
    area, area_name, pack_name : str
        The area's code and name, and the data pack's name.
    synthetic : bool
        Say the data are synthetic.

    Returns
    -------
    str

    Examples
    --------
    >>> page = index_html([("01_people", "People <all>", [".html", ".docx"])],
    ...                   "E06999001", "Demoshire", "Demo")
    >>> '<a href="01_people.html">People &lt;all&gt;</a>' in page, "01_people.xlsx" in page
    (True, False)
    """
    from urllib.parse import quote

    from jsna.publish.escape import html_text

    kinds = ((".docx", "Word"), (".xlsx", "Excel"))
    rows = []
    for stem, title, suffixes in chapters:
        name = html_text(title)
        first = (
            f'<a href="{html_text(quote(stem + ".html"))}">{name}</a>'
            if ".html" in suffixes
            else name
        )
        cells = [first]
        for suffix, kind in kinds:
            cells.append(
                f'<a href="{html_text(quote(stem + suffix))}">{kind}'
                f'<span class="visually-hidden"> version of {name}</span></a>'
                if suffix in suffixes
                else "Not built"
            )
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    notice = (
        '<p class="notice"><strong>Synthetic data</strong>: these chapters were built from a '
        "synthetic data pack; the figures are not real statistics for any place.</p>"
        if synthetic
        else ""
    )
    place = html_text(f"{area_name} ({area})" if area_name != area else area)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>Joint Strategic Needs Assessment: {place}</title>\n"
        f"<style>{_INDEX_STYLE}</style>\n</head>\n<body>\n<main>\n"
        f"<h1>Joint Strategic Needs Assessment: {place}</h1>\n{notice}\n"
        f"<p>Built from the data pack {html_text(pack_name)}. Each chapter is a web page, "
        "a Word document and an Excel workbook of its tables.</p>\n"
        "<table>\n<caption>Chapters</caption>\n<thead><tr>"
        '<th scope="col">Chapter (web page)</th><th scope="col">Word document</th>'
        '<th scope="col">Excel workbook</th></tr></thead>\n<tbody>\n'
        + "\n".join(rows)
        + "\n</tbody>\n</table>\n</main>\n</body>\n</html>\n"
    )


def write_index(
    reports: Path, area: str, area_name: str, pack_name: str, *, synthetic: bool = False
) -> Path:
    """Write ``index.html`` in the area's reports folder, listing every published chapter.

    Chapters are those with a published ``NN_name.html`` (built now or kept from
    before); their titles come from their notebooks (:func:`chapter_title`). The
    page is written atomically and readable by all (0644).

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "01_people.html").write_text("<html></html>")
    >>> page = write_index(folder, "E06999001", "Demoshire", "Demo", synthetic=True)
    >>> page.name, oct(page.stat().st_mode & 0o777), "People" in page.read_text()
    ('index.html', '0o644', True)
    """
    from jsna.io.atomic import write_atomic

    chapters = []
    for page in sorted(reports.glob("[0-9][0-9]_*.html")):
        stem = page.name.removesuffix(".html")
        notebook = reports / f"{stem}.ipynb"
        title = chapter_title(notebook) if notebook.is_file() else chapter_title_from(stem)
        suffixes = [s for s in (".html", ".docx", ".xlsx") if (reports / f"{stem}{s}").is_file()]
        chapters.append((stem, title, suffixes))
    text = index_html(chapters, area, area_name, pack_name, synthetic=synthetic)

    def write(temporary: Path) -> None:
        temporary.write_text(text, encoding="utf-8")
        _set_modes(temporary)

    return write_atomic(reports / "index.html", write)


def chapter_title_from(stem: str) -> str:
    """A chapter's title from its file stem, when its notebook is not there.

    Examples
    --------
    >>> chapter_title_from("03_live_well_prevalence_gaps")
    'Live well prevalence gaps'
    """
    words = re.sub(r"^\d+_", "", stem).replace("_", " ")
    return words[:1].upper() + words[1:] or stem


def _short_error(lines: list[str]) -> str:
    interesting = [line for line in lines if "Error" in line or "error" in line]
    text = (interesting[-1] if interesting else (lines[-1] if lines else "unknown error")).strip()
    return text[:300]
