//! The pallet's logic, one file per feature; calls in `lib.rs` check the origin and delegate here.

pub mod emission;
pub mod escrow;
pub mod payments;
pub mod pools;
pub mod state;
