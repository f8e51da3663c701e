"""Class breaks of a choropleth: quantiles, natural breaks, equal intervals or given bins."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import mapclassify
import numpy as np

from jsna.exceptions import DataValidationError, first_values

__all__ = ["SCHEMES", "Classes", "classify"]

#: Classification schemes. "natural_breaks" is Fisher-Jenks: optimal and deterministic.
SCHEMES = ("quantiles", "natural_breaks", "equal_interval", "user_defined")
_CLASSIFIERS = {
    "quantiles": mapclassify.Quantiles,
    "natural_breaks": mapclassify.FisherJenks,
    "equal_interval": mapclassify.EqualInterval,
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
        """
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
    scheme : {"quantiles", "natural_breaks", "equal_interval", "user_defined"}
        "natural_breaks" is Fisher-Jenks (deterministic); above 1,000 values it
        is computed on 1,000 evenly spaced quantiles of them, for speed.
    k : int
        Number of classes for the data-driven schemes.
    bins : sequence of float
        Upper bounds of the classes, for ``scheme="user_defined"`` only. They
        are held fixed (e.g. across years): every value must be at most the
        last bound, which may be ``numpy.inf``.

    Examples
    --------
    >>> classify([1, 2, 3, 4], "equal_interval", k=3).bins
    (2.0, 3.0, 4.0)
    >>> classify([1, 2, 3, 4], "user_defined", bins=[2, 10]).labels()
    ['up to 2', '2 to 10']
    """
    if scheme not in SCHEMES:
        raise DataValidationError(
            f"scheme={scheme!r} is not known; give one of {', '.join(SCHEMES)}"
        )
    values = np.asarray(values, dtype=float)
    finite = values[~np.isnan(values)]
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
        classifier = _CLASSIFIERS[scheme](sample, k=int(k))
    return Classes(tuple(np.asarray(classifier.bins, dtype=float).tolist()), float(finite.min()))
