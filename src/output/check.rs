//! Rendering of the `hoist check` report.
