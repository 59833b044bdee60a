//! Reading distributions: filenames ([`filename`]), archives ([`zip`], [`tar`]), PyPI's content
//! scan ([`scan`]) and core metadata ([`metadata`]).
//!
//! Everything here reads input that may be hostile: no panics, and bounded memory whatever the
//! file claims about itself.

pub mod filename;
pub mod form;
pub mod metadata;
pub mod scan;
pub mod tar;
pub mod version;
pub mod zip;
