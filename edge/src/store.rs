//! Content on disk: what `vidchain-edge ingest` writes and `serve` reads.
//!
//! A content directory holds one directory per content, named by its id (`0x…`):
//! ```text
//! <content-dir>/0x<id>/manifest.json   the Manifest (JSON)
//! <content-dir>/0x<id>/chunks/<i>      chunk i, exactly its bytes (the last one may be short)
//! ```
//! The chunk hashes and the manifest root are computed with `vidchain_primitives::manifest`, the
//! same code the runtime and the validators' off-chain workers check chunks with.

use anyhow::{bail, ensure, Context, Result};
use serde::{Deserialize, Serialize};
use std::{
	collections::BTreeMap,
	io::Read,
	path::{Path, PathBuf},
	sync::Arc,
};
use vidchain_primitives::{
	delivery::{chunk_range_bytes, content_id, ContentId},
	manifest::{self, http::content_hex, ChunkProof},
	AccountId, Hash,
};

/// The largest chunk the runtime accepts (its `MaxChunkSize`): 16 MiB.
pub const MAX_CHUNK_SIZE: u32 = 16 * 1024 * 1024;
/// The most chunks the runtime accepts (its `MaxChunks`).
pub const MAX_CHUNKS: u32 = 1 << 20;

/// A content's manifest: its id, its chunking, its chunk hashes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
	/// The content's id: `content_id(creator, manifest_root)`.
	pub content: ContentId,
	/// The Merkle root over the chunk hashes.
	pub manifest_root: Hash,
	/// The account that registers it.
	pub creator: AccountId,
	/// Bytes per chunk (the last chunk may be shorter).
	pub chunk_size: u32,
	/// Number of chunks.
	pub chunk_count: u32,
	/// Total bytes.
	pub total_bytes: u64,
	/// Whether viewing needs a clip license.
	pub exclusive: bool,
	/// A title.
	pub title: String,
	/// blake2-256 of each chunk, in order.
	pub chunk_hashes: Vec<Hash>,
}

impl Manifest {
	/// Whether the manifest is consistent: sizes fit each other and the runtime's bounds, the
	/// root is the root of the hashes, the id binds the creator and the root.
	pub fn check(&self) -> Result<()> {
		ensure!(self.chunk_size > 0 && self.chunk_size <= MAX_CHUNK_SIZE, "chunk size out of range");
		ensure!(self.chunk_count > 0 && self.chunk_count <= MAX_CHUNKS, "chunk count out of range");
		ensure!(self.chunk_hashes.len() == self.chunk_count as usize, "chunk hashes do not match the count");
		let full = (self.chunk_count as u64 - 1) * self.chunk_size as u64;
		ensure!(
			self.total_bytes > full && self.total_bytes <= full + self.chunk_size as u64,
			"total bytes do not fit the chunking"
		);
		ensure!(manifest::manifest_root(&self.chunk_hashes) == self.manifest_root, "manifest root mismatch");
		ensure!(content_id(&self.creator, &self.manifest_root) == self.content, "content id mismatch");
		Ok(())
	}

	/// The exact length of chunk `index` (`None` outside the content).
	pub fn chunk_len(&self, index: u32) -> Option<u64> {
		chunk_range_bytes(self.chunk_size, self.total_bytes, index, 1)
	}
}

/// One content the edge serves.
#[derive(Debug)]
pub struct Content {
	/// Its manifest.
	pub manifest: Manifest,
	dir: PathBuf,
}

impl Content {
	/// Where chunk `index` lives.
	pub fn chunk_file(&self, index: u32) -> PathBuf {
		self.dir.join("chunks").join(index.to_string())
	}

	/// The Merkle path of chunk `index` (`None` outside the content).
	pub fn proof(&self, index: u32) -> Option<ChunkProof> {
		ChunkProof::new(&self.manifest.chunk_hashes, index)
	}
}

/// The contents of a content directory, by id.
#[derive(Debug, Default)]
pub struct Store {
	contents: BTreeMap<ContentId, Arc<Content>>,
}

impl Store {
	/// Load every content under `dir` (each manifest checked, each chunk file's length too).
	pub fn open(dir: &Path) -> Result<Store> {
		let mut contents = BTreeMap::new();
		for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
			let entry = entry?;
			let path = entry.path();
			let manifest_path = path.join("manifest.json");
			if !manifest_path.is_file() {
				continue;
			}
			let manifest: Manifest = serde_json::from_slice(&std::fs::read(&manifest_path)?)
				.with_context(|| format!("parsing {}", manifest_path.display()))?;
			manifest.check().with_context(|| format!("checking {}", manifest_path.display()))?;
			ensure!(
				entry.file_name().to_string_lossy() == content_hex(&manifest.content),
				"{} is not named by its content id",
				path.display()
			);
			let content = Content { manifest, dir: path.clone() };
			for i in 0..content.manifest.chunk_count {
				let len = std::fs::metadata(content.chunk_file(i))
					.with_context(|| format!("chunk {i} of {}", path.display()))?
					.len();
				ensure!(Some(len) == content.manifest.chunk_len(i), "chunk {i} of {} has the wrong length", path.display());
			}
			contents.insert(content.manifest.content, Arc::new(content));
		}
		Ok(Store { contents })
	}

	/// A content by id.
	pub fn get(&self, id: &ContentId) -> Option<Arc<Content>> {
		self.contents.get(id).cloned()
	}

	/// The ids of every content, in order.
	pub fn ids(&self) -> Vec<ContentId> {
		self.contents.keys().copied().collect()
	}
}

/// Split `input` into chunks of `chunk_size` bytes under `out/0x<id>/` and write its manifest.
/// Returns the manifest. Refuses an empty file and sizes outside the runtime's bounds; leaves
/// nothing behind on error (it writes into a temporary directory and renames it last).
pub fn ingest(input: &Path, out: &Path, chunk_size: u32, creator: AccountId, title: String, exclusive: bool) -> Result<Manifest> {
	ensure!(chunk_size > 0 && chunk_size <= MAX_CHUNK_SIZE, "--chunk-size must be between 1 and {MAX_CHUNK_SIZE}");
	std::fs::create_dir_all(out)?;
	let tmp = out.join(format!(".ingest-{}", std::process::id()));
	let _ = std::fs::remove_dir_all(&tmp);
	std::fs::create_dir_all(tmp.join("chunks"))?;
	let result = (|| {
		let mut file = std::fs::File::open(input).with_context(|| format!("opening {}", input.display()))?;
		let mut hashes = Vec::new();
		let mut total = 0u64;
		let mut buf = vec![0u8; chunk_size as usize];
		loop {
			let n = read_full(&mut file, &mut buf)?;
			if n == 0 {
				break;
			}
			ensure!(hashes.len() < MAX_CHUNKS as usize, "more than {MAX_CHUNKS} chunks: use a larger --chunk-size");
			std::fs::write(tmp.join("chunks").join(hashes.len().to_string()), &buf[..n])?;
			hashes.push(manifest::chunk_hash(&buf[..n]));
			total += n as u64;
			if n < buf.len() {
				break;
			}
		}
		ensure!(total > 0, "{} is empty", input.display());
		let manifest_root = manifest::manifest_root(&hashes);
		let m = Manifest {
			content: content_id(&creator, &manifest_root),
			manifest_root,
			creator,
			chunk_size,
			chunk_count: hashes.len() as u32,
			total_bytes: total,
			exclusive,
			title,
			chunk_hashes: hashes,
		};
		m.check()?;
		std::fs::write(tmp.join("manifest.json"), serde_json::to_vec_pretty(&m)?)?;
		Ok(m)
	})();
	match result {
		Ok(m) => {
			let dest = out.join(content_hex(&m.content));
			if dest.exists() {
				std::fs::remove_dir_all(&tmp)?;
				bail!("{} already exists: this content was ingested before", dest.display());
			}
			std::fs::rename(&tmp, &dest)?;
			Ok(m)
		},
		Err(e) => {
			let _ = std::fs::remove_dir_all(&tmp);
			Err(e)
		},
	}
}

/// Read until `buf` is full or the file ends; the number of bytes read.
fn read_full(file: &mut std::fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
	let mut n = 0;
	while n < buf.len() {
		match file.read(&mut buf[n..])? {
			0 => break,
			k => n += k,
		}
	}
	Ok(n)
}
