"""Who publishes each data pack role's files, and the one way a source line is written.

``sources.toml`` (beside this module) holds, for every role of a data pack, the
publisher, the dataset and the licence: :func:`attribution` turns them into the
attribution line printed under a figure or table made from that role's data (a
pack's ``[[file]] attribution = "..."`` overrides it, see
:meth:`jsna.io.datapack.DataPack.sources`). :func:`source_line` joins the lines of
several sources into the one text that the figure footer, the HTML page, the Word
document and the Excel workbook all print after "Source:", so they agree.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

__all__ = [
    "SOURCES",
    "SYNTHETIC_PREFIX",
    "attribution",
    "synthetic_attribution",
    "without_source_label",
    "source_line",
    "source_items",
]

#: The ``[[source]]`` tables of ``sources.toml``, in file order.
SOURCES: tuple[dict[str, Any], ...] = tuple(
    tomllib.loads((Path(__file__).with_name("sources.toml")).read_text(encoding="utf-8"))["source"]
)

#: How a synthetic file's attribution starts.
SYNTHETIC_PREFIX = "Synthetic data in the layout of"

_OPTIONAL = re.compile(r"\[([^\[\]]*)\]")
_FIELD = re.compile(r"\{(\w+)\}")


def _fill(template: str, settings: Mapping[str, Any]) -> str:
    def value(name: str) -> str:
        return str(settings.get(name, "")).strip()

    def optional(match: re.Match) -> str:
        names = _FIELD.findall(match.group(1))
        return match.group(1) if all(value(n) for n in names) else ""

    text = _OPTIONAL.sub(optional, template)
    return _FIELD.sub(lambda m: value(m.group(1)), text).strip()


def _matches(row: Mapping[str, Any], settings: Mapping[str, Any]) -> bool:
    return all(
        fnmatch(str(settings.get(key, "")).lower(), str(pattern).lower())
        for key, pattern in row.get("when", {}).items()
    )


def _row(role: str, settings: Mapping[str, Any]) -> dict[str, Any]:
    rows = [row for row in SOURCES if row["role"] == role]
    if not rows:
        from jsna.exceptions import SourceError

        known = sorted({row["role"] for row in SOURCES})
        raise SourceError(
            f"no attribution for role {role!r} in jsna/reference/sources.toml; "
            f"roles are {', '.join(known)}"
        )
    return next((row for row in rows if _matches(row, settings)), rows[-1])


def _publisher_dataset(row: Mapping[str, Any], settings: Mapping[str, Any]) -> str:
    dataset = _fill(row["dataset"], settings)
    return f"{row['publisher']}, {dataset}" if dataset else row["publisher"]


def attribution(role: str, settings: Mapping[str, Any] | None = None) -> str:
    """The attribution line of a file of ``role`` with these manifest ``settings``.

    Parameters
    ----------
    role : str
        A data pack role (``"imd"``, ``"prevalence.recorded"``, ...).
    settings : mapping, optional
        The file's manifest settings (``edition``, ``vintage``, ``period``, ``level``, ...);
        they fill in the dataset's details and choose between a role's variants.

    Returns
    -------
    str
        "Publisher, dataset (details); licence", without a "Source:" label.

    Raises
    ------
    jsna.exceptions.SourceError
        If ``sources.toml`` has no row for the role.

    Examples
    --------
    >>> attribution("imd", {"edition": "IoD2025"})
    'Ministry of Housing, Communities and Local Government, English Indices of Deprivation (IoD2025); Open Government Licence v3.0'
    >>> attribution("prevalence.recorded", {"level": "practice", "period": "2022/23"})
    'NHS England, Quality and Outcomes Framework (QOF) 2022/23, practice registers; Open Government Licence v3.0'
    >>> attribution("imd")  # no edition: the detail is left out
    'Ministry of Housing, Communities and Local Government, English Indices of Deprivation; Open Government Licence v3.0'
    """  # noqa: E501
    settings = settings or {}
    row = _row(role, settings)
    return f"{_publisher_dataset(row, settings)}; {row['licence']}"


def synthetic_attribution(role: str, settings: Mapping[str, Any] | None = None) -> str:
    """The attribution of a synthetic file made in the layout of ``role``'s publisher.

    Examples
    --------
    >>> synthetic_attribution("population.lsoa", {"vintage": "mid-2022"})
    'Synthetic data in the layout of Office for National Statistics, small area population estimates (mid-2022)'
    """  # noqa: E501
    settings = settings or {}
    row = _row(role, settings)
    return f"{SYNTHETIC_PREFIX} {_publisher_dataset(row, settings)}"


def without_source_label(text: str) -> str:
    """``text`` without a leading "Source:" or "Sources:" label (writers add their own).

    Examples
    --------
    >>> without_source_label("Source: Office for National Statistics")
    'Office for National Statistics'
    >>> without_source_label("sources:  ONS; NHS England"), without_source_label("ONS")
    ('ONS; NHS England', 'ONS')
    """
    return re.sub(r"^\s*sources?\s*:\s*", "", str(text), flags=re.IGNORECASE).strip()


def source_line(lines: str | Iterable[str] | None) -> str:
    """Attribution lines as one source text: each once, without labels, as sentences.

    The text follows "Source: " in every output (the figure footer, HTML, Word and
    Excel), so it never carries the label itself.

    Parameters
    ----------
    lines : str or iterable of str
        Attribution lines (a single string is one line).

    Returns
    -------
    str
        The lines, each stripped of a "Source:" label and end punctuation, the
        repeats (ignoring case and spacing) left out, joined as sentences (the
        synthetic files' lines as one sentence, :data:`SYNTHETIC_PREFIX` once); ""
        if there are none.

    Examples
    --------
    >>> source_line(["Source: ONS; OGL v3.0.", "NHS England; OGL v3.0", "ons;  OGL v3.0"])
    'ONS; OGL v3.0. NHS England; OGL v3.0.'
    >>> source_line(None), source_line("MHCLG")
    ('', 'MHCLG.')
    >>> source_line([synthetic_attribution("imd"), synthetic_attribution("deaths.lsoa")])
    'Synthetic data in the layout of Ministry of Housing, Communities and Local Government, English Indices of Deprivation; Office for National Statistics, deaths registered by LSOA.'

    """  # noqa: E501
    if lines is None:
        return ""
    items = [lines] if isinstance(lines, str) else list(lines)
    kept: list[str] = []
    synthetic: list[str] = []
    seen: set[str] = set()
    for item in items:
        text = without_source_label(item).rstrip(" .;")
        key = " ".join(text.lower().split())
        if not text or key in seen:
            continue
        seen.add(key)
        if text.startswith(SYNTHETIC_PREFIX + " "):
            if not synthetic:
                kept.append(SYNTHETIC_PREFIX)  # the synthetic files, said once, in one place
            synthetic.append(text[len(SYNTHETIC_PREFIX) + 1 :])
        else:
            kept.append(text)
    if synthetic:
        at = kept.index(SYNTHETIC_PREFIX)
        kept[at] = f"{SYNTHETIC_PREFIX} {'; '.join(synthetic)}"
    return ". ".join(kept) + "." if kept else ""


_SENTENCE = re.compile(r"(?<=\.)\s+(?=[A-Z©])")


def source_items(texts: Iterable[str]) -> list[str]:
    """Source texts (as :func:`source_line` writes them) as a list of distinct sources.

    For a chapter's list of sources: each text is split into its sentences (one
    source each), labels and end punctuation dropped, each kept once in first-seen order.

    Examples
    --------
    >>> source_items(["Source: ONS; OGL v3.0. MHCLG, IoD2025; OGL v3.0.", "ONS; OGL v3.0"])
    ['ONS; OGL v3.0', 'MHCLG, IoD2025; OGL v3.0']
    >>> source_items(["Synthetic data in the layout of ONS, lookup; MHCLG, IoD."])
    ['Synthetic data in the layout of ONS, lookup', 'Synthetic data in the layout of MHCLG, IoD']
    """
    kept: list[str] = []
    seen: set[str] = set()
    for text in texts:
        for part in _SENTENCE.split(without_source_label(text)):
            item = without_source_label(part).rstrip(" .;")
            items = [item]
            if item.startswith(SYNTHETIC_PREFIX + " "):  # source_line's one synthetic sentence
                rest = item[len(SYNTHETIC_PREFIX) + 1 :].split("; ")
                items = [f"{SYNTHETIC_PREFIX} {x}" for x in rest]
            for item in items:
                key = " ".join(item.lower().split())
                if item and key not in seen:
                    seen.add(key)
                    kept.append(item)
    return kept
