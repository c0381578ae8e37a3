"""The derivation methods of the ADaM variables: one text per method, used both by define.xml (MethodDef,
referenced from each variable it derives) and by the report's methods appendix, so the two cannot disagree.

Each method names the variables it derives as ``DATASET.VARIABLE`` (``*.VARIABLE``: in every dataset that
has it). Texts that depend on a setting are built from the configuration actually used.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Method:
    oid: str
    heading: str
    text: str
    targets: tuple[str, ...]

    def derives(self, dataset: str, variable: str) -> bool:
        return f"{dataset}.{variable}" in self.targets or f"*.{variable}" in self.targets


def derivation_methods(kinetics: dict | None = None) -> list[Method]:
    """Every derivation method, in the order the methods appendix states them."""
    k = {"auc_interval_days": 28, "auc_end_tolerance_days": 2, **(kinetics or {})}
    end, tol = k["auc_interval_days"], k["auc_end_tolerance_days"]
    return [
        Method("MT.TRT", "Derivations",
               "TRTP and TRTA: the subject's planned and actual treatment (ADSL TRT01P and TRT01A; one treatment "
               "period).", ("*.TRTP", "*.TRTA")),
        Method("MT.SRC", "Derivations",
               "SRCDOM, SRCVAR and SRCSEQ: the SDTM domain, variable and --SEQ of the record an analysis value "
               "comes from.", ("*.SRCDOM", "*.SRCVAR", "*.SRCSEQ")),
        Method("MT.RESCDT", "Derivations",
               "RESCDT: start of the subject's first rescue therapy (CM category RESCUE THERAPY; a partial date at "
               "its earliest day).", ("ADSL.RESCDT",)),
        Method("MT.MONEVLFL", "Derivations",
               "MONEVLFL = Y: evaluable for the interim toxicity stopping rule - infused at least the configured "
               "minimum follow-up before the data cut, or with a treatment-emergent event of a monitored syndrome "
               "of at least the monitored grade.", ("ADSL.MONEVLFL",)),
        Method("MT.TTBREC", "Derivations",
               "TTBREC (ADTTE, PARCAT1 B-CELL): for infused subjects with a post-infusion CD19+ B-cell count below "
               "the aplasia threshold, days from the infusion (inclusive) to the first later count at or above it; "
               "censored at the last count without recovery.", ("ADTTE.PARCAT1",)),
        Method("MT.AESTDT", "Adverse events",
               "AE onset date (ASTDT): a complete AESTDTC is used as is. A partial date is completed to the first "
               "day of its month (ASTDTF = D) or year (ASTDTF = M); when that month or year contains the infusion "
               "date and the event did not end before the infusion, the infusion date is used instead, so that an "
               "event that may be treatment-emergent counts as such. A missing onset is imputed to the infusion "
               "date under the same condition (ASTDTF = Y), else left missing.", ("ADAE.ASTDT", "ADAE.ASTDTF")),
        Method("MT.AEENDT", "Adverse events",
               "AE end date (AENDT): a partial AEENDTC is completed to the last day of its month or year "
               "(AENDTF), never after the death date or the data cut.", ("ADAE.AENDT", "ADAE.AENDTF")),
        Method("MT.TRTEMFL", "Adverse events",
               "Treatment-emergent (TRTEMFL = Y): onset (ASTDT) on or after the CAR-T infusion date. Events of "
               "infused subjects from the start of lymphodepletion to the day before the infusion have LDEMFL = Y "
               "and are summarised separately.", ("ADAE.TRTEMFL", "ADAE.LDEMFL")),
        Method("MT.AEFLAGS", "Adverse events",
               "ATOXGRN is the numeric CTCAE grade (AETOXGR); RELFL = Y when AEREL is a configured related term; "
               "SYNDROME is the CAR-T syndrome of the preferred term (CRS, ICANS, AGVHD, CGVHD, ICAHT); AESIFL = Y "
               "for configured AESI terms or SOCs and every CAR-T syndrome; INFFL = Y in the SOC Infections and "
               "infestations; FATALFL = Y for grade 5 or outcome FATAL. Terms are compared regardless of case.",
               ("ADAE.ATOXGRN", "ADAE.RELFL", "ADAE.SYNDROME", "ADAE.AESIFL", "ADAE.INFFL", "ADAE.FATALFL")),
        Method("MT.GVHD", "Adverse events",
               "AGVHSKIN, AGVHLIVR, AGVHUGI, AGVHLGI (organ stages 0-4, upper GI 0-1) and AGVHGR (overall grade "
               "I-IV) of acute GVHD by MAGIC 2016, and CGVHSEV (NIH 2014 global severity: mild, moderate, severe) "
               "of chronic GVHD: the AE supplemental qualifiers (SUPPAE) of the GVHD record, as recorded.",
               ("ADAE.AGVHSKIN", "ADAE.AGVHLIVR", "ADAE.AGVHUGI", "ADAE.AGVHLGI", "ADAE.AGVHGR", "ADAE.CGVHSEV")),
        Method("MT.CMDATES", "Concomitant medications",
               "Medication start (ASTDT) and end (AENDT): a partial start is completed to its first possible day, "
               "a partial end to its last (ASTDTF, AENDTF). PREFL = Y when the medication ended before the "
               "infusion; ONTRTFL = Y when it was taken on or after it. CRSTHFL, RESCFL and GCFL flag the CM "
               "categories CRS THERAPY, RESCUE THERAPY and GLUCOCORTICOID.",
               ("ADCM.ASTDT", "ADCM.ASTDTF", "ADCM.AENDT", "ADCM.AENDTF", "ADCM.PREFL", "ADCM.ONTRTFL",
                "ADCM.CRSTHFL", "ADCM.RESCFL", "ADCM.GCFL")),
        Method("MT.PREDEQ", "Concomitant medications",
               "PREDEQ: prednisone-equivalent dose of a glucocorticoid record in mg/day = dose x doses per day "
               "(CMDOSFRQ) x the drug's potency factor (CMDECOD), for the routes counted; missing when the drug, "
               "dose or frequency is unknown.", ("ADCM.PREDEQ",)),
        Method("MT.BASELINE", "Laboratory tests and vital signs",
               "Baseline (ABLFL = Y, BASE): the last value before the start of lymphodepletion, or on or before "
               "the infusion date when no lymphodepletion is recorded. CHG = AVAL - BASE and PCHG = 100 x CHG / "
               "BASE on records after the baseline date. ONTRTFL = Y from study day 2.",
               ("ADLB.ABLFL", "ADLB.BASE", "ADLB.CHG", "ADLB.PCHG", "ADLB.ONTRTFL", "ADVS.ABLFL", "ADVS.BASE",
                "ADVS.CHG", "ADVS.PCHG", "ADVS.ONTRTFL")),
        Method("MT.ANRIND", "Laboratory tests and vital signs",
               "ANRIND: LOW below ANRLO, HIGH above ANRHI, NORMAL between, blank without limits; BNRIND is the "
               "baseline record's ANRIND. Laboratory limits are the standard-unit reference range of the record "
               "(LBSTNRLO, LBSTNRHI); vital-sign limits are the study's configured limits.",
               ("ADLB.ANRIND", "ADLB.BNRIND", "ADVS.ANRLO", "ADVS.ANRHI", "ADVS.ANRIND", "ADVS.BNRIND")),
        Method("MT.ATOXGR", "Laboratory tests and vital signs",
               "ATOXGR/ATOXGRN: CTCAE v5.0 grade of decreased neutrophils, platelets, lymphocytes and haemoglobin "
               "(grade 0 at or above the lower limit of normal) and of increased ALT, AST, bilirubin and creatinine "
               "by multiples of the upper limit of normal (ALT, AST: > ULN, 3, 5, 20 x ULN for grades 1-4; "
               "bilirubin: > ULN, 1.5, 3, 10; creatinine: > ULN, 1.5, 3, 6; criteria relative to an abnormal "
               "baseline not applied; no grade without a ULN); BTOXGR/BTOXGRN: the baseline record's grade.",
               ("ADLB.ATOXGR", "ADLB.ATOXGRN", "ADLB.BTOXGR", "ADLB.BTOXGRN")),
        Method("MT.AVALC", "Laboratory tests and vital signs",
               "AVALC: the character result (LBSTRESC, else LBORRES) of a qualitative test (the pregnancy test "
               "HCG), which has no AVAL.", ("ADLB.AVALC",)),
        Method("MT.VISITS", "Laboratory tests and vital signs",
               "AVISIT of ADLB, ADVS and ADCP is the visit recorded, so an assessment at early termination is "
               "shown as Early termination. In ADQS and ADRS an assessment (scheduled, unscheduled or at early "
               "termination) is analysed in the visit window that contains its study day; an assessment after "
               "the last window is not analysed by visit.", ("ADLB.AVISIT", "ADVS.AVISIT", "ADCP.AVISIT")),
        Method("MT.AFRLT", "Cellular kinetics",
               "AFRLT (= ARELTM for the single infusion): elapsed days from the start of the infusion to the sample, "
               "from date-times where both have a time of day, else whole days between the dates; a sample before "
               "the infusion is time 0 with value 0 (PREDOSFL = Y). NFRLT (= ATPTN): nominal elapsed days of the "
               "visit, DAY n at n - 1 (SDTM study days count the infusion day as Day 1) and MONTH m at "
               "round(30.4375 m). BLQFL = Y for results reported below the limit of quantification or missing.",
               ("ADPC.AFRLT", "ADPC.ARELTM", "ADPC.NFRLT", "ADPC.ATPTN", "ADPC.PREDOSFL", "ADPC.BLQFL")),
        Method("MT.ADCP", "Cellular kinetics",
               "ADCP PARAMCD: the cell population (CPTESTCD) with, for a population defined further by a cell "
               "state, its cell-state marker string (CPCSMRKS): CD4/CD8 ratio, memory subsets (naive, stem-cell "
               "memory, central memory, effector memory, effector memory RA+) as % of CAR+ T cells (CPSBMRKS), and "
               "exhaustion markers PD-1, LAG-3 and TIM-3 (CPCELSTA EXHAUSTED); each combination not known to the "
               "pipeline is a parameter of its own (CP01, CP02, ... in sorted order; PARAM names the test and its "
               "markers).", ("ADCP.PARAMCD", "ADCP.PARCAT1")),
        Method("MT.NCA", "Cellular kinetics",
               "Non-compartmental parameters per subject and assay (PKNCA conventions): BLQ before Tmax and after "
               "the last quantifiable sample count as 0, BLQ between quantifiable samples is dropped. CMAX and its "
               "first time TMAX; TLST, the time of the last quantifiable sample. AUCINT from the infusion (elapsed "
               f"day 0) to {end:g} elapsed days by the linear-up/log-down trapezoidal rule (AUCINTLN: linear "
               "trapezoidal), the concentration at the end interpolated by the rule of its segment; a profile "
               f"ending up to {tol:g} days before the end is integrated to its last sample, an earlier end leaves "
               "AUCINT missing (PPREASND). Terminal phase: log-linear least squares over the last k >= 3 non-zero "
               "samples after Tmax, choosing among the fits with LAMZ > 0 and adjusted R-squared within 0.0001 of "
               "the best the one with the most points (LAMZ, LAMZHL = ln 2 / LAMZ, R2ADJ, LAMZNPT, LAMZLL, "
               "LAMZUL). PERSxM: 1 when the sample nearest Month x is quantifiable.", ("ADPP.AVAL", "ADPP.PPREASND")),
    ]
