"""Statistical disclosure control for published outputs: the rules, the gate, the attacker.

Every table and every figure's data passes through :func:`protect` (the gate, called by
:meth:`jsna.publish.chapter.Chapter.table` and :func:`jsna.plots.save_figure`) as the
**last step before it leaves the process**. The order matters:

1. compute everything - rates, confidence intervals, group and authority
   totals, trends - from the *unsuppressed* counts;
2. call the gate on the finished output frame, declaring the role of every numeric
   column (:class:`ColumnRoles`: counts, values derived from counts, safe numbers) and
   which cells add up (``by``/``total`` groups, ``row_sums`` such as
   ``persons = male + female``);
3. write the frame, its one-sentence note and the structure it protected
   (``<name>.disclosure.json``).

Never aggregate, rank or benchmark a frame that has been suppressed: the
NaNs would silently drop people from totals.

What it does (:func:`suppress`), for the count columns together:

* **Primary suppression**: counts from ``rule.lower`` to ``rule.upper``
  (default 1 to 4) are suppressed; zeros are shown.
* **Secondary (complementary) suppression**: further cells are hidden until the
  attacker of :mod:`jsna.analysis.suppression.audit` cannot narrow any hidden cell
  to an interval less than 5 wide. That attacker knows every published cell; every
  declared sum (each group's cells add up to its total - a total row in the frame or,
  without one, a total taken to be published elsewhere - and counts of one row that add
  up); that counts are whole and never negative; and how cells are chosen (a hidden
  cell is a small count, or at most the smallest cell still shown beside it). It
  solves the bounds of each hidden cell by integer linear programming. Cells are
  hidden greedily: in each relation that gives a cell away, the smallest shown
  non-zero cell, then a zero, then the total.
* **Derived values** (rates, proportions, confidence limits) are suppressed in every
  row where a count they come from is suppressed, so a count cannot be worked back
  from ``rate x denominator`` or ``ratio x expected``.
* **Rounding** (the stricter :data:`EHRQL_RULE` for record-level outputs: 1-7 hidden,
  other counts rounded to the nearest 5): every derived value is withheld.

Suppressed cells become NaN; a ``suppression`` column holds the marker
``[c]`` in every row with a suppressed cell, and the
:class:`SuppressionReport` says how many cells were suppressed and why in one
sentence for the output's notes.

Groups are one level deep (cells and their total) plus row sums; for a nested
hierarchy (LSOAs in wards in an authority) suppress each published table at its own
level. Outputs of the same numbers share the hidden cells through ``hidden=``.
"""

from jsna.analysis.suppression.audit import PROTECTION_LEVEL, SIDECAR_SUFFIX, audit, audit_file
from jsna.analysis.suppression.gate import (
    ColumnRoles,
    Protected,
    numeric_columns,
    protect,
    structure_json,
)
from jsna.analysis.suppression.rules import (
    CONFIDENTIAL_MARKER,
    DEFAULT_DERIVED_COLUMNS,
    DEFAULT_RULE,
    EHRQL_ROUNDING,
    EHRQL_RULE,
    EHRQL_SUPPRESS_TO,
    MARKER_COLUMN,
    SUPPRESS_FROM,
    SUPPRESS_TO,
    SuppressionRule,
    check_counts,
)
from jsna.analysis.suppression.suppress import SuppressionReport, suppress

__all__ = [
    "SUPPRESS_FROM",
    "SUPPRESS_TO",
    "CONFIDENTIAL_MARKER",
    "MARKER_COLUMN",
    "DEFAULT_DERIVED_COLUMNS",
    "SuppressionRule",
    "DEFAULT_RULE",
    "EHRQL_SUPPRESS_TO",
    "EHRQL_ROUNDING",
    "EHRQL_RULE",
    "SuppressionReport",
    "check_counts",
    "suppress",
    "ColumnRoles",
    "Protected",
    "numeric_columns",
    "protect",
    "structure_json",
    "PROTECTION_LEVEL",
    "SIDECAR_SUFFIX",
    "audit",
    "audit_file",
]
