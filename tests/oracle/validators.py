"""Oracle for tests/validators_diff.rs: one validator, many values, one process.

Usage: validators.py KIND. Reads one JSON string per line on stdin and writes, for each, one
JSON line {"ok": bool, "out": str}: for an accepted value what the library makes of it (the
normal form, or the extracted address), for a refused one the library's message. The
libraries are the ones PyPI runs, at the versions in scripts/requirements-test.txt; each
KIND calls them the way Warehouse does (warehouse/forklift/metadata.py, utils/http.py).
"""
import email._parseaddr
import email.utils
import inspect
import json
import sys

import email_validator
import trove_classifiers
from packaging.licenses import canonicalize_license_expression
from packaging.markers import Marker
from packaging.metadata import Metadata
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version
from rfc3986 import exceptions, uri_reference, validators


def is_valid_uri(uri):
    """Warehouse's is_valid_uri(uri, require_authority=False)."""
    ref = uri_reference(uri).normalize()
    v = validators.Validator().allow_schemes("http", "https")
    v.require_presence_of("scheme")
    v.check_validity_of("scheme", "host", "port", "path", "query")
    try:
        v.validate(ref)
    except exceptions.ValidationError:
        return False
    return True


def url(value):
    return (True, "") if is_valid_uri(value) else (False, "not a valid url")


if "strict" in inspect.signature(email.utils.parseaddr).parameters:
    def parseaddr(value):
        return email.utils.parseaddr(value, strict=True)[1]
else:
    # This Python predates the strict parseaddr (3.13 and the security releases have it; PyPI
    # runs 3.13). The same rule, stated here: refuse unbalanced parentheses outside quoted
    # names, refuse an address still holding '[', and extract nothing unless exactly one
    # address is found.
    def _chars(addr):
        escape = False
        for pos, ch in enumerate(addr):
            if escape:
                yield pos, "\\" + ch
                escape = False
            elif ch == "\\":
                escape = True
            else:
                yield pos, ch
        if escape:
            yield len(addr) - 1, "\\"

    def _unquoted(addr):
        if '"' not in addr:
            return addr
        start, opened, parts = 0, None, []
        for pos, ch in _chars(addr):
            if ch == '"':
                if opened is None:
                    opened = pos
                else:
                    parts.append(addr[start:opened])
                    start, opened = pos + 1, None
        parts.append(addr[start:])
        return "".join(parts)

    def _balanced(addr):
        depth = 0
        for _, ch in _chars(_unquoted(addr)):
            depth += ch == "("
            depth -= ch == ")"
            if depth < 0:
                return False
        return depth == 0

    def parseaddr(value):
        if not _balanced(value):
            value = "('', '')"
        found = [("", "") if "[" in a[1] else a
                 for a in email._parseaddr.AddressList(value).addresslist]
        return found[0][1] if len(found) == 1 else ""


def mail(value):
    address = parseaddr(value)
    if not address:
        return True, ""
    try:
        email_validator.validate_email(address, check_deliverability=False)
    except email_validator.EmailNotValidError as exc:
        return False, f"{address}\n{exc}"
    return True, address


def version(value):
    return True, str(Version(value))


def specifier(value):
    SpecifierSet(value)
    return True, ""


def requirement(value):
    return True, str(Requirement(value))


def marker(value):
    return True, str(Marker(value))


def name(value):
    canonicalize_name(value, validate=True)
    return True, ""


def license_expression(value):
    return True, str(canonicalize_license_expression(value))


def content_type(value):
    raw = {"metadata_version": "2.1", "name": "x", "version": "1.0",
           "description_content_type": value}
    try:
        Metadata.from_raw(raw)
    except ExceptionGroup as group:
        return False, str(group.exceptions[0])
    return True, ""


def classifier(value):
    if value not in trove_classifiers.all_classifiers:
        return False, f"{value!r} is not a valid classifier."
    replacement = trove_classifiers.deprecated_classifiers.get(value)
    if replacement:
        return False, (f"The classifier {value!r} has been deprecated, "
                       f"use one of {replacement} instead.")
    if replacement is not None:
        return False, f"The classifier {value!r} has been deprecated."
    return True, ""


KINDS = {"url": url, "email": mail, "version": version, "specifier": specifier,
         "requirement": requirement, "marker": marker, "name": name,
         "license": license_expression, "content-type": content_type,
         "classifier": classifier}


def main():
    check = KINDS[sys.argv[1]]
    out = sys.stdout
    for line in sys.stdin:
        value = json.loads(line)
        try:
            ok, text = check(value)
        except Exception as exc:  # each library's own refusal (InvalidVersion, ...)
            ok, text = False, str(exc)
        out.write(json.dumps({"ok": ok, "out": text}) + "\n")
    out.flush()


if __name__ == "__main__":
    main()
