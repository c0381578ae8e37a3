"""Appendix: what changed since the previous data cut (new subjects, AEs, responder status, deaths)."""
from __future__ import annotations

import pandas as pd

from cartrial.tables.display import DisplayTable
from cartrial.tables.format import fmt_num


def _fmt_date(x) -> str:
    return "" if pd.isna(x) else f"{x:%Y-%m-%d}"


def build_cut_comparison(prev: dict[str, pd.DataFrame], cur: dict[str, pd.DataFrame], *, previous: str,
                         previous_cut: str) -> DisplayTable:
    """One listing with four parts; records keyed by USUBJID (+ AESEQ, + PARAMCD and AVISIT)."""
    t = DisplayTable("appendix_cut_comparison", "D", f"Changes since the previous data cut ({previous}, "
                     f"{previous_cut})", "All subjects", ["Detail", "Previous", "Current"], stub_header="Subject",
                     source="ADSL, ADAE and ADRS of both analyses (rule report)")
    t.kind = "listing"
    p_sl, c_sl = prev["adsl"], cur["adsl"]
    new = c_sl[~c_sl["USUBJID"].isin(p_sl["USUBJID"])]
    t.add(f"New subjects ({len(new)})")
    for r in new.itertuples():
        t.add(r.USUBJID, [f"consent {_fmt_date(r.RFICDT)}; {r.TRT01A or r.ARM or ''}", "", r.EOSSTT], level=1)
    died = c_sl[(c_sl["DTHFL"] == "Y") & ~c_sl["USUBJID"].isin(p_sl.loc[p_sl["DTHFL"] == "Y", "USUBJID"])]
    t.add(f"New deaths ({len(died)})")
    for r in died.itertuples():
        t.add(r.USUBJID, [f"death on {_fmt_date(r.DTHDT)}", "alive", "died"], level=1)
    p_ae, c_ae = prev["adae"], cur["adae"]
    te = c_ae[c_ae["TRTEMFL"] == "Y"]
    merged = te.merge(p_ae[["USUBJID", "AESEQ", "ATOXGRN", "AESER"]], on=["USUBJID", "AESEQ"], how="left",
                      suffixes=("", "_P"), indicator="SOURCE")
    changed = merged[(merged["SOURCE"] == "left_only") | (merged["ATOXGRN"] > merged["ATOXGRN_P"])
                     | ((merged["AESER"] == "Y") & (merged["AESER_P"] != "Y"))]
    changed = changed.assign(_k=-((changed["ATOXGRN"] >= 3) | (changed["AESER"] == "Y")).astype(int)).sort_values(
        ["_k", "USUBJID", "AESEQ"], kind="stable")
    t.add(f"New or upgraded treatment-emergent AEs ({len(changed)}; grade >= 3 and serious first)")
    for r in changed.itertuples():
        before = "new" if r.SOURCE == "left_only" else f"grade {fmt_num(r.ATOXGRN_P)}, serious {r.AESER_P}"
        t.add(r.USUBJID, [f"{r.AEDECOD} (AESEQ {fmt_num(r.AESEQ)})", before,
                          f"grade {fmt_num(r.ATOXGRN)}, serious {r.AESER}"], level=1)
    p_rs, c_rs = prev["adrs"], cur["adrs"]
    keys = ["USUBJID", "PARAMCD", "AVISIT"]
    both = c_rs.merge(p_rs[keys + ["AVALC", "DTYPE"]], on=keys, suffixes=("", "_P"))
    flips = both[both["AVALC"] != both["AVALC_P"]].sort_values(keys, kind="stable")
    t.add(f"Changed responder status at the same visit ({len(flips)})")
    for r in flips.itertuples():
        t.add(r.USUBJID, [f"{r.PARAMCD} {r.AVISIT.title()}", f"{r.AVALC_P} {r.DTYPE_P}".strip(),
                          f"{r.AVALC} {r.DTYPE}".strip()], level=1)
    t.footnotes = ["AEs are matched on USUBJID and AESEQ; responder records on USUBJID, PARAMCD and AVISIT. A change "
                   "of an imputed (NRI) response to an observed one shows as a status change when the value differs."]
    return t
