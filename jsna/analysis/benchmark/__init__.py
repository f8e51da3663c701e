"""How does an area compare with England, its region and areas like it, and which way is it going?

:func:`benchmark` takes the tidy indicator frame (:data:`jsna.columns.INDICATOR_COLUMNS`,
e.g. ``pack.read("indicators.fingertips")``) and, for each area asked for and each
indicator, sex, age, category and period, gives

* the value and its 95% and 99.8% confidence limits;
* the comparison with England and with the area's region at 95% and at 99.8%
  (Fingertips' rule, :func:`jsna.stats.compare`: "Better"/"Similar"/"Worse"
  with a polarity, "Higher"/"Similar"/"Lower" without, "Not compared" when a
  value or limit is missing). Rows of a category (e.g. deprivation deciles)
  are compared with the England or region value for all people in the same
  period, as Fingertips does;
* the mean, median, lowest and highest value of the area's statistical
  neighbours, the area's rank among them, how many neighbours the model lists
  and how many have data, which ones have none, and the model's name in
  ``neighbour_model``;
* the spread of all areas of the same area type (lowest, 25th percentile,
  median, 75th percentile, highest: the data of a spine chart) and the
  quartile the area falls in;
* the recent trend (:func:`jsna.stats.recent_trend`, the Fingertips test on
  the latest five points) on the latest period of each series;
* the labels to show: the publisher's own comparison and trend labels where its
  file gives them, jsna's recomputation where it does not, and the
  disagreements between the two (:mod:`~jsna.analysis.benchmark.labels`).

Fingertips repeats each area once per parent the file was downloaded for
(England and the region); the copies must carry the same values (a conflict is
an error) and are kept once. The England code, the region and the neighbours
are given by :class:`Comparators`; by default England is the area of type
"England" in the data and each area's region is its parent other than England
in the Fingertips parent columns.

Assumptions (documented here, next to the code)
-----------------------------------------------
* The neighbour rank counts from the best value: 1 is the lowest value when
  low is good, the highest when high is good or there is no judgement.
* ``type_quartile`` counts from the lowest values: 1 is at or below the 25th
  percentile, 4 above the 75th (numpy's linear percentiles of the areas with a
  value).
* Polarity comes from the ``polarity`` argument, then the data's ``polarity``
  column, then :data:`KNOWN_POLARITY` (Fingertips' own polarity of common
  indicators); anything still unknown is compared with no judgement, with a
  warning.
* The trend test for proportions (values equal to count / denominator x 100)
  is the chi-squared test for trend on counts, and for everything else the
  weighted regression on the 95% limits (``trend_kind="auto"``).

Modules: :mod:`~jsna.analysis.benchmark.comparators` (who is compared with whom),
:mod:`~jsna.analysis.benchmark.indicators` (polarity and units of common
indicators), :mod:`~jsna.analysis.benchmark.layout` (columns),
:mod:`~jsna.analysis.benchmark.core` (:func:`benchmark`),
:mod:`~jsna.analysis.benchmark.spread` (neighbour and area-type summaries),
:mod:`~jsna.analysis.benchmark.trends` (recent trends) and
:mod:`~jsna.analysis.benchmark.selections` (rows for tables and charts). Sentences
and axis labels for readers are in :mod:`jsna.publish.prose`.
"""

from jsna.analysis.benchmark.comparators import ENGLAND_CODE, Comparators
from jsna.analysis.benchmark.core import benchmark
from jsna.analysis.benchmark.indicators import CHILDREN_INDICATORS, KNOWN_POLARITY, KNOWN_UNITS
from jsna.analysis.benchmark.labels import (
    PublisherLabelWarning,
    disagreement_note,
    label_disagreements,
)
from jsna.analysis.benchmark.layout import BENCHMARK_COLUMNS, SERIES_COLUMNS
from jsna.analysis.benchmark.selections import (
    area_and_neighbours,
    headline,
    latest,
    neighbour_coverage,
    series,
)

__all__ = [
    "Comparators",
    "benchmark",
    "label_disagreements",
    "disagreement_note",
    "PublisherLabelWarning",
    "neighbour_coverage",
    "area_and_neighbours",
    "latest",
    "headline",
    "series",
    "KNOWN_UNITS",
    "KNOWN_POLARITY",
    "CHILDREN_INDICATORS",
    "ENGLAND_CODE",
    "SERIES_COLUMNS",
    "BENCHMARK_COLUMNS",
]
