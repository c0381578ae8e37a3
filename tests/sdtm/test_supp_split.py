"""SUPP-- qualifiers merged into their parent, and domains split into several files (SDTMIG 4.1.7, 8.4)."""
import pandas as pd
import pytest

from cartrial.sdtm.errors import InputDataError
from cartrial.sdtm.ingest import ingest_study
from cartrial.sdtm.supp import merge_supp


def _supp(rows):
    return pd.DataFrame(rows, columns=["RDOMAIN", "USUBJID", "IDVAR", "IDVARVAL", "QNAM", "QVAL"])


AE = pd.DataFrame({"USUBJID": ["S1", "S1", "S2"], "AESEQ": [1.0, 2.0, 1.0], "AEDECOD": ["A", "B", "C"]})


def test_record_level_qualifier_lands_on_its_record():
    supp = _supp([["AE", "S1", "AESEQ", "2", "AETRTEM", "Y"], ["AE", "S2", "AESEQ", "1", "AETRTEM", "N"]])
    out, findings, merged = merge_supp(AE, {"suppae.csv": supp}, domain="AE")
    assert findings == [] and merged == {"suppae.csv": 2}
    assert out["AETRTEM"].tolist()[1:] == ["Y", "N"] and pd.isna(out["AETRTEM"].iloc[0])
    assert out[["USUBJID", "AESEQ", "AEDECOD"]].equals(AE)  # parent rows and order untouched


def test_subject_level_qualifier_and_two_supp_files_of_one_domain():
    dm = pd.DataFrame({"USUBJID": ["S1", "S2"]})
    a = _supp([["DM", "S1", None, None, "ITT", "Y"]])
    b = _supp([["DM", "S2", None, None, "ITT", "N"], ["DM", "S2", None, None, "SAFETY", "Y"]])
    out, findings, merged = merge_supp(dm, {"suppdm.csv": a, "suppdm2.csv": b}, domain="DM")
    assert findings == [] and merged == {"suppdm.csv": 1, "suppdm2.csv": 2}
    assert out["ITT"].tolist() == ["Y", "N"] and out["SAFETY"].fillna("").tolist() == ["", "Y"]


def test_orphan_clash_and_wrong_rdomain_are_warnings_not_silent_losses():
    supp = _supp([["AE", "S9", "AESEQ", "1", "AETRTEM", "Y"], ["AE", "S1", "AESEQ", "1", "AEDECOD", "X"],
                  ["CM", "S1", "AESEQ", "1", "AETRTEM", "Y"]])
    out, findings, merged = merge_supp(AE, {"suppae.csv": supp}, domain="AE")
    rules = " | ".join(f.rule for f in findings)
    assert {f.severity for f in findings} == {"warning"} and len(findings) == 3
    assert "no AE record with AESEQ = 1" in rules and "already a column" in rules and "RDOMAIN is not AE" in rules
    assert merged == {"suppae.csv": 0} and out["AEDECOD"].tolist() == ["A", "B", "C"]


def test_conflicting_values_of_one_qualifier_stop_the_run():
    supp = _supp([["AE", "S1", "AESEQ", "1", "AETRTEM", "Y"], ["AE", "S1", "AESEQ", "1", "AETRTEM", "N"]])
    _, findings, _ = merge_supp(AE, {"suppae.csv": supp}, domain="AE")
    assert [f.severity for f in findings] == ["error"] and "conflicting values" in findings[0].rule


def _write(folder, name, frame):
    frame.to_csv(folder / name, index=False)


DM = pd.DataFrame({"STUDYID": "X", "USUBJID": ["S1", "S2"], "ARMCD": "A", "ARM": "A", "RFXSTDTC": "2024-01-01",
                   "RFICDTC": "2023-12-01"})


def _lb(testcd, value, unit):
    return pd.DataFrame({"DOMAIN": "LB", "USUBJID": ["S1"], "LBSEQ": [1], "LBTESTCD": [testcd],
                         "LBSTRESN": [value], "LBSTRESU": [unit], "LBDTC": ["2024-01-05"]})


def test_split_lb_parts_are_read_as_one_domain_with_their_supp(tmp_path):
    _write(tmp_path, "dm.csv", DM)
    _write(tmp_path, "lbch.csv", _lb("CREAT", 88.4, "umol/L"))
    _write(tmp_path, "lbhe.csv", _lb("HGB", 8.0, "mmol/L").assign(LBSEQ=2))
    _write(tmp_path, "supplbhe.csv", _supp([["LB", "S1", "LBSEQ", "2", "LBTMSHI", "Y"]]))
    _write(tmp_path, "lbxx.csv", pd.DataFrame({"DOMAIN": ["XX"], "USUBJID": ["S1"]}))  # not an LB part
    res = ingest_study(tmp_path, cut="2024-12-31")
    lb = res.domains["LB"].set_index("LBTESTCD")
    assert lb.loc["CREAT", "LBSTRESN"] == pytest.approx(1.0)  # 88.4 umol/L = 1 mg/dL
    assert lb.loc["HGB", "LBSTRESN"] == pytest.approx(8.0 * 16.114)  # Hb monomer 16 114 g/mol
    assert lb.loc["HGB", "LBTMSHI"] == "Y"
    recon = res.reconciliation.set_index("domain")
    assert recon.loc["LB", "file"] == "lbch.csv, lbhe.csv" and recon.loc["LB", "read"] == 2
    assert recon.loc["SUPPLBHE", "status"] == "merged into LB" and recon.loc["SUPPLBHE", "kept"] == 1
    assert recon.loc["LBXX", "status"].startswith("ignored")
    from cartrial.io import audit_rows

    text = audit_rows([res.reconciliation[res.reconciliation["domain"].isin(["LB", "SUPPLBHE"])]])
    # counts are whole numbers as written (the SUPP-- row's blanks once made the LB row's 0 a 0.0)
    assert text.set_index("domain").loc["LB", ["read", "removed_after_cut", "kept"]].tolist() == ["2", "0", "2"]


def test_domain_given_whole_and_split_is_an_error(tmp_path):
    _write(tmp_path, "dm.csv", DM)
    _write(tmp_path, "lb.csv", _lb("CREAT", 1.0, "mg/dL"))
    _write(tmp_path, "lbch.csv", _lb("CREAT", 1.0, "mg/dL"))
    with pytest.raises(InputDataError, match="lb.csv, lbch.csv"):
        ingest_study(tmp_path, cut="2024-12-31")
