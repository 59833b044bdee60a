//! `hoist preview FILE`: writes the description's preview page ([`crate::render::page`]),
//! prints its path and the count of marked findings, and opens it with `--open`. Exit 0 when
//! written, 1 when the input or the output fails.

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

/// Opens a file with the desktop's default handler, without waiting for it.
fn open(path: &std::path::Path) -> std::io::Result<()> {
    let mut cmd = if cfg!(target_os = "macos") {
        Command::new("open")
    } else if cfg!(windows) {
        let mut c = Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        Command::new("xdg-open")
    };
    cmd.arg(path)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map(|_| ())
}
