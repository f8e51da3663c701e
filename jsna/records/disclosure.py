"""Disclosure control applied to record-level counts before they leave the engine.

Two rules:

* ``"project"``: jsna's rule (:mod:`jsna.analysis.suppression`): counts of 1 to 4 are
  suppressed (shown as ``[c]``, NaN), zeros are shown, and further cells are suppressed
  so that no hidden count can be worked back from its group's total.
* ``"ehrql"``: the stricter style of OpenSAFELY's ehrQL measures framework, "values less
  than or equal to seven are replaced with zero (suppressed); then, values are rounded
  to the nearest five" (OpenSAFELY changelog, 27 November 2023,
  https://www.opensafely.org/changelog/2023-11-27/; OpenSAFELY requires outputs "based on
  counts <= 7" to be redacted: https://docs.opensafely.org/outputs/sdc/). jsna marks the
  suppressed cells ``[c]`` (NaN) rather than writing 0, so that a hidden count is never
  read as a true zero, applies the same secondary suppression as the project rule (with
  counts 1 to 7), and then rounds every shown count to the nearest 5 (a whole count is
  never half way between two multiples of 5, so there are no ties).

``"none"`` leaves the counts as they are, for analysis inside the process (DSRs, life
expectancy); whatever is published from them still passes jsna's output gate. What was
applied is recorded in the frame's ``disclosure`` metadata and in its ``note``.

Examples
--------
>>> counts = pd.DataFrame({"ward": ["A", "B", "C", "D"], "count": [3, 12, 40, 0]})
>>> out = apply_disclosure(counts, "ehrql", by=None)
>>> out["count"].tolist()
[nan, nan, 40.0, 0.0]
>>> from jsna.meta import meta
>>> meta(out, "disclosure")["rule"]
'ehrql'
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from jsna.analysis.suppression import SuppressionRule, suppress
from jsna.columns import COUNT
from jsna.exceptions import DataValidationError
from jsna.meta import join_notes, note, with_meta

__all__ = ["EHRQL_THRESHOLD", "EHRQL_ROUNDING", "EHRQL_RULE", "apply_disclosure"]

#: ehrQL: counts of this or fewer are suppressed (see the module docstring for the source).
EHRQL_THRESHOLD = 7
#: ehrQL: shown counts are rounded to the nearest multiple of this.
EHRQL_ROUNDING = 5
#: The ehrQL threshold as a jsna suppression rule (zeros shown).
EHRQL_RULE = SuppressionRule(lower=1, upper=EHRQL_THRESHOLD)


def apply_disclosure(
    counts: pd.DataFrame, rule: str, *, by: Sequence[str] | None, column: str = COUNT
) -> pd.DataFrame:
    """Apply disclosure ``rule`` to the ``column`` of counts; record what was done.

    Parameters
    ----------
    counts : DataFrame
        Whole, non-negative counts, one row per cell.
    rule : {"project", "ehrql", "none"}
    by : list of str or None
        Columns of the groups whose cells add up to a total taken to be known (for
        secondary suppression); ``None``: the whole frame is one group.
    column : str
        The count column.

    Returns
    -------
    DataFrame
        For ``project``/``ehrql``: suppressed counts as NaN and a ``suppression`` column
        (``[c]``); metadata ``disclosure`` (rule, thresholds, cells suppressed) and ``note``.

    Examples
    --------
    >>> out = apply_disclosure(pd.DataFrame({"count": [9, 12, 23]}), "ehrql", by=None)
    >>> out["count"].tolist(), out["suppression"].tolist()
    ([10.0, 10.0, 25.0], ['', '', ''])
    """
    by = list(by) if by else None
    if rule == "none":
        text = (
            "No disclosure control was applied to these counts (rule 'none'): keep them inside "
            "the analysis; anything published from them passes jsna's suppression gate."
        )
        return with_meta(
            counts,
            disclosure={"rule": "none", "note": text},
            note=join_notes(note(counts), text),
        )
    if rule not in ("project", "ehrql"):
        raise DataValidationError(
            f"disclosure rule {rule!r} is not one of 'project', 'ehrql', 'none'"
        )
    suppression_rule = SuppressionRule() if rule == "project" else EHRQL_RULE
    out, report = suppress(
        counts, count_columns=column, derived_columns=[], by=by, rule=suppression_rule
    )
    record = {
        "rule": rule,
        "suppressed": f"{suppression_rule.lower}-{suppression_rule.upper}",
        "secondary_by": by or [],
        "primary": report.primary,
        "secondary": report.secondary,
        # hidden cells a reader could narrow below 5 wide; ``bounded`` of them only through a
        # group total below 5 taken as published elsewhere (their groups are hidden whole;
        # see jsna.analysis.suppression.suppress), the rest through this output
        "unprotected_groups": report.unprotected,
        "unprotected": report.unprotected,
        "bounded": report.bounded,
    }
    text = report.note
    if report.bounded:
        text = join_notes(
            text,
            f"{report.bounded} counts in groups whose total is below 5 are all hidden "
            "(a total that small cannot protect them: merge ages, causes or areas).",
        )
    if rule == "ehrql":
        shown = out[column].notna()
        values = out.loc[shown, column].to_numpy(dtype=float)
        out.loc[shown, column] = np.round(values / EHRQL_ROUNDING) * EHRQL_ROUNDING
        record["rounded_to"] = EHRQL_ROUNDING
        text = join_notes(
            text.replace("to protect confidentiality", "to protect confidentiality (ehrQL style)"),
            f"Shown counts are rounded to the nearest {EHRQL_ROUNDING}.",
        )
    record["note"] = text
    return with_meta(out, disclosure=record, note=join_notes(note(counts), text))
