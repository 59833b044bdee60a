//! Every check rule, grouped by family. A rule is found by its code with one grep.

use super::Rule;

/// Every rule, in code order.
pub static ALL: &[&Rule] = &[];
