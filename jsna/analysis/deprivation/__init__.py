"""Deprivation: IMD attached to LSOAs, Core20, deprivation profiles and gradients.

One concern per module:

- :mod:`~jsna.analysis.deprivation.imd`: IMD attached to LSOAs (national deciles and
  quintiles, the Core20 flag) and local quantiles;
- :mod:`~jsna.analysis.deprivation.profile`: population-weighted profiles of wards and
  authorities, Core20 shares, an area's deprivation by LSOA, ward and authority;
- :mod:`~jsna.analysis.deprivation.groups`: indicators by deprivation group from summed
  counts, the gap, the SII and RII and their summary per indicator;
- :mod:`~jsna.analysis.deprivation.wards`: indicators published for wards, regrouped by
  the wards' deprivation;
- :mod:`~jsna.analysis.deprivation.summary`: the IoD local-authority summary measures
  (average score and rank, extent, local concentration...) from the LSOA file;
- :mod:`~jsna.analysis.deprivation.fingertips_deciles`: England by deprivation decile of
  areas, from Fingertips' category rows.

Examples
--------
>>> from jsna.analysis.deprivation import decile_to_quintile
>>> decile_to_quintile([1, 10]).tolist()
[1, 5]
"""

from jsna.analysis.deprivation.fingertips_deciles import fingertips_deprivation_deciles
from jsna.analysis.deprivation.groups import (
    by_deprivation,
    gap,
    inequality_indices,
    inequality_summary,
)
from jsna.analysis.deprivation.imd import (
    CORE20_DECILES,
    QUINTILES,
    attach_imd,
    decile_to_quintile,
    local_quantiles,
)
from jsna.analysis.deprivation.profile import (
    area_deprivation,
    core20_shares,
    deprivation_profile,
    lsoa_population_totals,
)
from jsna.analysis.deprivation.summary import SUMMARY_MEASURES, authority_summaries
from jsna.analysis.deprivation.wards import ward_indicators_by_deprivation

__all__ = [
    "CORE20_DECILES",
    "QUINTILES",
    "decile_to_quintile",
    "attach_imd",
    "local_quantiles",
    "lsoa_population_totals",
    "deprivation_profile",
    "area_deprivation",
    "core20_shares",
    "by_deprivation",
    "gap",
    "inequality_indices",
    "ward_indicators_by_deprivation",
    "inequality_summary",
    "fingertips_deprivation_deciles",
    "SUMMARY_MEASURES",
    "authority_summaries",
]
