"""Findings about input data: fatal ones stop the run, the rest are listed."""
from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

ISSUE_COLUMNS = ["severity", "domain", "file", "row", "USUBJID", "column", "value", "rule", "action"]


def sheet_row(position: int) -> int:
    """The row number of the record at 0-based ``position`` as a spreadsheet shows the file: the header is
    row 1, the first record row 2 (the same numbering for XPT and Parquet files, record k is row k + 1)."""
    return int(position) + 2


@dataclass(frozen=True)
class Finding:
    """One broken rule, located by file, row (:func:`sheet_row`: header = row 1) and column."""

    domain: str
    file: str
    row: int | None
    column: str | None
    rule: str
    value: str | None = None
    usubjid: str | None = None
    severity: str = "error"
    action: str = "run stopped"

    def describe(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        text = ", ".join(where) + f": {self.rule}"
        if self.value is not None:
            text += f" (value {self.value!r})"
        if self.usubjid:
            text += f" [USUBJID {self.usubjid}]"
        return text


class InputDataError(ValueError):
    """Raised when input data break the contract; lists every finding.

    The message shows at most ``limit`` findings per domain (the rest are counted); the full list is
    written to a file by the job that stops (``cartrial.io.job_log``).
    """

    def __init__(self, findings: list[Finding], *, limit: int = 25, full_list: str | None = None):
        self.findings = list(findings)
        self.full_list = full_list
        lines, shown = [], {}
        for f in self.findings:
            shown[f.domain] = shown.get(f.domain, 0) + 1
            if shown[f.domain] <= limit:
                lines.append(f.describe())
        for domain, n in shown.items():
            if n > limit:
                lines.append(f"... and {n - limit} more in {domain}")
        where = f"; full list: {full_list}" if full_list else ""
        super().__init__(
            f"{len(self.findings)} input data error(s); no report was written{where}:\n  " + "\n  ".join(lines)
        )

    def with_full_list(self, path: str) -> "InputDataError":
        """The same error, its message naming the file with the full list."""
        return InputDataError(self.findings, full_list=path)


def errors_in(findings: list[Finding]) -> list[Finding]:
    """The findings that stop the run (severity ``error``)."""
    return [f for f in findings if f.severity == "error"]


def raise_errors(findings: list[Finding]) -> None:
    """Stop with the findings that stop the run, if there are any; warnings pass."""
    errors = errors_in(findings)
    if errors:
        raise InputDataError(errors)


def findings_frame(findings: list[Finding]) -> pd.DataFrame:
    """Findings as the rows of ``data_issues.csv`` (stable column order)."""
    rows = [
        {**{k: v for k, v in asdict(f).items() if k != "usubjid"}, "USUBJID": f.usubjid}
        for f in findings
    ]
    frame = pd.DataFrame(rows, columns=ISSUE_COLUMNS)
    frame["row"] = frame["row"].astype("Int64")
    return frame
