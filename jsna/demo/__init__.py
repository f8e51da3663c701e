"""The synthetic demo data pack (Demoshire), written in the real publishers' file formats.

:func:`~jsna.demo.pack.write_demo_pack` writes a folder that :class:`jsna.io.datapack.DataPack`
opens like any other pack: a fictional unitary authority, "Demoshire
(synthetic)", its region, England and ten statistical neighbours, in the
layouts of the ONS, MHCLG, OHID Fingertips, NHS England and NHS Digital
files, so the demo exercises the same readers as real data.

Everything is drawn from one seed (byte-identical output for the same seed
and version: fixed float formatting, sorted keys, no timestamps), and the
effects planted in the data are written to ``truth.json`` so tests can check
that the analysis recovers them (:func:`~jsna.demo.pack.load_truth`).

Codes sit in a "999" block that the ONS does not use (LA ``E06999001``,
wards ``E05999001``..., LSOAs ``E01999001``..., MSOAs ``E02999001``...,
region ``E12999001``, England ``E92999901``, neighbours ``E06999002`` to
``E06999011``, ICB ``E54999001``, sub-ICB ``E38999001``; practices
``Z99001``..., PCNs ``U99001``...), and every name is obviously fictional.

The package, one concern per module (each simulation draws from its own random stream):

* :mod:`~jsna.demo.place` the fictional codes, names and sizes;
* :mod:`~jsna.demo.planted` the effects planted (a table of facts);
* :mod:`~jsna.demo.geography`, :mod:`~jsna.demo.lookups` boundaries and lookups;
* :mod:`~jsna.demo.deprivation`, :mod:`~jsna.demo.population` IoD File 7 and SAPE;
* :mod:`~jsna.demo.practices` GP practices, QOF and model prevalence;
* :mod:`~jsna.demo.deaths` deaths by LSOA;
* :mod:`~jsna.demo.records` record-level deaths (the deaths file is aggregated from
  them with :mod:`jsna.records`), admissions and GP registrations;
* :mod:`~jsna.demo.areas`, :mod:`~jsna.demo.indicators`,
  :mod:`~jsna.demo.life_expectancy`, :mod:`~jsna.demo.fingertips` the
  Fingertips-layout indicators;
* :mod:`~jsna.demo.formats` byte-stable text; :mod:`~jsna.demo.pack` assembling,
  writing and publishing the pack.

What is planted
---------------
* Geography: about 150 LSOAs, a Voronoi tessellation of seeded points
  clipped to an irregular outline in British National Grid about 25 x 20 km
  (in the North Sea around BNG 560000, 480000), grouped into MSOAs and 22
  wards as unions of LSOAs, so LSOAs nest in wards exactly. Written as
  ONS-style GeoJSON in CRS84 longitude/latitude.
* Deprivation: IoD2025 File 7 columns with national ranks out of 33,755
  and deciles consistent with them; a deprived urban core (Core20 LSOAs)
  and affluent edges.
* Population: ONS SAPE mid-2022 single year of age by sex on LSOA 2021,
  about 1,500 residents per LSOA, younger where more deprived. Layout
  ``LAD 2021 Code, LAD 2021 Name, LSOA 2021 Code, LSOA 2021 Name, Total,
  F0 ... F90, M0 ... M90`` (one CSV). The ONS single-year-of-age LSOA
  tables ("sapelsoasyoa", sheets "Mid-20xx LSOA 2021") use this header;
  a public script reading the mid-2024 sheet saved as CSV shows
  ``LAD 2023 Code, LAD 2023 Name, LSOA 2021 Code, LSOA 2021 Name, Total,
  F0...`` (the LAD vintage follows the release), and ONS totals may carry
  thousands separators there; the demo writes plain integers.
* Deaths by LSOA, sex and 20 age bands (0, 1-4, ..., 85-89, 90+) over a
  5-year period, with mortality rising with deprivation (true life
  expectancy gap recorded), and split by cause group (causes tilted by
  deprivation; the true gap by cause recorded): expanded into one PCMD-style
  record per death (``records/deaths/``) and aggregated back by the recipe
  ``records/deaths_by_lsoa.toml`` on DuckDB into the deaths file.
* GP practices: QOF registers and list sizes (NHS England raw QOF layout)
  with under-diagnosis growing with deprivation (true observed/expected
  ratio by IMD quintile and by practice recorded), the NHS geography
  mapping file, patients registered by LSOA (NHS Digital layout; counted
  by the recipe ``records/gp_by_practice.toml`` from one GP registration
  record per patient, ``records/gp_registrations/``), modelled age/sex
  prevalence rates and an HSE-style hypertension table.
* Indicators: a Fingertips ``all_data`` CSV (27 columns, parent = region)
  with proportions, crude rates, directly standardised rates and life
  expectancy, for the authority, region, England, neighbours and wards,
  with values and confidence limits computed from the counts by
  :mod:`jsna.stats`; deprivation gradients (true slope index of
  inequality), improving and worsening trends, and the authority worse
  than England on some indicators.
* Ward gradients (9 indicators, among them the Core20PLUS5 ones smoking at
  time of delivery 93085 and dental decay at age 5 93563): a ward's expected
  value is linear in its relative rank among the indicator's own
  denominators (wards ordered by population-weighted IMD score), so the
  recorded SII is exactly the SII of the expected values, at ward level or
  for any contiguous grouping of wards such as local quintiles. Counts are
  plain binomial/Poisson draws from those values, without further ward-level
  noise, so the SII's 95% limits from the counts cover the truth about 95%
  of the time (about 95% of indicator-by-seed pairs over 200 seeds). Life
  expectancy's truth is the population-weighted slope of the expected ward
  values (mortality follows LSOA deprivation, so it is nearly, not exactly,
  linear in the ward rank). Each indicator draws from its own random
  stream, keyed by its ID.

Notes on the layouts
--------------------
* Fingertips: indicator IDs and names follow Fingertips' own (90284, 20601,
  108, 90366 ...) so chapters written for real data find them; the values
  are synthetic. The comparison columns are "Not compared" and "Recent
  Trend" is empty: jsna computes benchmarks and trends itself. Ward rows
  (Area Type "Ward") have the authority as parent; life expectancy for
  wards is pooled over 2019-23 from the deaths file.
* Ward rows for smoking at time of delivery and dental decay at age 5 are
  a demo device: Fingertips publishes those two for local authorities and
  upwards only.
* NHS Digital patients by LSOA: ``PUBLICATION`` "GP_PRAC_PAT_LIST",
  ``EXTRACT_DATE`` "01APR2023", ``SEX`` "MALE"/"FEMALE" (the date format is
  not checked against a publisher file).
* QOF: ``REGISTER`` is written as a float ("112.0"), as in the copy of the
  2022-23 raw file we have.
"""

from __future__ import annotations

from jsna.demo.pack import (
    DEMO_AREA_CODE,
    DEMO_AREA_NAME,
    DEMO_VERSION,
    ensure_demo_pack,
    load_truth,
    write_demo_pack,
)

__all__ = [
    "DEMO_AREA_CODE",
    "DEMO_AREA_NAME",
    "DEMO_VERSION",
    "write_demo_pack",
    "ensure_demo_pack",
    "load_truth",
]
