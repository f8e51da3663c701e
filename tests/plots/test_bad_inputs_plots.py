"""Bad inputs to the figures (jsna.plots).

Every kind of bad input gives a :class:`~jsna.exceptions.JSNAError` whose
message names what is wrong and says what to do, or NaN with a warning where
the published method says so - never a silently wrong number.
"""

from __future__ import annotations

import pandas as pd
import pytest

from jsna.exceptions import DataValidationError


def test_figure_without_alt_text(tmp_path):
    import matplotlib.pyplot as plt

    from jsna.plots import save_figure

    fig, _ = plt.subplots()
    try:
        for alt in ("", "   ", None):
            with pytest.raises(
                DataValidationError,
                match=r"alt_text is empty; every published figure needs it, e.g.",
            ):
                save_figure(
                    fig,
                    "wards",
                    title="Admissions by ward",
                    alt_text=alt,
                    data=pd.DataFrame({"x": [1]}),
                    source="ONS",
                    folder=tmp_path,
                )
    finally:
        plt.close(fig)
    assert not list(tmp_path.iterdir())
