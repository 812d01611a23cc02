//! Content manifests: the Merkle root over a content's chunk hashes, which is also the content's
//! id. Built with polkadot-sdk's `binary-merkle-tree` over blake2-256.
//!
//! - chunk hash: `blake2_256(chunk bytes)`
//! - manifest root: `binary_merkle_tree::merkle_root_raw::<BlakeTwo256>(chunk hashes)`
//!
//! The edge server serves a chunk with its proof; a viewer or a validator's off-chain worker
//! checks it with [`verify_chunk`] against the root registered on chain.

extern crate alloc;

use alloc::vec::Vec;
use sp_io::hashing::blake2_256;
use sp_core::{H256};
use sp_runtime::traits::BlakeTwo256;

pub use binary_merkle_tree::MerkleProof;

/// The hash of one chunk.
pub fn chunk_hash(chunk: &[u8]) -> H256 {
	H256(blake2_256(chunk))
}

/// The manifest root over a content's chunk hashes (in chunk order).
pub fn manifest_root(chunk_hashes: &[H256]) -> H256 {
	binary_merkle_tree::merkle_root_raw::<BlakeTwo256, _>(chunk_hashes.iter().copied())
}

/// The proof that chunk `index` belongs to the manifest of `chunk_hashes`.
pub fn chunk_proof(chunk_hashes: &[H256], index: u32) -> MerkleProof<H256, H256> {
	binary_merkle_tree::merkle_proof_raw::<BlakeTwo256, _>(chunk_hashes.iter().copied(), index)
}

/// Whether `chunk` is chunk `index` of the content whose manifest root is `root`, given the
/// sibling hashes `proof` and the content's `chunk_count`.
pub fn verify_chunk(root: &H256, chunk: &[u8], index: u32, chunk_count: u32, proof: Vec<H256>) -> bool {
	binary_merkle_tree::verify_proof::<BlakeTwo256, _, _>(
		root,
		proof,
		chunk_count,
		index,
		binary_merkle_tree::Leaf::Hash(chunk_hash(chunk)),
	)
}

#[cfg(test)]
mod tests {
	use super::*;

	fn chunks(n: usize) -> Vec<Vec<u8>> {
		(0..n).map(|i| alloc::vec![i as u8; 64 + i]).collect()
	}

	#[test]
	fn every_chunk_verifies_and_a_tampered_one_does_not() {
		for n in [1usize, 2, 3, 7, 16, 33] {
			let chunks = chunks(n);
			let hashes: Vec<H256> = chunks.iter().map(|c| chunk_hash(c)).collect();
			let root = manifest_root(&hashes);
			for (i, chunk) in chunks.iter().enumerate() {
				let proof = chunk_proof(&hashes, i as u32);
				assert_eq!(proof.root, root);
				assert!(verify_chunk(&root, chunk, i as u32, n as u32, proof.proof.clone()), "n={n} i={i}");
				let mut bad = chunk.clone();
				bad[0] ^= 0xff;
				assert!(!verify_chunk(&root, &bad, i as u32, n as u32, proof.proof));
			}
		}
	}
}
