"""CSV exports neutralise text a spreadsheet would run as a formula (OWASP CSV injection); numbers stay."""
import pandas as pd

from cartrial.csvsafe import neutralise, write_csv


def test_formula_text_is_neutralised_and_numbers_are_not(tmp_path):
    frame = pd.DataFrame({"term": ["=HYPERLINK(\"http://x\",\"y\")", "@SUM(A1)", "+1+2", "-2+3", "\tx", "\rx", "-",
                                   "Nausea", "-1.5", None],
                          "value": [-1.5, 2, 3, 4, 5, 6, 7, 8, 9, 10]})
    out = neutralise(frame)
    assert out["term"].tolist()[:6] == ["'=HYPERLINK(\"http://x\",\"y\")", "'@SUM(A1)", "'+1+2", "'-2+3", "'\tx",
                                        "'\rx"]
    assert out["term"].tolist()[6:9] == ["-", "Nausea", "-1.5"] and pd.isna(out["term"].iloc[9])
    assert out["value"].tolist() == frame["value"].tolist()
    write_csv(frame, tmp_path / "t.csv")
    back = pd.read_csv(tmp_path / "t.csv", dtype=str, keep_default_na=False)
    assert not back["term"].str.match(r"^[=+@\t\r]").any()
    assert not back["term"].str.match(r"^-[^0-9.]").any()
    assert back["value"].iloc[0] == "-1.5"


def test_frame_without_risky_text_is_not_copied():
    frame = pd.DataFrame({"a": ["x", "y"]})
    assert neutralise(frame) is frame


def test_every_csv_export_goes_through_write_csv():
    """No job or library module writes CSV around the neutralisation (simulated raw data aside)."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    direct = [str(p.relative_to(root)) for d in ("cartrial", "scripts") for p in (root / d).rglob("*.py")
              if ".to_csv(" in p.read_text() and p.name not in ("csvsafe.py", "simulate.py")]
    assert direct == []
