#!/usr/bin/env python3
"""Fetches a held-out sample of reStructuredText descriptions from PyPI, for measuring the rst
project page on documents nobody tuned it on (not run by the tests: it uses the network).

Usage: python3 scripts/rst-corpus/heldout.py OUT_DIR [COUNT] [SEED]
Picks COUNT (default 3000) project names at random (SEED, default 14) from PyPI's simple index,
reads each project's newest long description from the JSON API
(https://pypi.org/pypi/NAME/json), and writes those whose Description-Content-Type is missing
or text/x-rst, and which are not empty and not already in scripts/rst-corpus/real/, to
OUT_DIR/NAME.rst, whatever their size. Then:
    HOIST_RST_HELDOUT=OUT_DIR cargo test --test rst_html_differential -- --ignored
"""
import json
import random
import re
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REAL = Path(__file__).resolve().parent / "real"


def names():
    req = urllib.request.Request("https://pypi.org/simple/")
    with urllib.request.urlopen(req, timeout=120) as r:
        html = r.read().decode("utf-8", "replace")
    return sorted(set(re.findall(r'<a href="[^"]*/">([^<]+)</a>', html)))


def description(name):
    try:
        with urllib.request.urlopen(f"https://pypi.org/pypi/{name}/json", timeout=30) as r:
            info = json.load(r)["info"]
    except Exception:
        return None
    ctype = (info.get("description_content_type") or "").split(";")[0].strip().lower()
    text = info.get("description") or ""
    if ctype not in ("", "text/x-rst") or not text.strip() or text.strip() == "UNKNOWN":
        return None
    return text


def main():
    out = Path(sys.argv[1])
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 14
    out.mkdir(parents=True, exist_ok=True)
    known = {p.stem for p in REAL.glob("*.rst")}
    sample = random.Random(seed).sample(names(), count)
    with ThreadPoolExecutor(16) as pool:
        texts = list(pool.map(description, sample))
    kept = 0
    for name, text in zip(sample, texts):
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name.lower())
        if text is None or safe in known:
            continue
        (out / f"{safe}.rst").write_text(text, encoding="utf-8")
        kept += 1
    print(f"{kept} reStructuredText descriptions of {count} sampled projects in {out}")


if __name__ == "__main__":
    main()
