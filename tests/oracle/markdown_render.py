"""Renders Markdown descriptions as PyPI does: readme_renderer.markdown.render (GFM variant).

Usage: markdown_render.py DOCS.json  (a JSON list of [text, variant] pairs, variant "GFM" or
"CommonMark" as in Description-Content-Type); prints a JSON list of the sanitized HTML, or null
where readme_renderer returns None. One process for the whole batch.
"""

import json
import sys
import warnings

warnings.simplefilter("ignore", FutureWarning)  # newer comrak bindings: "Use header_id_prefix"

import readme_renderer.markdown  # noqa: E402

if not readme_renderer.markdown.variants:
    sys.exit("readme_renderer has no Markdown renderer: pip install comrak (readme_renderer[md])")

with open(sys.argv[1], encoding="utf-8") as f:
    docs = json.load(f)
json.dump([readme_renderer.markdown.render(t, variant=v) for t, v in docs], sys.stdout)
