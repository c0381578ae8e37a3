"""The methods appendix, generated from the configuration actually used."""
from __future__ import annotations

from cartrial.adam.methods import derivation_methods
from cartrial.adam.visits import make_month_windows
from cartrial.endpoints.rules import EndpointRules
from cartrial.sdtm.units import LB_UNITS


def describe_methods(settings: dict, analysis: dict, rules: EndpointRules, km: dict | None = None,
                     kinetics: dict | None = None) -> list[dict]:
    """Headings with bullet items stating every rule applied in this run; the ADaM derivation methods are
    the texts define.xml gives (:func:`cartrial.adam.methods.derivation_methods`)."""
    breaks = ", ".join(f"{b:g}" for b in settings.get("age_breaks", []))
    units = "; ".join(f"{code} {std}" for code, (std, _) in LB_UNITS.items())
    version = settings["sledai_version"]
    months = settings.get("efficacy", {}).get("months", [])
    windows = "; ".join(f"{w.avisit.title()}: days {w.lower}-{w.upper} (target {w.target})"
                        for w in make_month_windows(months)) if months else "none"
    factors = ", ".join(f"{k.lower()} {v:.3g}" for k, v in sorted(rules.steroid_factors.items()))
    pred_op = "<=" if rules.doris_pred_inclusive else "<"
    derived: dict[str, list[str]] = {}
    for method in derivation_methods(kinetics):
        derived.setdefault(method.heading, []).append(method.text)
    general = derived.pop("Derivations", [])
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
            f"Efficacy set: infused subjects with a baseline {version} assessment on or before the infusion date.",
        ]},
        {"heading": "Derivations", "items": [
            "Infusion date (TRTSDT): first EX record with EXCAT = CAR-T, else DM.RFXSTDTC.",
            "Baseline: last non-missing value on or before the infusion date.",
            "Follow-up: days from infusion to death or last contact (inclusive); months = days / 30.4375.",
            f"Age groups (AGEGR1) cut at {breaks} years.",
            f"Laboratory results converted to standard units: {units}.",
            *general,
        ]},
        *({"heading": heading, "items": items} for heading, items in derived.items()),
        {"heading": "Efficacy instruments and visits", "items": [
            f"Disease activity instrument: {version} (24 descriptors, total 0-105); clinical SLEDAI omits low "
            "complement and DNA binding. An assessment with any missing descriptor has no total.",
            "BILAG-2004: A = 12, B = 8, C = 1, D = E = 0 (global 0-108); new A = A now with B-E at baseline; "
            "new B = B now with C-E at baseline.",
            "eGFR: bedside Schwartz 0.413 x height (cm) / creatinine (mg/dL) under 18 years; CKD-EPI 2021 "
            "(race-free) from 18; age at the sample, last height on or before it.",
            f"Prednisone-equivalent dose (mg/day) = dose x doses per day x potency factor ({factors}), summed over "
            f"glucocorticoid records covering the date (routes {', '.join(rules.steroid_routes)}).",
            f"Analysis visit windows by study day (Day 1 = infusion): {windows}. In each window the assessment "
            "closest to the target day is analysed (the earlier on a tie); unscheduled visits count in the "
            "window they fall in.",
        ]},
        {"heading": "Responder definitions", "items": [
            f"SRI-k (k = {', '.join(str(k) for k in rules.sri_k)}; Furie 2009): SLEDAI decrease >= k; no new BILAG "
            f"A and at most {rules.sri_max_new_bilag_b} new B; PGA increase < {rules.sri_pga_max_increase:.2f}.",
            f"BICLA (Wallace 2014): every baseline BILAG A/B improved; no new A, at most "
            f"{rules.bicla_max_new_bilag_b} new B; SLEDAI not worse; PGA increase < "
            f"{rules.bicla_pga_max_increase:.2f} (10% of the scale).",
            f"DORIS 2021 remission: clinical SLEDAI = 0; PGA < {rules.doris_pga_below:g}; prednisone-equivalent "
            f"{pred_op} {rules.doris_pred_max:g} mg/day.",
            f"LLDAS (Franklyn 2016): SLEDAI <= {rules.lldas_sledai_max:g} without renal, CNS, cardiopulmonary, "
            f"vasculitis or fever activity; no new activity since the previous assessment; PGA <= "
            f"{rules.lldas_pga_max:g}; prednisone-equivalent <= {rules.lldas_pred_max:g} mg/day.",
            f"Renal response (KDIGO 2024), subjects with baseline UPCR >= {rules.renal_population_upcr:g} g/g: CRR = "
            f"UPCR < {rules.crr_upcr_below:g} g/g and eGFR >= {rules.egfr_normal:g} or fallen <= "
            f"{rules.egfr_max_fall:.0%}; PRR = UPCR reduced >= {rules.prr_upcr_reduction:.0%} and < "
            f"{rules.prr_upcr_below:g} g/g with eGFR fallen <= {rules.egfr_max_fall:.0%}, not CRR; ORR = CRR or PRR. "
            "Rescue therapy, kidney replacement therapy or death make every later visit a non-response.",
            "Rescue therapy (CM category RESCUE THERAPY) started on or before an assessment makes the subject a "
            "non-responder for every endpoint (composite strategy).",
            "Primary analysis: non-responder imputation - a subject whose visit window closed by the data cut "
            "without a determinable response counts as a non-responder (DTYPE = NRI). Sensitivity: observed cases.",
        ]},
        {"heading": "Statistical methods", "items": [
            "Continuous variables: n, mean (SD), median, Q1, Q3 (SAS QNTLDEF=5), min, max.",
            "Categorical variables: n (%) with the column N from ADSL as denominator.",
            "Response rates: exact two-sided 95% Clopper-Pearson confidence intervals.",
            "Dose-group differences (descriptive; groups not randomised): Miettinen-Nurminen score CI with the "
            "N/(N-1) correction, Newcombe hybrid score CI as sensitivity, two-sided Fisher exact p-value.",
            "Time to event: Kaplan-Meier; median and 25th/75th percentiles with Brookmeyer-Crowley 95% CIs using "
            f"the {(km or {}).get('conf_type', 'log-log')} transform; event-free rates at months "
            f"{', '.join(str(m) for m in (km or {}).get('landmark_months', [3, 6, 12]))} with pointwise 95% CIs. "
            "Durations start at the first visit in response and end at the first later visit not in response; "
            "subjects without an event are censored at their last assessment.",
            "Interim safety monitoring: Beta-binomial posterior probability that the rate of the monitored "
            "toxicity exceeds its threshold; the study stops when it exceeds the cutoff. Predictive probability of "
            "success by the beta-binomial predictive distribution at the planned sample size.",
            "Display rounding half away from zero; statistics are stored unrounded in the ARD files.",
        ]},
    ]
