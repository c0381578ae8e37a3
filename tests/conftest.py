"""Shared fixtures: tiny hand-made SDTM domains whose expected values are derived by hand."""
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def root() -> Path:
    return ROOT


def text_frame(rows: list[dict]) -> pd.DataFrame:
    """A reader-like all-text frame (missing as NaN)."""
    return pd.DataFrame(rows).astype(object).where(lambda f: f.notna(), None)
