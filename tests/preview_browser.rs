//! `hoist preview` in a real browser: headless Chromium (the distribution's package, installed
//! by scripts/test where missing) opens the page written for a wheel whose description has a
//! relative image. Checks that the page loads with no network request (Chromium's own net
//! log, the requests keyed by the page's file:// site) and that the marked broken image is visible in a screenshot (its marker colour).
//!
//! Controls keep the checks honest: a page with an image on 127.0.0.1 must show up in the net
//! log, and a page with nothing broken must have no marker pixels.
//!
//! Skipped, saying so, only when no Chromium is installed (scripts/test installs it).

mod support;

use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::Spec;

/// The marker's background (`.hoist-mark`, #ffe3e3 in src/render/page.css).
const MARK_RGB: [u8; 3] = [0xff, 0xe3, 0xe3];

fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            std::env::var_os("PATH")?
                .to_str()?
                .split(':')
                .map(|d| Path::new(d).join(name))
                .find(|p| p.is_file())
        })
}

/// Runs headless Chromium on a file: a screenshot and a net log, with a fresh profile.
fn run_chromium(browser: &Path, page: &Path, dir: &Path) -> (PathBuf, String) {
    let shot = dir.join("shot.png");
    let netlog = dir.join("netlog.json");
    let profile = tempfile::tempdir().expect("profile dir");
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
            "--window-size=1000,900",
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--log-net-log={}", netlog.display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    let start = Instant::now();
    loop {
        if child.try_wait().expect("wait chromium").is_some() {
            break;
        }
        if start.elapsed() > Duration::from_secs(90) {
            let _ = child.kill();
            panic!("chromium did not finish in 90 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let log = std::fs::read_to_string(&netlog).unwrap_or_default();
    (shot, log)
}

/// The URLs the page itself requested, from a Chromium net log: every `URL_REQUEST_START_JOB`
/// whose network isolation key is the page's `file://` site. (Chromium's own background
/// requests, which `--disable-background-networking` does not stop entirely, are keyed by
/// other sites or none; `--host-resolver-rules` keeps them from leaving the machine.)
fn page_requests(netlog: &str) -> Vec<String> {
    let log: serde_json::Value = serde_json::from_str(netlog).expect("net log JSON");
    let start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
        .as_u64()
        .expect("URL_REQUEST_START_JOB in the net log constants");
    log["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["type"].as_u64() == Some(start_job))
        .filter(|e| {
            e["params"]["network_isolation_key"]
                .as_str()
                .is_some_and(|k| k.starts_with("file://"))
        })
        .filter_map(|e| e["params"]["url"].as_str().map(str::to_string))
        .collect()
}

/// Decodes an 8-bit, non-interlaced RGB or RGBA PNG (what Chromium writes) into RGB pixels.
fn decode_png(bytes: &[u8]) -> (usize, usize, Vec<[u8; 3]>) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    let (mut pos, mut width, mut height, mut channels) = (8, 0, 0, 0);
    let mut idat = Vec::new();
    while pos + 8 <= bytes.len() {
        let len = u32::from_be_bytes(bytes[pos..pos + 4].try_into().expect("len")) as usize;
        let kind = &bytes[pos + 4..pos + 8];
        let data = &bytes[pos + 8..pos + 8 + len];
        match kind {
            b"IHDR" => {
                width = u32::from_be_bytes(data[0..4].try_into().expect("w")) as usize;
                height = u32::from_be_bytes(data[4..8].try_into().expect("h")) as usize;
                assert_eq!(data[8], 8, "bit depth");
                assert_eq!(data[12], 0, "interlaced");
                channels = match data[9] {
                    2 => 3,
                    6 => 4,
                    t => panic!("colour type {t}"),
                };
            }
            b"IDAT" => idat.extend_from_slice(data),
            _ => {}
        }
        pos += 12 + len;
    }
    let mut raw = Vec::new();
    flate2::read::ZlibDecoder::new(&idat[..])
        .read_to_end(&mut raw)
        .expect("inflate");
    let stride = width * channels;
    let mut prev = vec![0u8; stride];
    let mut pixels = Vec::with_capacity(width * height);
    for y in 0..height {
        let row = &raw[y * (stride + 1)..(y + 1) * (stride + 1)];
        let mut cur = row[1..].to_vec();
        for i in 0..stride {
            let a = if i >= channels {
                cur[i - channels] as i16
            } else {
                0
            };
            let b = prev[i] as i16;
            let c = if i >= channels {
                prev[i - channels] as i16
            } else {
                0
            };
            let add = match row[0] {
                0 => 0,
                1 => a,
                2 => b,
                3 => (a + b) / 2,
                4 => {
                    let p = a + b - c;
                    let (pa, pb, pc) = ((p - a).abs(), (p - b).abs(), (p - c).abs());
                    if pa <= pb && pa <= pc {
                        a
                    } else if pb <= pc {
                        b
                    } else {
                        c
                    }
                }
                f => panic!("filter {f}"),
            };
            cur[i] = cur[i].wrapping_add(add as u8);
        }
        for px in cur.chunks(channels) {
            pixels.push([px[0], px[1], px[2]]);
        }
        prev = cur;
    }
    (width, height, pixels)
}

fn marker_pixels(shot: &Path) -> usize {
    let bytes = std::fs::read(shot).expect("screenshot written");
    let (_, _, pixels) = decode_png(&bytes);
    pixels.iter().filter(|p| **p == MARK_RGB).count()
}

fn preview(dir: &Path, name: &str, body: &str) -> PathBuf {
    preview_spec(dir, name, Spec::wheel().body(Some(body)))
}

fn preview_spec(dir: &Path, name: &str, spec: Spec) -> PathBuf {
    let wheel = spec.write(dir);
    let page = dir.join(name);
    let out = Command::new(env!("CARGO_BIN_EXE_hoist"))
        .arg("preview")
        .arg(&wheel)
        .arg("-o")
        .arg(&page)
        .output()
        .expect("run hoist preview");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        page.display().to_string()
    );
    page
}

/// The Chromium to run, or `None` after saying the test is skipped.
fn chromium_or_skip() -> Option<PathBuf> {
    let found = chromium();
    if found.is_none() {
        println!(
            "SKIPPED: no Chromium on PATH (chromium, chromium-browser, google-chrome); scripts/test installs it with `apt-get install chromium`"
        );
    }
    found
}

/// Opens `page` in Chromium: it must request nothing and show the broken-image marker.
fn loads_offline_with_the_marker_visible(browser: &Path, page: &Path, dir: &Path) {
    let (shot, netlog) = run_chromium(browser, page, dir);
    assert!(!netlog.is_empty(), "chromium wrote no net log");
    assert_eq!(
        page_requests(&netlog),
        Vec::<String>::new(),
        "network requests"
    );
    let marked = marker_pixels(&shot);
    assert!(
        marked > 2000,
        "the broken-image marker is not visible: {marked} marker pixels"
    );
}

#[test]
fn preview_page_loads_offline_and_shows_the_broken_image() {
    let Some(browser) = chromium_or_skip() else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");

    let broken = preview(
        dir.path(),
        "broken.html",
        "# demo\n\n![project logo](docs/logo.png)\n\nSee [the docs](https://example.com/docs).\n",
    );
    loads_offline_with_the_marker_visible(&browser, &broken, dir.path());

    // Control: nothing broken, no marker.
    let clean = preview(dir.path(), "clean.html", "# demo\n\nAll fine.\n");
    let (shot, _) = run_chromium(&browser, &clean, dir.path());
    assert_eq!(
        marker_pixels(&shot),
        0,
        "marker pixels on a page with nothing broken"
    );

    // Control: a request the page does make is seen in the net log.
    // A free port with nothing listening: the request is refused at once, and still logged.
    let port = {
        let probe = TcpListener::bind("127.0.0.1:0").expect("bind");
        probe.local_addr().expect("addr").port()
    };
    let image = preview(
        dir.path(),
        "image.html",
        &format!("# demo\n\n![badge](http://127.0.0.1:{port}/badge.png)\n"),
    );
    let (_, netlog) = run_chromium(&browser, &image, dir.path());
    assert!(
        page_requests(&netlog)
            .iter()
            .any(|u| u.starts_with(&format!("http://127.0.0.1:{port}/badge.png"))),
        "the net log does not show the page's own image request"
    );
}

/// The same for a reStructuredText description, rendered as readme_renderer renders it.
#[test]
fn rst_preview_page_loads_offline_and_shows_the_broken_image() {
    let Some(browser) = chromium_or_skip() else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = Spec::wheel()
        .set("Description-Content-Type", "text/x-rst")
        .body(Some("Demo\n====\n\n.. image:: docs/logo.png\n   :alt: project logo\n\nSee `the docs <https://example.com/docs>`_.\n"));
    let page = preview_spec(dir.path(), "rst.html", spec);
    let html = std::fs::read_to_string(&page).expect("page");
    assert!(html.contains("https://example.com/docs"), "{html}");
    loads_offline_with_the_marker_visible(&browser, &page, dir.path());
}
