//! `hoist preview FILE`: writes the description's preview page ([`crate::render::page`]),
//! prints its path, why PyPI would refuse the description (if it would) and the count of marked
//! findings, and opens it with `--open`. Exit 0 when written, 1 when the input or the output
//! fails.

use std::process::{Command, Stdio};

use crate::cli::PreviewArgs;
use crate::render::page;

use super::{EXIT_FAILURE, EXIT_OK};

pub fn run(args: &PreviewArgs) -> u8 {
    let source = match page::load(&args.file, args.content_type.as_deref()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_FAILURE;
        }
    };
    let preview = page::render(&source);
    let out = args
        .output
        .clone()
        .unwrap_or_else(|| page::default_output(&args.file));
    let written = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| std::fs::write(&out, &preview.html));
    if let Err(e) = written {
        eprintln!("error: {}: cannot write the preview: {e}", out.display());
        return EXIT_FAILURE;
    }
    println!("{}", out.display());
    if let Some(why) = &preview.refused {
        eprintln!(
            "warning: PyPI would not render this description, so it would refuse the upload: {why}"
        );
    }
    if !preview.findings.is_empty() {
        eprintln!(
            "{} part(s) will look broken on PyPI (marked in the page; `hoist check` lists them)",
            preview.findings.len()
        );
    }
    if args.open
        && let Err(e) = open(&out)
    {
        eprintln!(
            "warning: cannot open a browser ({e}); open {} yourself",
            out.display()
        );
    }
    EXIT_OK
}

/// Opens a file with the desktop's default handler. The handler is given two seconds to say
/// it failed (`xdg-open` exits 3 when no method is available, as on a machine without a
/// display); one still running then is taken to have opened it. On Linux and the BSDs, without
/// `$DISPLAY` or `$WAYLAND_DISPLAY` nothing is tried: no browser could show the page.
fn open(path: &std::path::Path) -> std::io::Result<()> {
    let mut cmd = if cfg!(target_os = "macos") {
        Command::new("open")
    } else if cfg!(windows) {
        let mut c = Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        let display = ["DISPLAY", "WAYLAND_DISPLAY"]
            .iter()
            .any(|v| std::env::var_os(v).is_some_and(|x| !x.is_empty()));
        if !display {
            return Err(std::io::Error::other(
                "no display: $DISPLAY and $WAYLAND_DISPLAY are not set",
            ));
        }
        Command::new("xdg-open")
    };
    let mut child = cmd
        .arg(path)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    while std::time::Instant::now() < deadline {
        match child.try_wait()? {
            Some(status) if status.success() => return Ok(()),
            Some(status) => {
                return Err(std::io::Error::other(format!(
                    "the desktop's opener failed ({status})"
                )));
            }
            None => std::thread::sleep(std::time::Duration::from_millis(50)),
        }
    }
    Ok(())
}
