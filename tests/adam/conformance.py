"""The variables each ADaM dataset must hold (ADaMIG v1.3; admiral's conventions), and a check of one
analysis's ADaM folder against them: the XPT files (what a reviewer opens), their define.xml (valid against
the Define-XML 2.1 schema, describing every dataset and variable) and the Dataset-JSON files (valid against
the vendored 1.1 schema)."""
from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import odmlib
import pyreadstat

BDS = ("STUDYID", "USUBJID", "TRTP", "TRTA", "PARAMCD", "PARAM", "PARAMN", "AVAL")
REQUIRED = {
    "ADSL": ("STUDYID", "USUBJID", "SUBJID", "SITEID", "AGE", "SEX", "RACE", "ARM", "TRT01P", "TRT01A", "TRTSDT",
             "TRTEDT", "SAFFL", "EFFFL", "ENRLFL", "RESCDT", "MONEVLFL"),
    "ADQS": BDS + ("ADT", "ADY", "AVISIT", "AVISITN", "ABLFL", "BASE", "CHG", "PCHG", "ANL01FL", "SRCDOM",
                   "SRCVAR", "SRCSEQ"),
    "ADRS": BDS + ("AVALC", "ADT", "ADY", "AVISIT", "AVISITN", "DTYPE"),
    "ADLB": BDS + ("PARCAT1", "AVALU", "ADT", "ADY", "AVISIT", "AVISITN", "ABLFL", "BASE", "CHG", "PCHG", "ANRLO",
                   "ANRHI", "ANRIND", "BNRIND", "ATOXGR", "ATOXGRN", "BTOXGR", "BTOXGRN", "SRCDOM", "SRCVAR",
                   "SRCSEQ"),
    "ADVS": BDS + ("AVALU", "ADT", "ADY", "AVISIT", "AVISITN", "ABLFL", "BASE", "CHG", "PCHG", "ANRLO", "ANRHI",
                   "ANRIND", "BNRIND", "SRCDOM", "SRCVAR", "SRCSEQ"),
    "ADPC": BDS + ("PARCAT1", "AVALU", "ADT", "ADY", "AVISIT", "AVISITN", "ATPT", "ATPTN", "AFRLT", "ARELTM",
                   "NFRLT", "RRLTU", "BLQFL", "SRCDOM", "SRCVAR", "SRCSEQ"),
    "ADPP": BDS + ("PARCAT1", "AVALU", "PPSTINT", "PPENINT"),
    "ADCP": BDS + ("PARCAT1", "AVALU", "ADT", "ADY", "AVISIT", "AVISITN", "ABLFL", "BASE", "CHG", "ONTRTFL",
                   "SRCDOM", "SRCVAR", "SRCSEQ"),
    "ADTTE": BDS + ("PARCAT1", "STARTDT", "ADT", "CNSR", "EVNTDESC", "CNSDTDSC"),
    "ADAE": ("STUDYID", "USUBJID", "TRTA", "AESEQ", "AETERM", "AEDECOD", "AEBODSYS", "ASTDT", "ASTDTF", "AENDT",
             "ATOXGRN", "TRTEMFL", "SRCDOM", "SRCVAR", "SRCSEQ"),
    "ADCM": ("STUDYID", "USUBJID", "TRTA", "CMSEQ", "CMTRT", "CMDECOD", "ASTDT", "AENDT", "CRSTHFL", "RESCFL",
             "GCFL", "PREDEQ", "SRCDOM", "SRCVAR", "SRCSEQ"),
}
#: the CDISC PK parameter terms ADPP must use (docs/spec/endpoints.md, Cellular kinetics)
PK_TERMS = {"CMAX", "TMAX", "TLST", "AUCINT", "LAMZ", "LAMZHL", "R2ADJ", "LAMZNPT"}
XSD = os.path.join(os.path.dirname(odmlib.__file__), "schemas", "define", "2.1", "define2-1-0.xsd")
JSON_SCHEMA = Path(__file__).resolve().parents[1] / "reference" / "dataset-json-1.1.schema.json"
NS = {"odm": "http://www.cdisc.org/ns/odm/v1.3", "def": "http://www.cdisc.org/ns/def/v2.1"}


def check_adam_folder(folder: Path) -> list[str]:
    """Every breach of the ADaM package in ``folder`` (empty when it conforms)."""
    import jsonschema
    import xmlschema

    problems = []
    define = folder / "define.xml"
    xmlschema.XMLSchema(XSD).validate(str(define))
    root = ET.parse(define).getroot()
    described = {g.get("Name"): {r.get("ItemOID").split(".", 2)[2] for r in g.findall("odm:ItemRef", NS)}
                 for g in root.findall(".//odm:ItemGroupDef", NS)}
    schema = json.loads(JSON_SCHEMA.read_text())
    for name, required in REQUIRED.items():
        xpt = folder / f"{name.lower()}.xpt"
        if not xpt.exists():
            problems.append(f"{name}: no XPT file")
            continue
        frame, meta = pyreadstat.read_xport(str(xpt))
        if not meta.file_label:
            problems.append(f"{name}: XPT has no dataset label")
        missing = [v for v in required if v not in frame.columns]
        if missing:
            problems.append(f"{name}: missing {', '.join(missing)}")
        unlabelled = [v for v, label in meta.column_names_to_labels.items() if not label or label == v]
        if unlabelled:
            problems.append(f"{name}: no label for {', '.join(unlabelled)}")
        if set(frame.columns) != described.get(name, set()):
            problems.append(f"{name}: define.xml does not describe exactly the XPT's variables")
        document = json.loads((folder / f"{name.lower()}.json").read_text())
        jsonschema.validate(document, schema)
        if document["records"] != len(frame):
            problems.append(f"{name}: Dataset-JSON has {document['records']} records, XPT {len(frame)}")
        if name == "ADPP" and len(frame) and not PK_TERMS <= set(frame["PARAMCD"]):
            problems.append(f"ADPP: PARAMCD lacks {sorted(PK_TERMS - set(frame['PARAMCD']))}")
    return problems
