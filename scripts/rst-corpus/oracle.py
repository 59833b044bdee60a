#!/usr/bin/env python3
"""The reference verdicts for the rst differential test: readme_renderer over many documents.

Reads a JSON array of strings (the documents) from the file named by argv[1] and writes to
stdout a JSON array with, for each document, null if readme_renderer renders it, or else the
first problem docutils reported: {"line": N or null, "level": "Warning"|..., "message": "..."}.
One Python invocation for the whole corpus, so the test stays fast; the documents are split
between two worker processes (the machines have two cores).
"""
import io
import json
import multiprocessing
import re
import sys

from readme_renderer.rst import render

MSG = re.compile(r"^<string>:(\d*):? \((\w+)/\d\) (.*)$")
LEVELS = {"WARNING": "Warning", "ERROR": "Error", "SEVERE": "Severe"}


def first_problem(stream_text):
    lines = stream_text.splitlines()
    for i, line in enumerate(lines):
        m = MSG.match(line)
        if m and m.group(2) in LEVELS:
            # a message continues until a blank line or the next message
            rest = []
            for more in lines[i + 1:]:
                if not more.strip() or MSG.match(more):
                    break
                rest.append(more)
            message = " ".join([m.group(3)] + rest)
            return {
                "line": int(m.group(1)) if m.group(1) else None,
                "level": LEVELS[m.group(2)],
                "message": message,
            }
    text = stream_text.strip()
    return {"line": None, "level": "Warning", "message": text or "No content rendered from RST source."}


def verdict(doc):
    stream = io.StringIO()
    try:
        rendered = render(doc, stream=stream)
    except Exception as exc:  # docutils crashed: PyPI would not render it either
        return {"line": None, "level": "Severe", "message": f"crash: {exc!r}"}
    return None if rendered is not None else first_problem(stream.getvalue())


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        docs = json.load(f)
    with multiprocessing.Pool(2) as pool:
        out = pool.map(verdict, docs, chunksize=16)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
