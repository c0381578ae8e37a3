"""Work on the distinct values of a column only: clinical data repeat a lot (a laboratory domain of a
million records holds a few thousand distinct dates, test codes or results)."""
from __future__ import annotations

import numpy as np
import pandas as pd


def distinct_codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """``(codes, uniques)``: the distinct non-missing values of ``values`` (an object array) and, per record,
    the position of its value among them (-1 where missing). A categorical column (text read
    dictionary-encoded) gives its own codes and the categories that occur in it, with no work per record
    beyond one count; any other column is factorized (uniques in order of appearance)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()
        categories = values.cat.categories.to_numpy(dtype=object)
        seen = np.bincount(codes.astype(np.int64) + 1, minlength=len(categories) + 1)[1:] > 0
        if seen.all():
            return codes, categories
        renumbered = np.append(np.cumsum(seen) - 1, -1)  # an unused category gives no code; -1 stays -1
        return renumbered[codes], categories[seen]
    codes, uniques = pd.factorize(values, use_na_sentinel=True)  # typed values: no object copy of the column
    return codes, np.asarray(uniques, dtype=object)


def per_distinct(values: pd.Series, fn):
    """Apply ``fn`` to the distinct values of ``values`` and spread the result back.

    ``fn`` receives an object Series of the distinct non-missing values followed by one missing value
    (NaN) and returns a Series or DataFrame with one row each; the result is aligned on ``values.index``.
    """
    codes, uniques = distinct_codes(values)
    distinct = pd.Series(list(uniques) + [np.nan], dtype="object", name=values.name)
    result = fn(distinct)
    taken = result.iloc[np.where(codes < 0, len(uniques), codes)]
    return taken.set_axis(values.index)


def per_distinct_rows(rows: pd.DataFrame, fn):
    """``fn`` applied to the distinct rows of ``rows`` (missing values alike), spread back to every row: ``fn``
    receives the distinct rows in order of first appearance and returns one value each, as an array or an
    extension array (whose type the result keeps)."""
    codes = rows.groupby(list(rows.columns), dropna=False, sort=False).ngroup().to_numpy()  # by first appearance
    return fn(rows.drop_duplicates()).take(codes)


#: two adjacent variables of an export are written as one when their records hold at most one distinct pair
#: of values in this many records (:func:`paired_codes`): each pair's text is then built once, in Python
PAIR_RECORDS = 128


def paired_codes(first: np.ndarray, first_count: int, second: np.ndarray, second_count: int, most: int):
    """``(codes, firsts, seconds)``: each record's position among the distinct pairs of its two codes (``first``
    below ``first_count``, ``second`` below ``second_count``, each non-negative) and each pair's two codes; None
    when more than ``most`` distinct pairs occur. Two adjacent variables of an export with few distinct pairs of
    values (a subject's identifier and arm) are then written as one.

    Every code but the last (a missing value's) occurs, so a variable with more than ``most`` + 1 codes has
    too many pairs already: it is not factorised."""
    if max(first_count, second_count) - 1 > most or first_count * second_count >= 1 << 62:
        return None
    codes, distinct = pd.factorize(first.astype(np.int64) * second_count + second)
    if len(distinct) > most:
        return None
    firsts, seconds = np.divmod(distinct, second_count)
    return codes, firsts, seconds
