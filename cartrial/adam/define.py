"""Define-XML v2.1 for the ADaM datasets of one analysis (CDISC Define-XML Specification v2.1).

What it describes: each dataset exported as SAS transport (``<name>.xpt``, ``def:leaf``) with its label,
class, structure, keys and variables; each variable with its name, label, data type and length, and its
origin: ``Predecessor`` (copied from the SDTM domain it comes from, e.g. ``AE.AETERM``) or ``Derived``; code
lists of PARAMCD (decoded by PARAM), the flags and the other coded variables, as the data hold them;
value-level metadata of AVAL per PARAMCD in each BDS dataset; and the derivation methods, whose texts are
the report's methods appendix (:mod:`cartrial.adam.methods`).
Dates are numeric SAS dates in the XPT files (``integer`` with display format DATE9.). The document is
dated with the run's report date, so the same inputs give the same bytes, and it validates against the
Define-XML 2.1 schema (``tests/adam/test_define.py``).
"""
from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pandas as pd

from cartrial.adam.datasetjson import KEYS
from cartrial.adam.methods import Method, derivation_methods
from cartrial.adam.xpt import DATASET_LABELS, LABELS, distinct_texts, utf8_length
from cartrial.distinct import distinct_codes
from cartrial.sdtm.contract import DOMAINS

ODM = "http://www.cdisc.org/ns/odm/v1.3"
DEF = "http://www.cdisc.org/ns/def/v2.1"
XLINK = "http://www.w3.org/1999/xlink"
XML = "http://www.w3.org/XML/1998/namespace"
for _prefix, _uri in (("", ODM), ("def", DEF), ("xlink", XLINK)):
    ET.register_namespace(_prefix, _uri)

#: ADaM class and structure of each dataset (ADaMIG v1.3 section 1.6; OCCDS v1.1)
CLASSES = {
    "ADSL": ("SUBJECT LEVEL ANALYSIS DATASET", "One record per subject"),
    "ADAE": ("OCCURRENCE DATA STRUCTURE", "One record per adverse event record"),
    "ADCM": ("OCCURRENCE DATA STRUCTURE", "One record per concomitant medication record"),
    "ADTTE": ("BASIC DATA STRUCTURE", "One record per subject per parameter"),
    "ADPP": ("BASIC DATA STRUCTURE", "One record per subject per assay per parameter"),
}
DEFAULT_CLASS = ("BASIC DATA STRUCTURE", "One record per subject per parameter per analysis timepoint")
#: the SDTM domain a dataset's copied variables come from
SOURCE_DOMAIN = {"ADSL": "DM", "ADAE": "AE", "ADCM": "CM", "ADLB": "LB", "ADPC": "PC"}


def _q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    el = ET.SubElement(parent, _q(ODM, tag))
    tt = ET.SubElement(el, _q(ODM, "TranslatedText"))
    tt.set(_q(XML, "lang"), "en")
    tt.text = text
    return el


def _is_number(col: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col)


def _item_type(col: pd.Series, texts: list[str] | None = None) -> tuple[str, int | None, str | None]:
    """(Define-XML DataType, Length, display format) of a variable as the XPT file stores it; ``texts``: a
    text variable's distinct values, when the caller has them."""
    if pd.api.types.is_datetime64_any_dtype(col):
        return "integer", 8, "DATE9."
    if _is_number(col):
        values = col.dropna().astype("float64")
        whole = bool(len(values)) and bool((values == values.round()).all())
        return ("integer" if whole else "float"), 8, None
    return "text", utf8_length(distinct_texts(col) if texts is None else texts), None


#: text variables with a closed list of values in the data: described by a code list of those values
CODED = ("SEX", "RACE", "ETHNIC", "AGEU", "DTYPE", "PARCAT1", "SRCDOM", "SRCVAR", "ANRIND", "BNRIND", "ATOXGR",
         "BTOXGR", "SYNDROME", "RRLTU", "AGEGR1", "EOSSTT")
MAX_CODES = 60


def _coded(var: str) -> bool:
    return var in CODED or var.endswith("FL")


def _parameters(frame: pd.DataFrame) -> list[tuple[str, str, str]]:
    """(PARAMCD, PARAM, DataType of AVAL) of each parameter of a BDS dataset, in PARAMCD order: PARAM is the
    parameter's first non-missing one (else its code); AVAL is integer when its values for the parameter
    are all whole (and there is one), float otherwise, text when AVAL is text."""
    codes, uniques = distinct_codes(frame["PARAMCD"])
    named = frame["PARAM"] if "PARAM" in frame else frame["PARAMCD"]
    has_name = (codes >= 0) & named.notna().to_numpy()
    first = np.full(len(uniques), -1)
    at = np.flatnonzero(has_name)[::-1]  # the first record of each code wins: written last
    first[codes[at]] = at
    aval = frame["AVAL"]
    if pd.api.types.is_numeric_dtype(aval) or pd.api.types.is_bool_dtype(aval):
        values = aval.to_numpy(dtype="float64", na_value=np.nan)
        present = (codes >= 0) & ~np.isnan(values)
        counted = np.bincount(codes[present], minlength=len(uniques))
        fractional = np.bincount(codes[present & (values != np.round(values))], minlength=len(uniques))
        kinds = np.where((counted > 0) & (fractional == 0), "integer", "float")
    else:
        kinds = np.full(len(uniques), "text")
    return [(str(uniques[k]), str(named.iloc[first[k]]) if first[k] >= 0 else str(uniques[k]), str(kinds[k]))
            for k in sorted(range(len(uniques)), key=lambda k: uniques[k])]


def describe_dataset(frame: pd.DataFrame) -> dict:
    """All Define-XML needs of a dataset, so a large one can be read, described and released one at a time:
    ``variables`` (name, DataType, Length, display format), ``parameters`` (PARAMCD, PARAM, DataType of
    AVAL for that parameter) of a BDS dataset, and ``codes`` (variable -> its sorted values) of the coded
    variables."""
    return described(((var, frame[var]) for var in frame.columns),
                     frame if {"PARAMCD", "AVAL"} <= set(frame.columns) else None)


def described(columns, parameters: pd.DataFrame | None) -> dict:
    """:func:`describe_dataset` from each variable's whole column (``columns``: (name, column), in order) and,
    for a BDS dataset, a frame of its PARAMCD, PARAM and AVAL (None otherwise): a large dataset is described
    holding one column at a time (:func:`describe_variable`, :func:`description`)."""
    return description([describe_variable(var, col) for var, col in columns], parameters)


def describe_variable(var, col: pd.Series, distinct: list[str] | None = None) -> tuple[tuple, list[str] | None]:
    """A variable's (name, DataType, Length, display format) and, for a coded variable, its sorted values
    (None when it has none or more than MAX_CODES). ``distinct``: a text variable's distinct texts, when the
    caller has them."""
    # the distinct values of a text variable (for its length) and of a coded variable, found once
    texts = (distinct if distinct is not None else distinct_texts(col)) if not _is_number(col) and (
        _coded(str(var)) or not pd.api.types.is_datetime64_any_dtype(col)) else None
    values = sorted({text for text in texts if text != ""}) if texts is not None and _coded(str(var)) else []
    return (str(var), *_item_type(col, texts)), (values if 0 < len(values) <= MAX_CODES else None)


def description(variables: list[tuple[tuple, list[str] | None]], parameters: pd.DataFrame | None) -> dict:
    """:func:`describe_dataset`'s dict from the :func:`describe_variable` of each variable, in order."""
    return {"variables": [v for v, _ in variables],
            "parameters": _parameters(parameters) if parameters is not None and len(parameters) else [],
            "codes": {v[0]: codes for v, codes in variables if codes is not None}}


def build_define(datasets: dict[str, pd.DataFrame | dict], *, study: str, description: str,
                 created: dt.datetime, methods: list[Method] | None = None) -> ET.ElementTree:
    """The Define-XML 2.1 document of ``datasets`` (name -> frame or :func:`describe_dataset` of it, in the
    order given): datasets, variables, code lists, value-level metadata of AVAL per PARAMCD, and the
    derivation methods (``methods``, default :func:`cartrial.adam.methods.derivation_methods`)."""
    described = {name: d if isinstance(d, dict) else describe_dataset(d) for name, d in datasets.items()}
    methods = derivation_methods() if methods is None else methods
    stamp = created.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    root = ET.Element(_q(ODM, "ODM"), {
        "ODMVersion": "1.3.2", "FileType": "Snapshot", "FileOID": f"www.cartrial.org/{study}/define",
        "CreationDateTime": stamp, "Originator": "cartrial", "SourceSystem": "cartrial",
        _q(DEF, "Context"): "Submission"})
    study_el = ET.SubElement(root, _q(ODM, "Study"), {"OID": study})
    glob = ET.SubElement(study_el, _q(ODM, "GlobalVariables"))
    for tag, value in (("StudyName", study), ("StudyDescription", description or study), ("ProtocolName", study)):
        ET.SubElement(glob, _q(ODM, tag)).text = value
    mdv = ET.SubElement(study_el, _q(ODM, "MetaDataVersion"), {
        "OID": f"MDV.{study}.ADaM", "Name": f"{study} ADaM", "Description": "Analysis datasets",
        _q(DEF, "DefineVersion"): "2.1.0"})
    standards = ET.SubElement(mdv, _q(DEF, "Standards"))
    ET.SubElement(standards, _q(DEF, "Standard"), {"OID": "STD.ADAMIG.1.3", "Name": "ADaMIG", "Type": "IG",
                                                   "Version": "1.3", "Status": "Final"})
    used: dict[str, Method] = {}

    def method_of(ds: str, var: str) -> str | None:
        for m in methods:
            if m.derives(ds, var):
                used[m.oid] = m
                return m.oid
        return None

    # value-level metadata: AVAL of each BDS dataset, one entry per PARAMCD
    for name, meta in described.items():
        ds = name.upper()
        if not meta["parameters"]:
            continue
        vl = ET.SubElement(mdv, _q(DEF, "ValueListDef"), {"OID": f"VL.{ds}.AVAL"})
        for order, (code, _, _) in enumerate(meta["parameters"], start=1):
            ref = {"ItemOID": f"IT.{ds}.AVAL.{code}", "Mandatory": "No", "OrderNumber": str(order)}
            if (oid := method_of(ds, "AVAL")) is not None:
                ref["MethodOID"] = oid
            item_ref = ET.SubElement(vl, _q(ODM, "ItemRef"), ref)
            ET.SubElement(item_ref, _q(DEF, "WhereClauseRef"), {"WhereClauseOID": f"WC.{ds}.PARAMCD.{code}"})
    for name, meta in described.items():
        ds = name.upper()
        for code, _, _ in meta["parameters"]:
            wc = ET.SubElement(mdv, _q(DEF, "WhereClauseDef"), {"OID": f"WC.{ds}.PARAMCD.{code}"})
            check = ET.SubElement(wc, _q(ODM, "RangeCheck"), {"Comparator": "EQ", "SoftHard": "Soft",
                                                               _q(DEF, "ItemOID"): f"IT.{ds}.PARAMCD"})
            ET.SubElement(check, _q(ODM, "CheckValue")).text = code
    items = []
    for name, meta in described.items():
        ds = name.upper()
        cls, structure = CLASSES.get(ds, DEFAULT_CLASS)
        group = ET.SubElement(mdv, _q(ODM, "ItemGroupDef"), {
            "OID": f"IG.{ds}", "Name": ds, "Repeating": "No" if ds == "ADSL" else "Yes",
            "IsReferenceData": "No", "SASDatasetName": ds, "Purpose": "Analysis",
            _q(DEF, "Structure"): structure, _q(DEF, "StandardOID"): "STD.ADAMIG.1.3",
            _q(DEF, "ArchiveLocationID"): f"LF.{ds}"})
        _text(group, "Description", DATASET_LABELS.get(ds, ds))
        keys = KEYS.get(ds, [])
        for order, (var, dtype, length, display) in enumerate(meta["variables"], start=1):
            ref = {"ItemOID": f"IT.{ds}.{var}", "Mandatory": "Yes" if var in ("STUDYID", "USUBJID") else "No",
                   "OrderNumber": str(order)}
            if var in keys:
                ref["KeySequence"] = str(keys.index(var) + 1)
            if var != "AVAL" or not meta["parameters"]:
                if (oid := method_of(ds, var)) is not None:
                    ref["MethodOID"] = oid
            ET.SubElement(group, _q(ODM, "ItemRef"), ref)
            items.append((ds, var, dtype, length, display, meta))
        ET.SubElement(group, _q(DEF, "Class"), {"Name": cls})
        leaf = ET.SubElement(group, _q(DEF, "leaf"), {"ID": f"LF.{ds}", _q(XLINK, "href"): f"{name.lower()}.xpt"})
        ET.SubElement(leaf, _q(DEF, "title")).text = f"{name.lower()}.xpt"
    codelists = []
    for ds, var, dtype, length, display, meta in items:
        attrs = {"OID": f"IT.{ds}.{var}", "Name": var, "SASFieldName": var, "DataType": dtype}
        if length:
            attrs["Length"] = str(length)
        if display:
            attrs[_q(DEF, "DisplayFormat")] = display
        item = ET.SubElement(mdv, _q(ODM, "ItemDef"), attrs)
        _text(item, "Description", LABELS.get(var, var))
        coded = var == "PARAMCD" and meta["parameters"] or var in meta["codes"]
        if coded:
            ET.SubElement(item, _q(ODM, "CodeListRef"), {"CodeListOID": f"CL.{ds}.{var}"})
            codelists.append((ds, var, dtype, meta))
        domain = SOURCE_DOMAIN.get(ds)
        copied = domain is not None and DOMAINS[domain].column(var) is not None and var != "STUDYID"
        origin = ET.SubElement(item, _q(DEF, "Origin"), {"Type": "Predecessor" if copied else "Derived"})
        if copied:
            _text(origin, "Description", f"{domain}.{var}")
        if var == "AVAL" and meta["parameters"]:
            ET.SubElement(item, _q(DEF, "ValueListRef"), {"ValueListOID": f"VL.{ds}.AVAL"})
    for ds, var, dtype, length, display, meta in items:
        if var != "AVAL" or not meta["parameters"]:
            continue
        for code, param, value_type in meta["parameters"]:
            item = ET.SubElement(mdv, _q(ODM, "ItemDef"), {"OID": f"IT.{ds}.AVAL.{code}", "Name": "AVAL",
                                                            "SASFieldName": "AVAL", "DataType": value_type,
                                                            "Length": "8"})
            _text(item, "Description", param)
            ET.SubElement(item, _q(DEF, "Origin"), {"Type": "Derived" if ds != "ADLB" else "Predecessor"})
    for ds, var, dtype, meta in codelists:
        cl = ET.SubElement(mdv, _q(ODM, "CodeList"), {"OID": f"CL.{ds}.{var}", "Name": f"{ds} {var}",
                                                       "DataType": "text"})
        if var == "PARAMCD":
            for code, param, _ in meta["parameters"]:
                cli = ET.SubElement(cl, _q(ODM, "CodeListItem"), {"CodedValue": code})
                _text(cli, "Decode", param)
        else:
            for value in meta["codes"][var]:
                ET.SubElement(cl, _q(ODM, "EnumeratedItem"), {"CodedValue": value})
    for m in methods:
        if m.oid in used:
            md = ET.SubElement(mdv, _q(ODM, "MethodDef"), {"OID": m.oid, "Name": f"{m.heading}: {m.oid[3:]}",
                                                          "Type": "Computation"})
            _text(md, "Description", m.text)
    return ET.ElementTree(root)


def write_define(datasets: dict[str, pd.DataFrame | dict], path: str | Path, *, study: str, description: str,
                 created: dt.datetime, methods: list[Method] | None = None) -> None:
    """Write ``define.xml`` (UTF-8, indented, deterministic bytes)."""
    tree = build_define(datasets, study=study, description=description, created=created, methods=methods)
    ET.indent(tree, space=" ")
    tree.write(path, encoding="UTF-8", xml_declaration=True)
