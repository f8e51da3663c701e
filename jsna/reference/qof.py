"""Quality and Outcomes Framework (QOF) facts: register codes and list types.

Source: NHS England, Quality and Outcomes Framework, Achievement, prevalence and
exceptions data (register group codes and patient list types as published in the
prevalence files, 2023-24).
"""

__all__ = ["CONDITIONS", "LIST_TYPE", "LIST_TYPE_MIN_AGE"]

#: QOF register (group) codes and their names.
CONDITIONS = {
    "AF": "Atrial fibrillation",
    "AST": "Asthma",
    "CAN": "Cancer",
    "CHD": "Coronary heart disease",
    "CKD": "Chronic kidney disease",
    "COPD": "Chronic obstructive pulmonary disease",
    "CVDPP": "Cardiovascular disease primary prevention",
    "DEM": "Dementia",
    "DEP": "Depression",
    "DM": "Diabetes mellitus",
    "EP": "Epilepsy",
    "HF": "Heart failure",
    "HYP": "Hypertension",
    "LD": "Learning disability",
    "MH": "Mental health (psychoses)",
    "NDH": "Non-diabetic hyperglycaemia",
    "OB": "Obesity",
    "OST": "Osteoporosis",
    "PAD": "Peripheral arterial disease",
    "PC": "Palliative care",
    "RA": "Rheumatoid arthritis",
    "STIA": "Stroke and transient ischaemic attack",
}

#: QOF patient list types and the youngest age each counts.
LIST_TYPE_MIN_AGE = {"TOTAL": 0, "06OV": 6, "16OV": 16, "17OV": 17, "18OV": 18, "50OV": 50}

#: QOF patient list type of each register (2019/20 to 2022/23 rules); the rest are "TOTAL".
LIST_TYPE = {
    "AST": "06OV",
    "RA": "16OV",
    "DM": "17OV",
    "CKD": "18OV",
    "DEP": "18OV",
    "EP": "18OV",
    "NDH": "18OV",
    "OB": "18OV",
    "OST": "50OV",
}
