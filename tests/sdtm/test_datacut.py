import pandas as pd

from cartrial.sdtm.datacut import apply_data_cut

FILES = {"DM": "dm.csv", "AE": "ae.csv", "LB": "lb.csv"}


def _domains():
    dm = pd.DataFrame({
        "USUBJID": ["A", "B", "C"],
        "RFICDTC": ["2025-01-10", "2025-03-20", None],
        "RFXSTDTC": ["2025-02-10T10:00", "2025-04-20", "2025-02-01"],
        "RFENDTC": ["2025-06-30", "2025-09-01", "2025-03-01"],
        "DTHFL": [None, None, "Y"],
        "DTHDTC": [None, None, "2025-03-31"],
    })
    ae = pd.DataFrame({
        "USUBJID": ["A", "A", "A", "A", "B"],
        "AESTDTC": ["2025-02-12", "2025-03", "2025-04-01", None, "2025-04-01"],
        "AEENDTC": ["2025-02-20", "2025-04-10", None, None, None],
    })
    lb = pd.DataFrame({"USUBJID": ["A", "A", "C"], "LBDTC": ["2025-03-15", "2025-03-16", "2025"]})
    return {"DM": dm, "AE": ae, "LB": lb}


def test_data_cut_rules_by_hand():
    out, recon, issues = apply_data_cut(_domains(), cut="2025-03-15", files=FILES)
    # B consented after the cut: gone from every domain; C (no consent date) is kept and listed
    assert out["DM"]["USUBJID"].tolist() == ["A", "C"]
    # C's death on 2025-03-31 is after the cut: reset; A's RFENDTC after the cut: reset
    c = out["DM"].set_index("USUBJID").loc["C"]
    assert pd.isna(c["DTHFL"]) and pd.isna(c["DTHDTC"])
    assert pd.isna(out["DM"].set_index("USUBJID").loc["A", "RFENDTC"])
    # AE: 2025-02-12 kept; partial 2025-03 kept (earliest day 03-01 <= cut) with its end reset (04-10 > cut);
    # 2025-04-01 removed; the undated AE kept
    assert out["AE"]["AESTDTC"].tolist() == ["2025-02-12", "2025-03", None]
    assert pd.isna(out["AE"]["AEENDTC"].iloc[1])
    # LB: on the cut day kept, the day after removed; partial year kept
    assert out["LB"]["LBDTC"].tolist() == ["2025-03-15", "2025"]
    r = recon.set_index("domain")
    assert r.loc["AE", ["read", "removed_not_enrolled", "removed_after_cut", "kept"]].tolist() == [5, 1, 1, 3]
    assert r.loc["LB", ["read", "removed_not_enrolled", "removed_after_cut", "kept"]].tolist() == [3, 0, 1, 2]
    # nothing lost: read = removed + kept for every domain
    assert (r["read"] == r["removed_not_enrolled"] + r["removed_after_cut"] + r["kept"]).all()
    assert sorted((i.domain, i.column) for i in issues) == [("AE", "AESTDTC"), ("DM", "RFICDTC")]


def test_infusion_after_cut_is_reset():
    out, _, _ = apply_data_cut(_domains(), cut="2025-02-09", files=FILES)
    assert pd.isna(out["DM"].set_index("USUBJID").loc["A", "RFXSTDTC"])


def test_kinetic_samples_without_infusion_are_listed():
    from cartrial.sdtm.ingest import find_samples_without_infusion

    dm = pd.DataFrame({"USUBJID": ["A", "B"], "RFXSTDTC": ["2025-01-01", None]})
    pc = pd.DataFrame({"USUBJID": ["A", "B", "B"], "PCDTC": ["2025-01-05"] * 3})
    (finding,) = find_samples_without_infusion({"DM": dm, "PC": pc}, {"DM": "dm.csv", "PC": "pc.csv"})
    assert (finding.usubjid, finding.severity, finding.action) == ("B", "warning", "2 record(s) excluded")
