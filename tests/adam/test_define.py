"""Define-XML 2.1 of the ADaM datasets: valid against the Define-XML 2.1 schema (shipped in odmlib), with
the datasets, variables, keys, types and origins the data have."""
import datetime as dt
import os
import xml.etree.ElementTree as ET

import odmlib
import pandas as pd
import xmlschema

from cartrial.adam.define import DEF, ODM, write_define

XSD = os.path.join(os.path.dirname(odmlib.__file__), "schemas", "define", "2.1", "define2-1-0.xsd")
NS = {"odm": ODM, "def": DEF}


def test_define_is_valid_and_describes_the_data(tmp_path):
    adsl = pd.DataFrame({"STUDYID": ["S"], "USUBJID": ["S-1"], "AGE": [34.0], "TRTSDT": pd.to_datetime(["2024-06-06"])})
    adae = pd.DataFrame({"STUDYID": ["S"] * 2, "USUBJID": ["S-1"] * 2, "AESEQ": [1.0, 2.0],
                         "AETERM": ["Fièvre", "Headache"], "ATOXGRN": [1.5, 2.0]})
    path = tmp_path / "define.xml"
    write_define({"adsl": adsl, "adae": adae}, path, study="S", description="A study",
                 created=dt.datetime(2026, 3, 31, tzinfo=dt.timezone.utc))
    xmlschema.XMLSchema(XSD).validate(str(path))
    root = ET.parse(path).getroot()
    groups = root.findall(".//odm:ItemGroupDef", NS)
    assert [g.get("Name") for g in groups] == ["ADSL", "ADAE"]
    assert groups[0].find("def:Class", NS).get("Name") == "SUBJECT LEVEL ANALYSIS DATASET"
    assert groups[1].find("def:leaf", NS).get("{http://www.w3.org/1999/xlink}href") == "adae.xpt"
    keys = {r.get("ItemOID"): r.get("KeySequence") for r in groups[1].findall("odm:ItemRef", NS)}
    assert keys["IT.ADAE.USUBJID"] == "1" and keys["IT.ADAE.AESEQ"] == "2" and keys["IT.ADAE.AETERM"] is None
    items = {i.get("OID"): i for i in root.findall(".//odm:ItemDef", NS)}
    term = items["IT.ADAE.AETERM"]
    assert (term.get("DataType"), term.get("Length")) == ("text", "8")  # 'Headache'; 'Fièvre' is 7 bytes
    assert term.find("def:Origin", NS).get("Type") == "Predecessor"
    assert items["IT.ADAE.ATOXGRN"].get("DataType") == "float" and items["IT.ADAE.AESEQ"].get("DataType") == "integer"
    assert items["IT.ADAE.ATOXGRN"].find("def:Origin", NS).get("Type") == "Derived"
    date = items["IT.ADSL.TRTSDT"]
    assert (date.get("DataType"), date.get(f"{{{DEF}}}DisplayFormat")) == ("integer", "DATE9.")


def test_schema_rejects_a_broken_define(tmp_path):
    """The schema check can fail: a dataset without its structure is not valid Define-XML 2.1."""
    path = tmp_path / "define.xml"
    write_define({"adsl": pd.DataFrame({"USUBJID": ["S-1"]})}, path, study="S", description="",
                 created=dt.datetime(2026, 3, 31, tzinfo=dt.timezone.utc))
    broken = path.read_text(encoding="utf-8").replace(' def:Structure="One record per subject"', "")
    assert not xmlschema.XMLSchema(XSD).is_valid(broken)
