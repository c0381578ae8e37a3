"""Define-XML 2.1 of the ADaM datasets: valid against the Define-XML 2.1 schema (shipped in odmlib), with
the datasets, variables, keys, types and origins the data have."""
import datetime as dt
import os
import xml.etree.ElementTree as ET

import odmlib
import pandas as pd
import xmlschema

from cartrial.adam.define import DEF, ODM, write_define
from cartrial.adam.methods import derivation_methods

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


def test_codelists_value_level_metadata_and_methods_shared_with_the_report(tmp_path):
    from cartrial.endpoints.rules import EndpointRules
    from cartrial.report.methods import describe_methods

    adlb = pd.DataFrame({"STUDYID": "S", "USUBJID": ["S-1", "S-1", "S-2"], "PARAMCD": ["NEUT", "CREAT", "NEUT"],
                         "PARAM": ["Neutrophils (10^9/L)", "Creatinine (mg/dL)", "Neutrophils (10^9/L)"],
                         "AVAL": [1.5, 60.0, 0.4], "ABLFL": ["Y", "Y", ""], "ANRIND": ["LOW", "NORMAL", "LOW"]})
    adae = pd.DataFrame({"STUDYID": ["S"], "USUBJID": ["S-1"], "AESEQ": [1.0], "ASTDT": pd.to_datetime(["2024-06-06"]),
                         "TRTEMFL": ["Y"]})
    kinetics = {"auc_interval_days": 21, "auc_end_tolerance_days": 1}
    methods = derivation_methods(kinetics)
    path = tmp_path / "define.xml"
    write_define({"adlb": adlb, "adae": adae}, path, study="S", description="", methods=methods,
                  created=dt.datetime(2026, 3, 31, tzinfo=dt.timezone.utc))
    xmlschema.XMLSchema(XSD).validate(str(path))
    root = ET.parse(path).getroot()
    # PARAMCD code list decoded by PARAM; flags and indicators enumerate the values present
    cl = {c.get("OID"): c for c in root.findall(".//odm:CodeList", NS)}
    decoded = {i.get("CodedValue"): i.find("odm:Decode/odm:TranslatedText", NS).text
               for i in cl["CL.ADLB.PARAMCD"].findall("odm:CodeListItem", NS)}
    assert decoded == {"CREAT": "Creatinine (mg/dL)", "NEUT": "Neutrophils (10^9/L)"}
    assert [i.get("CodedValue") for i in cl["CL.ADLB.ANRIND"]] == ["LOW", "NORMAL"]
    assert [i.get("CodedValue") for i in cl["CL.ADLB.ABLFL"]] == ["Y"]
    # AVAL described per parameter, each with its where clause and type (creatinine 60 is whole)
    refs = root.findall(".//def:ValueListDef[@OID='VL.ADLB.AVAL']/odm:ItemRef", NS)
    assert [r.get("ItemOID") for r in refs] == ["IT.ADLB.AVAL.CREAT", "IT.ADLB.AVAL.NEUT"]
    items = {i.get("OID"): i for i in root.findall(".//odm:ItemDef", NS)}
    assert (items["IT.ADLB.AVAL.CREAT"].get("DataType"), items["IT.ADLB.AVAL.NEUT"].get("DataType")) == ("integer", "float")
    check = root.find(".//def:WhereClauseDef[@OID='WC.ADLB.PARAMCD.NEUT']/odm:RangeCheck", NS)
    assert (check.get(f"{{{DEF}}}ItemOID"), check.find("odm:CheckValue", NS).text) == ("IT.ADLB.PARAMCD", "NEUT")
    # methods: referenced from the variables they derive, and word for word the report's methods appendix
    adae_refs = {r.get("ItemOID"): r.get("MethodOID") for r in root.findall(".//odm:ItemGroupDef[@Name='ADAE']/odm:ItemRef", NS)}
    assert adae_refs["IT.ADAE.ASTDT"] == "MT.AESTDT" and adae_refs["IT.ADAE.TRTEMFL"] == "MT.TRTEMFL"
    defined = {m.get("OID"): m.find("odm:Description/odm:TranslatedText", NS).text
               for m in root.findall(".//odm:MethodDef", NS)}
    assert set(defined) == {"MT.AESTDT", "MT.TRTEMFL", "MT.BASELINE", "MT.ANRIND"}
    appendix = [item for section in describe_methods(
        {"sledai_version": "SLEDAI-2K"}, {"cut": "2026-01-01", "type": "final"},
        EndpointRules.from_config({}), kinetics=kinetics) for item in section["items"]]
    assert all(text in appendix for text in defined.values())
    assert any("to 21 elapsed days" in text for text in appendix)
