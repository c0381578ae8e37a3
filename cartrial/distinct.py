"""Work on the distinct values of a column only: clinical data repeat a lot (a laboratory domain of a
million records holds a few thousand distinct dates, test codes or results)."""
from __future__ import annotations

import numpy as np
import pandas as pd


def per_distinct(values: pd.Series, fn):
    """Apply ``fn`` to the distinct values of ``values`` and spread the result back.

    ``fn`` receives an object Series of the distinct non-missing values followed by one missing value
    (NaN) and returns a Series or DataFrame with one row each; the result is aligned on ``values.index``.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)  # typed values: no object copy of the column
    distinct = pd.Series(list(uniques) + [np.nan], dtype="object", name=values.name)
    result = fn(distinct)
    taken = result.iloc[np.where(codes < 0, len(uniques), codes)]
    return taken.set_axis(values.index)
