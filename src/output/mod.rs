//! Rendering reports for people and machines: one file per report kind.
//!
//! - [`check`]: the `hoist check` report as human text (coloured on a terminal), JSON, and
//!   GitHub Actions `::error` annotations.
//!
//! Nothing outside this module writes report text to the terminal.

pub mod audit;
pub mod check;
pub mod upload;
