//! Content on disk: what `vidchain-edge ingest` writes and `serve` reads.
//!
//! A content directory holds one directory per content, named by its id (`0x…`):
//! ```text
//! <content-dir>/0x<id>/manifest.json   the Manifest (JSON)
//! <content-dir>/0x<id>/chunks/<i>      chunk i, exactly its bytes (the last one may be short)
//! ```
//! The chunk hashes and the manifest root are computed with `vidchain_primitives::manifest`, the
//! same code the runtime and the validators' off-chain workers check chunks with.
//!
//! An HLS input (a media playlist, `.m3u8`, with its segments beside it) becomes one content:
//! its initialisation section (`EXT-X-MAP`, if any) and its segments in order, concatenated and
//! cut into the chain's fixed-size chunks (the draw maps bytes to chunks by division, so chunks
//! cannot follow segment boundaries). The manifest keeps each segment's duration and byte range,
//! from which the edge writes a playlist whose segments are byte ranges
//! (`EXT-X-BYTERANGE`) of the content's bytes: any HLS player plays it through the edge, and
//! every byte it plays is a byte of the registered content.

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
	/// For content ingested from HLS: where its segments lie in its bytes.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub hls: Option<Hls>,
}

/// A byte range of a content: `length` bytes from `offset`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ByteRange {
	/// The first byte.
	pub offset: u64,
	/// How many bytes (at least 1).
	pub length: u64,
}

/// One HLS media segment of a content.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Segment {
	/// Its duration in microseconds (`EXTINF`).
	pub duration_us: u64,
	/// Where its bytes lie in the content.
	pub range: ByteRange,
	/// Whether a discontinuity precedes it (`EXT-X-DISCONTINUITY`).
	#[serde(default, skip_serializing_if = "std::ops::Not::not")]
	pub discontinuity: bool,
}

/// The HLS layout of a content ingested from a media playlist.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Hls {
	/// The initialisation section (`EXT-X-MAP`), if the input had one: the content's first bytes.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub map: Option<ByteRange>,
	/// The media segments, in order, back to back after the map.
	pub segments: Vec<Segment>,
	/// The segments' file extension (`ts`, `m4s`, …): players filter media URIs by it.
	pub extension: String,
}

impl Hls {
	/// The playlist that plays the content through an edge: each segment a byte range of
	/// `media` (a URI relative to the playlist, e.g. `stream/media.ts` or
	/// `stream/media.ts?access=…`).
	pub fn playlist(&self, media: &str) -> String {
		use std::fmt::Write;
		let target = self.segments.iter().map(|s| s.duration_us.div_ceil(1_000_000)).max().unwrap_or(1).max(1);
		// EXT-X-MAP in a media playlist needs version 6; EXT-X-BYTERANGE version 4.
		let version = if self.map.is_some() { 6 } else { 4 };
		let mut out = format!(
			"#EXTM3U\n#EXT-X-VERSION:{version}\n#EXT-X-TARGETDURATION:{target}\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n"
		);
		if let Some(m) = self.map {
			let _ = writeln!(out, "#EXT-X-MAP:URI=\"{media}\",BYTERANGE=\"{}@{}\"", m.length, m.offset);
		}
		for s in &self.segments {
			if s.discontinuity {
				out.push_str("#EXT-X-DISCONTINUITY\n");
			}
			let (secs, us) = (s.duration_us / 1_000_000, s.duration_us % 1_000_000);
			let _ = writeln!(out, "#EXTINF:{secs}.{us:06},\n#EXT-X-BYTERANGE:{}@{}\n{media}", s.range.length, s.range.offset);
		}
		out.push_str("#EXT-X-ENDLIST\n");
		out
	}

	/// Whether the layout fits a content of `total` bytes: the map first, the segments back to
	/// back after it up to the last byte.
	fn check(&self, total: u64) -> Result<()> {
		let mut next = 0u64;
		for r in self.map.iter().chain(self.segments.iter().map(|s| &s.range)) {
			ensure!(r.offset == next && r.length > 0, "HLS byte ranges are not back to back");
			next = r.offset.checked_add(r.length).context("HLS byte range overflows")?;
		}
		ensure!(!self.segments.is_empty(), "HLS content without segments");
		ensure!(next == total, "HLS byte ranges do not cover the content");
		ensure!(
			!self.extension.is_empty() && self.extension.len() <= 8 && self.extension.bytes().all(|b| b.is_ascii_alphanumeric()),
			"bad HLS media extension"
		);
		Ok(())
	}
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
		if let Some(hls) = &self.hls {
			hls.check(self.total_bytes)?;
		}
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
/// An input named `*.m3u8` is an HLS media playlist: its map and segments, concatenated, are the
/// content (see the module docs). Returns the manifest. Refuses an empty input and sizes outside
/// the runtime's bounds; leaves nothing behind on error (it writes into a temporary directory
/// and renames it last).
pub fn ingest(input: &Path, out: &Path, chunk_size: u32, creator: AccountId, title: String, exclusive: bool) -> Result<Manifest> {
	let is_playlist = input.extension().is_some_and(|e| e.eq_ignore_ascii_case("m3u8"));
	let (files, hls) = if is_playlist {
		let (files, hls) = read_playlist(input)?;
		(files, Some(hls))
	} else {
		(vec![input.to_path_buf()], None)
	};
	ingest_files(&files, hls, out, chunk_size, creator, title, exclusive)
}

fn ingest_files(
	files: &[PathBuf],
	hls: Option<Hls>,
	out: &Path,
	chunk_size: u32,
	creator: AccountId,
	title: String,
	exclusive: bool,
) -> Result<Manifest> {
	let input = files.first().context("nothing to ingest")?;
	ensure!(chunk_size > 0 && chunk_size <= MAX_CHUNK_SIZE, "--chunk-size must be between 1 and {MAX_CHUNK_SIZE}");
	std::fs::create_dir_all(out)?;
	let tmp = out.join(format!(".ingest-{}", std::process::id()));
	let _ = std::fs::remove_dir_all(&tmp);
	std::fs::create_dir_all(tmp.join("chunks"))?;
	let result = (|| {
		let mut file = Files { paths: files, next: 0, current: None };
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
			hls,
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

/// Files read one after the other as one stream.
struct Files<'a> {
	paths: &'a [PathBuf],
	next: usize,
	current: Option<std::fs::File>,
}

impl Read for Files<'_> {
	fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
		loop {
			if let Some(f) = self.current.as_mut() {
				match f.read(buf)? {
					0 => self.current = None,
					n => return Ok(n),
				}
			}
			let Some(path) = self.paths.get(self.next) else { return Ok(0) };
			self.next += 1;
			self.current = Some(std::fs::File::open(path).map_err(|e| {
				std::io::Error::new(e.kind(), format!("opening {}: {e}", path.display()))
			})?);
		}
	}
}

/// The most segments an HLS input may have.
pub const MAX_SEGMENTS: usize = 100_000;

/// Read an HLS media playlist: the files to concatenate (map first, then the segments) and the
/// layout. Refuses what the edge cannot replay faithfully: a multivariant playlist, encryption,
/// byte-range inputs, URIs that are not relative paths below the playlist's directory.
pub fn read_playlist(path: &Path) -> Result<(Vec<PathBuf>, Hls)> {
	let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
	let dir = path.parent().unwrap_or(Path::new("."));
	let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
	ensure!(lines.next() == Some("#EXTM3U"), "{} is not an HLS playlist (no #EXTM3U)", path.display());
	let local = |uri: &str| -> Result<PathBuf> {
		let p = Path::new(uri);
		ensure!(
			!uri.contains("://") &&
				p.is_relative() &&
				p.components().all(|c| matches!(c, std::path::Component::Normal(_))),
			"segment URI {uri:?}: only relative paths below the playlist's directory are ingested"
		);
		Ok(dir.join(p))
	};
	let size = |p: &Path| -> Result<u64> {
		let n = std::fs::metadata(p).with_context(|| format!("segment {}", p.display()))?.len();
		ensure!(n > 0, "{} is empty", p.display());
		Ok(n)
	};
	let (mut files, mut segments, mut map) = (Vec::new(), Vec::new(), None);
	let (mut offset, mut duration, mut discontinuity) = (0u64, None, false);
	for line in lines {
		if let Some(tag) = line.strip_prefix('#') {
			if let Some(d) = tag.strip_prefix("EXTINF:") {
				let d = d.split(',').next().unwrap_or("").trim();
				let secs = d.parse::<f64>().ok().filter(|d| d.is_finite() && (0.0..1e9).contains(d));
				duration = Some((secs.with_context(|| format!("bad EXTINF {d:?}"))? * 1e6).round() as u64);
			} else if tag == "EXT-X-DISCONTINUITY" {
				discontinuity = true;
			} else if let Some(attrs) = tag.strip_prefix("EXT-X-MAP:") {
				ensure!(map.is_none() && segments.is_empty(), "EXT-X-MAP must come once, before the segments");
				ensure!(!attrs.contains("BYTERANGE"), "EXT-X-MAP with BYTERANGE is not supported");
				let uri = attrs
					.split(',')
					.find_map(|a| a.trim().strip_prefix("URI="))
					.map(|u| u.trim_matches('"'))
					.context("EXT-X-MAP without URI")?;
				let p = local(uri)?;
				let length = size(&p)?;
				map = Some(ByteRange { offset, length });
				offset += length;
				files.push(p);
			} else if tag.starts_with("EXT-X-STREAM-INF") || tag.starts_with("EXT-X-I-FRAME-STREAM-INF") {
				bail!("a multivariant playlist: ingest one of its media playlists");
			} else if let Some(attrs) = tag.strip_prefix("EXT-X-KEY:") {
				ensure!(attrs.contains("METHOD=NONE"), "encrypted HLS is not supported");
			} else if tag.starts_with("EXT-X-BYTERANGE") {
				bail!("byte-range HLS input is not supported");
			}
			// Other tags (version, target duration, sequence, type, end) are written anew.
			continue;
		}
		let duration = duration.take().with_context(|| format!("segment {line:?} without #EXTINF"))?;
		ensure!(segments.len() < MAX_SEGMENTS, "more than {MAX_SEGMENTS} segments");
		let p = local(line)?;
		let length = size(&p)?;
		segments.push(Segment { duration_us: duration, range: ByteRange { offset, length }, discontinuity });
		discontinuity = false;
		offset += length;
		files.push(p);
	}
	ensure!(!segments.is_empty(), "{} names no segment", path.display());
	let extension = files
		.last()
		.and_then(|f| f.extension())
		.and_then(|e| e.to_str())
		.filter(|e| e.len() <= 8 && e.bytes().all(|b| b.is_ascii_alphanumeric()))
		.unwrap_or("ts")
		.to_ascii_lowercase();
	let hls = Hls { map, segments, extension };
	hls.check(offset)?;
	Ok((files, hls))
}

/// Read until `buf` is full or the input ends; the number of bytes read.
fn read_full(file: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
	let mut n = 0;
	while n < buf.len() {
		match file.read(&mut buf[n..])? {
			0 => break,
			k => n += k,
		}
	}
	Ok(n)
}
