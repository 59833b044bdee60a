//! Reading distributions: filenames, archives and core metadata.
