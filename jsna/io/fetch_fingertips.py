"""Fingertips for ``jsna fetch``: indicators, neighbour lists and Local Health.

Indicators and nearest-neighbour lists come through
:class:`jsna.io.fingertips_api.FingertipsClient` (and its cache), cut to the
area, England, its region (the parent of the area's rows) and its neighbours.
Local Health (OHID's small-area profile, Fingertips profile 143) is taken from
the API's ``all_data/csv/by_profile_id`` for the MSOAs of the area and laid out
as a Local Health export (``Code;Label;<indicator>;...``, one value per MSOA
and indicator: the latest period, named in the column) for the
``indicators.local_health`` reader.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from jsna.exceptions import JSNAError, SourceError
from jsna.io._read import normalise_header
from jsna.io.atomic import write_bytes_atomic
from jsna.io.catalogue import Source

__all__ = ["ENGLAND", "tier", "fetch_fingertips", "local_health_layout"]

#: ONS code of England (Fingertips rows kept for every area).
ENGLAND = "E92000001"


def tier(area: str) -> str:
    """``"lower"`` for a district (E07), else ``"upper"`` (Fingertips area types 501/502).

    Examples
    --------
    >>> tier("E07000117"), tier("E10000017"), tier("E08000014")
    ('lower', 'upper', 'upper')
    """
    return "lower" if str(area).startswith("E07") else "upper"


def _csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def _find(columns, wanted: str, where: str) -> str:
    found = next((c for c in columns if normalise_header(c) == normalise_header(wanted)), None)
    if found is None:
        raise SourceError(f"{where}: no column {wanted!r}; is this a Fingertips all_data CSV?")
    return found


def local_health_layout(frame: pd.DataFrame, where: str) -> bytes:
    """A Fingertips profile CSV at MSOA level as a Local Health export (bytes).

    One row per MSOA (``Code;Label``), one column per indicator and sex at its
    latest period (``<Indicator Name> (<Sex>), <Time period>``); an empty value
    is written ``N/A``, as Local Health did.

    Examples
    --------
    >>> f = pd.DataFrame({"Indicator Name": ["Life expectancy at birth"] * 2,
    ...     "Area Code": ["E02000001"] * 2, "Area Name": ["A 001"] * 2, "Area Type": ["MSOA"] * 2,
    ...     "Sex": ["Male"] * 2, "Category Type": ["", ""],
    ...     "Time period": ["2015 - 19", "2016 - 20"],
    ...     "Time period Sortable": ["20150000", "20160000"], "Value": ["79.1", ""]})
    >>> print(local_health_layout(f, "x").decode())
    Code;Label;Life expectancy at birth (Male), 2016 - 20
    E02000001;A 001;N/A
    <BLANKLINE>
    """
    col = {k: _find(frame.columns, k, where) for k in (
        "Indicator Name", "Area Code", "Area Name", "Sex", "Time period", "Value")}  # fmt: skip
    rows = frame[frame[col["Area Code"]].astype(str).str.startswith("E02")]
    if "category type" in {normalise_header(c) for c in frame.columns}:
        category = _find(frame.columns, "Category Type", where)
        rows = rows[rows[category].astype(str).str.strip() == ""]
    if rows.empty:
        raise SourceError(f"{where}: no MSOA rows; expected the MSOAs of the area (area type 3)")
    order = next((c for c in frame.columns if normalise_header(c) == "time period sortable"), None)
    rows = rows.assign(_order=rows[order] if order else range(len(rows)))
    key = [col["Indicator Name"], col["Sex"]]
    latest = rows.groupby(key)["_order"].transform("max")
    rows = rows[rows["_order"] == latest]
    rows = rows.assign(
        _name=rows[col["Indicator Name"]].str.strip() + " (" + rows[col["Sex"]].str.strip()
        + "), " + rows[col["Time period"]].str.strip()
    )  # fmt: skip
    wide = rows.pivot_table(
        index=[col["Area Code"], col["Area Name"]], columns="_name", values=col["Value"],
        aggfunc="first",
    )  # fmt: skip
    wide = wide.replace("", pd.NA).fillna("N/A").reset_index()
    wide.columns = ["Code", "Label", *wide.columns[2:]]
    return wide.to_csv(index=False, sep=";", lineterminator="\n").encode("utf-8")


def fetch_fingertips(source: Source, area, pack: Path, cache: Path, failed: list[str]):
    """Fetch a Fingertips source through the client into the pack; the frame and a URL.

    ``area`` carries the area code, its districts and the neighbours found so far;
    an indicator that fails adds one line to ``failed`` and the others are written.
    """
    from jsna.io.fingertips_api import FingertipsClient

    area_type = int(source.area_type.get(tier(area.code), 502))
    client = FingertipsClient(source.url, cache_dir=cache / "fingertips", progress=False)
    if source.format == "fingertips-neighbours":
        table = client.neighbours(area.code, area_type, source.neighbour_type)
        out = table[["area_code", "neighbour_code", "rank", "neighbour_name"]]
        write_bytes_atomic(pack / source.path, _csv(out))
        return out, client.url(
            "areas/by_parent_area_code",
            {"area_type_id": area_type, "parent_area_code": f"nn-{source.neighbour_type}-x"},
        )
    frames = []
    for indicator in source.indicators:
        try:
            (path,) = client.fetch_all_data(indicator, area_type, source.parent_area_type)
        except JSNAError as exc:
            failed.append(f"{source.path} (indicator {indicator}): {exc}")
            continue
        frames.append(pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig"))
    if not frames:
        raise SourceError(f"{source.path}: no Fingertips indicator could be fetched")
    data = pd.concat(frames, ignore_index=True)
    code = _find(data.columns, "Area Code", source.path)
    parent = _find(data.columns, "Parent Code", source.path)
    regions = set(data.loc[data[code] == area.code, parent]) - {""}
    keep = {area.code, ENGLAND} | regions | area.neighbours | area.districts
    out = data[data[code].isin(keep)]
    if not (out[code] == area.code).any():
        raise SourceError(
            f"{source.path}: Fingertips has no rows for {area.code} at area type {area_type}; "
            "check area_type in the catalogue"
        )
    write_bytes_atomic(pack / source.path, _csv(out))
    return out, client.url("all_data/csv/by_indicator_id", {"child_area_type_id": area_type})
