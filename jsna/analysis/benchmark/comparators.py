"""Who an area is compared with: England, its region and its statistical neighbours."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from jsna import columns as S
from jsna.columns import check_columns
from jsna.exceptions import DataValidationError, first_values
from jsna.meta import meta

__all__ = ["ENGLAND_CODE", "Comparators"]

ENGLAND_CODE = "E92000001"


# --------------------------------------------------------------------------- comparators
@dataclass(frozen=True)
class Comparators:
    """Who an area is compared with.

    Parameters
    ----------
    england : str, optional
        England's area code; by default the one area of type "England" in
        the data (``E92000001`` if the data have several or none).
    region : str or mapping of area code to region code, optional
        The region; by default each area's parent code other than England
        in the Fingertips parent columns.
    neighbours : DataFrame or mapping of area code to neighbour codes, optional
        Statistical neighbours in rank order: the frame of
        ``pack.read("neighbours.dfe")`` or ``pack.read("neighbours.list")``
        (``area_code, neighbour_code, rank``, optionally ``neighbour_name``,
        ``model``, ``status``, ``note``), or ``{"E08000014": ["E08000015",
        ...]}``.
    neighbour_model : str, optional
        The neighbour model's name, shown in every output; by default the
        frame's ``model`` column. Required with a mapping.

    Examples
    --------
    >>> c = Comparators(neighbours={"E08000014": ["E08000015", "E08000011"]},
    ...                 neighbour_model="CIPFA 2019")
    >>> c.neighbour_frame()[["area_code", "neighbour_code", "rank", "model"]].values.tolist()
    [['E08000014', 'E08000015', 1, 'CIPFA 2019'], ['E08000014', 'E08000011', 2, 'CIPFA 2019']]
    """

    england: str | None = None
    region: str | Mapping[str, str] | None = None
    neighbours: pd.DataFrame | Mapping[str, Sequence[str]] | None = None
    neighbour_model: str | None = None

    @classmethod
    def from_pack(cls, pack, *, role: str | None = None, **select) -> Comparators:
        """Comparators with the neighbours of a data pack.

        ``role`` is "neighbours.dfe" or "neighbours.list"; by default the DfE
        model when the pack has one (its most recent model unless ``select``
        chooses, e.g. ``vintage="April 2021 model"``), otherwise the plain list,
        otherwise no neighbours.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> from jsna.io.datapack import DataPack
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (folder / "nn.csv").write_text(
        ...     "area_code,neighbour_code,rank\\nE06999001,E06999002,1\\n")
        >>> _ = (folder / "datapack.toml").write_text(
        ...     '[pack]\\nname = "x"\\n[[file]]\\nrole = "neighbours.list"\\npath = "nn.csv"\\n'
        ...     'model = "local list"\\n')
        >>> Comparators.from_pack(DataPack.open(folder)).neighbour_frame()["model"].tolist()
        ['local list']
        """
        if role is None:
            role = next((r for r in ("neighbours.dfe", "neighbours.list") if pack.has(r)), None)
            if role is None:
                return cls()
        if role not in ("neighbours.dfe", "neighbours.list"):
            raise DataValidationError(
                f"role={role!r} must be 'neighbours.dfe' or 'neighbours.list'"
            )
        return cls(neighbours=pack.read(role, **select))

    def neighbour_frame(self) -> pd.DataFrame:
        """The neighbours as a long frame: area_code, neighbour_code, neighbour_name, rank, model,
        status, note.
        """
        columns = [
            S.AREA_CODE,
            "neighbour_code",
            "neighbour_name",
            "rank",
            "model",
            "status",
            "note",
        ]
        given = self.neighbours
        if given is None:
            return pd.DataFrame(
                {c: pd.Series(dtype="int64" if c == "rank" else "str") for c in columns}
            )
        if isinstance(given, pd.DataFrame):
            check_columns(given, {"neighbours": [S.AREA_CODE, "neighbour_code", "rank"]})
            frame = given.copy()
            models = frame["model"].dropna().unique().tolist() if "model" in frame else []
            if len(models) > 1:
                raise DataValidationError(
                    f"neighbours holds several models {first_values(models)}; give one, e.g. "
                    "pack.read('neighbours.dfe', vintage='April 2021 model')"
                )
            model = self.neighbour_model or (models[0] if models else meta(given, "model"))
        elif isinstance(given, Mapping):
            rows = [
                (str(a), str(n), r + 1) for a, codes in given.items() for r, n in enumerate(codes)
            ]
            frame = pd.DataFrame(rows, columns=[S.AREA_CODE, "neighbour_code", "rank"])
            model = self.neighbour_model
        else:
            raise DataValidationError(
                f"neighbours is a {type(given).__name__}; give a neighbours frame or a mapping of "
                "area code to a list of neighbour codes"
            )
        if not model:
            raise DataValidationError(
                "the neighbour model has no name; give Comparators(neighbour_model='...') so "
                "outputs can say "
                "which neighbours were used"
            )
        frame["model"] = str(model)
        for column in columns:
            if column not in frame:
                frame[column] = pd.Series(np.nan, index=frame.index, dtype="str")
        frame["rank"] = pd.to_numeric(frame["rank"]).astype("int64")
        frame = (
            frame[columns].sort_values([S.AREA_CODE, "rank"], kind="stable").reset_index(drop=True)
        )
        for column in (S.AREA_CODE, "neighbour_code", "neighbour_name", "model", "status", "note"):
            frame[column] = frame[column].astype("str")
        return frame
