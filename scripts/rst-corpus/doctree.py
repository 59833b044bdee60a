#!/usr/bin/env python3
"""docutils' document trees and readme_renderer's HTML for the rst preview's differential tests.

Usage: doctree.py MODE DOCS.json  (or DOCS.json alone with HOIST_DOCTREE_MODE=MODE)

Reads a JSON array of strings (rst documents) and writes to stdout a JSON array with, for each
document, null where readme_renderer does not render it (PyPI would refuse it), else:

- MODE ``parsed``: the tree docutils' rst parser builds, before any transform, with
  readme_renderer's settings (``Parser().parse`` into ``new_document``);
- MODE ``transformed``: the tree readme_renderer's HTML translator receives (after every reader,
  parser and writer transform of ``publish_parts``);
- MODE ``html``: ``readme_renderer.rst.render``'s output (sanitized HTML, a string);
- MODE ``writer``: for the HTML writer, {"transformed": the ``transformed`` tree, "fragment":
  the HTML readme_renderer sanitizes (``parts["docinfo"] + parts["fragment"]`` of the same
  run), "html": the ``html`` string};
- MODE ``paragraphs``: for the inline parser, a list of [rawsource, line, children] for every
  paragraph of the parsed tree (rawsource is the paragraph's source text, lines joined by
  newlines; line is what docutils records, the paragraph's last line).

A tree node is JSON: text is a string; an element is {"t": tagname, "a": {name: value},
"c": [children]} with "a" and "c" left out when empty. Attribute values are a list of strings
(ids, classes, names, dupnames, backrefs and every other list) or a string (``str(value)``);
empty lists are left out. A ``pending`` node carries "transform" (the transform's class name)
and "details.KEY" attributes. ``system_message`` nodes are left out: with report_level 5 they
never show. Documents are split between two worker processes.
"""
import io
import json
import multiprocessing
import os
import sys

from docutils import frontend, nodes, utils
from docutils.core import publish_parts
from docutils.parsers.rst import Parser
from readme_renderer.rst import SETTINGS, ReadMeHTMLTranslator, Writer, render


def attrs(node):
    out = {}
    for key, value in node.attributes.items():
        if isinstance(value, (list, tuple)):
            if value:
                out[key] = [str(v) for v in value]
        elif value is not None:
            out[key] = str(value)
    if isinstance(node, nodes.pending):
        out["transform"] = node.transform.__name__
        for key, value in node.details.items():
            out["details." + key] = str(value)
    return out


def to_json(node):
    if isinstance(node, nodes.Text):
        return str(node)
    out = {"t": node.tagname}
    a = attrs(node)
    if a:
        out["a"] = a
    children = [to_json(c) for c in node.children if not isinstance(c, nodes.system_message)]
    if children:
        out["c"] = children
    return out


def settings():
    s = frontend.get_default_settings(Parser, Writer)
    for key, value in SETTINGS.items():
        setattr(s, key, value)
    s.warning_stream = io.StringIO()
    return s


def parsed(doc):
    document = utils.new_document("<string>", settings())
    Parser().parse(doc, document)
    return document


class Capture(Writer):
    def translate(self):
        self.captured = to_json(self.document)
        super().translate()


def transformed(doc, html=None):
    writer = Capture()
    writer.translator_class = ReadMeHTMLTranslator
    overrides = dict(SETTINGS, warning_stream=io.StringIO())
    parts = publish_parts(doc, writer=writer, settings_overrides=overrides)
    if html is None:
        return writer.captured
    fragment = parts["docinfo"] + parts["fragment"]
    return {"transformed": writer.captured, "fragment": fragment, "html": html}


def paragraphs(doc):
    out = []
    for node in parsed(doc).findall(nodes.paragraph):
        if node.rawsource:
            out.append([node.rawsource, node.line, [to_json(c) for c in node.children]])
    return out


def one(args):
    mode, doc = args
    try:
        html = render(doc)
        if html is None or mode == "html":
            return html
        if mode == "parsed":
            return to_json(parsed(doc))
        if mode == "transformed":
            return transformed(doc)
        if mode == "writer":
            return transformed(doc, html)
        if mode == "paragraphs":
            return paragraphs(doc)
        raise SystemExit(f"unknown mode {mode!r}")
    except Exception:  # docutils crashed: PyPI would not render it either
        return None


def main():
    if len(sys.argv) == 3:
        mode, path = sys.argv[1], sys.argv[2]
    else:
        mode, path = os.environ.get("HOIST_DOCTREE_MODE", "html"), sys.argv[1]
    with open(path, encoding="utf-8") as f:
        docs = json.load(f)
    with multiprocessing.Pool(2) as pool:
        out = pool.map(one, [(mode, d) for d in docs], chunksize=8)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
