"""Kidney function: eGFR by bedside Schwartz (under 18) and CKD-EPI 2021 (18 and over).

References
----------
1. Schwartz GJ, et al. New equations to estimate GFR in children with CKD.
   J Am Soc Nephrol 2009;20:629-637 (bedside: 0.413 x height / SCr).
2. Inker LA, et al. New creatinine- and cystatin C-based equations to
   estimate GFR without race. N Engl J Med 2021;385:1737-1749 (CKD-EPI 2021:
   142 x min(SCr/k, 1)^a x max(SCr/k, 1)^-1.200 x 0.9938^age x 1.012 [female],
   k = 0.7 (F) / 0.9 (M), a = -0.241 (F) / -0.302 (M)).
3. KDIGO 2024 Clinical Practice Guideline for the Management of Lupus
   Nephritis. Kidney Int 2024;105(1S):S1-S69.
"""
from __future__ import annotations

import numpy as np
import pandas as pd


def compute_egfr_schwartz(height_cm, creat_mg_dl):
    """Bedside Schwartz eGFR (mL/min/1.73 m2) = 0.413 x height (cm) / creatinine (mg/dL)."""
    return 0.413 * np.asarray(height_cm, dtype="float64") / np.asarray(creat_mg_dl, dtype="float64")


def compute_egfr_ckd_epi_2021(creat_mg_dl, age, sex):
    """CKD-EPI 2021 race-free eGFR (mL/min/1.73 m2); ``sex`` is ``F`` or ``M``."""
    scr = np.asarray(creat_mg_dl, dtype="float64")
    age = np.asarray(age, dtype="float64")
    female = np.asarray(sex) == "F"
    kappa = np.where(female, 0.7, 0.9)
    alpha = np.where(female, -0.241, -0.302)
    ratio = scr / kappa
    egfr = 142.0 * np.minimum(ratio, 1.0) ** alpha * np.maximum(ratio, 1.0) ** -1.200 * 0.9938 ** age
    egfr = egfr * np.where(female, 1.012, 1.0)
    return np.where(np.isin(np.asarray(sex), ["F", "M"]), egfr, np.nan)


def compute_egfr(creat_mg_dl, *, age, sex, height_cm):
    """eGFR by the age-appropriate equation: Schwartz under 18 years, CKD-EPI 2021 from 18."""
    age = np.asarray(age, dtype="float64")
    child = compute_egfr_schwartz(height_cm, creat_mg_dl)
    adult = compute_egfr_ckd_epi_2021(creat_mg_dl, age, sex)
    return np.where(np.isnan(age), np.nan, np.where(age < 18, child, adult))


def egfr_method(age) -> pd.Series:
    age = pd.Series(age, dtype="float64")
    return pd.Series(np.where(age.isna(), None, np.where(age < 18, "BEDSIDE SCHWARTZ", "CKD-EPI 2021")),
                     index=age.index)
