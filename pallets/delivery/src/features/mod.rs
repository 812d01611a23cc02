//! The logic behind the calls and hooks, one file per feature.

pub mod claims;
pub mod content;
pub mod edges;
pub mod epochs;
pub mod samples;
#[cfg(any(feature = "try-runtime", test))]
pub mod state;
