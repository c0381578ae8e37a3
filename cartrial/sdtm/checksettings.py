"""The settings of the input data checks (``config.yaml``: ``studies.<study>.data_checks``): each rule's
action, the physiological limits and the largest jump of a body measurement, with their defaults. Apart
from the checks themselves (:mod:`cartrial.sdtm.checks`), so that the workflow reads and checks its
configuration without importing pandas."""
from __future__ import annotations

from dataclasses import dataclass, field

#: rule id -> default action
DEFAULT_ACTIONS = {
    "limits": "stop",                  # a result outside physiological limits (usually a wrong unit)
    "jump": "stop",                    # a body measurement far from the subject's other values (a wrong unit)
    "non_finite": "stop",              # inf or NaN written as a number
    "non_numeric": "exclude",          # a character result where a number is expected (value not analysed)
    "decimal_comma": "keep",           # 0,56 read as 0.56
    "age_unit": "keep",                # AGE in months, weeks or days converted to completed years
    "ae_end_before_start": "exclude",  # the end date is not used (the AE is analysed as ongoing)
    "death_before_infusion": "stop",
    "death_before_consent": "stop",
    "consent_after_infusion": "keep",
    "record_after_death": "keep",
    "early_date": "stop",              # a date in or before data_checks.earliest_year (a placeholder date)
    "duplicate_record": "exclude",     # the same result twice: one record is analysed
    "second_infusion": "keep",         # the first CAR-T infusion is the reference
    "unread_file": "keep",             # a file in the study folder that no domain reads
}
#: rules whose ``exclude`` leaves out one value, not the record
VALUE_RULES = {"ae_end_before_start": "AEENDTC"}
#: rules that cannot exclude anything (a subject-level contradiction, a conversion, a listing)
NO_EXCLUDE = {"death_before_infusion", "death_before_consent", "consent_after_infusion", "age_unit",
              "decimal_comma", "second_infusion", "unread_file"}

#: physiological limits in the standard unit: test -> [(age_min, age_max, low, high)], ages in years,
#: age_min <= age < age_max. Values outside are incompatible with life or with the measurement (a wrong
#: unit, a decimal slip). Sources: CTCAE v5.0 grade 4 bounds widened to survivable extremes; WHO growth
#: references (children's height and weight); CDC 2000 growth charts.
DEFAULT_LIMITS: dict[str, list[tuple[float, float, float, float]]] = {
    "CREAT": [(0, 18, 0.05, 15.0), (18, 200, 0.1, 25.0)],  # mg/dL
    "UPCR": [(0, 200, 0.0, 50.0)],  # g/g
    "C3": [(0, 200, 0.01, 5.0)], "C4": [(0, 200, 0.0, 2.0)],  # g/L
    "DSDNA": [(0, 200, 0.0, 100000.0)],  # IU/mL
    "WBC": [(0, 200, 0.0, 500.0)], "NEUT": [(0, 200, 0.0, 300.0)], "LYM": [(0, 200, 0.0, 500.0)],
    "PLAT": [(0, 200, 0.0, 3000.0)],  # 10^9/L
    "HGB": [(0, 200, 20.0, 250.0)],  # g/L
    "CRP": [(0, 200, 0.0, 1000.0)],  # mg/L
    "FERRITIN": [(0, 200, 0.0, 500000.0)],  # ug/L
    "IL6": [(0, 200, 0.0, 1e6)], "IL10": [(0, 200, 0.0, 1e6)], "IFNG": [(0, 200, 0.0, 1e6)],  # pg/mL
    "BCELL": [(0, 200, 0.0, 10000.0)],  # cells/uL
    "ALT": [(0, 200, 0.0, 20000.0)], "AST": [(0, 200, 0.0, 20000.0)],  # U/L
    "BILI": [(0, 200, 0.0, 1000.0)],  # umol/L
    "IGG": [(0, 200, 0.0, 100.0)],  # g/L
    "HEIGHT": [(0, 18, 40.0, 210.0), (18, 200, 120.0, 230.0)],  # cm
    "WEIGHT": [(0, 18, 2.0, 200.0), (18, 200, 25.0, 350.0)],  # kg
    "TEMP": [(0, 200, 30.0, 45.0)],  # C
    "SYSBP": [(0, 18, 50.0, 220.0), (18, 200, 50.0, 280.0)], "DIABP": [(0, 200, 20.0, 180.0)],  # mmHg
    "OXYSAT": [(0, 200, 40.0, 100.0)],  # %
    "AGE": [(0, 200, 0.0, 120.0)],  # years (DM)
}
#: largest ratio of a body measurement to the subject's median (a value in pounds labelled kg is 2.2x)
DEFAULT_MAX_RATIO = {"WEIGHT": 1.6, "HEIGHT": 1.3}


@dataclass(frozen=True)
class DataChecks:
    """The data-check settings of a study (``config.yaml``: ``studies.<study>.data_checks``)."""

    actions: dict = field(default_factory=lambda: dict(DEFAULT_ACTIONS))
    conflicts: str = "first"
    earliest_year: int = 1900
    limits: dict = field(default_factory=lambda: dict(DEFAULT_LIMITS))
    max_ratio: dict = field(default_factory=lambda: dict(DEFAULT_MAX_RATIO))

    @classmethod
    def from_config(cls, cfg: dict | None) -> DataChecks:
        cfg = dict(cfg or {})
        limits = dict(DEFAULT_LIMITS)
        for test, bands in (cfg.get("limits") or {}).items():
            limits[test] = [(b.get("age_min", 0), b.get("age_max", 200), b["low"], b["high"]) for b in bands]
        return cls(actions={**DEFAULT_ACTIONS, **(cfg.get("actions") or {})},
                   conflicts=cfg.get("conflicts", "first"), earliest_year=int(cfg.get("earliest_year", 1900)),
                   limits=limits, max_ratio={**DEFAULT_MAX_RATIO, **(cfg.get("max_ratio") or {})})

    def effective(self) -> dict:
        """Every setting, defaults filled in (for provenance.json)."""
        return {"actions": dict(self.actions), "conflicts": self.conflicts, "earliest_year": self.earliest_year,
                "limits": {t: [{"age_min": a, "age_max": b, "low": lo, "high": hi} for a, b, lo, hi in bands]
                           for t, bands in sorted(self.limits.items())},
                "max_ratio": dict(sorted(self.max_ratio.items()))}


def problems(cfg: dict | None) -> list[str]:
    """What is wrong with a ``data_checks`` section (a schema cannot say which rule may exclude)."""
    out = []
    for rule, action in ((cfg or {}).get("actions") or {}).items():
        if rule not in DEFAULT_ACTIONS:
            out.append(f"data_checks.actions.{rule}: no such rule (rules: {', '.join(DEFAULT_ACTIONS)})")
        elif action == "exclude" and rule in NO_EXCLUDE:
            out.append(f"data_checks.actions.{rule}: this rule cannot exclude a record (use stop or keep)")
    return out
