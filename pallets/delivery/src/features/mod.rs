//! The logic behind the calls and hooks, one file per feature.

pub mod api;
pub mod claims;
pub mod content;
pub mod edges;
pub mod epochs;
pub mod samples;
pub mod worker;
#[cfg(any(feature = "try-runtime", test))]
pub mod state;
