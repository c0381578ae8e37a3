"""Endpoint thresholds as data: one frozen dataclass, defaults from the protocol sources.

Every threshold is configuration (``endpoints:`` in config.yaml); the
defaults follow ``docs/spec/endpoints.md`` and are printed in the methods appendix.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields

from cartrial.instruments.steroids import DEFAULT_FACTORS, DEFAULT_FREQUENCIES


@dataclass(frozen=True)
class EndpointRules:
    sri_k: tuple[int, ...] = (4, 5, 6, 7, 8)
    sri_pga_max_increase: float = 0.30          # SRI: PGA increase < 0.30 (Furie 2009)
    sri_max_new_bilag_b: int = 1                # SRI: fewer than 2 new BILAG B
    bicla_pga_max_increase: float = 0.30        # BICLA: < 10 % of the 0-3 scale (Wallace 2014)
    bicla_max_new_bilag_b: int = 1              # BICLA: at most 1 new B
    doris_pga_below: float = 0.5                # DORIS: PGA < 0.5 (van Vollenhoven 2021)
    doris_pred_max: float = 5.0                 # DORIS: prednisone-equivalent <= 5 mg/day (registry wording)
    doris_pred_inclusive: bool = True
    lldas_sledai_max: float = 4.0               # LLDAS (Franklyn 2016)
    lldas_pga_max: float = 1.0
    lldas_pred_max: float = 7.5
    crr_upcr_below: float = 0.5                 # KDIGO 2024
    prr_upcr_reduction: float = 0.5
    prr_upcr_below: float = 3.0
    egfr_normal: float = 90.0
    egfr_max_fall: float = 0.10
    renal_population_upcr: float = 0.5          # renal endpoints: baseline UPCR >= 0.5 g/g
    steroid_factors: dict = field(default_factory=lambda: dict(DEFAULT_FACTORS))
    steroid_frequencies: dict = field(default_factory=lambda: dict(DEFAULT_FREQUENCIES))
    steroid_routes: tuple[str, ...] = ("ORAL", "INTRAVENOUS", "INTRAMUSCULAR")
    krt_terms: tuple[str, ...] = ("HAEMODIALYSIS", "HEMODIALYSIS", "PERITONEAL DIALYSIS", "KIDNEY TRANSPLANT")

    @classmethod
    def from_config(cls, values: dict | None) -> "EndpointRules":
        values = dict(values or {})
        known = {f.name for f in fields(cls)}
        unknown = set(values) - known
        if unknown:
            raise ValueError(f"unknown endpoint settings: {sorted(unknown)}")
        for name in ("sri_k", "steroid_routes", "krt_terms"):
            if name in values:
                values[name] = tuple(values[name])
        if "steroid_factors" in values:
            values["steroid_factors"] = {k.upper(): float(v) for k, v in values["steroid_factors"].items()}
        return cls(**values)
