"""English Indices of Deprivation facts.

Source: MHCLG, English Indices of Deprivation 2025, Technical report (IoD2025 is
published on LSOA 2021; IoD2019 and IoD2015 on LSOA 2011).
"""

__all__ = ["EDITION_LSOA"]

#: Which LSOA vintage each IoD edition is published on.
EDITION_LSOA = {"IoD2019": "lsoa11", "IoD2025": "lsoa21", "IoD2015": "lsoa11"}
