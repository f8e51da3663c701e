"""Canonical column names, fixed once for the whole package.

Fingertips' own column names are renamed to these at the edge (in
``jsna.io``); everything downstream uses only these.
"""

from __future__ import annotations

# Tidy indicator frame (one row per indicator x area x period x sex x age x category)
INDICATOR_ID = "indicator_id"
INDICATOR_NAME = "indicator_name"
AREA_CODE = "area_code"
AREA_NAME = "area_name"
AREA_TYPE = "area_type"
PARENT_CODE = "parent_code"
SEX = "sex"
AGE = "age"
CATEGORY_TYPE = "category_type"
CATEGORY = "category"
PERIOD = "period"
PERIOD_SORTABLE = "period_sortable"
VALUE = "value"
LOWER_CI95 = "lower_ci95"
UPPER_CI95 = "upper_ci95"
LOWER_CI99_8 = "lower_ci99_8"
UPPER_CI99_8 = "upper_ci99_8"
COUNT = "count"
DENOMINATOR = "denominator"
VALUE_NOTE = "value_note"
POLARITY = "polarity"

INDICATOR_COLUMNS = [
    INDICATOR_ID,
    INDICATOR_NAME,
    AREA_CODE,
    AREA_NAME,
    AREA_TYPE,
    PARENT_CODE,
    SEX,
    AGE,
    CATEGORY_TYPE,
    CATEGORY,
    PERIOD,
    PERIOD_SORTABLE,
    VALUE,
    LOWER_CI95,
    UPPER_CI95,
    LOWER_CI99_8,
    UPPER_CI99_8,
    COUNT,
    DENOMINATOR,
    VALUE_NOTE,
    POLARITY,
]

# Statistics output
STATISTIC = "statistic"
METHOD = "method"

# Geography codes carry their vintage in the name
LSOA11_CODE = "lsoa11_code"
LSOA11_NAME = "lsoa11_name"
LSOA21_CODE = "lsoa21_code"
LSOA21_NAME = "lsoa21_name"
MSOA21_CODE = "msoa21_code"
MSOA21_NAME = "msoa21_name"
LAD_CODE = "lad_code"  # generic when the vintage is carried in an attribute
ICB_CODE = "icb_code"
SICBL_CODE = "sicbl_code"
CHANGE_INDICATOR = "change_indicator"

# Deprivation
IMD_SCORE = "imd_score"
IMD_RANK = "imd_rank"
IMD_DECILE = "imd_decile"
IMD_QUINTILE = "imd_quintile"
CORE20 = "core20"

# Population
POPULATION = "population"

# Polarity values
POLARITY_HIGH_GOOD = "high is good"
POLARITY_LOW_GOOD = "low is good"
POLARITY_NONE = "no judgement"
POLARITIES = (POLARITY_HIGH_GOOD, POLARITY_LOW_GOOD, POLARITY_NONE)

# Sexes
PERSONS = "Persons"
MALE = "Male"
FEMALE = "Female"
