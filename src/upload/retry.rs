//! When and how long to wait before trying a file again: the policy every request of hoist
//! shares, in [`crate::retry`].

pub use crate::retry::{Policy, parse_retry_after, retryable_status};
