"""Input file formats, importable without pandas so that the workflow's Snakefile parses fast (a no-op rerun
pays only this). What the outputs are is the catalogue's (cartrial/catalogue.yaml, cartrial/catalogue.py)."""

FORMATS = {".csv": "csv", ".xpt": "xpt", ".parquet": "parquet"}
