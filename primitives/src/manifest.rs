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

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_runtime::{traits::ConstU32, BoundedVec};

/// The deepest manifest tree: 2^32 chunks.
pub const MAX_PROOF_DEPTH: u32 = 32;

/// A chunk's Merkle path to its content's manifest root, as an edge serves it (SCALE, at
/// [`http::chunk_proof_path`]) for viewers and validators to check the chunk with.
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen, Debug)]
pub struct ChunkProof {
	/// The chunk's index.
	pub index: u32,
	/// Chunks in the content (the tree's leaf count).
	pub chunk_count: u32,
	/// Sibling hashes from the leaf up.
	pub siblings: BoundedVec<H256, ConstU32<MAX_PROOF_DEPTH>>,
}

impl ChunkProof {
	/// The proof of chunk `index` of the content whose chunk hashes are `chunk_hashes` (`None`
	/// if `index` is outside it).
	pub fn new(chunk_hashes: &[H256], index: u32) -> Option<ChunkProof> {
		if index as usize >= chunk_hashes.len() {
			return None;
		}
		let proof = chunk_proof(chunk_hashes, index);
		Some(ChunkProof {
			index,
			chunk_count: chunk_hashes.len() as u32,
			siblings: BoundedVec::try_from(proof.proof).ok()?,
		})
	}

	/// Whether `chunk` is chunk [`ChunkProof::index`] of the content with manifest root `root`
	/// and `chunk_count` chunks (the count comes from the chain, not from the proof).
	pub fn verify(&self, root: &H256, chunk_count: u32, chunk: &[u8]) -> bool {
		self.chunk_count == chunk_count &&
			self.index < chunk_count &&
			verify_chunk(root, chunk, self.index, chunk_count, self.siblings.to_vec())
	}
}

/// The edge's HTTP interface, as the edge server, viewers and validators' off-chain workers
/// address it (paths relative to the edge's registered endpoint, no trailing slash on it).
pub mod http {
	use alloc::{format, string::String};
	use sp_core::H256;

	/// Media type of SCALE-encoded bodies (chunk proofs, content lists).
	pub const SCALE_MEDIA_TYPE: &str = "application/scale";

	/// The request header that carries a signed `licenses::AccessToken` (hex of the SCALE pair
	/// `(AccessToken, MultiSignature)`) for exclusive content.
	pub const ACCESS_HEADER: &str = "x-vidchain-access";

	/// The query parameter that carries the same token, for players that cannot set headers
	/// (an HLS playlist fetched with it names its media with it too).
	pub const ACCESS_QUERY: &str = "access";

	/// The request header with which a validator's probe asks for a chunk: the hex of its
	/// 32-byte nonce (no `0x`).
	pub const PROBE_HEADER: &str = "x-vidchain-probe";

	/// The response header with which an edge answers a probe: the hex (no `0x`) of the SCALE
	/// `MultiSignature` of the edge's key over
	/// [`crate::delivery::ProbeAnswer::signing_payload`].
	pub const PROBE_SIGNATURE_HEADER: &str = "x-vidchain-probe-signature";

	/// `0x`-prefixed lowercase hex of a content id, as it appears in paths.
	pub fn content_hex(content: &H256) -> String {
		let mut s = String::with_capacity(66);
		s.push_str("0x");
		for b in content.as_bytes() {
			s.push_str(&format!("{b:02x}"));
		}
		s
	}

	/// The contents an edge serves: SCALE `Vec<ContentId>` with `Accept: application/scale`,
	/// JSON otherwise.
	pub fn contents_path() -> String {
		String::from("/content")
	}

	/// A content's manifest (JSON).
	pub fn manifest_path(content: &H256) -> String {
		format!("/content/{}/manifest", content_hex(content))
	}

	/// Chunk `index` of a content (the raw bytes; HTTP Range works).
	pub fn chunk_path(content: &H256, index: u32) -> String {
		format!("/content/{}/chunks/{index}", content_hex(content))
	}

	/// The HLS playlist of a content ingested from HLS (its segments as byte ranges of
	/// [`stream_path`]).
	pub fn playlist_path(content: &H256) -> String {
		format!("/content/{}/index.m3u8", content_hex(content))
	}

	/// The content's bytes as one resource (HTTP Range works across chunks).
	pub fn stream_path(content: &H256) -> String {
		format!("/content/{}/stream", content_hex(content))
	}

	/// The [`super::ChunkProof`] of chunk `index` (SCALE with `Accept: application/scale`, JSON
	/// otherwise).
	pub fn chunk_proof_path(content: &H256, index: u32) -> String {
		format!("/content/{}/chunks/{index}/proof", content_hex(content))
	}
}

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

	#[test]
	fn chunk_proofs_check_index_count_and_bytes() {
		let chunks = chunks(9);
		let hashes: Vec<H256> = chunks.iter().map(|c| chunk_hash(c)).collect();
		let root = manifest_root(&hashes);
		for i in 0..9u32 {
			let p = ChunkProof::new(&hashes, i).unwrap();
			let p = ChunkProof::decode(&mut &p.encode()[..]).unwrap();
			assert!(p.verify(&root, 9, &chunks[i as usize]));
			assert!(!p.verify(&root, 10, &chunks[i as usize]), "the count comes from the chain");
			assert!(!p.verify(&root, 9, &chunks[(i as usize + 1) % 9]), "another chunk");
			let mut moved = p.clone();
			moved.index = (i + 1) % 9;
			assert!(!moved.verify(&root, 9, &chunks[i as usize]), "another index");
		}
		assert!(ChunkProof::new(&hashes, 9).is_none());
		assert_eq!(
			http::chunk_path(&H256::repeat_byte(0xab), 3),
			alloc::format!("/content/0x{}/chunks/3", "ab".repeat(32))
		);
	}

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
