//! Rendering reports: human text (coloured on a terminal), JSON, and GitHub Actions annotations.
