"""Demo lookups: LSOA to ward and authority, ward to authority, LSOA11 to LSOA21, LSOA to ICB.

In the ONS layouts (best-fit ``LSOA21_WD25_LAD25``, ``WD25_LAD25``,
``LSOA11_LSOA21_LAD22`` with change indicators, ``LSOA21_SICBL24_ICB24``).
"""

from __future__ import annotations

import string

import numpy as np
import pandas as pd

from jsna.demo.geography import Geography
from jsna.demo.place import (
    DEMO_AREA_CODE,
    DEMO_AREA_NAME,
    ICB_CODE,
    ICB_NAME,
    ICB_ODS,
    N_LSOA,
    N_MSOA,
    N_WARD,
    SICBL_CODE,
    SICBL_NAME,
    SICBL_ODS,
)

__all__ = ["lookup_files"]


def lookup_files(geo: Geography) -> dict[str, pd.DataFrame]:
    """The four lookup tables of the demo geography, keyed by their pack file key.

    Parameters
    ----------
    geo : Geography
        The LSOAs and wards (:func:`jsna.demo.geography.simulate_geography`).

    Returns
    -------
    dict of str to pandas.DataFrame
        ``lookup_best_fit`` (LSOA21 -> WD25 -> LAD25), ``lookup_ward_lad``,
        ``lookup_icb`` (LSOA21 -> sub-ICB -> ICB) and ``lookup_lsoa11``
        (LSOA11 -> LSOA21 with four splits and three merges).

    Examples
    --------
    >>> import numpy as np
    >>> from jsna.demo.geography import simulate_geography
    >>> tables = lookup_files(simulate_geography(np.random.default_rng(1)))
    >>> sorted(tables)
    ['lookup_best_fit', 'lookup_icb', 'lookup_lsoa11', 'lookup_ward_lad']
    >>> sorted(set(tables["lookup_lsoa11"]["CHGIND"]))
    ['M', 'S', 'U']
    """
    ward = geo.lsoa_ward
    best_fit = pd.DataFrame(
        {
            "LSOA21CD": geo.lsoa_code,
            "LSOA21NM": geo.lsoa_name,
            "WD25CD": geo.ward_code[ward],
            "WD25NM": geo.ward_name[ward],
            "LAD25CD": DEMO_AREA_CODE,
            "LAD25NM": DEMO_AREA_NAME,
        }
    )
    ward_lad = pd.DataFrame(
        {
            "WD25CD": geo.ward_code,
            "WD25NM": geo.ward_name,
            "WD25NMW": "",
            "LAD25CD": DEMO_AREA_CODE,
            "LAD25NM": DEMO_AREA_NAME,
            "LAD25NMW": "",
            "ObjectId": np.arange(1, N_WARD + 1),
        }
    )
    icb = pd.DataFrame(
        {
            "LSOA21CD": geo.lsoa_code,
            "LSOA21NM": geo.lsoa_name,
            "SICBL24CD": SICBL_CODE,
            "SICBL24CDH": SICBL_ODS,
            "SICBL24NM": SICBL_NAME,
            "ICB24CD": ICB_CODE,
            "ICB24CDH": ICB_ODS,
            "ICB24NM": ICB_NAME,
        }
    )
    return {
        "lookup_best_fit": best_fit,
        "lookup_ward_lad": ward_lad,
        "lookup_icb": icb,
        "lookup_lsoa11": _lsoa11_lookup(geo),
    }


def _lsoa11_lookup(geo: Geography) -> pd.DataFrame:
    """LSOA11 -> LSOA21 with four splits (S) and three merges (M); the rest unchanged (U).

    A split 2011 LSOA and the 2011 LSOAs merged into one 2021 LSOA get retired
    codes ``E01999801``... that are not 2021 codes, as ONS retired them.
    """
    same_msoa = np.flatnonzero(geo.lsoa_msoa[:-1] == geo.lsoa_msoa[1:])
    split_first = same_msoa[[3, 17, 40, 71]]  # pairs (i, i+1) of 2021 LSOAs that were one 2011 LSOA
    merged = np.array([25, 88, 130])  # 2021 LSOAs that each merged two 2011 LSOAs
    used_letters = {m: int((geo.lsoa_msoa == m).sum()) for m in range(N_MSOA)}
    retired = iter(range(801, 900))

    def retired_lsoa(msoa: int) -> tuple[str, str]:
        letter = string.ascii_uppercase[used_letters[msoa]]
        used_letters[msoa] += 1
        return f"E01999{next(retired)}", f"{geo.msoa_name[msoa]}{letter}"

    rows = []
    special = set(split_first) | set(split_first + 1) | set(merged)
    for i in range(N_LSOA):
        if i not in special:
            rows.append(
                (geo.lsoa_code[i], geo.lsoa_name[i], geo.lsoa_code[i], geo.lsoa_name[i], "U")
            )
    for i in split_first:
        code11, name11 = retired_lsoa(geo.lsoa_msoa[i])
        for j in (i, i + 1):
            rows.append((code11, name11, geo.lsoa_code[j], geo.lsoa_name[j], "S"))
    for i in merged:
        for _ in range(2):
            code11, name11 = retired_lsoa(geo.lsoa_msoa[i])
            rows.append((code11, name11, geo.lsoa_code[i], geo.lsoa_name[i], "M"))
    frame = pd.DataFrame(rows, columns=["LSOA11CD", "LSOA11NM", "LSOA21CD", "LSOA21NM", "CHGIND"])
    frame["LAD22CD"] = DEMO_AREA_CODE
    frame["LAD22NM"] = DEMO_AREA_NAME
    return frame.sort_values(["LSOA11CD", "LSOA21CD"], kind="stable").reset_index(drop=True)
