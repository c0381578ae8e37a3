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
        assert set(frames) == {"DM", "EX", "DS", "RS", "LB", "VS", "CM", "AE", "PC"}
        assert all(len(f) for f in frames.values())


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
