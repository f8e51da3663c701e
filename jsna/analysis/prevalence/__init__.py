"""Prevalence gaps: recorded (QOF) against expected (modelled) prevalence.

The pieces, each a pure function over frames, one concern per module:

1. :mod:`~jsna.analysis.prevalence.bands`: :func:`age_band_map` maps the
   population's ages onto the model's age bands and checks that they tile them.
2. :mod:`~jsna.analysis.prevalence.expected`: :func:`expected_counts` applies
   modelled age/sex rates to a population's (or a practice list's) age/sex
   structure; :func:`sex_averaged` gives persons rates for a persons-only population.
3. :mod:`~jsna.analysis.prevalence.apportion`: :func:`apportion` shares practice
   registers and list sizes among LSOAs by each practice's registered patients by
   LSOA, in whole numbers (largest remainder).
4. :mod:`~jsna.analysis.prevalence.ratios`: :func:`diagnosis_ratio` (O/E with
   exact Poisson or Byar's limits, the estimated number undiagnosed, ranks) and
   :func:`diagnosis_gradient` (the ratio by deprivation quintile of residence).
5. :mod:`~jsna.analysis.prevalence.recorded`: which practices and registers belong
   to an area, by where their patients live (:func:`area_practices`,
   :func:`can_place_practices`, :func:`practice_recorded`,
   :func:`authority_recorded`, :func:`shared_sub_icb_locations`).
6. :mod:`~jsna.analysis.prevalence.gaps`: :func:`practice_gaps` and
   :func:`authority_gaps` compose these for a data pack; :func:`model_rates`,
   :func:`modelled_conditions` and ``supports_*`` say what the pack has.

Life expectancy by ward or deprivation decile is in :mod:`jsna.analysis.mortality`;
the dementia ambition in :mod:`jsna.reference.ambitions`; QOF facts in
:mod:`jsna.reference.qof`.
"""

from __future__ import annotations

from jsna.analysis.prevalence.apportion import apportion
from jsna.analysis.prevalence.bands import age_band_map, parse_age_band
from jsna.analysis.prevalence.expected import expected_counts, min_age_of, sex_averaged
from jsna.analysis.prevalence.gaps import (
    authority_gaps,
    model_rates,
    modelled_conditions,
    practice_gaps,
    supports_authority_gaps,
    supports_practice_gaps,
)
from jsna.analysis.prevalence.ratios import UNDIAGNOSED, diagnosis_gradient, diagnosis_ratio
from jsna.analysis.prevalence.recorded import (
    PRACTICE_NOTE,
    area_practices,
    authority_recorded,
    can_place_practices,
    practice_recorded,
    shared_sub_icb_locations,
)
from jsna.reference.ambitions import DEMENTIA_AMBITION, DEMENTIA_AMBITION_SOURCE
from jsna.reference.qof import CONDITIONS
from jsna.reference.qof import LIST_TYPE as QOF_LIST_TYPE

__all__ = [
    "CONDITIONS",
    "QOF_LIST_TYPE",
    "DEMENTIA_AMBITION",
    "DEMENTIA_AMBITION_SOURCE",
    "UNDIAGNOSED",
    "parse_age_band",
    "age_band_map",
    "min_age_of",
    "sex_averaged",
    "expected_counts",
    "apportion",
    "diagnosis_ratio",
    "diagnosis_gradient",
    "area_practices",
    "can_place_practices",
    "PRACTICE_NOTE",
    "practice_recorded",
    "shared_sub_icb_locations",
    "authority_recorded",
    "model_rates",
    "modelled_conditions",
    "supports_practice_gaps",
    "supports_authority_gaps",
    "practice_gaps",
    "authority_gaps",
]
