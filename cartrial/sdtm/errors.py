"""Findings about input data: fatal ones stop the run, the rest are listed."""
from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

ISSUE_COLUMNS = ["severity", "domain", "file", "row", "USUBJID", "column", "value", "rule", "action"]


@dataclass(frozen=True)
class Finding:
    """One broken rule, located by file, data row (1-based) and column."""

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
    """Raised when input data break the contract; lists every finding."""

    def __init__(self, findings: list[Finding], *, limit: int = 25):
        self.findings = list(findings)
        lines = [f.describe() for f in self.findings[:limit]]
        more = len(self.findings) - limit
        if more > 0:
            lines.append(f"... and {more} more")
        super().__init__(
            f"{len(self.findings)} input data error(s); no report was written:\n  " + "\n  ".join(lines)
        )


def findings_frame(findings: list[Finding]) -> pd.DataFrame:
    """Findings as the rows of ``data_issues.csv`` (stable column order)."""
    rows = [
        {**{k: v for k, v in asdict(f).items() if k != "usubjid"}, "USUBJID": f.usubjid}
        for f in findings
    ]
    frame = pd.DataFrame(rows, columns=ISSUE_COLUMNS)
    frame["row"] = frame["row"].astype("Int64")
    return frame
