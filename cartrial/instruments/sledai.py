"""SLEDAI-2K and SELENA-SLEDAI totals from item records.

24 descriptors, each scored with its weight when present; total 0-105.
Weight 8: seizure, psychosis, organic brain syndrome, visual disturbance,
cranial nerve disorder, lupus headache, CVA, vasculitis. Weight 4:
arthritis, myositis, urinary casts, haematuria, proteinuria, pyuria.
Weight 2: rash, alopecia, mucosal ulcers, pleurisy, pericarditis, low
complement, increased DNA binding. Weight 1: fever, thrombocytopenia,
leukopenia. Both versions share the weights; they differ in wording, which
the investigator applies on the CRF. Clinical SLEDAI omits the serological
descriptors (low complement, DNA binding). An assessment with any
descriptor missing has no total: missing is never treated as absent.

References
----------
1. Gladman DD, Ibanez D, Urowitz MB. Systemic lupus erythematosus disease
   activity index 2000. J Rheumatol 2002;29:288-291.
2. Petri M, et al. Combined oral contraceptives in women with systemic lupus
   erythematosus (SELENA). N Engl J Med 2005;353:2550-2558.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from cartrial.sdtm.contract import SLEDAI_ITEMS

SLEDAI_WEIGHTS: dict[str, int] = dict(zip(SLEDAI_ITEMS, [8] * 8 + [4] * 6 + [2] * 7 + [1] * 3))
SEROLOGY_ITEMS = ("LOWCOMPL", "DNABIND")
#: descriptor groups of LLDAS (Franklyn 2016): no activity allowed in these organ systems
LLDAS_MAJOR_ORGAN_ITEMS = (
    "UCASTS", "HEMATUR", "PROTURIA", "PYURIA",                                      # renal
    "SEIZURE", "PSYCHOS", "ORGBRAIN", "VISUAL", "CRANNERV", "HEADACHE", "CVA",      # CNS
    "PLEURISY", "PERICARD",                                                          # cardiopulmonary
    "VASCULIT",                                                                      # vasculitis
    "FEVER",                                                                         # fever
)


def compute_sledai_total(items: pd.DataFrame, *, clinical: bool = False) -> pd.Series:
    """Weighted total of 0/1 item columns; NaN when any scored item is missing.

    ``items`` has one column per descriptor (1 present, 0 absent, NaN missing).
    With ``clinical=True`` the serological descriptors are left out.
    """
    names = [i for i in SLEDAI_ITEMS if not (clinical and i in SEROLOGY_ITEMS)]
    missing = [i for i in names if i not in items]
    if missing:
        raise KeyError(f"item columns missing: {missing}")
    block = items[names].astype("float64")
    weights = np.array([SLEDAI_WEIGHTS[i] for i in names], dtype="float64")
    total = block.to_numpy() @ weights
    return pd.Series(np.where(block.isna().any(axis=1), np.nan, total), index=items.index)


def derive_sledai_assessments(rs: pd.DataFrame, *, version: str) -> pd.DataFrame:
    """One row per subject and assessment date of the ``version`` instrument.

    Columns: ``USUBJID, ADT, VISIT, VISITNUM``, the 24 item columns (1/0/NaN),
    ``SLEDAI`` (total), ``CSLEDAI`` (clinical), ``NMISS`` (missing items),
    ``CRFTOT`` (the total recorded on the CRF, if any).
    """
    from cartrial.dates import dtc_to_date

    # the dated records of the instrument, taken once (RS holds every instrument: millions of records)
    mine = (rs["RSCAT"] == version).to_numpy()
    dates = dtc_to_date(rs["RSDTC"][mine])
    dated = dates.notna().to_numpy()
    rec = rs.take(np.flatnonzero(mine)[dated])
    rec["ADT"] = dates.to_numpy()[dated]
    keys = ["USUBJID", "ADT"]
    is_item = rec["RSTESTCD"].isin(SLEDAI_ITEMS).to_numpy()
    items = pd.DataFrame({name: rec[name].to_numpy()[is_item] for name in keys + ["RSTESTCD"]})
    items["_v"] = rec["RSSTRESC"].map({"Y": 1.0, "N": 0.0}).to_numpy()[is_item]
    wide = (items.groupby(keys + ["RSTESTCD"])["_v"].max().unstack("RSTESTCD")
            .reindex(columns=list(SLEDAI_ITEMS)))
    visits = rec.sort_values(keys + ["VISITNUM"], kind="stable").drop_duplicates(keys).set_index(keys)
    out = wide.copy()
    out.columns.name = None
    out["SLEDAI"] = compute_sledai_total(out)
    out["CSLEDAI"] = compute_sledai_total(out, clinical=True)
    out["NMISS"] = out[list(SLEDAI_ITEMS)].isna().sum(axis=1)
    tot = rec[rec["RSTESTCD"] == "TOTAL"].groupby(keys)["RSSTRESN"].first()
    out["CRFTOT"] = tot.reindex(out.index)
    out = out.join(visits[[c for c in ("VISIT", "VISITNUM") if c in visits]])
    return out.reset_index()
