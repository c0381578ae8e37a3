"""The methods appendix, generated from the configuration actually used."""
from __future__ import annotations

from cartrial.sdtm.units import LB_UNITS


def describe_methods(settings: dict, analysis: dict) -> list[dict]:
    """Headings with bullet items stating every rule applied in this run."""
    breaks = ", ".join(f"{b:g}" for b in settings.get("age_breaks", []))
    units = "; ".join(f"{code} {std}" for code, (std, _) in LB_UNITS.items())
    return [
        {"heading": "Data cut", "items": [
            f"Data cut-off date {analysis['cut']} ({analysis['type']} analysis).",
            "Subjects are included when informed consent (DM.RFICDTC) is on or before the cut.",
            "Records dated after the cut are removed; a partial date is compared at its earliest possible day; "
            "records without a date are kept and listed in Appendix B.",
            "Deaths, end-of-study dates and infusions after the cut are reset to missing; AE, medication and "
            "exposure end dates after the cut become ongoing.",
        ]},
        {"heading": "Analysis populations", "items": [
            "Screened: every subject in DM. Screen failure: ARMCD = SCRNFAIL.",
            "Enrolled: every subject who is not a screen failure.",
            "Safety set: enrolled subjects who received the CAR-T infusion (TRTSDT present).",
            f"Efficacy set: infused subjects with a baseline {settings['sledai_version']} assessment on or "
            "before the infusion date.",
        ]},
        {"heading": "Derivations", "items": [
            "Infusion date (TRTSDT): first EX record with EXCAT = CAR-T, else DM.RFXSTDTC.",
            "Baseline: last non-missing value on or before the infusion date.",
            "Follow-up: days from infusion to death or last contact (inclusive); months = days / 30.4375.",
            f"Age groups (AGEGR1) cut at {breaks} years.",
            f"Disease activity instrument: {settings['sledai_version']}.",
            f"Laboratory results converted to standard units: {units}.",
        ]},
        {"heading": "Statistical conventions", "items": [
            "Continuous variables: n, mean (SD), median, Q1, Q3 (SAS QNTLDEF=5), min, max.",
            "Categorical variables: n (%) with the column N from ADSL as denominator.",
            "Display rounding half away from zero; statistics are stored unrounded in the ARD files.",
        ]},
    ]
