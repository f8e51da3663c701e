"""Class breaks of a choropleth: quantiles, natural breaks, equal intervals, given bins, or
national deprivation deciles.

Deprivation is classed by **national** deciles (``scheme="national_deciles"``): decile 1 is
the most deprived 10% of neighbourhoods (LSOAs) in England, so an affluent ward is drawn as
affluent even when all its neighbours are more affluent still. Local quantiles would rank
the wards of one authority against each other and make its least deprived fifth look like
the national least deprived fifth.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from jsna.exceptions import DataValidationError, first_values

__all__ = ["SCHEMES", "DECILE_NAMES", "Classes", "classify", "national_decile_breaks"]

#: Classification schemes. "natural_breaks" is Fisher-Jenks: optimal and deterministic;
#: "national_deciles" classes IMD deciles 1-10 (or scores, with the national decile breaks).
SCHEMES = ("quantiles", "natural_breaks", "equal_interval", "user_defined", "national_deciles")

#: Legend names of the ten national deprivation deciles, most deprived first.
DECILE_NAMES = tuple(
    "1 (most deprived 10%)" if d == 1 else "10 (least deprived 10%)" if d == 10 else str(d)
    for d in range(1, 11)
)
# mapclassify class of each data-driven scheme; mapclassify (which imports scikit-learn,
# about a second) is imported only when such a scheme is used, not by every chapter
_CLASSIFIERS = {
    "quantiles": "Quantiles",
    "natural_breaks": "FisherJenks",
    "equal_interval": "EqualInterval",
}
_JENKS_SAMPLE = 1000


@dataclass(frozen=True)
class Classes:
    """Class breaks of a choropleth: ``bins`` are upper bounds, classes are (lower, upper].

    ``lower`` is the lower edge of the first class: the data minimum for a
    data-driven scheme, ``-inf`` for user-defined breaks (so the legend reads
    "up to ..." and stays the same from year to year).
    """

    bins: tuple[float, ...]
    lower: float
    #: Legend names of the classes, in ``bins`` order (national deciles); None for bounds.
    names: tuple[str, ...] | None = None
    #: Colours run dark to light along ``bins`` (decile 1, the most deprived, darkest).
    dark_first: bool = False
    #: The legend lists the classes in reverse ``bins`` order (decile 1 first for scores).
    legend_reversed: bool = False

    @property
    def k(self) -> int:
        """Number of classes."""
        return len(self.bins)

    def assign(self, values) -> np.ndarray:
        """Class index of each value; -1 for NaN.

        Examples
        --------
        >>> Classes((10.0, 20.0), 0.0).assign([5, 10, 15, np.nan]).tolist()
        [0, 0, 1, -1]
        """
        values = np.asarray(values, dtype=float)
        index = np.searchsorted(np.asarray(self.bins), values, side="left")
        return np.where(np.isnan(values), -1, index)

    def labels(self, fmt: str | None = None) -> list[str]:
        """Legend labels, e.g. ``'10.0 to 20.0'``; ``fmt`` defaults to the fewest
        decimals that keep the breaks distinct and each within 0.5% of the range of its true value.

        Examples
        --------
        >>> Classes((10.0, 20.0, np.inf), -np.inf).labels()
        ['up to 10', '10 to 20', 'over 20']
        >>> Classes((0.0, 50.0, 100.0), -np.inf).labels()
        ['0 or less', '0 to 50', '50 to 100']
        >>> Classes((8 / 3, 13 / 3, 6.0), 1.0).labels()
        ['1.00 to 2.67', '2.67 to 4.33', '4.33 to 6.00']
        >>> Classes((1.25, 2.5), 0.5).labels("{:.2f}")
        ['0.50 to 1.25', '1.25 to 2.50']
        >>> Classes((1.0, 2.0), 0.0, names=("first", "second")).labels()
        ['first', 'second']
        """
        if self.names is not None:
            return list(self.names)
        edges = [self.lower, *self.bins]
        finite = [e for e in edges if np.isfinite(e)]
        if fmt is None:
            tolerance = 0.005 * (max(finite) - min(finite)) if finite else 0.0
            for decimals in range(5):
                fmt = f"{{:,.{decimals}f}}"
                shown = [fmt.format(e) for e in finite]
                close = all(abs(round(e, decimals) - e) <= tolerance for e in finite)
                if len(set(shown)) == len(shown) and close:
                    break
        out = []
        for lo, hi in zip(edges[:-1], edges[1:], strict=True):
            if not np.isfinite(lo):
                # "up to 0" reads oddly for shares and counts: say "0 or less"
                out.append(f"{fmt.format(hi)} or less" if hi == 0 else f"up to {fmt.format(hi)}")
            elif not np.isfinite(hi):
                out.append(f"over {fmt.format(lo)}")
            else:
                out.append(f"{fmt.format(lo)} to {fmt.format(hi)}")
        return out


def classify(values, scheme: str = "quantiles", k: int = 5, bins=None) -> Classes:
    """Class breaks for a choropleth with a mapclassify scheme.

    Parameters
    ----------
    values : array-like of float
        The values to classify; NaN is ignored.
    scheme : {"quantiles", "natural_breaks", "equal_interval", "user_defined", \
"national_deciles"}
        "natural_breaks" is Fisher-Jenks (deterministic); above 1,000 values it
        is computed on 1,000 evenly spaced quantiles of them, for speed.
        "national_deciles": without ``bins`` the values are national IMD deciles
        (whole numbers 1-10, 1 = most deprived 10% in England), ten fixed classes;
        with ``bins`` (the nine score breaks of :func:`national_decile_breaks`) the
        values are IMD scores, classed by the national decile their score falls in.
    k : int
        Number of classes for the data-driven schemes.
    bins : sequence of float
        Upper bounds of the classes, for ``scheme="user_defined"``. They
        are held fixed (e.g. across years): every value must be at most the
        last bound, which may be ``numpy.inf``. For ``"national_deciles"``, the
        nine national score breaks, lowest first.

    Examples
    --------
    >>> classify([1, 2, 3, 4], "equal_interval", k=3).bins
    (2.0, 3.0, 4.0)
    >>> classify([1, 2, 3, 4], "user_defined", bins=[2, 10]).labels()
    ['up to 2', '2 to 10']
    >>> deciles = classify([1, 4, 10], "national_deciles")
    >>> deciles.assign([1, 4, 10]).tolist(), deciles.labels()[:2]
    ([0, 3, 9], ['1 (most deprived 10%)', '2'])
    """
    if scheme not in SCHEMES:
        raise DataValidationError(
            f"scheme={scheme!r} is not known; give one of {', '.join(SCHEMES)}"
        )
    values = np.asarray(values, dtype=float)
    finite = values[~np.isnan(values)]
    if scheme == "national_deciles":
        return _national_deciles(finite, bins)
    if scheme == "user_defined":
        if bins is None or len(bins) == 0:
            raise DataValidationError(
                "scheme='user_defined' needs bins=, the upper bounds of the classes, e.g. [10, 20, "
                "30]"
            )
        edges = np.asarray(bins, dtype=float)
        if np.isnan(edges).any() or (np.diff(edges) <= 0).any():
            raise DataValidationError(f"bins={list(bins)!r} must be increasing numbers with no NaN")
        if finite.size and finite.max() > edges[-1]:
            above = finite[finite > edges[-1]]
            raise DataValidationError(
                f"values {first_values(above)} are above the last bin {edges[-1]:g}; "
                "add a larger last bin (numpy.inf is allowed) so the classes stay fixed"
            )
        return Classes(tuple(edges.tolist()), -np.inf)
    if bins is not None:
        raise DataValidationError(f"bins= is only used with scheme='user_defined', not {scheme!r}")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 2:
        raise DataValidationError(f"k={k!r} classes; give a whole number of at least 2")
    if finite.size == 0:
        raise DataValidationError("there are no values to classify (all are missing or suppressed)")
    sample = finite
    if scheme == "natural_breaks" and finite.size > _JENKS_SAMPLE:
        # Fisher-Jenks is O(k n^2): on many areas (e.g. 35,000 LSOAs) classify evenly
        # spaced quantiles of the values instead, which is deterministic.
        sample = np.quantile(finite, np.linspace(0, 1, _JENKS_SAMPLE))
    with warnings.catch_warnings():
        # mapclassify's pure-python Fisher-Jenks warns when numba is absent; it is exact, only
        # slower
        warnings.filterwarnings("ignore", message="Numba not installed", category=UserWarning)
        import mapclassify

        classifier = getattr(mapclassify, _CLASSIFIERS[scheme])(sample, k=int(k))
    return Classes(tuple(np.asarray(classifier.bins, dtype=float).tolist()), float(finite.min()))


def _national_deciles(finite: np.ndarray, bins) -> Classes:
    """Ten classes of national deciles: of decile numbers, or of scores given the breaks."""
    if bins is None:
        wrong = finite[(finite < 1) | (finite > 10) | (finite != np.round(finite))]
        if wrong.size:
            raise DataValidationError(
                f"scheme='national_deciles' maps IMD deciles, whole numbers 1 to 10, but the "
                f"values include {first_values(wrong)}; map the decile column (e.g. imd_decile), "
                "or pass the score breaks of national_decile_breaks() as bins= to map scores"
            )
        return Classes(
            tuple(float(d) for d in range(1, 11)), 0.0, names=DECILE_NAMES, dark_first=True
        )
    edges = np.asarray(bins, dtype=float)
    if edges.size != 9 or np.isnan(edges).any() or (np.diff(edges) <= 0).any():
        raise DataValidationError(
            f"scheme='national_deciles' with scores needs bins= the 9 increasing score breaks "
            f"between the national deciles (national_decile_breaks), not {list(bins)!r}"
        )
    # Scores: the higher, the more deprived; the first class (lowest scores) is decile 10.
    return Classes(
        (*edges.tolist(), np.inf),
        float(finite.min()) if finite.size else -np.inf,
        names=DECILE_NAMES[::-1],
        legend_reversed=True,
    )


def national_decile_breaks(scores, deciles) -> tuple[float, ...]:
    """The nine IMD scores that separate the national deciles, lowest first.

    Each break lies halfway between the highest score of one decile and the
    lowest score of the next more deprived decile; so a ward's population-weighted
    score can be placed in the national decile of LSOAs whose scores it matches.
    Give every LSOA of England (the IoD File 7) for exact national breaks; a part of
    England gives breaks within the gap its LSOAs leave.

    Parameters
    ----------
    scores, deciles : array-like
        The LSOAs' IMD scores and national deciles (1 = most deprived), same length.

    Raises
    ------
    DataValidationError
        A decile has no LSOA with a score, or scores and deciles disagree (a less
        deprived decile holds a higher score).

    Examples
    --------
    >>> national_decile_breaks(range(10, 0, -1), range(1, 11))
    (1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5)
    """
    import pandas as pd

    frame = pd.DataFrame(
        {"score": np.asarray(scores, dtype=float), "decile": np.asarray(deciles, dtype=float)}
    ).dropna()
    by = frame.groupby("decile")["score"].agg(["min", "max"]).reindex(range(1, 11))
    absent = by.index[by["min"].isna()].tolist()
    if absent:
        raise DataValidationError(
            f"national_decile_breaks: no LSOA with a score in deciles {absent}; give the IMD "
            "scores and deciles of every LSOA in England (IoD File 7)"
        )
    # break between decile d+1 (less deprived) and decile d, for d = 9 .. 1: lowest first
    lower_of_more = by["min"].to_numpy()[:-1]  # deciles 1..9
    upper_of_less = by["max"].to_numpy()[1:]  # deciles 2..10
    clash = upper_of_less > lower_of_more
    if clash.any():
        d = int(np.argmax(clash)) + 1
        raise DataValidationError(
            f"national_decile_breaks: decile {d + 1} has a score ({upper_of_less[d - 1]:g}) above "
            f"the lowest of decile {d} ({lower_of_more[d - 1]:g}); scores and deciles must be of "
            "the same domain and edition"
        )
    return tuple(float(b) for b in ((lower_of_more + upper_of_less) / 2)[::-1])
