#!/usr/bin/env python3
"""Refreshes the real-description half of the rst corpus (scripts/rst-corpus/real/).

Not run by the tests (they never touch the network). Usage:
    python3 scripts/rst-corpus/fetch.py NAMES.txt DOWNLOAD_DIR
NAMES.txt holds one PyPI project name a line (we used the most-downloaded projects). For each,
pip downloads the newest pure-Python wheel (`--only-binary :all: --platform any`, so no build
step and no large compiled wheels); the wheel's METADATA carries the same long description as
the sdist's PKG-INFO. Descriptions whose Description-Content-Type is missing or text/x-rst are
written to real/<project>.rst, skipping empty ones and ones of 12,000 bytes or more (the
differential test renders every document and its mutants with docutils, which costs about
20 ms per small document; larger ones would push the test past a minute).
"""
import email.parser
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

OUT = Path(__file__).resolve().parent / "real"


def download(name, dest):
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
         "--no-deps", "--only-binary", ":all:", "--platform", "any", "--python-version", "3.11",
         "--implementation", "py", "--abi", "none", "-d", str(dest), name],
        check=False, timeout=120, capture_output=True,
    )


def extract(wheel):
    with zipfile.ZipFile(wheel) as zf:
        meta = next((n for n in zf.namelist() if n.endswith(".dist-info/METADATA")), None)
        if meta is None:
            return None
        msg = email.parser.BytesParser().parsebytes(zf.read(meta))
    ctype = (msg.get("Description-Content-Type") or "").split(";")[0].strip().lower()
    if ctype not in ("", "text/x-rst"):
        return None
    body = msg.get_payload(decode=True)
    text = body.decode("utf-8", "replace") if body else (msg.get("Description") or "")
    if not text.strip() or len(text.encode()) >= 12_000:
        return None
    return msg.get("Name"), text


def main():
    names = [n.strip() for n in Path(sys.argv[1]).read_text().split() if n.strip()]
    dest = Path(sys.argv[2])
    dest.mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(6) as pool:
        list(pool.map(lambda n: download(n, dest), names))
    OUT.mkdir(exist_ok=True)
    for wheel in sorted(dest.glob("*.whl")):
        got = extract(wheel)
        if got:
            name, text = got
            safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name.lower())
            (OUT / f"{safe}.rst").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
