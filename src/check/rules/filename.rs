//! Rules about the file itself and its name: extension, characters, size, and the wheel and
//! sdist filename grammars, including the wheel platform tags PyPI allows.

use crate::check::{Diagnostics, Dist, Options};
use crate::declare_rule;
use crate::dist::filename::{FileType, is_allowed_platform_tag};
use crate::pyrepr::py_repr;

const PEP527: &str = "https://www.python.org/dev/peps/pep-0527";

declare_rule! {
    /// ## What it does
    /// Checks that the file has one of the extensions PyPI accepts: `.whl` for wheels and
    /// `.tar.gz` for sdists (`.zip` sdists are recognised, then refused by a later rule).
    ///
    /// ## Why is this bad?
    /// PyPI refuses eggs, `.exe`/`.msi` installers, `.tar.bz2`, `.tgz` and everything else:
    /// "Invalid file extension: Use .tar.gz, .whl or .zip extension. See
    /// https://www.python.org/dev/peps/pep-0527 and https://peps.python.org/pep-0715/ for more
    /// information"
    ///
    /// ## Fix
    /// Upload only the wheels and the sdist that `python -m build` writes to `dist/`.
    pub static INVALID_EXTENSION = ("F001", "invalid-extension", Error);
}

declare_rule! {
    /// ## What it does
    /// Checks that the extension is spelled in lower case.
    ///
    /// ## Why is this bad?
    /// PyPI recognises `.TAR.GZ` or `.WHL` but then compares case-sensitively and refuses the
    /// file: "Invalid file extension: Extension .TAR.GZ is invalid for filetype sdist. See
    /// https://www.python.org/dev/peps/pep-0527 for more information."
    ///
    /// ## Fix
    /// Rename the file with a lower-case extension.
    pub static EXTENSION_CASE = ("F002", "extension-case", Error);
}

declare_rule! {
    /// ## What it does
    /// Checks the filename for control characters (ordinals 0 to 31) and DEL (127).
    ///
    /// ## Why is this bad?
    /// PyPI refuses such names: "Cannot upload a file with non-printable characters
    /// (ordinals 0-31) or the DEL character (ordinal 127) in the name."
    ///
    /// ## Fix
    /// Rename the file; such characters usually come from a broken build script.
    pub static UNPRINTABLE_FILENAME = ("F003", "unprintable-filename", Error);
}

declare_rule! {
    /// ## What it does
    /// Checks the filename for `/` and `\`.
    ///
    /// ## Why is this bad?
    /// PyPI refuses them: "Cannot upload a file with '/' or '\' in the name."
    ///
    /// ## Fix
    /// Rename the file.
    pub static SLASH_IN_FILENAME = ("F004", "slash-in-filename", Error);
}

declare_rule! {
    /// ## What it does
    /// Checks the file against PyPI's per-file size limit: 100 MiB unless the project was
    /// granted more (set `--max-file-size`).
    ///
    /// ## Why is this bad?
    /// PyPI refuses larger files: "File too large. Limit for project 'x' is 100 MB. See
    /// https://docs.pypi.org/project-management/storage-limits#requesting-a-file-size-limit-increase
    /// for more information."
    ///
    /// ## Fix
    /// Leave large data out of the distribution (strip debug symbols from extension modules),
    /// or request a limit increase and pass the granted size with `--max-file-size`.
    pub static FILE_TOO_LARGE = ("F005", "file-too-large", Error);
}

declare_rule! {
    /// ## What it does
    /// Checks that a wheel's filename is at most 246 bytes long.
    ///
    /// ## Why is this bad?
    /// PyPI stores the wheel's metadata beside it as `<filename>.metadata`, which must fit in
    /// 255 bytes: "Filename is too long: 'x'"
    ///
    /// ## Fix
    /// Shorten the version or build tag, or use fewer compressed tags.
    pub static FILENAME_TOO_LONG = ("F006", "filename-too-long", Error);
}

declare_rule! {
    /// ## What it does
    /// Parses a wheel filename (`{name}-{version}(-{build})?-{python}-{abi}-{platform}.whl`)
    /// exactly as `packaging.utils.parse_wheel_filename` does for PyPI.
    ///
    /// ## Why is this bad?
    /// PyPI refuses names it cannot parse, with packaging's message, for example
    /// "Invalid wheel filename (wrong number of parts): 'foo-1.0'".
    ///
    /// ## Fix
    /// Do not rename wheels by hand; rebuild them. A build tag must start with a digit.
    pub static INVALID_WHEEL_FILENAME = ("N001", "invalid-wheel-filename", Error);
}

declare_rule! {
    /// ## What it does
    /// Checks every platform tag of a wheel against PyPI's allow-list: `any`, Windows,
    /// `manylinux*`, `musllinux_*`, `macosx_*`, iOS, Android, `pyemscripten_*`, and the
    /// `linux_armv6l`/`linux_armv7l` exceptions.
    ///
    /// ## Why is this bad?
    /// PyPI refuses wheels built for one machine: "Binary wheel 'x.whl' has an unsupported
    /// platform tag 'linux_x86_64'."
    ///
    /// ## Example
    /// `demo-1.0-cp312-cp312-linux_x86_64.whl`
    ///
    /// ## Fix
    /// Repair Linux wheels with `auditwheel repair` (or build them with cibuildwheel or
    /// maturin's manylinux support) so they carry a `manylinux_*` or `musllinux_*` tag.
    pub static UNSUPPORTED_PLATFORM_TAG = ("N002", "unsupported-platform-tag", Error);
}

declare_rule! {
    /// ## What it does
    /// Parses an sdist filename as `{name}-{version}.tar.gz`, splitting at the last dash.
    ///
    /// ## Why is this bad?
    /// PyPI refuses names it cannot parse: "Invalid source distribution filename: x.tar.gz"
    ///
    /// ## Fix
    /// Rebuild the sdist with a current build backend (`python -m build --sdist`).
    pub static INVALID_SDIST_FILENAME = ("N003", "invalid-sdist-filename", Error);
}

/// PyPI's metadata-suffix rule: the wheel filename plus `.metadata` must fit in 255 bytes.
const MAX_WHEEL_FILENAME: usize = 246;

pub(super) fn check(dist: &Dist, options: &Options, out: &mut Diagnostics) {
    let name = &dist.filename;
    if name.chars().any(|c| (c as u32) < 32 || c as u32 == 127) {
        out.push(
            &UNPRINTABLE_FILENAME,
            "Cannot upload a file with non-printable characters (ordinals 0-31) or the DEL character (ordinal 127) in the name.",
        )
        .hint("Rename the file without control characters.");
    }
    if name.contains('/') || name.contains('\\') {
        out.push(
            &SLASH_IN_FILENAME,
            "Cannot upload a file with '/' or '\\' in the name.",
        )
        .hint("Rename the file without slashes.");
    }
    let Some(ext) = &dist.extension else {
        out.push(
            &INVALID_EXTENSION,
            format!("Invalid file extension: Use .tar.gz, .whl or .zip extension. See {PEP527} and https://peps.python.org/pep-0715/ for more information"),
        )
        .hint("This is not a wheel or sdist; upload only what `python -m build` writes to dist/.");
        return;
    };
    if !ext.is_allowed_spelling() {
        out.push(
            &EXTENSION_CASE,
            format!(
                "Invalid file extension: Extension {} is invalid for filetype {}. See {PEP527} for more information.",
                ext.raw,
                ext.file_type.form_value()
            ),
        )
        .hint(format!("Rename the file with the extension in lower case ({}).", ext.raw.to_ascii_lowercase()));
    }
    if let Some(size) = dist.size
        && size > options.max_file_size
    {
        let project = dist.metadata_value("name").unwrap_or("<project>");
        out.push(
                &FILE_TOO_LARGE,
                format!(
                    "File too large. Limit for project {} is {} MB. See https://docs.pypi.org/project-management/storage-limits#requesting-a-file-size-limit-increase for more information.",
                    py_repr(project),
                    options.max_file_size / (1024 * 1024)
                ),
            )
            .hint(format!(
                "The file is {size} bytes, over the limit of {} bytes. Shrink it, or request a limit increase and pass it with --max-file-size.",
                options.max_file_size
            ));
    }
    match ext.file_type {
        FileType::Wheel => check_wheel_name(dist, out),
        FileType::Sdist => {
            if let Some(Err(message)) = &dist.sdist_name {
                out.push(&INVALID_SDIST_FILENAME, message.clone()).hint(
                    "An sdist is named {name}-{version}.tar.gz; rebuild it with `python -m build --sdist`.",
                );
            }
        }
    }
}

fn check_wheel_name(dist: &Dist, out: &mut Diagnostics) {
    let name = &dist.filename;
    match &dist.wheel_name {
        Some(Err(message)) => {
            out.push(&INVALID_WHEEL_FILENAME, message.clone()).hint(
                "A wheel is named {name}-{version}(-{build})?-{python}-{abi}-{platform}.whl; rebuild it rather than renaming it.",
            );
        }
        Some(Ok(wheel)) => {
            // packaging's `Tag` lower-cases every tag, so Warehouse judges `Any` as `any`.
            if let Some(tag) = wheel
                .platform_tags
                .iter()
                .map(|t| t.to_lowercase())
                .find(|t| !is_allowed_platform_tag(t))
            {
                let hint = if tag.starts_with("linux_") {
                    "Repair the wheel with `auditwheel repair` (or build with cibuildwheel) to get a manylinux or musllinux tag."
                } else {
                    "PyPI accepts any, win*, manylinux*, musllinux_*, macosx_*, ios_*, android_* and pyemscripten_* platform tags."
                };
                out.push(
                    &UNSUPPORTED_PLATFORM_TAG,
                    format!("Binary wheel '{name}' has an unsupported platform tag '{tag}'."),
                )
                .hint(hint);
            }
        }
        None => {}
    }
    if name.len() > MAX_WHEEL_FILENAME {
        out.push(
            &FILENAME_TOO_LONG,
            format!("Filename is too long: '{name}'"),
        )
        .hint(format!(
            "The name is {} bytes; PyPI needs it to be at most {MAX_WHEEL_FILENAME}.",
            name.len()
        ));
    }
}
