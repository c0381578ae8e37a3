"""The shipped demo data are what the simulator makes, and they look like the reference studies."""
import filecmp
from pathlib import Path

import pandas as pd
import pytest

from cartrial.simulate import PRESETS, simulate_study, write_study

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("folder", sorted(PRESETS))
def test_regenerates_shipped_data_byte_identically(folder, tmp_path):
    paths = write_study(simulate_study(PRESETS[folder]), tmp_path / folder)
    for path in paths:
        shipped = ROOT / "data" / folder / path.name
        assert filecmp.cmp(path, shipped, shallow=False), f"{shipped} differs from the simulator's output"


@pytest.fixture(scope="module")
def studies():
    return {name: simulate_study(d) for name, d in PRESETS.items()}


def test_design_counts(studies):
    cht, ln = studies["cht101-sle"]["DM"], studies["ln-peds"]["DM"]
    infused = lambda dm: dm[dm["RFXSTDTC"].notna()]  # noqa: E731
    assert len(infused(cht)) == 15
    assert infused(ln)["ARMCD"].value_counts().to_dict() == {"LOW": 25, "HIGH": 25}
    for dm in (cht, ln):
        assert (dm["ARMCD"] == "SCRNFAIL").sum() >= 1
        assert (dm["ACTARMCD"] == "NOTTRT").sum() == 1
        assert (dm["DTHFL"] == "Y").sum() == 1
    assert ln["AGE"].between(6, 17).all()


def test_every_contract_domain_present(studies):
    for frames in studies.values():
        assert set(frames) == {"DM", "EX", "DS", "RS", "LB", "VS", "CM", "AE", "PC", "CP", "SUPPAE"}
        assert all(len(f) for name, f in frames.items() if name != "SUPPAE")


def test_protocol_safety_and_cell_biology_data(studies):
    """Pregnancy tests only for women 10-50 (children) or 18-50, GVHD staging only for the allogeneic product and
    pointing at its GVHD records, an early-termination visit for the withdrawn subject, phenotype after infusion."""
    for name, frames in studies.items():
        lb, dm = frames["LB"], frames["DM"].set_index("USUBJID")
        hcg = lb[lb["LBTESTCD"] == "HCG"]
        assert len(hcg) and (hcg["USUBJID"].map(dm["SEX"]) == "F").all() and hcg["LBSTRESN"].isna().all()
        assert hcg["USUBJID"].map(dm["AGE"]).between(10, 50).all()
        assert {"ALT", "AST", "BILI", "IGG"} <= set(lb["LBTESTCD"])
        withdrawn = frames["DS"].loc[frames["DS"]["DSDECOD"] == "WITHDRAWAL BY SUBJECT", "USUBJID"]
        for dom in ("RS", "LB", "VS"):
            et = frames[dom][frames[dom]["VISIT"] == "EARLY TERMINATION"]
            assert set(et["USUBJID"]) == set(withdrawn), (name, dom)
        supp, ae = frames["SUPPAE"], frames["AE"]
        if PRESETS[name].allogeneic:
            linked = supp.merge(ae, left_on=["USUBJID", supp["IDVARVAL"].astype(float)],
                                right_on=["USUBJID", "AESEQ"])
            assert len(linked) == len(supp) and linked["AEDECOD"].str.contains("graft versus host").all()
            assert set(supp["QNAM"]) == {"AGVHSKIN", "AGVHLIVR", "AGVHUGI", "AGVHLGI", "AGVHGR", "CGVHSEV"}
        else:
            assert not len(supp)
        assert not ae.duplicated(["USUBJID", "AESEQ"]).any()
        cp = frames["CP"]
        assert set(cp["CPTESTCD"]) >= {"CD4CD8", "TSCM", "TLYMSUB"} and cp["CPSTRESN"].notna().all()


def test_clinically_plausible(studies):
    for name, frames in studies.items():
        rs = frames["RS"]
        version = PRESETS[name].sledai_version
        tot = rs[(rs["RSCAT"] == version) & (rs["RSTESTCD"] == "TOTAL")]
        by_visit = tot.groupby("VISIT")["RSSTRESN"].median()
        assert 12 <= by_visit["BASELINE"] <= 20
        assert by_visit["MONTH 3"] <= 4
        ae = frames["AE"]
        crs = ae[ae["AEDECOD"] == "Cytokine release syndrome"]
        assert crs["AETOXGR"].isin(["1", "2"]).mean() >= 0.8
        ds = frames["DS"]
        assert {"WITHDRAWAL BY SUBJECT", "DEATH", "SCREEN FAILURE", "COMPLETED"} <= set(ds["DSDECOD"])
        cm = frames["CM"]
        assert (cm["CMCAT"] == "RESCUE THERAPY").sum() >= 1
        pc = frames["PC"]
        assert (pc["PCORRES"] == "<LLOQ").any()
    # one site of LN-PEDS reports UPCR in mg/mmol (exercises unit conversion)
    lb = studies["ln-peds"]["LB"]
    assert set(lb.loc[lb["LBTESTCD"] == "UPCR", "LBSTRESU"]) == {"g/g", "mg/mmol"}


def test_staggered_enrolment_puts_interim_cut_mid_follow_up(studies):
    dm = studies["cht101-sle"]["DM"]
    infusion = pd.to_datetime(dm["RFXSTDTC"].str[:10])
    # configured interim cut 2024-11-30: some infused, some not yet
    assert 0 < (infusion <= "2024-11-30").sum() < 15
