"""Oracle for tests/form_diff.rs: PyPI's verdict on an upload (form and file).

Reads one JSON object per line, {"fields": [[name, value], ...], "path": file} (the form
`hoist upload` sends, file content and digests aside, and the file) and writes one JSON line
{"ok": bool, "message": str}. It follows Warehouse's file_upload in its order (warehouse/
forklift/legacy.py, forms.py, metadata.py, utils/readme.py, utils/wheel.py), with the
libraries at PyPI's pins, leaving out what depends on the server's state (the project,
existing files, size limits granted) and, of the ZIP framing checks of utils/zipfiles.py,
all but the repeated name:
  1. UploadForm: name, filetype, pyversion;
  2. metadata.parse(None, form_data=...): the form read into packaging's RawMetadata (empty
     values dropped, a single-use field given twice is "invalid data"), packaging's own
     validation, then Warehouse's rules (metadata versions, local versions, summary length,
     e-mail addresses, classifiers, URLs, Project-URL labels, Provides/Obsoletes-Dist, direct
     references, Dynamic, License beside License-Expression); the first error of the first
     field in Warehouse's order is the message;
  3. the description rendered with readme_renderer (no fallback);
  4. the file: its name (_validate_filename), its archive (_is_valid_dist_file), the sdist or
     wheel filename against the metadata, License-File members, the wheel's RECORD,
     entry_points.txt and METADATA.
Written for hoist's tests; Warehouse's code is the reference, not a dependency.
"""
import configparser
import csv
import email.message
import os
import tarfile
import zipfile
import email.utils
import inspect
import json
import re
import sys

import email_validator
import readme_renderer.markdown
import readme_renderer.rst
import readme_renderer.txt
from packaging.metadata import (_LIST_FIELDS, _RAW_TO_EMAIL_MAPPING, _STRING_FIELDS,
                                InvalidMetadata, Metadata, _parse_keywords,
                                _parse_project_urls)
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import (InvalidSdistFilename, InvalidWheelFilename, canonicalize_name,
                             parse_sdist_filename, parse_wheel_filename)
from packaging.version import InvalidVersion, Version
from trove_classifiers import all_classifiers, deprecated_classifiers

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from validators import is_valid_uri as valid_uri  # noqa: E402
from validators import parseaddr  # noqa: E402  (strict, as on Python 3.13)

NAME_RE = re.compile(r"^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$", re.IGNORECASE)
SUPPORTED = {"1.0", "1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "2.5"}
DYNAMIC = {f.lower() for f in [
    "Platform", "Supported-Platform", "Summary", "Description", "Description-Content-Type",
    "Keywords", "Home-Page", "Download-Url", "Author", "Author-Email", "Maintainer",
    "Maintainer-Email", "License", "License-Expression", "License-File", "Classifier",
    "Requires-Dist", "Requires-Python", "Requires-External", "Project-Url", "Provides-Extra",
    "Provides-Dist", "Obsoletes-Dist", "Requires", "Provides", "Obsoletes", "Import-Name",
    "Import-Namespace"]}
ORDER = ["metadata-version", "name", "version"]
OVERRIDE = {"platforms": "platform", "supported_platforms": "supported_platform",
            "license_files": "license_file", "import_names": "import_name",
            "import_namespaces": "import_namespace"}
FORM_TO_RAW = {OVERRIDE.get(k, k): k for k in _RAW_TO_EMAIL_MAPPING}
RENDERERS = {"text/plain": readme_renderer.txt, "text/x-rst": readme_renderer.rst,
             "text/markdown": readme_renderer.markdown}


class Refused(Exception):
    pass


def upload_form(form):
    name = form.get("name", [""])[0]
    if not name:
        raise Refused("name: This field is required.")
    if not NAME_RE.match(name):
        raise Refused("'name': Start and end with a letter or numeral ...")
    filetype = form.get("filetype", [""])[0]
    if filetype not in ("sdist", "bdist_wheel"):
        raise Refused("filetype: Use a known file type.")
    pyversion = form.get("pyversion", [""])[0]
    if filetype != "sdist" and not pyversion:
        raise Refused("Python version is required for binary distribution uploads.")
    if filetype == "sdist" and pyversion not in ("", "source"):
        raise Refused("Use 'source' as Python version for an sdist.")


def form_metadata(form):
    raw, unparsed = {}, {}
    for key, values in form.items():
        raw_name = FORM_TO_RAW.get(key)
        if raw_name is None:
            continue
        if values == [""]:
            continue
        if raw_name in _STRING_FIELDS and len(values) == 1:
            raw[raw_name] = values[0]
        elif raw_name in _LIST_FIELDS:
            raw[raw_name] = values
        elif raw_name == "keywords" and len(values) == 1:
            raw[raw_name] = _parse_keywords(values[0])
        elif raw_name == "project_urls":
            try:
                raw[raw_name] = _parse_project_urls(values)
            except KeyError:
                unparsed[key] = values
        else:
            unparsed[key] = values
    if unparsed:
        raise ExceptionGroup("unparsed", [InvalidMetadata(k, f"{k!r} has invalid data")
                                          for k in unparsed])
    return Metadata.from_raw(raw)


def warehouse_rules(meta):
    errors = []
    if meta.metadata_version not in SUPPORTED:
        errors.append(InvalidMetadata("metadata-version", f"{meta.metadata_version!r} is not a valid metadata version"))
    if meta.version.local:
        errors.append(InvalidMetadata("version", f"The use of local versions in '{meta.version}' is not allowed."))
    if isinstance(meta.summary, str) and len(meta.summary) > 512:
        errors.append(InvalidMetadata("summary", "'summary' field must be 512 characters or less."))
    for field in ("author_email", "maintainer_email"):
        value = getattr(meta, field)
        if value is not None:
            address = parseaddr(value)
            if address:
                try:
                    email_validator.validate_email(address, check_deliverability=False)
                except email_validator.EmailNotValidError as exc:
                    errors.append(InvalidMetadata(_RAW_TO_EMAIL_MAPPING[field], f"{address!r} is not a valid email address: {exc}"))
    classifiers = set(meta.classifiers or [])
    errors += [InvalidMetadata("classifier", f"{c!r} is not a valid classifier.")
               for c in sorted(classifiers - set(all_classifiers))]
    for c in sorted(classifiers & deprecated_classifiers.keys()):
        errors.append(InvalidMetadata("classifier", f"The classifier {c!r} has been deprecated."))
    for field in ("home_page", "download_url"):
        url = getattr(meta, field)
        if url is not None and not valid_uri(url):
            errors.append(InvalidMetadata(_RAW_TO_EMAIL_MAPPING[field], f"{url!r} is not a valid url."))
    for label, url in (meta.project_urls or {}).items():
        if not label:
            errors.append(InvalidMetadata("project-url", "Must have a label"))
        elif len(label) > 32:
            errors.append(InvalidMetadata("project-url", f"{label!r} must be 32 characters or less."))
        elif not url:
            errors.append(InvalidMetadata("project-url", "Must have a URL"))
        elif not valid_uri(url):
            errors.append(InvalidMetadata("project-url", f"{url!r} is not a valid url"))
    for field in ("provides_dist", "obsoletes_dist"):
        for req in getattr(meta, field) or []:
            try:
                parsed = Requirement(req)
            except InvalidRequirement as exc:
                errors.append(InvalidMetadata(_RAW_TO_EMAIL_MAPPING[field], f"{req!r} is invalid: {exc}"))
            else:
                if parsed.url is not None:
                    errors.append(InvalidMetadata(_RAW_TO_EMAIL_MAPPING[field], f"Can't have direct dependency: {req!r}"))
    for req in meta.requires_dist or []:
        if req.url is not None:
            errors.append(InvalidMetadata("requires-dist", f"Can't have direct dependency: {req}"))
    for key in meta.dynamic or []:
        if key not in DYNAMIC:
            errors.append(InvalidMetadata("dynamic", f"Dynamic field {key!r} is not a valid dynamic field."))
    if meta.license and meta.license_expression:
        errors.append(InvalidMetadata("license", "License is deprecated when License-Expression is present."))
    if errors:
        raise ExceptionGroup("invalid metadata", errors)


def first_error(group):
    errors = {}
    for e in group.exceptions:
        errors.setdefault(getattr(e, "field", ""), []).append(e)
    field = next((f for f in ORDER if f in errors), sorted(errors)[0])
    return str(errors[field][0])


def render(meta):
    if not meta.description:
        return
    ctype = meta.description_content_type or "text/x-rst"
    msg = email.message.EmailMessage()
    msg["content-type"] = ctype
    renderer = RENDERERS.get(msg.get_content_type(), readme_renderer.txt)
    if renderer.render(meta.description) is None:
        raise Refused(f"The description failed to render for '{ctype}'.")


PLATFORMS_ANY = {"any", "win32", "win_amd64", "win_arm64", "win_ia64"}


def valid_platform(tag):
    """A subset of Warehouse's _valid_platform_tag: what the generated corpus uses."""
    return tag in PLATFORMS_ANY or tag.startswith(("manylinux", "musllinux_", "macosx_"))


def filename_checks(filename, filetype):
    if any(ord(c) < 32 or ord(c) == 127 for c in filename):
        raise Refused("Cannot upload a file with non-printable characters in the name.")
    if "/" in filename or "\\" in filename:
        raise Refused("Cannot upload a file with '/' or '\\' in the name.")
    m = re.match(r".+?(?P<extension>\.(tar\.gz|zip|whl))$", filename, re.IGNORECASE)
    if not m:
        raise Refused("Invalid file extension")
    allowed = {"sdist": {".zip", ".tar.gz"}, "bdist_wheel": {".whl"}}[filetype]
    if m.group("extension") not in allowed:
        raise Refused("Invalid file extension for the filetype")


def archive_checks(path, filename):
    is_zip, is_tar = zipfile.is_zipfile(path), tarfile.is_tarfile(path)
    if is_zip and is_tar:
        raise Refused("Invalid distribution file. File is both a zip and a tar file")
    if filename.endswith(".whl"):
        if not is_zip:
            raise Refused("Invalid distribution file. File is not a zipfile")
        with zipfile.ZipFile(path) as zfp:
            # Of utils/zipfiles.py's framing checks, the one the corpus can reach: a name given
            # twice. Its local headers are compared with the central directory entry that
            # Python's zipfile keeps (the last), so the archive is refused ("Duplicate
            # filename ..." or "Mis-matched data size").
            names = [i.orig_filename for i in zfp.filelist]
            if len(names) != len(set(names)):
                raise Refused("Invalid distribution file. ZIP archive not accepted: a name given twice")
            if any(i.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
                   for i in zfp.infolist()):
                raise Refused("Invalid distribution file. File does not use a supported compression type")
            parts = filename.split("-", 2)
            if len(parts) < 3:
                raise Refused("Invalid distribution file. Unable to parse name and version from wheel filename")
            try:
                zfp.read(f"{parts[0]}-{parts[1]}.dist-info/WHEEL")
            except KeyError:
                raise Refused(f"Invalid distribution file. WHEEL not found at {parts[0]}-{parts[1]}.dist-info/WHEEL")
    elif filename.endswith(".tar.gz"):
        if not is_tar:
            raise Refused("Invalid distribution file. File is not a tarfile")
        try:
            with tarfile.open(path, "r:gz") as tar:
                names = tar.getnames()
                top = os.path.commonpath(names) if names else ""
                if any(m.issparse() for m in tar.getmembers()):
                    raise Refused("Invalid distribution file. Sparse members are not allowed")
                if top in (".", "/", ""):
                    raise Refused("Invalid distribution file. Incorrect number of top-level directories in sdist")
                try:
                    tar.getmember(os.path.join(top, "PKG-INFO"))
                except KeyError:
                    raise Refused(f"Invalid distribution file. PKG-INFO not found at {top}/PKG-INFO")
        except (tarfile.ReadError, EOFError):
            raise Refused("Invalid distribution file. None")


def sdist_checks(path, filename, meta):
    try:
        name, _ = parse_sdist_filename(filename)
    except InvalidSdistFilename:
        raise Refused(f"Invalid source distribution filename: {filename}")
    normalized = canonicalize_name(meta.name)
    if meta.version.is_postrelease and name != normalized and filename.count("-") >= 2:
        try:
            candidate = filename.rpartition("-")[0].rpartition("-")[0]
            Version(filename[len(candidate) + 1:-len(".tar.gz")])
            name = candidate
        except InvalidVersion:
            pass
    if canonicalize_name(name) != normalized:
        raise Refused("Start filename with the project name")
    expected = f"{normalized.replace('-', '_')}-{meta.version}.tar.gz"
    if filename != expected:
        raise Refused(f"Filename {filename!r} is invalid, should be {expected!r}.")
    if meta.license_files:
        with tarfile.open(path, "r:gz") as tar:
            top = os.path.commonpath(tar.getnames())
            for lf in meta.license_files:
                try:
                    tar.getmember(os.path.join(top, lf))
                except KeyError:
                    raise Refused(f"License-File {lf} does not exist in distribution file")


def wheel_checks(path, filename, meta):
    try:
        name, version, _, tags = parse_wheel_filename(filename)
    except InvalidWheelFilename as exc:
        raise Refused(str(exc))
    for tag in tags:
        if not valid_platform(tag.platform):
            raise Refused(f"Binary wheel '{filename}' has an unsupported platform tag '{tag.platform}'.")
    if canonicalize_name(meta.name) != name:
        raise Refused("Start filename with the project name")
    if filename.split("-", 1)[0] != canonicalize_name(meta.name).replace("-", "_"):
        raise Refused("Filename should contain the normalized project name")
    if meta.version != version:
        raise Refused(f"Version in filename should be {str(meta.version)!r} not {str(version)!r}.")
    fname, fversion, _ = filename.split("-", 2)
    with zipfile.ZipFile(path) as zfp:
        for lf in meta.license_files or []:
            try:
                zfp.read(f"{fname}-{fversion}.dist-info/licenses/{lf}")
            except KeyError:
                raise Refused(f"License-File {lf} does not exist in distribution file")
        try:
            record = zfp.read(f"{fname}-{fversion}.dist-info/RECORD").decode()
            list(csv.reader(record.splitlines()))
        except (UnicodeError, KeyError, csv.Error):
            raise Refused("Wheel does not contain the required RECORD file")
        try:
            text = zfp.read(f"{fname}-{fversion}.dist-info/entry_points.txt").decode()
        except KeyError:
            text = None
        except UnicodeError:
            raise Refused("entry_points.txt is not decodable as UTF-8")
        if text is not None:
            class CaseSensitive(configparser.ConfigParser):
                optionxform = staticmethod(str)
            parser = CaseSensitive(delimiters=("=",))
            try:
                parser.read_string(text)
            except configparser.Error:
                raise Refused("has invalid entry points defined in the entry_points.txt file")
            for section in ("console_scripts", "gui_scripts"):
                if section in parser:
                    for key in parser[section]:
                        if re.fullmatch(r"[\w.-]+", key) is None:
                            raise Refused("has invalid entry points defined in the entry_points.txt file")
        try:
            zfp.read(f"{fname}-{fversion}.dist-info/METADATA")
        except KeyError:
            raise Refused("Wheel does not contain the required METADATA file")


def verdict(pairs, path=None):
    form = {}
    for name, value in pairs:
        form.setdefault(name, []).append(value)
    try:
        upload_form(form)
        try:
            meta = form_metadata(form)
            warehouse_rules(meta)
        except ExceptionGroup as group:
            leaves = [e for e in group.exceptions]
            flat = []
            while leaves:
                e = leaves.pop(0)
                if isinstance(e, ExceptionGroup):
                    leaves[:0] = list(e.exceptions)
                else:
                    flat.append(e)
            raise Refused(first_error(ExceptionGroup("x", flat)))
        render(meta)
        if path is not None:
            filename = os.path.basename(path)
            filetype = form["filetype"][0]
            filename_checks(filename, filetype)
            archive_checks(path, filename)
            if filetype == "sdist":
                sdist_checks(path, filename, meta)
            else:
                wheel_checks(path, filename, meta)
    except Refused as exc:
        return False, str(exc)
    except Exception as exc:  # a library failing outright: PyPI answers 500
        return False, f"{type(exc).__name__}: {exc}"
    return True, ""


for line in sys.stdin:
    item = json.loads(line)
    ok, message = verdict(item["fields"], item.get("path"))
    sys.stdout.write(json.dumps({"ok": ok, "message": message}) + "\n")
sys.stdout.flush()
