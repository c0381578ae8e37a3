"""SAS transport (XPT) version 5 export of ADaM datasets with variable labels.

Version 5 limits: names of at most 8 characters, labels of at most 40,
character values of at most 200 bytes. A dataset that breaks them is an error
(nothing is truncated silently). Dates are written as SAS dates (DATE9.).

pyreadstat writes the headers (library, member, variable descriptors with labels and formats); the
observations are written here, column by column with numpy, because pyreadstat's writer goes through
the records one at a time in Python (30 s for a laboratory dataset of 2.3 million records). The bytes are
those pyreadstat writes (tested against it): numbers as 8-byte IBM hexadecimal floating point (the 53-bit
IEEE mantissa fits the 56-bit IBM fraction, so the conversion is exact), a missing number as SAS ``.``
(0x2E and seven zero bytes), text left-aligned and blank-padded to the variable's width, the last record
blank-padded to 80 bytes.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd

from cartrial.distinct import PAIR_RECORDS, distinct_codes, paired_codes

#: dataset labels (ADaMIG v1.3 naming; at most 40 characters for XPT v5)
DATASET_LABELS = {
    "ADSL": "Subject-Level Analysis Dataset", "ADQS": "Disease Activity Analysis Dataset",
    "ADRS": "Response Analysis Dataset", "ADTTE": "Time-to-Event Analysis Dataset",
    "ADAE": "Adverse Events Analysis Dataset", "ADLB": "Laboratory Analysis Dataset",
    "ADCM": "Concomitant Medications Analysis Dataset", "ADPC": "Pharmacokinetic Concentrations Analysis",
    "ADPP": "Pharmacokinetic Parameters Analysis", "ADVS": "Vital Signs Analysis Dataset",
    "ADCP": "Cell Phenotype Analysis Dataset",
}

LABELS = {
    "SRCDOM": "Source Data", "SRCVAR": "Source Variable", "SRCSEQ": "Source Sequence Number",
    "TRTA": "Actual Treatment", "CMSEQ": "Sequence Number", "CMTRT": "Reported Name of Drug, Med, or Therapy",
    "CMDECOD": "Standardized Medication Name", "CMCAT": "Category for Medication", "CMDOSE": "Dose per Administration",
    "CMDOSU": "Dose Units", "CMDOSFRQ": "Dosing Frequency per Interval", "CMROUTE": "Route of Administration",
    "CMSTDTC": "Start Date/Time of Medication", "CMENDTC": "End Date/Time of Medication",
    "PREFL": "Prior Medication Flag", "CRSTHFL": "CRS Therapy Flag", "RESCFL": "Rescue Therapy Flag",
    "GCFL": "Glucocorticoid Flag", "PREDEQ": "Prednisone-Equivalent Dose (mg/day)", "CMSPID": "Sponsor-Defined Identifier", "CMINDC": "Indication",
    "CMCLAS": "Medication Class", "VISITNUM": "Visit Number", "VISITDY": "Planned Study Day of Visit",
    "EPOCH": "Epoch", "CMDTC": "Date/Time of Collection", "CMDY": "Study Day of Collection",
    "CMSTDY": "Study Day of Start of Medication", "CMENDY": "Study Day of End of Medication",
    "CMDOSTXT": "Dose Description", "CMSTRF": "Start Relative to Reference Period",
    "CMENRF": "End Relative to Reference Period", "CMENRTPT": "End Relative to Reference Time Point",
    "CMENTPT": "End Reference Time Point", "CMOCCUR": "CM Occurrence", "CMPRESP": "CM Pre-Specified",
    "CMSTAT": "Completion Status", "CMREASND": "Reason Medication Not Collected", "CMDOSFRM": "Dose Form",
    "CMMODIFY": "Modified Reported Name", "CMDOSTOT": "Total Daily Dose", "CMSCAT": "Subcategory for Medication",
    "STUDYID": "Study Identifier", "USUBJID": "Unique Subject Identifier", "SUBJID": "Subject Identifier",
    "SITEID": "Study Site Identifier", "AGE": "Age", "AGEU": "Age Units", "AGEGR1": "Pooled Age Group 1",
    "AGEGR1N": "Pooled Age Group 1 (N)", "SEX": "Sex", "RACE": "Race", "ETHNIC": "Ethnicity", "COUNTRY": "Country",
    "ARMCD": "Planned Arm Code", "ARM": "Description of Arm", "ACTARMCD": "Actual Arm Code",
    "ACTARM": "Description of Actual Arm", "TRT01P": "Planned Treatment for Period 01",
    "TRT01A": "Actual Treatment for Period 01", "RFICDT": "Date of Informed Consent",
    "LDSTDT": "Date of First Lymphodepletion", "TRTSDT": "Date of CAR-T Infusion", "TRTEDT": "Date of Last CAR-T Exposure", "DOSE": "CAR-T Dose",
    "DOSEU": "CAR-T Dose Units", "SCRNFL": "Screen Failure Flag", "ENRLFL": "Enrolled Population Flag",
    "SAFFL": "Safety Population Flag", "EFFFL": "Efficacy Population Flag", "EOSSTT": "End of Study Status",
    "DCSREAS": "Reason for Discontinuation from Study", "EOSDT": "End of Study Date", "DTHFL": "Subject Death Flag",
    "DTHDT": "Date of Death", "LSTALVDT": "Date Last Known Alive", "FUPDUR": "Follow-up Duration (days)",
    "FUPMO": "Follow-up Duration (months)", "HEIGHTBL": "Baseline Height (cm)", "WEIGHTBL": "Baseline Weight (kg)",
    "BMIBL": "Baseline BMI (kg/m2)", "BSABL": "Baseline Body Surface Area (m2)", "DCUTDT": "Data Cut-off Date", "RESCDT": "Date of First Rescue Therapy",
    "MONEVLFL": "Evaluable for Toxicity Monitoring Flag",
    "PARAMCD": "Parameter Code", "PARAM": "Parameter", "AVISIT": "Analysis Visit", "AVISITN": "Analysis Visit (N)",
    "ADT": "Analysis Date", "ADY": "Analysis Relative Day", "AVAL": "Analysis Value", "AVALC": "Analysis Value (C)",
    "AVALU": "Analysis Value Unit", "BASE": "Baseline Value", "CHG": "Change from Baseline",
    "PCHG": "Percent Change from Baseline", "ABLFL": "Baseline Record Flag", "ANL01FL": "Analysis Flag 01",
    "DTYPE": "Derivation Type", "NRIREAS": "Reason for Non-Responder Imputation", "WINENDT": "Analysis Window End Date",
    "STARTDT": "Time-to-Event Origin Date", "CNSR": "Censor", "EVNTDESC": "Event or Censoring Description",
    "CNSDTDSC": "Censor Date Description", "SRCDOM": "Source Data", "AESEQ": "Sequence Number",
    "AETERM": "Reported Term for the Adverse Event", "AEDECOD": "Dictionary-Derived Term",
    "AEBODSYS": "Body System or Organ Class", "AESTDTC": "Start Date/Time of Adverse Event",
    "AEENDTC": "End Date/Time of Adverse Event", "ASTDT": "Analysis Start Date", "ASTDTF": "Analysis Start Date Imputation Flag",
    "AENDT": "Analysis End Date", "AENDTF": "Analysis End Date Imputation Flag", "ASTDY": "Analysis Start Relative Day",
    "AENDY": "Analysis End Relative Day", "ADURN": "Analysis Duration (N)", "AETOXGR": "Standard Toxicity Grade",
    "ATOXGRN": "Analysis Toxicity Grade (N)", "AESER": "Serious Event", "AEREL": "Causality",
    "RELFL": "Related Event Flag", "AEOUT": "Outcome of Adverse Event", "FATALFL": "Fatal Event Flag",
    "TRTEMFL": "Treatment Emergent Analysis Flag", "LDEMFL": "Lymphodepletion Period Flag",
    "AESIFL": "AE of Special Interest Flag", "INFFL": "Infection Flag", "SYNDROME": "CAR-T Syndrome",
    "PARCAT1": "Parameter Category 1 (Assay)", "PPREASND": "Reason Parameter Not Computed",
    "ATPT": "Analysis Timepoint", "ATPTN": "Analysis Timepoint (N)", "AFRLT": "Actual Rel Time from First Dose",
    "ARELTM": "Actual Relative Time", "NFRLT": "Nom. Rel. Time from Analyte First Dose",
    "RRLTU": "Relative Time Units", "PARAMN": "Parameter (N)", "PPSTINT": "Planned Start of Assessment Interval",
    "PPENINT": "Planned End of Assessment Interval", "TRTP": "Planned Treatment", "BLQFL": "Below LLOQ Flag", "LLOQ": "Lower Limit of Quantitation",
    "PREDOSFL": "Pre-dose Flag", "VISIT": "Visit Name", "ANRLO": "Analysis Normal Range Lower Limit",
    "ANRHI": "Analysis Normal Range Upper Limit", "ANRIND": "Analysis Reference Range Indicator",
    "BNRIND": "Baseline Reference Range Indicator", "ATOXGR": "Analysis Toxicity Grade",
    "BTOXGR": "Baseline Toxicity Grade", "BTOXGRN": "Baseline Toxicity Grade (N)",
    "ONTRTFL": "On Treatment Record Flag", "ICAHTGR": "Early ICAHT Grade", "ANCLODUR": "Days with ANC <= 0.5",
    "AGVHSKIN": "Acute GVHD Skin Stage (MAGIC)", "AGVHLIVR": "Acute GVHD Liver Stage (MAGIC)",
    "AGVHUGI": "Acute GVHD Upper GI Stage (MAGIC)", "AGVHLGI": "Acute GVHD Lower GI Stage (MAGIC)",
    "AGVHGR": "Acute GVHD Overall Grade (MAGIC)", "CGVHSEV": "Chronic GVHD Global Severity (NIH)",
    "PARCAT2": "Parameter Category 2", "CPSBMRKS": "Sublineage Marker String",
    "CPCSMRKS": "Cell State Marker String", "CPCELSTA": "Cell State",
    "PC30FL": "Grade >= 3 Cytopenia on/after Day 30", "PC90FL": "Grade >= 3 Cytopenia on/after Day 90",
}
for _i in range(1, 7):
    LABELS[f"CRIT{_i}"] = f"Analysis Criterion {_i}"
    LABELS[f"CRIT{_i}FL"] = f"Criterion {_i} Evaluation Result Flag"


def _is_text(col: pd.Series) -> bool:
    return col.dtype == object or isinstance(col.dtype, (pd.CategoricalDtype, pd.StringDtype))


def distinct_texts(col: pd.Series) -> list[str]:
    """The distinct non-missing values of a column as text (each converted once; categories that occur,
    for a column read dictionary-encoded)."""
    return [str(v) for v in distinct_codes(col)[1]]


def utf8_length(texts) -> int:
    """The longest of ``texts`` in UTF-8 bytes, at least 1: the length of a text variable in Define-XML and
    Dataset-JSON."""
    return max([len(t.encode("utf-8")) for t in texts] + [1])


def text_length(col: pd.Series) -> int:
    """The length of a text variable (:func:`utf8_length`), each distinct value measured once."""
    return utf8_length(distinct_texts(col))


def check_v5(frame: pd.DataFrame, labels: dict[str, str], *, name: str,
             texts: dict[str, list[str]] | None = None) -> None:
    """Stop on what XPT v5 cannot hold: long names, labels or text values. ``texts``: the distinct texts of
    each text variable, when the caller has them (else worked out from ``frame``)."""
    problems = [f"variable name {c!r} longer than 8 characters" for c in frame.columns if len(c) > 8]
    problems += [f"label of {c} longer than 40 characters" for c in frame.columns if len(labels.get(c, "")) > 40]
    if texts is None:
        texts = {c: distinct_texts(frame[c]) for c in frame.columns if _is_text(frame[c])}
    for c, distinct in texts.items():
        # a UTF-8 character is at most 4 bytes: only values over 50 characters can exceed 200 bytes
        if any(len(t) > 50 and len(t.encode("utf-8")) > 200 for t in distinct):
            problems.append(f"{c} has values longer than 200 bytes")
    if problems:
        raise ValueError(f"{name}: not exportable as XPT v5: " + "; ".join(problems))


STAMP = re.compile(rb"\d{2}[A-Z]{3}\d{2}:\d{2}:\d{2}:\d{2}")


def stamp_xpt(path: str | Path, when: dt.datetime) -> None:
    """Set the created/modified date-times of the XPT headers to ``when`` (reproducible files).

    Only the header records before the observation header are touched, never data values.
    """
    text = when.strftime("%d%b%y:%H:%M:%S").upper().encode("ascii")
    with open(path, "r+b") as handle:  # the headers are the file's first records: patched in place
        size, head = 1 << 16, b""
        while True:
            handle.seek(0)
            head = handle.read(size)
            cut = head.find(b"HEADER RECORD*******OBS")
            if cut >= 0 or len(head) < size:
                break
            size *= 4
        head = head[:cut] if cut >= 0 else head
        handle.seek(0)
        handle.write(STAMP.sub(text, head))  # same length: a date-time stamp replaces a date-time stamp


def text_codes(col: pd.Series) -> tuple[np.ndarray, list[str]]:
    """A character variable as the text of each distinct value (missing as blank, last) and each record's
    position in that list: converted once per distinct value, no Python string per record."""
    codes, uniques = distinct_codes(col)
    return np.where(codes < 0, len(uniques), codes), [str(v) for v in uniques] + [""]


RECORD = 80
OBS_HEADER = b"HEADER RECORD*******OBS     HEADER RECORD!!!!!!!"
NAMESTR_HEADER = b"HEADER RECORD*******NAMESTR HEADER RECORD!!!!!!!"
NAMESTR = 140  # bytes per variable descriptor in a version 5 file
MISSING = np.uint64(0x2E << 56)  # SAS missing value "."
CHUNK_ROWS = 100_000  # observations encoded at a time (bounded memory)


def ibm_float(values: np.ndarray) -> np.ndarray:
    """IEEE doubles as IBM System/360 hexadecimal floating point (big-endian 8-byte words); NaN as SAS
    missing. value = 0.F x 16^(E - 64) with a 56-bit fraction F: the 53-bit IEEE significand shifted left by
    0-3 bits, so no bit is lost. A value outside the IBM range (about 5.4e-79 to 7.2e75 in magnitude) or
    infinite is an error."""
    x = np.ascontiguousarray(values, dtype="float64")
    bits = x.view(np.uint64)
    sign = bits >> np.uint64(63)
    exp = ((bits >> np.uint64(52)) & np.uint64(0x7FF)).astype(np.int64)
    significand = (bits & np.uint64((1 << 52) - 1)) | np.uint64(1 << 52)
    power = exp - 1022  # x = 0.1b... x 2^power
    hexexp = -((-power) // 4)  # ceil(power / 4)
    shift = (3 - (4 * hexexp - power)).astype(np.uint64)
    biased = hexexp + 64
    finite, nonzero = np.isfinite(x), x != 0
    bad = np.isinf(x) | (finite & nonzero & ((biased < 0) | (biased > 127) | (exp == 0)))
    if bad.any():
        raise ValueError(f"value {x[bad][0]!r} cannot be written as an IBM floating-point number (XPT v5)")
    word = (sign << np.uint64(63)) | (np.clip(biased, 0, 127).astype(np.uint64) << np.uint64(56)) | (
        significand << shift)
    word = np.where(nonzero, word, np.uint64(0))
    word = np.where(np.isnan(x), MISSING, word)
    return word.astype(">u8")


def _widths(header: bytes) -> list[tuple[int, int]]:
    """(type, length) of each variable from the NAMESTR records of a version 5 header (1 number, 2 text)."""
    at = header.index(NAMESTR_HEADER)
    count = int(header[at + 54:at + 58])
    start = at + RECORD
    fields = []
    for i in range(count):
        rec = header[start + i * NAMESTR:start + (i + 1) * NAMESTR]
        fields.append((int.from_bytes(rec[0:2], "big"), int.from_bytes(rec[4:6], "big")))
    return fields


def _text_block(codes: np.ndarray, encoded: np.ndarray, width: int) -> np.ndarray:
    """Text values as a (rows, width) byte matrix: ``encoded`` holds each distinct text in UTF-8,
    blank-padded to ``width``."""
    return encoded[codes].view(np.uint8).reshape(len(codes), width)


def _segments(frame: pd.DataFrame, text: dict[str, tuple[np.ndarray, list[str]]],
              fields: list[tuple[int, int]]) -> list[tuple[str, int, np.ndarray | None, np.ndarray | None]]:
    """Each variable's place in the record, in order: ``(name, width, None, None)`` for a number, ``(name,
    width, codes, encoded)`` for text (``encoded``: each distinct text in UTF-8, blank-padded to ``width``).
    Adjacent text variables with few distinct pairs of values are one segment (:func:`paired_codes`): the
    pair's two padded texts side by side, taken once per record."""
    most = len(frame) // PAIR_RECORDS
    segments = []
    for col, (kind, width) in zip(frame.columns, fields):
        if kind == 1:
            segments.append((col, width, None, None))
            continue
        codes = text[col][0]
        encoded = np.array([t.encode("utf-8").ljust(width, b" ") for t in text[col][1]], dtype=f"S{width}")
        last = segments[-1] if segments else None
        found = (paired_codes(last[2], len(last[3]), codes, len(encoded), most) if last and last[2] is not None
                 else None)
        if found is None:
            segments.append((col, width, codes, encoded))
            continue
        pair, firsts, seconds = found
        both = np.concatenate([last[3][firsts].view(np.uint8).reshape(len(firsts), last[1]),
                               encoded[seconds].view(np.uint8).reshape(len(seconds), width)], axis=1)
        segments[-1] = (last[0], last[1] + width, pair, both.view(f"S{last[1] + width}").ravel())
    return segments


def _observations(frame: pd.DataFrame, text: dict[str, tuple[np.ndarray, list[str]]],
                  fields: list[tuple[int, int]], handle) -> int:
    """Write the observations of ``frame`` (numbers as numbers, dates and flags already converted; each text
    variable as its codes and distinct texts in ``text``); return the bytes written."""
    row_width = sum(width for _, width in fields)
    segments = _segments(frame, text, fields)
    written = 0
    for first in range(0, len(frame), CHUNK_ROWS):
        stop = min(first + CHUNK_ROWS, len(frame))
        block = np.empty((stop - first, row_width), dtype=np.uint8)
        at = 0
        for col, width, codes, encoded in segments:
            if codes is None:
                values = frame[col].iloc[first:stop].astype("float64").to_numpy()
                block[:, at:at + width] = ibm_float(values).view(np.uint8).reshape(stop - first, 8)[:, :width]
            else:
                block[:, at:at + width] = _text_block(codes[first:stop], encoded, width)
            at += width
        handle.write(block)  # the array itself: no copy of its bytes
        written += block.size
    return written


def _converted(frame: pd.DataFrame, known: dict | None = None
               ) -> tuple[pd.DataFrame, dict[str, str], dict[str, tuple[np.ndarray, list[str]]]]:
    """``frame`` as XPT stores it: ``(numbers, formats, text)`` - datetime columns as SAS dates (days since
    1960-01-01, numeric even when every value is missing; format DATE9), flags as numbers, each text variable
    (object, string or categorical) as its codes and texts (:func:`text_codes`; ``known``: those the caller
    has)."""
    known = known or {}
    out = frame.copy(deep=False)  # converted columns replace, never change, the caller's
    formats, text = {}, {}
    for c in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[c]):
            out[c] = ((out[c].dt.normalize() - pd.Timestamp("1960-01-01")).dt.days).astype("float64")
            formats[c] = "DATE9"
        elif pd.api.types.is_bool_dtype(out[c]):
            out[c] = out[c].astype("float64")
        elif stored_as_text(out[c]):
            text[c] = known[c] if c in known else text_codes(out[c])
    return out, formats, text


def stored_as_text(col: pd.Series) -> bool:
    """Whether a variable is stored as text (in XPT and Dataset-JSON): neither a date, a flag nor a number
    (object, string or categorical)."""
    return not (pd.api.types.is_datetime64_any_dtype(col) or pd.api.types.is_bool_dtype(col)
                or pd.api.types.is_numeric_dtype(col))


def text_variables(frame: pd.DataFrame) -> dict[str, tuple[np.ndarray, list[str]]]:
    """The :func:`text_codes` of each variable of ``frame`` stored as text."""
    return {c: text_codes(frame[c]) for c in frame.columns if stored_as_text(frame[c])}


class XptLayout:
    """What an XPT file's headers need of a dataset, gathered one variable at a time (:meth:`add`, each column
    whole): each variable's stored type and display format, and each text variable's distinct texts. Its
    :meth:`sample` is a frame whose headers are the whole dataset's: pyreadstat sizes a text variable by its
    longest value (in bytes and in characters)."""

    def __init__(self, rows: int):
        self.rows = rows
        self.columns: dict[str, pd.Series] = {}
        self.formats: dict[str, str] = {}
        self.texts: dict[str, list[str]] = {}

    def add(self, name: str, col: pd.Series, text: tuple[np.ndarray, list[str]] | None = None) -> None:
        """Add a variable from its whole column (``text``: its :func:`text_codes`, when the caller has them). A
        number, date or flag is converted in the sample's rows only: its header does not depend on its values."""
        if not stored_as_text(col):
            out, formats, _ = _converted(col.iloc[[0, 0] if self.rows else []].to_frame(name))
            self.formats.update(formats)
            self.columns[name] = out[name].reset_index(drop=True)
            return
        texts = (text if text is not None else text_codes(col))[1]  # distinct texts, then a missing value's blank
        self.texts[name] = texts[:-1]
        longest = [int(np.argmax(lengths)) for lengths in ([len(t.encode("utf-8")) for t in texts],
                                                            [len(t) for t in texts])] if self.rows else []
        self.columns[name] = pd.Series([texts[k] for k in longest], dtype=object)

    def sample(self) -> pd.DataFrame:
        return pd.DataFrame(self.columns)


class XptWriter:
    """An XPT v5 file written a piece of the dataset at a time: the headers from the whole dataset's
    :class:`XptLayout` (written by pyreadstat, with labels), then each piece's observations (:meth:`write`), the
    last record blank-padded to 80 bytes and the headers dated ``timestamp`` (:meth:`close`)."""

    def __init__(self, path: str | Path, layout: XptLayout, *, table_name: str,
                 timestamp: dt.datetime | None = None):
        import pyreadstat

        sample = layout.sample()
        labels = {c: LABELS.get(c, c) for c in sample.columns}
        check_v5(sample, labels, name=table_name, texts=layout.texts)
        self.path, self.timestamp, self.written = path, timestamp, 0
        pyreadstat.write_xport(sample, str(path), file_format_version=5, table_name=table_name[:8].upper(),
                               file_label=DATASET_LABELS.get(table_name.upper(), ""),
                               column_labels=[labels[c] for c in sample.columns], variable_format=layout.formats)
        self.handle = open(path, "r+b")
        head = self.handle.read()
        end = head.index(OBS_HEADER) + RECORD
        self.handle.seek(end)
        self.handle.truncate()
        self.fields = _widths(head[:end])

    def write(self, piece: pd.DataFrame, text: dict | None = None) -> None:
        """Write the observations of ``piece`` (``text``: the :func:`text_codes` of its text variables, those
        the caller has)."""
        out, _, text = _converted(piece, text)
        self.written += _observations(out, text, self.fields, self.handle)

    def close(self) -> None:
        self.handle.write(b" " * (-self.written % RECORD))
        self.handle.close()
        if self.timestamp is not None:
            stamp_xpt(self.path, self.timestamp)


def write_xpt(frame: pd.DataFrame, path: str | Path, *, table_name: str, timestamp: dt.datetime | None = None) -> None:
    """Write ``frame`` as XPT v5 with labels; datetime columns become SAS dates; headers dated ``timestamp``."""
    text = text_variables(frame)  # once for the headers and the records
    layout = XptLayout(len(frame))
    for c in frame.columns:
        layout.add(c, frame[c], text.get(c))
    writer = XptWriter(path, layout, table_name=table_name, timestamp=timestamp)
    writer.write(frame, text)
    writer.close()
