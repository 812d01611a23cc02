//! The pallet's logic, one file per feature (as in pallet-nfts); the calls in `lib.rs` only check
//! the origin and delegate here.

pub mod membership;
pub mod slots;
