//! Distribution filenames: wheels (PEP 427/491, with build tags and compressed tag sets) and
//! sdists (PEP 625), parsed the way `packaging.utils` parses them for PyPI, plus PEP 503 name
//! normalisation and the wheel platform-tag allow-list that PyPI enforces.
//!
//! This module only reads names; it never opens a file.

use std::str::FromStr;

use crate::dist::version::Version;

use crate::pyrepr::py_repr;

/// What kind of distribution a filename says it is, from its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileType {
    /// `bdist_wheel`: a `.whl` file.
    Wheel,
    /// `sdist`: a `.tar.gz` (or, rejected by PyPI, a `.zip`).
    Sdist,
}

impl FileType {
    /// The `filetype` form value PyPI expects.
    pub fn form_value(self) -> &'static str {
        match self {
            FileType::Wheel => "bdist_wheel",
            FileType::Sdist => "sdist",
        }
    }
}

/// The archive format implied by a filename.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArchiveFormat {
    Zip,
    TarGz,
}

/// The extension of a distribution filename, recognised case-insensitively as PyPI does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extension {
    /// The extension as written in the filename (`.TAR.GZ` stays upper case).
    pub raw: String,
    pub file_type: FileType,
    pub format: ArchiveFormat,
}

impl Extension {
    /// Recognises `.whl`, `.tar.gz` and `.zip` in any case; `None` for anything else.
    pub fn of(filename: &str) -> Option<Extension> {
        let lower = filename.to_ascii_lowercase();
        let (len, file_type, format) = if lower.ends_with(".whl") {
            (4, FileType::Wheel, ArchiveFormat::Zip)
        } else if lower.ends_with(".tar.gz") {
            (7, FileType::Sdist, ArchiveFormat::TarGz)
        } else if lower.ends_with(".zip") {
            (4, FileType::Sdist, ArchiveFormat::Zip)
        } else {
            return None;
        };
        // The suffix is ASCII, so this byte index is a char boundary.
        let raw = filename.get(filename.len() - len..)?.to_string();
        Some(Extension {
            raw,
            file_type,
            format,
        })
    }

    /// PyPI compares the extension case-sensitively against the allowed list.
    pub fn is_allowed_spelling(&self) -> bool {
        matches!(self.raw.as_str(), ".whl" | ".tar.gz" | ".zip")
    }
}

/// PEP 503 normalisation: lower case, with every run of `-`, `_` and `.` made one `-`.
pub fn canonicalize_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_sep = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !in_sep {
                out.push('-');
            }
            in_sep = true;
        } else {
            out.extend(c.to_lowercase());
            in_sep = false;
        }
    }
    out
}

/// The name as it must appear in a wheel or sdist filename: normalised, with `_` for `-`.
pub fn filename_name(name: &str) -> String {
    canonicalize_name(name).replace('-', "_")
}

/// Whether `name` is a valid project name, as packaging's `canonicalize_name(name,
/// validate=True)` decides (`packaging/utils.py`): `[a-z0-9]|[a-z0-9][a-z0-9._-]*[a-z0-9]`,
/// ASCII only, case-insensitive, matching the whole name.
pub fn is_valid_project_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    let (Some(first), Some(last)) = (bytes.first(), bytes.last()) else {
        return false;
    };
    first.is_ascii_alphanumeric()
        && last.is_ascii_alphanumeric()
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// A parsed wheel filename.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WheelFilename {
    /// The name part exactly as written.
    pub raw_name: String,
    /// The version part exactly as written.
    pub raw_version: String,
    pub version: Version,
    /// The build tag, if any: its leading number and the rest.
    pub build: Option<(u64, String)>,
    pub python_tags: Vec<String>,
    pub abi_tags: Vec<String>,
    pub platform_tags: Vec<String>,
}

impl WheelFilename {
    /// Parses like `packaging.utils.parse_wheel_filename` (tag order not validated); the error
    /// is packaging's message, which PyPI shows verbatim.
    pub fn parse(filename: &str) -> Result<WheelFilename, String> {
        let Some(stem) = filename.strip_suffix(".whl") else {
            return Err(format!(
                "Invalid wheel filename (extension must be '.whl'): {}",
                py_repr(filename)
            ));
        };
        let dashes = stem.matches('-').count();
        if dashes != 4 && dashes != 5 {
            return Err(format!(
                "Invalid wheel filename (wrong number of parts): {}",
                py_repr(stem)
            ));
        }
        // packaging splits at most `dashes - 2` times: name, version, [build], and the tag
        // triple stays in one piece.
        let parts: Vec<&str> = stem.splitn(dashes - 1, '-').collect();
        let name_part = parts[0];
        let name_ok = !name_part.contains("__")
            && name_part
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '.');
        if !name_ok {
            return Err(format!("Invalid project name: {}", py_repr(stem)));
        }
        let raw_version = parts[1];
        let version = Version::from_str(raw_version).map_err(|_| {
            format!(
                "Invalid wheel filename (invalid version): {}",
                py_repr(stem)
            )
        })?;
        let build = if dashes == 5 {
            let build_part = parts[2];
            let digits: String = build_part
                .chars()
                .take_while(|c| c.is_ascii_digit())
                .collect();
            let number = digits
                .parse::<u64>()
                .map_err(|_| format!("Invalid build number: {build_part} in {}", py_repr(stem)))?;
            Some((number, build_part[digits.len()..].to_string()))
        } else {
            None
        };
        let tag_part = parts[parts.len() - 1];
        let tags: Vec<&str> = tag_part.split('-').collect();
        let split = |s: &str| s.split('.').map(str::to_string).collect::<Vec<_>>();
        Ok(WheelFilename {
            raw_name: name_part.to_string(),
            raw_version: raw_version.to_string(),
            version,
            build,
            python_tags: split(tags[0]),
            abi_tags: split(tags[1]),
            platform_tags: split(tags[2]),
        })
    }

    /// The first python tag group, as twine sends it in the `pyversion` field.
    pub fn pyversion(&self) -> String {
        self.python_tags.join(".")
    }
}

/// A parsed sdist filename.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SdistFilename {
    pub raw_name: String,
    pub raw_version: String,
    pub version: Version,
}

impl SdistFilename {
    /// Parses like `packaging.utils.parse_sdist_filename`: the name and version are split at
    /// the last dash. The error is PyPI's message.
    pub fn parse(filename: &str) -> Result<SdistFilename, String> {
        let stem = filename
            .strip_suffix(".tar.gz")
            .or_else(|| filename.strip_suffix(".zip"));
        let err = || format!("Invalid source distribution filename: {filename}");
        let stem = stem.ok_or_else(err)?;
        let (name, version) = stem.rsplit_once('-').ok_or_else(err)?;
        let parsed = Version::from_str(version).map_err(|_| err())?;
        Ok(SdistFilename {
            raw_name: name.to_string(),
            raw_version: version.to_string(),
            version: parsed,
        })
    }
}

const MACOS_ARCHES: &[&str] = &[
    "ppc",
    "ppc64",
    "i386",
    "x86_64",
    "arm64",
    "intel",
    "fat",
    "fat3",
    "fat64",
    "universal",
    "universal2",
];
const MANYLINUX_ARCHES: &[&str] = &[
    "x86_64", "i686", "aarch64", "armv7l", "ppc64le", "s390x", "riscv64", "ppc64",
];
const FIXED_PLATFORMS: &[&str] = &[
    "any",
    "win32",
    "win_arm64",
    "win_amd64",
    "win_ia64",
    "manylinux1_x86_64",
    "manylinux1_i686",
    "manylinux2010_x86_64",
    "manylinux2010_i686",
    "manylinux2014_x86_64",
    "manylinux2014_i686",
    "manylinux2014_aarch64",
    "manylinux2014_armv7l",
    "manylinux2014_ppc64",
    "manylinux2014_ppc64le",
    "manylinux2014_s390x",
    "linux_armv6l",
    "linux_armv7l",
];

fn is_number(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Splits `rest` into `<X>_<Y>_<tail>` where X and Y are numbers.
fn two_numbers_then(rest: &str) -> Option<(&str, &str, &str)> {
    let (x, rest) = rest.split_once('_')?;
    let (y, tail) = rest.split_once('_')?;
    (is_number(x) && is_number(y)).then_some((x, y, tail))
}

/// Whether PyPI accepts this wheel platform tag (Warehouse's `_valid_platform_tag`).
pub fn is_allowed_platform_tag(tag: &str) -> bool {
    if FIXED_PLATFORMS.contains(&tag) {
        return true;
    }
    if let Some(rest) = tag.strip_prefix("macosx_") {
        let Some((major, minor, arch)) = two_numbers_then(rest) else {
            return false;
        };
        let major_ok = major == "10"
            || (["11", "12", "13", "14", "15", "26"].contains(&major) && minor == "0");
        return major_ok && MACOS_ARCHES.contains(&arch);
    }
    if let Some(rest) = tag.strip_prefix("manylinux_") {
        return two_numbers_then(rest).is_some_and(|(_, _, arch)| MANYLINUX_ARCHES.contains(&arch));
    }
    if let Some(rest) = tag.strip_prefix("musllinux_") {
        return two_numbers_then(rest)
            .is_some_and(|(_, _, arch)| arch != "ppc64" && MANYLINUX_ARCHES.contains(&arch));
    }
    if let Some(rest) = tag.strip_prefix("ios_") {
        return two_numbers_then(rest).is_some_and(|(_, _, tail)| {
            matches!(
                tail,
                "arm64_iphoneos"
                    | "arm64_iphonesimulator"
                    | "x86_64_iphoneos"
                    | "x86_64_iphonesimulator"
            )
        });
    }
    if let Some(rest) = tag.strip_prefix("android_") {
        return rest.split_once('_').is_some_and(|(api, abi)| {
            is_number(api) && matches!(abi, "armeabi_v7a" | "arm64_v8a" | "x86" | "x86_64")
        });
    }
    if let Some(rest) = tag.strip_prefix("pyemscripten_") {
        return two_numbers_then(rest).is_some_and(|(_, _, arch)| arch == "wasm32");
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_names() {
        assert_eq!(canonicalize_name("Foo.Bar__baz"), "foo-bar-baz");
        assert_eq!(filename_name("Some.Thing"), "some_thing");
        assert!(is_valid_project_name("a"));
        assert!(is_valid_project_name("A.b-c_d9"));
        assert!(!is_valid_project_name("foo-"));
        assert!(!is_valid_project_name("-foo"));
        assert!(!is_valid_project_name("fo o"));
        assert!(!is_valid_project_name("café"));
        assert!(!is_valid_project_name(""));
    }

    #[test]
    fn wheel_filenames_parse_like_packaging() {
        let w = WheelFilename::parse("foo_bar-1.0-1a-py2.py3-none-any.whl").unwrap();
        assert_eq!(w.raw_name, "foo_bar");
        assert_eq!(w.build, Some((1, "a".to_string())));
        assert_eq!(w.python_tags, ["py2", "py3"]);
        assert_eq!(w.platform_tags, ["any"]);
        let w = WheelFilename::parse(
            "x-2.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
        )
        .unwrap();
        assert_eq!(w.platform_tags.len(), 2);

        let e = |f: &str| WheelFilename::parse(f).unwrap_err();
        assert_eq!(
            e("foo-1.0.whl"),
            "Invalid wheel filename (wrong number of parts): 'foo-1.0'"
        );
        assert_eq!(
            e("foo__bar-1.0-py3-none-any.whl"),
            "Invalid project name: 'foo__bar-1.0-py3-none-any'"
        );
        assert_eq!(
            e("foo-0.0.4test1-py3-none-any.whl"),
            "Invalid wheel filename (invalid version): 'foo-0.0.4test1-py3-none-any'"
        );
        assert_eq!(
            e("foo-1.0-q-py3-none-any.whl"),
            "Invalid build number: q in 'foo-1.0-q-py3-none-any'"
        );
    }

    #[test]
    fn sdist_filenames() {
        let s = SdistFilename::parse("some_thing-1.0.post9.tar.gz").unwrap();
        assert_eq!(s.raw_name, "some_thing");
        assert_eq!(s.version.to_string(), "1.0.post9");
        assert_eq!(
            SdistFilename::parse("nodash.tar.gz").unwrap_err(),
            "Invalid source distribution filename: nodash.tar.gz"
        );
        assert!(SdistFilename::parse("x-notaversion!.tar.gz").is_err());
    }

    #[test]
    fn extensions_are_case_insensitive_but_spelling_matters() {
        let e = Extension::of("Foo-1.0.TAR.GZ").unwrap();
        assert_eq!(e.file_type, FileType::Sdist);
        assert!(!e.is_allowed_spelling());
        assert!(Extension::of("foo-1.0.tar.bz2").is_none());
        assert!(Extension::of("foo.whl").unwrap().is_allowed_spelling());
    }

    #[test]
    fn platform_tags_follow_warehouse() {
        for ok in [
            "any",
            "win_amd64",
            "manylinux2014_ppc64",
            "linux_armv7l",
            "macosx_10_9_x86_64",
            "macosx_11_0_arm64",
            "macosx_26_0_universal2",
            "manylinux_2_17_x86_64",
            "manylinux_2_31_riscv64",
            "musllinux_1_2_aarch64",
            "ios_13_0_arm64_iphoneos",
            "android_21_arm64_v8a",
            "pyemscripten_2024_0_wasm32",
        ] {
            assert!(is_allowed_platform_tag(ok), "{ok} should be allowed");
        }
        for bad in [
            "linux_x86_64",
            "linux_aarch64",
            "manylinux2014_riscv64",
            "manylinux2010_aarch64",
            "musllinux_1_2_ppc64",
            "manylinux_2_31_loongarch64",
            "macosx_11_1_arm64",
            "macosx_16_0_arm64",
            "macosx_27_0_arm64",
            "macosx_9_2_x86_64",
            "macosx_10_15_amd64",
            "ios_13_0_armv7_iphoneos",
            "android_21_riscv64",
            "emscripten_3_1_58_wasm32",
            "pyodide_2024_0_wasm32",
            "wasi_0_0_0_wasm32",
            "freebsd_14_amd64",
        ] {
            assert!(!is_allowed_platform_tag(bad), "{bad} should be rejected");
        }
    }
}
