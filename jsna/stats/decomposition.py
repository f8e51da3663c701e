"""Arriaga's decomposition of a gap in life expectancy by age band and by cause of death.

The difference in life expectancy between a *base* population (1, e.g. the most
deprived fifth of an area, or the area) and a *comparator* (2, e.g. the least
deprived fifth, or England) is split into the contributions of the differences in
mortality in each age band (Arriaga 1984; Preston, Heuveline & Guillot 2001,
section 3.10 and box 3.4, eq. 3.11):

* direct effect, ``l_x^1 / l_a^1 * (nL_x^2 / l_x^2 - nL_x^1 / l_x^1)``: the
  person-years gained or lost within the band;
* indirect effect, ``T_{x+n}^1 / l_a^1 * (l_x^1 l_{x+n}^2 / (l_x^2 l_{x+n}^1) - 1)``:
  the extra survivors to the end of the band living the base's mortality after it;
* interaction effect, ``T_{x+n}^2 / l_a^1 * (l_x^1 / l_x^2 - l_{x+n}^1 / l_{x+n}^2)``
  minus the indirect effect;
* for the open-ended last band, ``l_x^1 / l_a^1 * (T_x^2 / l_x^2 - T_x^1 / l_x^1)``,
  all direct.

The contributions of the bands add up exactly to ``e_a^2 - e_a^1``.

Each band's contribution is then shared among causes of death in proportion to the
difference in their death rates, ``(m_x^{i,2} - m_x^{i,1}) / (m_x^2 - m_x^1)``
(Preston, Heuveline & Guillot 2001, section 4.5, eq. 4.13), the method of the
OHID/PHE Segment Tool (PHE, *The Segment Tool: technical document*, 2016: "base
area" and "comparator area"). A cause whose death rate is higher in the base
population gets a positive contribution to the gap (comparator minus base).

The life tables are the Chiang II tables of :func:`jsna.stats.life_expectancy`.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from jsna.columns import as_list, check_columns, numeric_column
from jsna.exceptions import DataValidationError, first_values
from jsna.stats.common import check_rows, factorize, group_index, group_labels, take_rows
from jsna.stats.life_expectancy import life_expectancy

__all__ = ["arriaga_effects", "cause_shares", "arriaga"]

_EFFECTS = ("direct", "indirect", "interaction")


def arriaga_effects(
    l1: np.ndarray,
    big_l1: np.ndarray,
    big_t1: np.ndarray,
    l2: np.ndarray,
    big_l2: np.ndarray,
    big_t2: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Arriaga's direct, indirect and interaction effects of each age band, from two life tables.

    Parameters
    ----------
    l1, big_l1, big_t1 : array (groups x bands) or (bands,)
        ``l_x``, ``nL_x`` and ``T_x`` of the base population (1), from the first band
        (the age whose life expectancy is decomposed) to the open-ended last band.
    l2, big_l2, big_t2 : array
        The same for the comparator (2).

    Returns
    -------
    tuple of arrays
        ``direct, indirect, interaction``, each shaped like the input, in years
        of life expectancy at the first age; their sum over bands and effects is
        ``T_0^2 / l_0^2 - T_0^1 / l_0^1``. The last band's indirect and
        interaction effects are 0. A band with no survivors (``l_x = 0``) gives NaN.

    Examples
    --------
    Two three-band life tables (radix 1):

    >>> import numpy as np
    >>> d, i, x = arriaga_effects(
    ...     np.array([1.0, 0.9, 0.5]), np.array([9.5, 28.0, 5.0]), np.array([42.5, 33.0, 5.0]),
    ...     np.array([1.0, 0.95, 0.6]), np.array([9.75, 31.0, 6.0]), np.array([46.75, 37.0, 6.0]))
    >>> (d + i + x).round(4).tolist()
    [2.1974, 2.0526, 0.0]
    >>> round(float((d + i + x).sum()), 12), 46.75 - 42.5
    (4.25, 4.25)
    """
    arrays = [np.asarray(a, dtype=float) for a in (l1, big_l1, big_t1, l2, big_l2, big_t2)]
    l1, big_l1, big_t1, l2, big_l2, big_t2 = (np.atleast_2d(a) for a in arrays)
    radix = l1[:, :1]
    with np.errstate(divide="ignore", invalid="ignore"):
        l1n = np.concatenate([l1[:, 1:], np.ones_like(radix)], axis=1)
        l2n = np.concatenate([l2[:, 1:], np.ones_like(radix)], axis=1)
        t1n = np.concatenate([big_t1[:, 1:], np.zeros_like(radix)], axis=1)
        t2n = np.concatenate([big_t2[:, 1:], np.zeros_like(radix)], axis=1)
        direct = l1 / radix * (big_l2 / l2 - big_l1 / l1)
        indirect = t1n / radix * (l1 * l2n / (l2 * l1n) - 1.0)
        both = t2n / radix * (l1 / l2 - l1n / l2n)
        interaction = both - indirect
        direct[:, -1] = (
            l1[:, -1] / radix[:, 0] * (big_t2[:, -1] / l2[:, -1] - big_t1[:, -1] / l1[:, -1])
        )
        indirect[:, -1] = 0.0
        interaction[:, -1] = 0.0
    shape = arrays[0].shape
    return tuple(a.reshape(shape) for a in (direct, indirect, interaction))


def cause_shares(rates1: np.ndarray, rates2: np.ndarray) -> np.ndarray:
    """Shares of each band's contribution by cause: the difference in cause-specific death rates.

    Parameters
    ----------
    rates1, rates2 : array (..., causes)
        Cause-specific death rates of the base (1) and comparator (2) in each band;
        the all-cause rate is their sum over the last axis.

    Returns
    -------
    array
        ``(rates1 - rates2) / (sum(rates1) - sum(rates2))`` (Preston, Heuveline &
        Guillot 2001, eq. 4.13), which sums to 1 over causes. Where the all-cause
        rates are equal the band's contribution is 0 by Arriaga's formulae; its
        shares are then those of the base's deaths (of both populations' deaths
        if the base has none), so the shares still sum to 1.

    Examples
    --------
    >>> cause_shares(np.array([[0.004, 0.002]]), np.array([[0.002, 0.0015]])).round(3).tolist()
    [[0.8, 0.2]]
    """
    r1 = np.asarray(rates1, dtype=float)
    r2 = np.asarray(rates2, dtype=float)
    diff = r1 - r2
    total = diff.sum(axis=-1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = diff / total
        equal = (total == 0)[..., 0]
        if equal.any():  # only the bands whose all-cause rates are equal
            f1, f2 = r1[equal], r2[equal]
            fallback = f1 + np.where(f1.sum(axis=-1, keepdims=True) > 0, 0.0, f2)
            shares[equal] = fallback / fallback.sum(axis=-1, keepdims=True)
    return shares


def arriaga(
    df: pd.DataFrame,
    deaths: str,
    population: str,
    *,
    compare: str,
    base,
    comparator,
    by: str | list[str] | None,
    age_band: str,
    cause: str | None = None,
) -> pd.DataFrame:
    """Decompose the gap in life expectancy at birth between two populations by age and cause.

    Parameters
    ----------
    df : DataFrame
        Deaths and population (person-years) by group, population being compared,
        life table age band (0, 1-4, 5-9, ..., 90+ or 85+; see
        :func:`jsna.stats.life_expectancy`) and, with ``cause``, cause of death.
        With ``cause``, every cell's population is repeated on each of its cause
        rows (it must be the same on all of them) and the deaths of the causes add
        up to all deaths: give an "other causes" group for the rest.
    deaths, population : str
        Columns of deaths and population.
    compare : str
        Column naming the population of each row (e.g. ``"quintile"``).
    base, comparator : scalar
        The values of ``compare`` for the base (1, e.g. the most deprived quintile or
        the area) and the comparator (2, e.g. the least deprived quintile or England).
    by : str, list of str or None
        Columns of the groups within which the two are compared (area, sex, period).
    age_band : str
        Column of life table age bands.
    cause : str, optional
        Column of cause of death groups; without it the gap is split by age only.

    Returns
    -------
    DataFrame
        One row per group, age band (ordered by age) and cause: the ``by`` columns,
        ``age_band``, ``cause``, ``contribution`` (years of the gap, comparator minus
        base), ``direct``, ``indirect`` and ``interaction`` (the band's Arriaga
        effects, repeated on its cause rows), ``le_base``, ``le_comparator`` and
        ``gap`` (``le_comparator - le_base``, at birth) and ``method``. Within a
        group, ``contribution`` sums to ``gap``.

    Warns
    -----
    UserWarning
        A group without both populations is left out, naming it; a group whose
        life table is invalid by the published rules (see
        :func:`jsna.stats.life_expectancy`, which warns with the reason) gets NaN.

    Raises
    ------
    DataValidationError
        A missing or non-numeric column; ``base`` equal to ``comparator`` or absent
        from ``compare``; a cell whose population differs between its cause rows;
        a cause repeated in a cell.

    Examples
    --------
    >>> ages = [0, 1, *range(5, 95, 5)]
    >>> m = 0.00005 * np.exp(0.085 * np.array(ages, dtype=float))
    >>> pop = np.full(20, 20_000.0)
    >>> df = pd.DataFrame({
    ...     "q": np.repeat([1, 5], 20), "age": ages * 2, "pop": np.tile(pop, 2),
    ...     "deaths": np.round(np.concatenate([m * 1.3, m]) * np.tile(pop, 2)),
    ... })
    >>> out = arriaga(df, "deaths", "pop", compare="q", base=1, comparator=5, by=None,
    ...               age_band="age")
    >>> round(float(out["gap"].iloc[0]), 3), round(float(out["contribution"].sum()), 3)
    (3.593, 3.593)
    """
    by_cols = as_list(by)
    check_columns(
        df,
        {
            "deaths": deaths,
            "population": population,
            "compare": compare,
            "by": by_cols,
            "age_band": age_band,
            "cause": as_list(cause),
        },
    )
    check_rows(df, "arriaga")
    if base == comparator:
        raise DataValidationError(f"base and comparator are both {base!r}; give two populations")
    present = set(df[compare].unique().tolist())
    absent = [v for v in (base, comparator) if v not in present]
    if absent:
        raise DataValidationError(
            f"compare column {compare!r} has no rows for {first_values(absent)}; it has "
            f"{first_values(sorted(map(str, present)))}"
        )
    inside = df[compare].isin([base, comparator]).to_numpy()
    if not inside.all():
        df = df[inside]
    d_row = numeric_column(df, deaths, "deaths")
    p_row = numeric_column(df, population, "population")
    cell_cols = [*by_cols, compare, age_band]

    if cause is not None:
        causes_codes, causes = factorize(df[cause])
        if (causes_codes < 0).any():
            raise DataValidationError(
                f"cause column {cause!r} has missing values; give every death a cause group"
            )
        cell_codes, cells = group_index(df, cell_cols)
        nc = len(causes)
        seen = np.bincount(cell_codes * nc + causes_codes, minlength=len(cells) * nc)
        if (seen > 1).any():
            k = int(np.argmax(seen > 1))
            raise DataValidationError(
                f"cause {causes[k % nc]!r} appears {seen[k]} times in cell "
                f"{group_labels(cells, np.arange(len(cells)) == k // nc)}; sum the deaths first"
            )
        p_min = np.full(len(cells), np.inf)
        p_max = np.full(len(cells), -np.inf)
        np.minimum.at(p_min, cell_codes, np.nan_to_num(p_row, nan=-1.0))
        np.maximum.at(p_max, cell_codes, np.nan_to_num(p_row, nan=-1.0))
        if (p_min != p_max).any():
            raise DataValidationError(
                f"population column {population!r} differs between the cause rows of cells "
                f"{group_labels(cells, p_min != p_max)}; repeat the cell's population on each "
                "cause row"
            )
        all_cause = cells.copy()
        all_cause["_d"] = np.bincount(cell_codes, weights=d_row, minlength=len(cells))
        all_cause["_p"] = p_max
        cause_d = np.zeros((len(cells), nc))
        cause_d[cell_codes, causes_codes] = d_row
    else:
        all_cause = pd.DataFrame({c: df[c].array for c in cell_cols})
        all_cause["_d"] = d_row
        all_cause["_p"] = p_row
        causes = pd.Index([])
        nc = 0

    le = life_expectancy(
        all_cause,
        "_d",
        "_p",
        by=[*by_cols, compare],
        age_band=age_band,
        confidence=0.95,
        life_table=True,
    )
    # le rows: groups (by + compare) in first-appearance order, then bands by age
    grp_codes, grp_keys = group_index(le, [*by_cols, compare])
    nb = int(np.bincount(grp_codes).max())
    counts = np.bincount(grp_codes)
    if (counts != nb).any():  # a group with missing bands: NaN from life_expectancy already
        pass
    pair_codes, pairs = group_index(grp_keys, by_cols)
    which = grp_keys[compare].to_numpy()
    is_base = which == base
    slot_b = np.full(len(pairs), -1)
    slot_c = np.full(len(pairs), -1)
    slot_b[pair_codes[is_base]] = np.flatnonzero(is_base)
    slot_c[pair_codes[~is_base]] = np.flatnonzero(~is_base)
    both = (slot_b >= 0) & (slot_c >= 0) & (counts[np.maximum(slot_b, 0)] == nb)
    both &= counts[np.maximum(slot_c, 0)] == nb
    if not both.all():
        warnings.warn(
            f"arriaga: {int((~both).sum())} group(s) do not have every age band for both "
            f"{base!r} and {comparator!r} and are left out: {group_labels(pairs, ~both)}",
            UserWarning,
            stacklevel=2,
        )
    starts = np.cumsum(np.concatenate([[0], counts]))[:-1]
    idx_b = starts[slot_b[both]][:, None] + np.arange(nb)
    idx_c = starts[slot_c[both]][:, None] + np.arange(nb)
    cols = {c: le[c].to_numpy(dtype=float) for c in ("lx", "nLx", "Tx")}
    effects = arriaga_effects(
        *(cols[c][idx_b] for c in ("lx", "nLx", "Tx")),
        *(cols[c][idx_c] for c in ("lx", "nLx", "Tx")),
    )
    total = effects[0] + effects[1] + effects[2]
    e_base = cols["Tx"][idx_b[:, 0]] / cols["lx"][idx_b[:, 0]]
    e_comp = cols["Tx"][idx_c[:, 0]] / cols["lx"][idx_c[:, 0]]

    keep = pairs[both].reset_index(drop=True)
    ng = len(keep)
    out = pd.DataFrame({c: take_rows(keep[c], np.repeat(np.arange(ng), nb)) for c in by_cols})
    out[age_band] = le[age_band].to_numpy()[idx_b.ravel()]
    out["contribution"] = total.ravel()
    for name, values in zip(_EFFECTS, effects, strict=True):
        out[name] = values.ravel()
    out["le_base"] = np.repeat(e_base, nb)
    out["le_comparator"] = np.repeat(e_comp, nb)
    out["gap"] = out["le_comparator"] - out["le_base"]
    method = "Arriaga (1984) on Chiang II life tables"
    if cause is not None:
        # the life table rows of each group come in the group's first appearance order and
        # by age, so a cell's row is its group's start plus its band's position
        cell_group, _ = group_index(all_cause, [*by_cols, compare])
        labels = le[age_band].to_numpy()[starts[grp_codes[0]] : starts[grp_codes[0]] + nb]
        position = pd.Series(np.arange(nb), index=pd.Index(labels))
        band_pos = position.reindex(all_cause[age_band].to_numpy()).to_numpy()
        if np.isnan(band_pos).any():  # labels that differ between groups: match by key
            cell_index = pd.MultiIndex.from_frame(all_cause[[*by_cols, compare, age_band]])
            le_keys = le[[*by_cols, compare, age_band]]
            le_row_of_cell = pd.MultiIndex.from_frame(le_keys).get_indexer(cell_index)
        else:
            le_row_of_cell = starts[cell_group] + band_pos.astype(int)
        cell_of_le_row = np.full(len(le), -1)
        cell_of_le_row[le_row_of_cell] = np.arange(len(all_cause))
        rows_b = cell_of_le_row[idx_b.ravel()]
        rows_c = cell_of_le_row[idx_c.ravel()]
        cell_pop = all_cause["_p"].to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            r1 = cause_d[rows_b] / cell_pop[rows_b, None]
            r2 = cause_d[rows_c] / cell_pop[rows_c, None]
        shares = cause_shares(r1, r2)
        n_rows = ng * nb
        rows = np.repeat(np.arange(n_rows), nc)
        # the numbers as one block (built once, not stacked column by column), then the keys
        numbers = [c for c in out.columns if c not in cell_cols]
        block = np.empty((len(numbers), n_rows * nc))
        for i, c in enumerate(numbers):
            if c == "contribution":
                block[i] = (total.ravel()[:, None] * shares).ravel()
            else:
                block[i] = np.repeat(out[c].to_numpy(dtype=float), nc)
        expanded = pd.DataFrame(block.T, columns=numbers, copy=False)
        if isinstance(df[cause].dtype, pd.CategoricalDtype):  # codes, not text
            dtype = df[cause].dtype
            codes = pd.Categorical(np.asarray(causes), dtype=dtype).codes
            cause_column = pd.Categorical.from_codes(np.tile(codes, n_rows), dtype=dtype)
        else:
            cause_column = np.tile(np.asarray(causes), n_rows)
        keys = [(c, take_rows(out[c], rows)) for c in [*by_cols, age_band]]
        for position, (name, values) in enumerate([*keys, (cause, cause_column)]):
            expanded.insert(position, name, values)
        out = expanded
        method += "; causes shared by the difference in cause-specific death rates"
    out["method"] = method
    return out
