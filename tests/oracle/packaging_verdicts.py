"""Oracle for tests/packaging_diff.rs: reads [{"field", "value"}] as JSON on stdin and prints,
for each, whether packaging (the library PyPI validates metadata with) accepts the value."""
import json
import sys

import packaging
from packaging.licenses import canonicalize_license_expression
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

CHECKS = {
    "version": Version,
    "requires-python": SpecifierSet,
    "requires-dist": Requirement,
    "name": lambda v: canonicalize_name(v, validate=True),
    "license-expression": canonicalize_license_expression,
}


def accepts(field, value):
    try:
        CHECKS[field](value)
    except Exception:
        return False
    return True


items = json.load(sys.stdin)
json.dump({"packaging": packaging.__version__,
           "verdicts": [accepts(i["field"], i["value"]) for i in items]}, sys.stdout)
