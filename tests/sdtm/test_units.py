import pandas as pd
import pytest

from cartrial.sdtm.errors import InputDataError
from cartrial.sdtm.units import LB_UNITS, VS_UNITS, convert_units


def _lb(code, value, unit, orres=None, orresu=None):
    return {"USUBJID": "S1-001", "LBTESTCD": code, "LBSTRESN": value, "LBSTRESU": unit, "LBORRES": orres,
            "LBORRESU": orresu}


def _convert(rows, table=LB_UNITS, **kw):
    frame = pd.DataFrame(rows)
    args = dict(testcd="LBTESTCD", value="LBSTRESN", unit="LBSTRESU", orres="LBORRES", orresu="LBORRESU")
    args.update(kw)
    return convert_units(frame, table=table, domain="LB", file="lb.csv", **args)


def test_lab_conversions_by_hand():
    # KDIGO: UPCR 113.1 mg/mmol = 1 g/g; creatinine 88.4 umol/L = 1 mg/dL; Hb 12.3 g/dL = 123 g/L;
    # C3 90 mg/dL = 0.9 g/L; CRP 1.5 mg/dL = 15 mg/L
    out = _convert([_lb("UPCR", 113.1, "mg/mmol"), _lb("CREAT", 88.4, "umol/L"), _lb("HGB", 12.3, "g/dL"),
                    _lb("C3", 90.0, "mg/dL"), _lb("CRP", 1.5, "mg/dL"), _lb("UPCR", 0.4, "g/g"),
                    _lb("ALT", 31.0, "U/L")])
    assert out["LBSTRESN"].tolist() == pytest.approx([1.0, 1.0, 123.0, 0.9, 15.0, 0.4, 31.0], rel=1e-12)
    assert out["LBSTRESU"].tolist() == ["g/g", "mg/dL", "g/L", "g/L", "mg/L", "g/g", "U/L"]


def test_original_result_used_when_standard_missing():
    out = _convert([_lb("UPCR", None, None, orres="56.55", orresu="mg/mmol")])
    assert out["LBSTRESN"].iloc[0] == pytest.approx(0.5)
    assert out["LBSTRESU"].iloc[0] == "g/g"


def test_unknown_unit_is_an_error_naming_row():
    with pytest.raises(InputDataError, match=r"lb\.csv, row 3, column LBSTRESU: unknown unit for UPCR"):
        _convert([_lb("UPCR", 0.3, "g/g"), _lb("UPCR", 30, "mg/dL")])


def test_missing_value_with_unknown_unit_is_not_an_error():
    out = _convert([_lb("UPCR", None, "bogus")])
    assert out["LBSTRESN"].isna().all()


def test_temperature_fahrenheit():
    frame = pd.DataFrame({"USUBJID": ["S1"], "VSTESTCD": ["TEMP"], "VSSTRESN": [100.4], "VSSTRESU": ["F"]})
    out = convert_units(frame, testcd="VSTESTCD", value="VSSTRESN", unit="VSSTRESU", table=VS_UNITS,
                        domain="VS", file="vs.csv")
    assert out["VSSTRESN"].iloc[0] == pytest.approx(38.0)  # (100.4 - 32) x 5/9
