"""A large study's datasets built a slice of subjects at a time.

Every derivation of an ADaM record reads only its own subject's records, so a dataset can be built from the
subjects in consecutive slices and its pieces put together. The slices are ranges of USUBJID in sorted order:
every dataset built here is sorted by USUBJID first, so the pieces, in order, are the dataset built whole.
Each slice holds a fraction of the study's records, so a job's memory stays bounded by the slice, not the
study (100,000 subjects hold tens of millions of laboratory and response records).

Two things are the dataset's, not a subject's, and are put right when the pieces are joined
(:class:`SlicedWriter`): ``PARAMN``, the rank of ``PARAMCD`` among the dataset's parameters (a slice may lack a
rare one), and the Parquet file's column types (a column all missing in one slice and text in another).
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa

from cartrial.adam.bds import parameter_numbers
from cartrial.io import WRITE_CHUNK_ROWS, file_columns, first_value_row, frame_from_table, text_columns, \
    write_parquet, write_row_groups

#: subjects per slice of a large study's ADaM job; a study of at most this many is built whole (the environment's
#: CARTRIAL_SLICE_SUBJECTS, if set: the outputs do not depend on it)
SLICE_SUBJECTS = int(os.environ.get("CARTRIAL_SLICE_SUBJECTS", "12500"))


def slice_bounds(subjects: Iterable[str], size: int = SLICE_SUBJECTS) -> list[str]:
    """The first USUBJID of each slice after the first: the study's distinct subjects in sorted order, cut every
    ``size``. Empty (one slice) when there are at most ``size``."""
    ids = np.sort(pd.unique(pd.Series(list(subjects), dtype=object).dropna()).astype(object))
    return [str(s) for s in ids[size::size]]


def slice_numbers(values, bounds: list[str]) -> np.ndarray:
    """The slice of each USUBJID in ``values`` (a missing one: the first slice)."""
    values = pd.Series(values, dtype=object).fillna("").to_numpy()
    return np.searchsorted(np.asarray(bounds, dtype=object), values, side="right")


class DomainSlices:
    """One Parquet file (a cut SDTM domain) read once, its text dictionary-encoded, and handed out a slice of
    subjects at a time: :meth:`frame` is ``read_frame(path, columns)`` restricted to the slice's subjects, in the
    file's order, with a fresh index."""

    def __init__(self, path: str | Path, bounds: list[str], columns: list[str] | None = None):
        import pyarrow.parquet as pq

        schema = pq.read_schema(path)
        columns = file_columns(schema, columns)
        self.text = text_columns(schema, columns)
        self.table = pq.read_table(path, columns=columns, read_dictionary=self.text)
        self.count = len(bounds) + 1
        if self.count == 1:
            self.rows = [np.arange(self.table.num_rows)]
            return
        if "USUBJID" not in self.table.column_names:
            raise ValueError(f"{path}: no USUBJID to cut into slices of subjects")
        which = np.concatenate([self._numbers(chunk, bounds) for chunk in self.table.column("USUBJID").chunks]
                               or [np.zeros(0, dtype=np.int64)])
        order = np.argsort(which, kind="stable")  # each slice's rows in the file's order
        self.rows = np.split(order, np.cumsum(np.bincount(which, minlength=self.count))[:-1])

    @staticmethod
    def _numbers(chunk: pa.Array, bounds: list[str]) -> np.ndarray:
        if pa.types.is_dictionary(chunk.type):  # once per distinct subject
            per_entry = np.append(slice_numbers(chunk.dictionary.to_numpy(zero_copy_only=False), bounds), 0)
            codes = chunk.indices.fill_null(-1).to_numpy(zero_copy_only=False)
            return per_entry[codes]
        return slice_numbers(chunk.to_numpy(zero_copy_only=False), bounds)

    def frame(self, k: int) -> pd.DataFrame:
        if self.count == 1:  # the whole file, handed out once: the Arrow table is not kept beside it
            table, self.table = self.table, None
            return frame_from_table(table, self.text)
        return frame_from_table(self.table.take(pa.array(self.rows[k])), self.text)


def read_slices(paths: Iterable[str | Path], bounds: list[str], columns=None) -> dict[str, DomainSlices]:
    """:class:`DomainSlices` of each cut SDTM file, by domain; as :func:`cartrial.io.read_sdtm`, a domain absent
    from the input is left out and ``columns(domain)`` may name the columns to read."""
    import pyarrow.parquet as pq

    out = {}
    for path in paths:
        domain = Path(path).stem.upper()
        meta = pq.read_schema(path).metadata or {}
        if json.loads(meta.get(b"PANDAS_ATTRS", b"{}")).get("absent"):
            continue
        out[domain] = DomainSlices(path, bounds, columns(domain) if columns else None)
    return out


class SlicedWriter:
    """A dataset's pieces, one per slice of subjects in order (:meth:`add`), written as one Parquet file
    (:meth:`close`): the file :func:`cartrial.io.write_parquet` writes for the pieces put together, with
    ``PARAMN`` ranked among the whole dataset's ``PARAMCD`` values (:func:`cartrial.adam.bds.parameter_numbers`).

    Pieces are kept as they come while the dataset is short; past :data:`cartrial.io.WRITE_CHUNK_ROWS` records
    each is converted to Arrow and kept on disk beside the target, uncompressed, and the file is written from
    there a row group at a time, so the whole dataset is never held."""

    def __init__(self, path: str | Path, *, paramn: bool = False):
        self.path = Path(path)
        self.paramn = paramn
        self.frames: list[tuple[pd.DataFrame, frozenset]] = []  # pieces held while the dataset is short
        self.parts: list[Path] = []  # pieces on disk
        self.sample: list[tuple[pd.DataFrame, frozenset]] = []  # rows that set the file's column types (close)
        self.typed: dict[str, list] = {}  # each column's types in the pieces where it has a value
        self.typed_missing: dict[str, list] = {}  # ... where it has records, no value, and a type other than object
        self.missing: set[str] | None = None  # columns with no value yet
        self.params: set[str] = set()
        self.rows = 0
        self.pieces = 0
        self.first: pd.DataFrame | None = None
        self.folder: Path | None = None

    def add(self, frame: pd.DataFrame) -> None:
        self.pieces += 1
        if self.pieces == 1:  # a dataset of one piece is written as it is (close)
            self.first = frame
            return
        if self.first is not None:
            self._note(self.first)
            self.first = None
        self._note(frame)

    def _note(self, frame: pd.DataFrame) -> None:
        if self.paramn and "PARAMCD" in frame:
            self.params.update(frame["PARAMCD"].dropna().unique().tolist())
        found = {c: first_value_row(frame.iloc[:, k]) for k, c in enumerate(frame.columns)}
        empty = frozenset(c for c, row in found.items() if row is None)
        for c in frame.columns:
            if c not in empty:
                self.typed.setdefault(c, []).append(frame[c].dtype)
            elif len(frame) and frame[c].dtype != object:
                self.typed_missing.setdefault(c, []).append(frame[c].dtype)
        self._sample(frame, empty, found)
        self.rows += len(frame)
        self.frames.append((frame, empty))
        if self.rows > WRITE_CHUNK_ROWS:
            for held, _ in self.frames:
                self._spill(held)
            self.frames = []

    def _joined(self, pieces: list[tuple[pd.DataFrame, frozenset]]) -> pd.DataFrame:
        """The pieces put together as the dataset built whole has them: a column takes the type of the pieces
        where it has a value (one whose values are all missing in a piece, an object column of None there, is
        missing in that type); a column without a value anywhere takes the type other than object it has where
        it has records, if any (a derivation's type; None is a piece's placeholder). Pieces without records
        count only if every piece has none."""
        from pandas.core.dtypes.cast import find_common_type

        target = {c: find_common_type(types) for c, types in {**self.typed_missing, **self.typed}.items()}
        frames = []
        for frame, empty in pieces:
            recast = {c: target[c] for c in empty if c in target and frame[c].dtype != target[c]}
            frames.append(frame.astype(recast) if recast else frame)
        kept = [f for f in frames if len(f)] or frames[:1]
        return pd.concat(kept, ignore_index=True) if len(kept) > 1 else kept[0]

    def _sample(self, frame: pd.DataFrame, empty: frozenset, found: dict[str, int | None]) -> None:
        """Keep the rows :func:`cartrial.io.write_parquet` would read its schema from (each column's first value,
        ``found``) and the first row of each piece (so each piece's column types take part, as when pieces are
        joined)."""
        if self.missing is None:
            self.missing = set(frame.columns)
        if not len(frame):
            self.sample.append((frame, empty))
            return
        found = {c: row for c, row in found.items() if row is not None}
        self.sample.append((frame.iloc[sorted({0, *(found[c] for c in self.missing if c in found)})], empty))
        self.missing -= set(found)

    def _spill(self, frame: pd.DataFrame) -> None:
        if self.folder is None:
            self.folder = Path(tempfile.mkdtemp(prefix=f".{self.path.name}{PIECES}", dir=self.path.parent))
        part = self.folder / f"{len(self.parts):05d}.arrow"
        table = pa.Table.from_pandas(frame, preserve_index=False, nthreads=1)
        # LZ4-compressed: a fifth of the bytes to write and read back (ADLB, 3 million records: 1.1 GB in 3.2 s
        # uncompressed, 0.2 GB in 0.4 s)
        options = pa.ipc.IpcWriteOptions(compression="lz4")
        with pa.OSFile(str(part), "wb") as sink, pa.ipc.new_file(sink, table.schema, options=options) as writer:
            writer.write_table(table)
        self.parts.append(part)

    def _numbered(self, frame: pd.DataFrame) -> pd.DataFrame:
        if not self.paramn or "PARAMN" not in frame:
            return frame
        out = frame.copy(deep=False)
        out["PARAMN"] = parameter_numbers(out["PARAMCD"], among=self.params)
        return out

    def abort(self) -> None:
        """Drop what was added; nothing is written."""
        self.frames, self.first = [], None
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)

    def close(self) -> None:
        try:
            if self.first is not None:
                write_parquet(self.first, self.path)
                return
            if not self.parts:
                write_parquet(self._numbered(self._joined(self.frames)), self.path)
                return
            sample = self._numbered(self._joined(self.sample))
            schema = pa.Schema.from_pandas(sample.iloc[:0] if not len(sample) else sample, preserve_index=False)
            write_row_groups(self.path, schema, self._tables(schema))
        finally:
            self.frames, self.first = [], None
            if self.folder is not None:
                shutil.rmtree(self.folder, ignore_errors=True)

    def _tables(self, schema: pa.Schema):
        """The pieces on disk as Arrow tables of ``schema``, ``PARAMN`` renumbered."""
        for part in self.parts:
            with pa.memory_map(str(part)) as source:
                table = pa.ipc.open_file(source).read_all()
            if self.paramn and "PARAMN" in table.column_names:
                ranks = parameter_numbers(table.column("PARAMCD").to_pandas(), among=self.params)
                table = table.set_column(table.column_names.index("PARAMN"), "PARAMN", pa.array(ranks))
            yield table.cast(schema)


#: the pieces a :class:`SlicedWriter` keeps on disk are in a hidden folder beside its target, named
#: ``.<target>.pieces.<random>``
PIECES = ".pieces."


def remove_pieces(folder: str | Path) -> None:
    """Remove the pieces :class:`SlicedWriter` left in ``folder`` when a job stopped before writing them out."""
    for leftover in Path(folder).glob(f".*{PIECES}*"):
        shutil.rmtree(leftover, ignore_errors=True)


def subject_slices(adsl: pd.DataFrame, bounds: list[str]) -> list[pd.DataFrame]:
    """ADSL cut into the slices (each with a fresh index)."""
    if not bounds:
        return [adsl]
    which = slice_numbers(adsl["USUBJID"], bounds)
    return [adsl[which == k].reset_index(drop=True) for k in range(len(bounds) + 1)]
