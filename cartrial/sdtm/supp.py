"""Supplemental qualifiers (SUPP--) merged into their parent domain.

SDTMIG v3.4 section 8.4: a SUPP-- record adds the qualifier ``QNAM`` with
value ``QVAL`` to the parent record identified by ``RDOMAIN``, ``USUBJID``
and, unless the qualifier belongs to the whole subject, ``IDVAR`` =
``IDVARVAL`` (e.g. ``AESEQ = 3``). Each QNAM becomes a column of the parent.

Nothing is dropped silently: a qualifier whose parent record does not exist,
or whose name collides with a parent column, is returned as a finding (a
warning: analysis can continue without it); two different values of one
qualifier for the same parent record stop the run, since neither can be
chosen without a guess.
"""
from __future__ import annotations

import pandas as pd

from cartrial.sdtm.errors import Finding
from cartrial.sdtm.readers import as_text

SUPP_COLUMNS = ("RDOMAIN", "USUBJID", "IDVAR", "IDVARVAL", "QNAM", "QVAL")


def merge_supp(parent: pd.DataFrame, supps: dict[str, pd.DataFrame], *, domain: str
               ) -> tuple[pd.DataFrame, list[Finding], dict[str, int]]:
    """Return ``parent`` with one column per QNAM, the findings, and the values merged per SUPP file.

    ``supps`` maps file name to its frame: a domain split into parts may have a SUPP file for each.
    """
    findings: list[Finding] = []
    frames = []
    for file, frame in supps.items():
        missing = [c for c in SUPP_COLUMNS if c not in frame]
        findings += [Finding(f"SUPP{domain}", file, None, c, "SUPP-- required column is missing") for c in missing]
        frames.append(frame.reset_index(drop=True).assign(FILE__=file, ROW__=lambda f: f.index + 2))  # row as a spreadsheet shows it
    if findings:
        return parent, findings, {}
    supp = pd.concat(frames, ignore_index=True)
    file = ", ".join(supps)
    wrong = supp["RDOMAIN"] != domain
    for row in supp[wrong].itertuples():
        findings.append(Finding(f"SUPP{domain}", row.FILE__, row.ROW__, "RDOMAIN", f"RDOMAIN is not {domain}: "
                                "qualifier not merged", row.RDOMAIN, row.USUBJID, severity="warning",
                                action="record not merged"))
    supp = supp[~wrong]
    clash = supp["QNAM"].isin(parent.columns)
    for qnam, n in supp[clash].groupby("QNAM").size().items():
        findings.append(Finding(f"SUPP{domain}", file, None, "QNAM", f"QNAM {qnam} is already a column of "
                                f"{domain}: qualifier not merged", qnam, severity="warning",
                                action=f"{n} record(s) not merged"))
    supp = supp[~clash]
    out = parent.copy()
    merged = dict.fromkeys(supps, 0)
    for idvar, part in supp.groupby(supp["IDVAR"].fillna(""), sort=True):
        if idvar and idvar not in out:
            findings += [Finding(f"SUPP{domain}", f, int(r), "IDVAR", f"IDVAR {idvar} is not a column of "
                                 f"{domain}: qualifier not merged", idvar, severity="warning",
                                 action="record not merged") for f, r in zip(part["FILE__"], part["ROW__"])]
            continue
        keys = ["USUBJID"] + (["IDVAL__"] if idvar else [])
        part = part.assign(IDVAL__=part["IDVARVAL"])
        dup = part.duplicated(keys + ["QNAM"], keep=False)
        conflict = part[dup].groupby(keys + ["QNAM"])["QVAL"].nunique()
        for key in conflict[conflict > 1].index:
            hit = part[dup & (part[keys + ["QNAM"]].apply(tuple, axis=1) == key)]
            rows = hit["FILE__"] + " row " + hit["ROW__"].astype(str)
            findings.append(Finding(f"SUPP{domain}", file, None, "QVAL",
                                    f"qualifier {key[-1]} has conflicting values for one {domain} record "
                                    f"(rows {', '.join(map(str, rows))})", None, key[0]))
        part = part.drop_duplicates(keys + ["QNAM"])
        wide = part.pivot(index=keys, columns="QNAM", values="QVAL").reset_index()
        wide.columns.name = None
        target = out.assign(IDVAL__=as_text(out[idvar]).str.strip()) if idvar else out
        matched = wide.merge(target[keys].drop_duplicates(), on=keys, how="left", indicator=True)
        orphan = matched["_merge"] == "left_only"
        for row in matched[orphan].itertuples():
            findings.append(Finding(f"SUPP{domain}", file, None, "IDVARVAL", f"no {domain} record with "
                                    f"{idvar or 'USUBJID'} = {getattr(row, 'IDVAL__', row.USUBJID)}: qualifier "
                                    "not merged", None, row.USUBJID, severity="warning",
                                    action="record not merged"))
        taken = part.merge(wide.loc[~orphan.to_numpy(), keys], on=keys)
        for f, n in taken.groupby("FILE__").size().items():
            merged[f] += int(n)
        out = target.merge(wide, on=keys, how="left", validate="many_to_one")
        out = out.drop(columns=[c for c in ("IDVAL__",) if c in out])
    return out, findings, merged
