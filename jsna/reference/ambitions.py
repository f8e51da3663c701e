"""National ambitions that chapters compare local figures against, with their sources."""

__all__ = ["DEMENTIA_AMBITION", "DEMENTIA_AMBITION_SOURCE"]

#: National ambition for the dementia diagnosis rate, percent.
DEMENTIA_AMBITION = 66.7
DEMENTIA_AMBITION_SOURCE = (
    'NHS England, 2024/25 priorities and operational planning guidance ("increasing the dementia '
    'diagnosis rate to 66.7%"), https://www.england.nhs.uk/wp-content/uploads/2024/03/'
    "PRN00715-2024-to-2025-priorities-and-operational-planning-guidance-27.03.2024.pdf; OHID "
    "Dementia surveillance: the aspiration that two-thirds of people estimated to have dementia "
    "have a formal diagnosis, measured for people aged 65 and over with CFAS II prevalence rates, "
    "https://fingertips.phe.org.uk/documents/Dementia_Surveillance_England.html"
)
