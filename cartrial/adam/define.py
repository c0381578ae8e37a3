"""Define-XML v2.1 for the ADaM datasets of one analysis (CDISC Define-XML Specification v2.1).

What it describes: each dataset exported as SAS transport (``<name>.xpt``, ``def:leaf``) with its label,
class, structure, keys and variables; each variable with its name, label, data type and length, and its
origin: ``Predecessor`` (copied from the SDTM domain it comes from, e.g. ``AE.AETERM``) or ``Derived``.
Dates are numeric SAS dates in the XPT files (``integer`` with display format DATE9.). The document is
dated with the run's report date, so the same inputs give the same bytes, and it validates against the
Define-XML 2.1 schema (``tests/adam/test_define.py``).
"""
from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd

from cartrial.adam.datasetjson import KEYS
from cartrial.adam.xpt import DATASET_LABELS, LABELS, text_length
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


def _item_type(col: pd.Series) -> tuple[str, int | None, str | None]:
    """(Define-XML DataType, Length, display format) of a variable as the XPT file stores it."""
    if pd.api.types.is_datetime64_any_dtype(col):
        return "integer", 8, "DATE9."
    if pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col):
        values = col.dropna().astype("float64")
        whole = bool(len(values)) and bool((values == values.round()).all())
        return ("integer" if whole else "float"), 8, None
    return "text", text_length(col), None


def describe_dataset(frame: pd.DataFrame) -> list[tuple[str, str, int | None, str | None]]:
    """(name, DataType, Length, display format) of each variable: all Define-XML needs of the data, so a
    large dataset can be read, described and released one at a time."""
    return [(str(var), *_item_type(frame[var])) for var in frame.columns]


def build_define(datasets: dict[str, pd.DataFrame | list], *, study: str, description: str,
                 created: dt.datetime) -> ET.ElementTree:
    """The Define-XML 2.1 document of ``datasets`` (name -> frame or :func:`describe_dataset` of it, in the
    order given)."""
    described = {name: d if isinstance(d, list) else describe_dataset(d) for name, d in datasets.items()}
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
    items = []
    for name, variables in described.items():
        ds = name.upper()
        cls, structure = CLASSES.get(ds, DEFAULT_CLASS)
        group = ET.SubElement(mdv, _q(ODM, "ItemGroupDef"), {
            "OID": f"IG.{ds}", "Name": ds, "Repeating": "No" if ds == "ADSL" else "Yes",
            "IsReferenceData": "No", "SASDatasetName": ds, "Purpose": "Analysis",
            _q(DEF, "Structure"): structure, _q(DEF, "StandardOID"): "STD.ADAMIG.1.3",
            _q(DEF, "ArchiveLocationID"): f"LF.{ds}"})
        _text(group, "Description", DATASET_LABELS.get(ds, ds))
        keys = KEYS.get(ds, [])
        for order, (var, dtype, length, display) in enumerate(variables, start=1):
            ref = {"ItemOID": f"IT.{ds}.{var}", "Mandatory": "Yes" if var in ("STUDYID", "USUBJID") else "No",
                   "OrderNumber": str(order)}
            if var in keys:
                ref["KeySequence"] = str(keys.index(var) + 1)
            ET.SubElement(group, _q(ODM, "ItemRef"), ref)
            items.append((ds, var, dtype, length, display))
        ET.SubElement(group, _q(DEF, "Class"), {"Name": cls})
        leaf = ET.SubElement(group, _q(DEF, "leaf"), {"ID": f"LF.{ds}", _q(XLINK, "href"): f"{name.lower()}.xpt"})
        ET.SubElement(leaf, _q(DEF, "title")).text = f"{name.lower()}.xpt"
    for ds, var, dtype, length, display in items:
        attrs = {"OID": f"IT.{ds}.{var}", "Name": var, "SASFieldName": var, "DataType": dtype}
        if length:
            attrs["Length"] = str(length)
        if display:
            attrs[_q(DEF, "DisplayFormat")] = display
        item = ET.SubElement(mdv, _q(ODM, "ItemDef"), attrs)
        _text(item, "Description", LABELS.get(var, var))
        domain = SOURCE_DOMAIN.get(ds)
        copied = domain is not None and DOMAINS[domain].column(var) is not None and var != "STUDYID"
        origin = ET.SubElement(item, _q(DEF, "Origin"), {"Type": "Predecessor" if copied else "Derived"})
        if copied:
            _text(origin, "Description", f"{domain}.{var}")
    return ET.ElementTree(root)


def write_define(datasets: dict[str, pd.DataFrame | list], path: str | Path, *, study: str, description: str,
                 created: dt.datetime) -> None:
    """Write ``define.xml`` (UTF-8, indented, deterministic bytes)."""
    tree = build_define(datasets, study=study, description=description, created=created)
    ET.indent(tree, space=" ")
    tree.write(path, encoding="UTF-8", xml_declaration=True)
