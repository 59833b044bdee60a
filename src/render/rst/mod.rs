//! The project page for a reStructuredText description, as PyPI shows it: readme_renderer's
//! pipeline (`readme_renderer/rst.py`) in Rust. docutils' rst parser is
//! [`crate::check::rst::doctree`]; this module applies the transforms docutils runs before
//! writing ([`transform`]), writes HTML as docutils' `html5_polyglot` writer does with
//! readme_renderer's `ReadMeHTMLTranslator` ([`html`]), and sanitizes it with the same
//! allow-list as Markdown (`readme_renderer/clean.py`).

pub mod html;
pub mod transform;

/// readme_renderer's `render` for a reStructuredText description: the sanitized HTML PyPI
/// serves on the project page, or `None` where PyPI refuses the description (a docutils
/// message at warning level or above, as [`crate::check::rst::validate`] reports, or an empty
/// rendering).
pub fn render(source: &str) -> Option<String> {
    // The parser, the transforms and the writer recurse once per level of the document tree.
    // The parser's nesting limit (`MAX_DEPTH` state machines, a few tree levels each) bounds
    // that depth, but not below what overflows a 2 MB stack (tokio's workers, test threads)
    // in a debug build: the writer alone takes ~15 KB per nested definition list. So the
    // pipeline runs on a thread of its own with a stack sized for the deepest tree; where no
    // thread can be started, it runs here.
    const STACK: usize = 64 << 20;
    std::thread::scope(|scope| {
        match std::thread::Builder::new()
            .stack_size(STACK)
            .spawn_scoped(scope, || render_here(source))
        {
            Ok(handle) => handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            Err(_) => render_here(source),
        }
    })
}

fn render_here(source: &str) -> Option<String> {
    let parsed = crate::check::rst::doctree(source)?;
    html::sanitized(&transform::apply(parsed))
}
