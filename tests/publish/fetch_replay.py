"""A local stand-in for the publishers, replaying the catalogue's URLs (for test_fetch_build).

The server is an HTTP *proxy* target: the catalogue is used as shipped except that
``https://`` becomes ``http://`` and ``HTTP_PROXY`` points at the local server, so
every request still names the publisher's host and path. Answers are the real
files of ``../shared/data`` where we hold them (lookups, boundaries, IoD File 7
subsets, Census TS011/TS021/TS038, the practice map, QOF 2022-23, DfE
neighbours, a Fingertips export) and, where we do not, files written here in
the publishers' layouts (ArcGIS JSON/GeoJSON pages, the ONS population
workbook, NHS patients by LSOA, the other Census tables, Fingertips exports
and neighbour lists). The synthetic demo area (``jsna.demo``) is recoded as a
county council ``E10999001`` with two districts, for the upper-tier case.
Nothing here is copied into the repository: everything is built at test time.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pandas as pd
from werkzeug import Request, Response

COUNTY = "E10999001"
COUNTY_NAME = "Demoshire County (synthetic)"
DISTRICTS = {"E07999001": "Demo North (synthetic)", "E07999002": "Demo South (synthetic)"}
NORTH_WEST = "E12000002"
DEMO_REGION = "E12999001"
CENSUS_TOPICS = {
    "ts007a": ("Age", "Total", ["Aged 4 years and under", "Aged 5 to 9 years",
                                "Aged 10 to 64 years", "Aged 65 years and over"]),
    "ts029": ("Proficiency in English language", "Total: All usual residents aged 3 years and over",
              ["Main language is English (English or Welsh in Wales)",
               "Main language is not English (English or Welsh in Wales)"]),
    "ts037": ("General health", "Total: All usual residents",
              ["Very good health", "Good health", "Fair health", "Bad health", "Very bad health"]),
    "ts039": ("Provision of unpaid care", "Total: All usual residents aged 5 and over",
              ["Provides no unpaid care", "Provides 19 or less hours unpaid care a week",
               "Provides 20 to 49 hours unpaid care a week",
               "Provides 50 or more hours unpaid care a week"]),
}  # fmt: skip


def _csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return buffer.getvalue()


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


class Publishers:
    """The national files, built once per test session from shared data and the demo pack."""

    def __init__(self, shared: Path, demo: Path, areas: list[str]):
        rng = np.random.default_rng(14)
        self.routes: dict[str, object] = {}
        self.log: list[str] = []
        # ---- the county: the demo area recoded, its wards split between two districts
        demo_lu = _read(demo / "lookups" / "LSOA21_WD25_LAD25_EW_LU.csv")
        wards = sorted(demo_lu["WD25CD"].unique())
        district = {w: list(DISTRICTS)[i * 2 // len(wards)] for i, w in enumerate(wards)}
        county_lu = pd.DataFrame(
            {
                "LSOA21CD": demo_lu["LSOA21CD"],
                "LSOA21NM": demo_lu["LSOA21NM"],
                "WD24CD": demo_lu["WD25CD"],
                "WD24NM": demo_lu["WD25NM"],
                "LAD24CD": demo_lu["WD25CD"].map(district),
                "LAD24NM": demo_lu["WD25CD"].map(district).map(DISTRICTS),
            }
        )
        lookup = pd.concat(
            [_read(shared / "lookups" / "LSOA21_WD24_LAD24_EW_LU.csv"), county_lu],
            ignore_index=True,
        )
        self.lookup = lookup
        lads = lookup[["LAD24CD", "LAD24NM"]].drop_duplicates()
        ltla = pd.DataFrame(
            {
                "LTLA23CD": lads["LAD24CD"],
                "LTLA23NM": lads["LAD24NM"],
                "UTLA23CD": lads["LAD24CD"].where(~lads["LAD24CD"].isin(list(DISTRICTS)), COUNTY),
                "UTLA23NM": lads["LAD24NM"].where(
                    ~lads["LAD24CD"].isin(list(DISTRICTS)), COUNTY_NAME
                ),
            }
        )
        arc = "/ESMARspQHYMw9BZ9/arcgis/rest/services/"
        self.arcgis(arc + "LTLA23_UTLA23_EW_LU/FeatureServer/0/query", ltla)
        self.arcgis(arc + "LSOA21_WD24_LAD24_EW_LU/FeatureServer/0/query", lookup)
        self.arcgis(
            arc + "WD24_LAD24_UK_LU/FeatureServer/0/query",
            lookup[["WD24CD", "WD24NM", "LAD24CD", "LAD24NM"]].drop_duplicates(),
        )
        demo11 = _read(demo / "lookups" / "LSOA11_LSOA21_LAD22_EW_LU.csv")
        self.arcgis(
            arc + "LSOA11_LSOA21_LAD22_EW_LU_v2/FeatureServer/0/query",
            pd.concat([_read(shared / "lookups" / "LSOA11_LSOA21_LAD22_EW_LU.csv"), demo11]),
        )
        self.arcgis(
            arc + "LSOA21_SICBL24_ICB24_CAL24_LAD24_EN_LU/FeatureServer/0/query",
            pd.concat(
                [
                    _read(shared / "lookups" / "LSOA21_SICBL24_ICB24_EN_LU.csv"),
                    _read(demo / "lookups" / "LSOA21_SICBL24_ICB24_EN_LU.csv"),
                ]
            ),
        )
        # ---- boundaries: the shared per-authority GeoJSON (and the demo's), as national layers;
        # the county's MSOAs are named after their district, as ONS names MSOAs
        stem = county_lu["LSOA21NM"].str[:-1]
        msoa_district = dict(zip(stem, county_lu["LAD24NM"], strict=False))
        for folder, service, rename in (
            ("wards_wd25", "Wards_May_2024_Boundaries_UK_BSC", {"WD25CD": "WD24CD",
                                                               "WD25NM": "WD24NM"}),
            ("lsoa21", "Lower_layer_Super_Output_Areas_December_2021_Boundaries_EW_BSC_V4", {}),
            ("msoa21", "Middle_layer_Super_Output_Areas_December_2021_Boundaries_EW_BSC_V3", {}),
        ):  # fmt: skip
            features = []
            for path in [*sorted((shared / "boundaries" / folder).glob("*.geojson")),
                         *sorted((demo / "boundaries" / folder).glob("*.geojson"))]:  # fmt: skip
                for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
                    props = {rename.get(k, k): v for k, v in feature["properties"].items()}
                    if str(props.get("MSOA21NM", "")) in msoa_district:
                        number = props["MSOA21NM"].rsplit(" ", 1)[-1]
                        props["MSOA21NM"] = f"{msoa_district[props['MSOA21NM']]} {number}"
                    features.append({**feature, "properties": props})
            self.geojson(arc + service + "/FeatureServer/0/query", features)
            if folder == "msoa21":
                self.msoas = [(f["properties"]["MSOA21CD"], f["properties"]["MSOA21NM"])
                              for f in features]  # fmt: skip
        # ---- population: the ONS workbook layout, for the LSOAs of the areas tested
        wanted = lookup[lookup["LAD24CD"].isin(areas) | lookup["LAD24CD"].isin(list(DISTRICTS))]
        self.routes["/file"] = self._population(wanted, demo, rng)  # ons.gov.uk/file?uri=...xlsx
        # ---- deprivation
        imd25 = pd.concat(
            [
                _read(shared / "imd" / "File_7_IoD2025_CheshireMerseyside_subset.csv"),
                _read(demo / "imd" / "File_7_IoD2025_Demoshire.csv"),
            ]
        ).fillna("")
        self.routes[
            "/media/691ded56d140bbbaa59a2a7d/"
            "File_7_IoD2025_All_Ranks_Scores_Deciles_Population_Denominators.csv"
        ] = _csv(imd25)
        imd19 = _read(shared / "imd" / "File_7_IoD2019_CheshireMerseyside_subset_no_scores.csv")
        demo19 = _read(demo / "imd" / "File_7_IoD2025_Demoshire.csv").rename(
            columns=lambda c: c.replace("(2021)", "(2011)").replace("(2024)", "(2019)")
        )
        demo19 = demo19[[c for c in imd19.columns if c in demo19.columns]]
        self.routes[
            "/media/5dc407b440f0b6379a7acc8d/"
            "File_7_-_All_IoD2019_Scores__Ranks__Deciles_and_Population_Denominators_3.csv"
        ] = _csv(pd.concat([imd19, demo19]).fillna(""))
        # ---- NHS England: practices, patients by LSOA, QOF
        prevalence = (shared / "qof" / "PREVALENCE_2223.csv").read_bytes()
        mapping = _read(shared / "qof" / "MAPPING_NHS_GEOGRAPHIES_2223.csv")
        demo_prev = (demo / "qof" / "PREVALENCE_2223.csv").read_bytes().split(b"\n", 1)[1]
        demo_map = _read(demo / "qof" / "MAPPING_NHS_GEOGRAPHIES_2223.csv")
        self.routes["/DA/975A29/QOF2324.zip"] = _zip(
            {
                "PREVALENCE_2223.csv": prevalence.rstrip(b"\n") + b"\n" + demo_prev,
                "MAPPING_NHS_GEOGRAPHIES_2223.csv": _csv(pd.concat([mapping, demo_map])),
            }
        )
        self.routes["/11/9809CA/gp-reg-pat-prac-map.csv"] = (
            shared / "gp_registrations" / "2025-10" / "gp-reg-pat-prac-map.csv"
        ).read_bytes()
        self.routes["/E3/7F080B/gp-reg-pat-prac-lsoa-male-female-July-23.zip"] = _zip(
            {"gp-reg-pat-prac-lsoa-all.csv": self._patients(shared, demo, mapping, rng)}
        )
        self.routes[
            "/Birmingham-and-Solihull-ICS/predicted_prevalence/"
            "581316ecb3708ad98eb7f575b036ac8eaaafb0f5/data/hse_estimate.csv"
        ] = (shared / "qof" / "hse_estimate.csv").read_bytes()
        # ---- DfE neighbours (byte for byte: the catalogue checks its sha256)
        self.routes[
            "/dfe-analytical-services/CSC_outcomes_and_enablers/"
            "2f5d11a431050523dab58810083259d3313029ae/data-raw/"
            "New_Statistical_Neighbour_Groupings_April_2021.csv"
        ] = (
            shared / "neighbours" / "New_Statistical_Neighbour_Groupings_April_2021.csv"
        ).read_bytes()
        # ---- Census 2021 (Nomis bulk zips)
        held = {
            "ts011": "census2021-ts011-lsoa_CheshireMerseyside.csv",
            "ts021": "census2021-ts021-lsoa_CheshireMerseyside_6of25cols.csv",
            "ts038": "census2021-ts038-lsoa_CheshireMerseyside_3of7cols.csv",
        }
        for table in ("ts007a", "ts011", "ts021", "ts029", "ts037", "ts038", "ts039"):
            if table in held:
                real = _read(shared / "census2021" / held[table])
                fake = self._census_like(real.columns, county_lu, rng)
                body = _csv(pd.concat([real, fake]))
            else:
                body = _csv(self._census(table, wanted, rng))
            self.routes[f"/output/census/2021/census2021-{table}.zip"] = _zip(
                {f"census2021-{table}-lsoa.csv": body}
            )
        # ---- Fingertips
        self.fingertips_real = _read(shared / "fingertips" / "region_hospital_admissions_2324.csv")
        self.fingertips_areas = {
            **dict(zip(lads["LAD24CD"], lads["LAD24NM"], strict=True)),
            COUNTY: COUNTY_NAME,
        }
        for code in DISTRICTS:
            self.fingertips_areas.pop(code, None)
        self.rng = rng

    # ------------------------------------------------------------------ builders
    def arcgis(self, path: str, frame: pd.DataFrame) -> None:
        records = frame.fillna("").to_dict("records")

        def answer(request: Request) -> Response:
            offset = int(request.args.get("resultOffset", 0))
            size = int(request.args.get("resultRecordCount", 2000))
            page = records[offset : offset + size]
            body = {
                "features": [{"attributes": r} for r in page],
                "exceededTransferLimit": offset + size < len(records),
            }
            return Response(json.dumps(body), content_type="application/json")

        self.routes[path] = answer

    def geojson(self, path: str, features: list[dict]) -> None:
        def answer(request: Request) -> Response:
            offset = int(request.args.get("resultOffset", 0))
            size = int(request.args.get("resultRecordCount", 2000))
            fields = request.args.get("outFields", "*")
            page = features[offset : offset + size]
            if fields != "*":  # the service sends only the fields asked for
                keep = set(fields.split(","))
                page = [
                    {**f, "properties": {k: v for k, v in f["properties"].items() if k in keep}}
                    for f in page
                ]
            body = {
                "type": "FeatureCollection",
                "features": page,
                "properties": {"exceededTransferLimit": offset + size < len(features)},
            }
            return Response(json.dumps(body), content_type="application/geo+json")

        self.routes[path] = answer

    def _population(self, lookup: pd.DataFrame, demo: Path, rng) -> bytes:
        demo_pop = _read(demo / "population" / "sapelsoasyoa_mid2022_Demoshire.csv")
        ages = [f"{s}{a}" for s in "FM" for a in range(91)]
        real = lookup[~lookup["LSOA21CD"].isin(demo_pop["LSOA 2021 Code"])]
        counts = rng.poisson(9, size=(len(real), len(ages)))
        frame = pd.DataFrame(counts, columns=ages)
        frame.insert(0, "Total", counts.sum(axis=1))
        frame.insert(0, "LSOA 2021 Name", real["LSOA21NM"].to_numpy())
        frame.insert(0, "LSOA 2021 Code", real["LSOA21CD"].to_numpy())
        frame.insert(0, "LAD 2021 Name", real["LAD24NM"].to_numpy())
        frame.insert(0, "LAD 2021 Code", real["LAD24CD"].to_numpy())
        demo_pop = demo_pop.copy()
        for column in ["Total", *ages]:
            demo_pop[column] = pd.to_numeric(demo_pop[column])
        frame = pd.concat([frame, demo_pop[frame.columns]], ignore_index=True)
        buffer = io.BytesIO()
        with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
            pd.DataFrame([["Contents"]]).to_excel(
                writer, sheet_name="Contents", index=False, header=False
            )
            title = pd.DataFrame([["Mid-2022 population estimates for LSOA 2021 (test copy)"],
                                  ["Source: Office for National Statistics"]])  # fmt: skip
            title.to_excel(writer, sheet_name="Mid-2022 LSOA 2021", index=False, header=False)
            frame.to_excel(writer, sheet_name="Mid-2022 LSOA 2021", index=False, startrow=3)
        body = buffer.getvalue()

        def answer(request: Request) -> Response:
            if not request.args.get("uri", "").endswith(".xlsx"):
                return Response("not found", status=404)
            return Response(body, content_type="application/vnd.ms-excel")

        return answer

    def _patients(self, shared: Path, demo: Path, mapping: pd.DataFrame, rng) -> bytes:
        icb = _read(shared / "lookups" / "LSOA21_SICBL24_ICB24_EN_LU.csv")
        practices = mapping[mapping["ICB_ODS_CODE"] == "QYG"]
        rows = []
        for practice in practices.itertuples(index=False):  # test data, a few hundred practices
            lsoas = icb.loc[icb["SICBL24CDH"] == practice.SUB_ICB_ODS_CODE, "LSOA21CD"].to_numpy()
            chosen = rng.choice(lsoas, size=min(25, len(lsoas)), replace=False)
            counts = rng.integers(20, 400, size=len(chosen))
            rows.append(pd.DataFrame({"PRACTICE_CODE": practice.PRACTICE_CODE,
                                      "PRACTICE_NAME": practice.PRACTICE_NAME,
                                      "LSOA_CODE": chosen, "SEX": "ALL",
                                      "NUMBER_OF_PATIENTS": counts}))  # fmt: skip
        real = pd.concat(rows, ignore_index=True)
        real.insert(0, "EXTRACT_DATE", "01JUL2023")
        real.insert(0, "PUBLICATION", "GP_PRAC_PAT_LIST")
        demo_gp = _read(demo / "gp" / "gp-reg-pat-prac-lsoa-male-female-Apr-23.csv")
        return _csv(pd.concat([real.astype(str), demo_gp], ignore_index=True))

    def _census(self, table: str, lookup: pd.DataFrame, rng) -> pd.DataFrame:
        topic, total, cats = CENSUS_TOPICS[table]
        counts = rng.integers(10, 400, size=(len(lookup), len(cats)))
        frame = pd.DataFrame(counts, columns=[f"{topic}: {c}" for c in cats])
        frame.insert(0, f"{topic}: {total}", counts.sum(axis=1))
        frame.insert(0, "geography code", lookup["LSOA21CD"].to_numpy())
        frame.insert(0, "geography", lookup["LSOA21NM"].to_numpy())
        frame.insert(0, "date", 2021)
        return frame

    def _census_like(self, columns, lookup: pd.DataFrame, rng) -> pd.DataFrame:
        parts = list(columns[4:])
        counts = rng.integers(10, 400, size=(len(lookup), len(parts)))
        frame = pd.DataFrame(counts, columns=parts)
        frame.insert(0, columns[3], counts.sum(axis=1))
        frame.insert(0, columns[2], lookup["LSOA21CD"].to_numpy())
        frame.insert(0, columns[1], lookup["LSOA21NM"].to_numpy())
        frame.insert(0, columns[0], 2021)
        return frame.astype(str)

    def fingertips(self, request: Request) -> Response:
        indicator = int(request.args["indicator_ids"])
        if indicator == 90284:
            return Response(_csv(self.fingertips_real), content_type="text/csv")
        columns = list(self.fingertips_real.columns)
        areas = [("E92000001", "England", "England", "", "")]
        for code, name in self.fingertips_areas.items():
            parent = DEMO_REGION if code == COUNTY else NORTH_WEST
            areas.append((code, name, "Counties & UAs (from Apr 2023)", parent, "Region"))
        areas += [(NORTH_WEST, "North West region (statistics)", "Regions (statistical)",
                   "E92000001", "England"),
                  (DEMO_REGION, "Synthetic Region (statistical)", "Regions (statistical)",
                   "E92000001", "England")]  # fmt: skip
        rows = []
        for year in (2019, 2020, 2021, 2022):
            for code, name, kind, parent, parent_name in areas:
                value = float(self.rng.normal(50, 8))
                rows.append(
                    {
                        "Indicator ID": indicator, "Indicator Name": f"Indicator {indicator}",
                        "Parent Code": parent, "Parent Name": parent_name, "Area Code": code,
                        "Area Name": name, "Area Type": kind, "Sex": "Persons",
                        "Age": "All ages", "Category Type": "", "Category": "",
                        "Time period": str(year), "Value": round(value, 3),
                        "Lower CI 95.0 limit": round(value - 4, 3),
                        "Upper CI 95.0 limit": round(value + 4, 3),
                        "Lower CI 99.8 limit": round(value - 6, 3),
                        "Upper CI 99.8 limit": round(value + 6, 3),
                        "Count": 500, "Denominator": 1000, "Value note": "",
                        "Recent Trend": "", "Compared to England value or percentiles": "Similar",
                        columns[22]: "Similar", "Time period Sortable": f"{year}0000",
                        "New data": "", "Compared to goal": "", "Time period range": "1y",
                    }
                )  # fmt: skip
        return Response(_csv(pd.DataFrame(rows, columns=columns)), content_type="text/csv")

    def local_health(self, request: Request) -> Response:
        """Fingertips profile 143 (Local Health) at MSOA level, for the MSOAs of a parent."""
        parent = request.args["parent_area_code"]
        names = set(self.lookup.loc[self.lookup["LAD24CD"] == parent, "LAD24NM"])
        if parent == COUNTY:
            names = set(DISTRICTS.values())
        msoas = [(c, n) for c, n in self.msoas if any(n.startswith(f"{x} ") for x in names)]
        columns = list(self.fingertips_real.columns)
        rows = []
        for name, sex, centre in (
            ("Life expectancy at birth, (upper age band 90 and over)", "Male", 78.5),
            ("Life expectancy at birth, (upper age band 90 and over)", "Female", 82.5),
            ("Deaths from all causes, all ages, standardised mortality ratio", "Persons", 100.0),
        ):
            for period, sortable in (("2015 - 19", "20150000"), ("2016 - 20", "20160000")):
                for code, label in msoas:
                    value = round(float(self.rng.normal(centre, 3)), 1)
                    rows.append({"Indicator ID": 93283, "Indicator Name": name,
                                 "Parent Code": parent, "Parent Name": "", "Area Code": code,
                                 "Area Name": label, "Area Type": "MSOA", "Sex": sex,
                                 "Age": "All ages", "Category Type": "", "Category": "",
                                 "Time period": period, "Value": value,
                                 "Time period Sortable": sortable,
                                 "Time period range": "5y"})  # fmt: skip
        frame = pd.DataFrame(rows, columns=columns).astype(object).fillna("")
        return Response(_csv(frame), content_type="text/csv")

    def neighbours(self, request: Request) -> Response:
        area = request.args["parent_area_code"].rsplit("-", 1)[-1]
        others = [c for c in self.fingertips_areas if c != area and c != COUNTY][:5]
        body = [{"Code": c, "Name": self.fingertips_areas[c]} for c in others]
        return Response(json.dumps(body), content_type="application/json")

    # ------------------------------------------------------------------ serving
    def handler(self, request: Request) -> Response:
        path = urlsplit(request.url).path
        self.log.append(request.url)
        if path.endswith("/api/all_data/csv/by_indicator_id"):
            return self.fingertips(request)
        if path.endswith("/api/all_data/csv/by_profile_id"):
            return self.local_health(request)
        if path.endswith("/api/areas/by_parent_area_code"):
            return self.neighbours(request)
        for route, answer in self.routes.items():
            if path.endswith(route):
                if callable(answer):
                    return answer(request)
                return Response(answer)
        return Response(f"no such file {path}", status=404)
