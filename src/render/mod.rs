//! The project page as PyPI shows it: a description rendered to the HTML PyPI serves.
//!
//! PyPI renders descriptions with `readme_renderer` (45.0 is the version Warehouse pins in
//! `requirements/main.txt`). For Markdown that is the comrak crate (through the `comrak` Python
//! bindings, pinned at 0.0.12, which wrap comrak 0.49.0) followed by readme_renderer's own
//! rewrites and the nh3 sanitizer (pinned at 0.3.6, whose engine is the `ammonia` crate 4.1.2). [`markdown`] runs the same crates with the same
//! options; [`sanitize`] holds readme_renderer's allow-list; [`findings`] lists what the page
//! will show broken (relative images and links, removed HTML, GitHub-only syntax); [`page`]
//! wraps the HTML in a self-contained preview page.

pub mod findings;
pub mod markdown;
pub mod page;
pub mod rst;
pub mod sanitize;

pub use findings::{Finding, FindingKind, RepoLink};
pub use markdown::render_markdown;
