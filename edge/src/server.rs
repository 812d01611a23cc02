//! The edge's HTTP interface (axum on hyper/tokio). Paths are those of
//! `vidchain_primitives::manifest::http`, so viewers and validators address every edge alike:
//!
//! | method and path | answer |
//! |---|---|
//! | `GET /content` | the ids served: JSON, or SCALE `Vec<ContentId>` with `Accept: application/scale` |
//! | `GET /content/{id}/manifest` | the manifest (JSON) |
//! | `GET /content/{id}/chunks/{i}` | chunk `i`: exact `Content-Length`, `ETag` (its hash), single `Range` |
//! | `GET /content/{id}/chunks/{i}/proof` | its Merkle path: JSON, or SCALE `ChunkProof` |
//! | `POST /receipts` | a SCALE `Vec<(DeliveryReceipt, MultiSignature)>` (at most 1 024, 1 MiB): every receipt checked (edge, current epoch, served content, exact range, price, the viewer's signature for this chain), then all stored durably or none |
//! | `GET /health` | `ok` |
//!
//! Bad input gets a 4xx with a one-line reason and changes nothing: a malformed id or index
//! (400, which also stops path traversal: ids are 32-byte hex, indices numbers), unknown content
//! or a chunk outside it (404), a range outside the chunk (416). Exclusive content is refused
//! (403) until the edge checks licenses on chain.
//!
//! Fault switches for tests: `corrupt_fraction` serves a fixed share of chunks with one byte
//! flipped (the same chunks every time, chosen by the chunk's hash).

use crate::{metrics::Metrics, store::Store};
use axum::{
	body::Body,
	extract::{Path, State},
	http::{header, HeaderMap, HeaderValue, StatusCode},
	response::{IntoResponse, Response},
	routing::get,
	Json, Router,
};
use codec::Encode;
use std::sync::Arc;
use vidchain_primitives::{
	delivery::ContentId,
	manifest::{http::SCALE_MEDIA_TYPE, ChunkProof},
	Hash,
};

/// Faults the edge can be told to commit (tests and demonstrations only).
#[derive(Clone, Copy, Debug, Default)]
pub struct Faults {
	/// The share of chunks (0.0–1.0) served with one byte flipped.
	pub corrupt_fraction: f64,
}

/// What the edge needs to take receipts: it is connected to a chain and has an operator.
pub struct Intake {
	/// Where receipts go.
	pub receipts: Arc<crate::receipts::ReceiptStore>,
	/// The operator's account: receipts must name it.
	pub operator: vidchain_primitives::AccountId,
	/// The chain's genesis hash: receipts sign it.
	pub genesis: Hash,
	/// The current epoch, as the claimer last read it.
	pub clock: Arc<crate::claimer::Clock>,
	/// The lowest price per MiB the edge takes.
	pub min_price_per_mib: u128,
}

/// The most receipts one `POST /receipts` may carry.
pub const MAX_RECEIPTS_PER_POST: usize = 1024;
/// The largest `POST /receipts` body.
pub const MAX_RECEIPTS_BODY: usize = 1 << 20;

/// What every handler shares.
pub struct Edge {
	/// The contents served.
	pub store: Store,
	/// Counters.
	pub metrics: Metrics,
	/// Faults to commit.
	pub faults: Faults,
	/// Receipt intake (`None`: serve only, `POST /receipts` answers 503).
	pub intake: Option<Intake>,
}

/// The router of an edge.
pub fn router(edge: Arc<Edge>) -> Router {
	Router::new()
		.route("/health", get(|| async { "ok" }))
		.route("/content", get(list))
		.route("/content/{id}/manifest", get(manifest))
		.route("/content/{id}/chunks/{index}", get(chunk))
		.route("/content/{id}/chunks/{index}/proof", get(proof))
		.route(
			"/receipts",
			axum::routing::post(receipts).layer(axum::extract::DefaultBodyLimit::max(MAX_RECEIPTS_BODY)),
		)
		.with_state(edge)
}

/// A 4xx/5xx answer with a one-line reason.
fn refuse(status: StatusCode, reason: impl Into<String>) -> Response {
	(status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], reason.into() + "\n").into_response()
}

fn wants_scale(headers: &HeaderMap) -> bool {
	headers
		.get(header::ACCEPT)
		.and_then(|v| v.to_str().ok())
		.is_some_and(|v| v.split(',').any(|t| t.trim().starts_with(SCALE_MEDIA_TYPE)))
}

fn scale(body: Vec<u8>) -> Response {
	([(header::CONTENT_TYPE, SCALE_MEDIA_TYPE)], body).into_response()
}

/// A content id from a path: `0x` and 64 hex digits, nothing else.
fn parse_id(text: &str) -> Result<ContentId, Response> {
	let hex = text.strip_prefix("0x").ok_or_else(|| refuse(StatusCode::BAD_REQUEST, "a content id is 0x and 64 hex digits"))?;
	let mut bytes = [0u8; 32];
	if hex.len() != 64 || hex::decode_to_slice(hex, &mut bytes).is_err() {
		return Err(refuse(StatusCode::BAD_REQUEST, "a content id is 0x and 64 hex digits"));
	}
	Ok(Hash::from(bytes))
}

fn parse_index(text: &str) -> Result<u32, Response> {
	if text.is_empty() || text.len() > 10 || !text.bytes().all(|b| b.is_ascii_digit()) {
		return Err(refuse(StatusCode::BAD_REQUEST, "a chunk index is a decimal number"));
	}
	text.parse().map_err(|_| refuse(StatusCode::BAD_REQUEST, "a chunk index is a decimal number"))
}

/// The content and chunk a path names, if the edge serves it.
fn lookup(edge: &Edge, id: &str, index: Option<&str>) -> Result<(Arc<crate::store::Content>, u32), Response> {
	let id = parse_id(id)?;
	let index = index.map(parse_index).transpose()?.unwrap_or(0);
	let content = edge.store.get(&id).ok_or_else(|| refuse(StatusCode::NOT_FOUND, "unknown content"))?;
	if content.manifest.exclusive {
		return Err(refuse(StatusCode::FORBIDDEN, "exclusive content: this edge does not check licenses yet"));
	}
	if index >= content.manifest.chunk_count {
		return Err(refuse(StatusCode::NOT_FOUND, "no such chunk"));
	}
	Ok((content, index))
}

async fn receipts(State(edge): State<Arc<Edge>>, body: axum::body::Bytes) -> Response {
	use crate::receipts::{check_batch, SignedReceipt, Terms};
	use codec::Decode;
	let Some(intake) = edge.intake.as_ref() else {
		return refuse(StatusCode::SERVICE_UNAVAILABLE, "this edge takes no receipts (no chain connection)");
	};
	let Some(epoch) = intake.clock.epoch() else {
		return refuse(StatusCode::SERVICE_UNAVAILABLE, "not yet synchronised with the chain");
	};
	let mut input = &body[..];
	let batch = match Vec::<SignedReceipt>::decode(&mut input) {
		Ok(b) if input.is_empty() => b,
		_ => return refuse(StatusCode::BAD_REQUEST, "the body is not a SCALE Vec<(DeliveryReceipt, MultiSignature)>"),
	};
	if batch.is_empty() || batch.len() > MAX_RECEIPTS_PER_POST {
		return refuse(StatusCode::BAD_REQUEST, format!("post 1 to {MAX_RECEIPTS_PER_POST} receipts"));
	}
	let edge2 = edge.clone();
	// Signature checks and the durable write are blocking work.
	let outcome = tokio::task::spawn_blocking(move || {
		let intake = edge2.intake.as_ref().expect("checked above");
		let terms = Terms {
			edge: &intake.operator,
			genesis: &intake.genesis,
			epoch,
			min_price_per_mib: intake.min_price_per_mib,
		};
		let sizes = |c: &Hash| edge2.store.get(c).filter(|c| !c.manifest.exclusive).map(|c| (c.manifest.chunk_size, c.manifest.total_bytes));
		let refused = check_batch(&batch, &terms, sizes);
		if !refused.is_empty() {
			return Ok(Err(refused));
		}
		intake.receipts.insert(&batch).map(|r| r.map(|()| batch.len()))
	})
	.await;
	match outcome {
		Ok(Ok(Ok(n))) => {
			edge.metrics.receipts.inc_by(n as u64);
			Json(serde_json::json!({ "accepted": n })).into_response()
		},
		Ok(Ok(Err(refused))) => {
			edge.metrics.receipts_refused.inc_by(refused.len() as u64);
			let refused: Vec<_> = refused
				.iter()
				.map(|(i, why)| serde_json::json!({ "index": i, "reason": why.reason() }))
				.collect();
			(StatusCode::UNPROCESSABLE_ENTITY, Json(serde_json::json!({ "accepted": 0, "refused": refused })))
				.into_response()
		},
		Ok(Err(e)) => {
			edge.metrics.failures.inc();
			tracing::error!(error = %e, "storing receipts failed");
			refuse(StatusCode::INTERNAL_SERVER_ERROR, "receipts not stored")
		},
		Err(e) => {
			edge.metrics.failures.inc();
			tracing::error!(error = %e, "receipt check panicked");
			refuse(StatusCode::INTERNAL_SERVER_ERROR, "receipts not stored")
		},
	}
}

async fn list(State(edge): State<Arc<Edge>>, headers: HeaderMap) -> Response {
	let ids = edge.store.ids();
	if wants_scale(&headers) {
		scale(ids.encode())
	} else {
		Json(serde_json::json!({ "contents": ids })).into_response()
	}
}

async fn manifest(State(edge): State<Arc<Edge>>, Path(id): Path<String>) -> Response {
	match lookup(&edge, &id, None) {
		Ok((content, _)) => Json(&content.manifest).into_response(),
		Err(r) => r,
	}
}

async fn proof(State(edge): State<Arc<Edge>>, Path((id, index)): Path<(String, String)>, headers: HeaderMap) -> Response {
	let (content, index) = match lookup(&edge, &id, Some(&index)) {
		Ok(found) => found,
		Err(r) => return r,
	};
	let Some(proof): Option<ChunkProof> = content.proof(index) else {
		return refuse(StatusCode::NOT_FOUND, "no such chunk");
	};
	if wants_scale(&headers) {
		scale(proof.encode())
	} else {
		Json(serde_json::json!({
			"index": proof.index,
			"chunkCount": proof.chunk_count,
			"siblings": proof.siblings.to_vec(),
		}))
		.into_response()
	}
}

/// A single byte range of a body of `len` bytes: `Ok(None)` for no (or an ignorable) Range
/// header, `Err(())` if it cannot be satisfied.
pub fn parse_range(value: Option<&HeaderValue>, len: u64) -> Result<Option<(u64, u64)>, ()> {
	let Some(spec) = value.and_then(|v| v.to_str().ok()).and_then(|v| v.trim().strip_prefix("bytes=")) else {
		return Ok(None);
	};
	if spec.contains(',') {
		// Several ranges: served whole (RFC 9110 lets a server ignore Range).
		return Ok(None);
	}
	let Some((start, end)) = spec.split_once('-') else { return Ok(None) };
	let (start, end) = (start.trim(), end.trim());
	let range = match (start.parse::<u64>(), end.parse::<u64>()) {
		(Ok(s), Ok(e)) if s <= e => (s, e.min(len.saturating_sub(1))),
		(Ok(s), Err(_)) if end.is_empty() => (s, len.saturating_sub(1)),
		(Err(_), Ok(n)) if start.is_empty() => {
			if n == 0 {
				return Err(());
			}
			(len.saturating_sub(n), len.saturating_sub(1))
		},
		_ => return Ok(None),
	};
	if len == 0 || range.0 >= len {
		return Err(());
	}
	Ok(Some(range))
}

/// Whether the fault switch corrupts chunk `hash`.
fn corrupted(faults: &Faults, hash: &Hash) -> bool {
	if faults.corrupt_fraction <= 0.0 {
		return false;
	}
	let x = u64::from_le_bytes(hash.as_bytes()[..8].try_into().expect("8 of 32 bytes"));
	(x as f64 / u64::MAX as f64) < faults.corrupt_fraction
}

async fn chunk(State(edge): State<Arc<Edge>>, Path((id, index)): Path<(String, String)>, headers: HeaderMap) -> Response {
	let (content, index) = match lookup(&edge, &id, Some(&index)) {
		Ok(found) => found,
		Err(r) => return r,
	};
	let hash = content.manifest.chunk_hashes[index as usize];
	let etag = format!("\"{}\"", hex::encode(hash.as_bytes()));
	if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).is_some_and(|v| v.split(',').any(|t| t.trim() == etag)) {
		return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
	}
	let mut bytes = match tokio::fs::read(content.chunk_file(index)).await {
		Ok(b) => b,
		Err(e) => {
			edge.metrics.failures.inc();
			tracing::error!(%id, index, error = %e, "chunk file unreadable");
			return refuse(StatusCode::INTERNAL_SERVER_ERROR, "chunk unreadable");
		},
	};
	if Some(bytes.len() as u64) != content.manifest.chunk_len(index) {
		edge.metrics.failures.inc();
		tracing::error!(%id, index, "chunk file has the wrong length");
		return refuse(StatusCode::INTERNAL_SERVER_ERROR, "chunk damaged on this edge");
	}
	if corrupted(&edge.faults, &hash) {
		bytes[0] ^= 0xff;
	}
	let len = bytes.len() as u64;
	let (status, body, range) = match parse_range(headers.get(header::RANGE), len) {
		Ok(None) => (StatusCode::OK, bytes, None),
		Ok(Some((start, end))) => (StatusCode::PARTIAL_CONTENT, bytes[start as usize..=end as usize].to_vec(), Some((start, end))),
		Err(()) => {
			return (
				StatusCode::RANGE_NOT_SATISFIABLE,
				[(header::CONTENT_RANGE, format!("bytes */{len}"))],
				"range outside the chunk\n",
			)
				.into_response();
		},
	};
	edge.metrics.chunks_served.inc();
	edge.metrics.bytes_served.inc_by(body.len() as u64);
	let mut response = Response::new(Body::from(body));
	*response.status_mut() = status;
	let h = response.headers_mut();
	h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/octet-stream"));
	h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
	h.insert(header::ETAG, HeaderValue::from_str(&etag).expect("hex is a valid header value"));
	h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable"));
	if let Some((start, end)) = range {
		h.insert(
			header::CONTENT_RANGE,
			HeaderValue::from_str(&format!("bytes {start}-{end}/{len}")).expect("digits are a valid header value"),
		);
	}
	response
}

#[cfg(test)]
mod tests {
	use super::*;

	fn range(v: &str, len: u64) -> Result<Option<(u64, u64)>, ()> {
		parse_range(Some(&HeaderValue::from_str(v).unwrap()), len)
	}

	#[test]
	fn ranges_follow_rfc_9110() {
		assert_eq!(range("bytes=0-9", 100), Ok(Some((0, 9))));
		assert_eq!(range("bytes=90-", 100), Ok(Some((90, 99))));
		assert_eq!(range("bytes=-10", 100), Ok(Some((90, 99))));
		assert_eq!(range("bytes=-1000", 100), Ok(Some((0, 99))));
		assert_eq!(range("bytes=50-1000", 100), Ok(Some((50, 99))));
		assert_eq!(range("bytes=100-", 100), Err(()));
		assert_eq!(range("bytes=-0", 100), Err(()));
		assert_eq!(range("bytes=9-0", 100), Ok(None), "invalid: ignored");
		assert_eq!(range("bytes=0-1,5-6", 100), Ok(None), "several: whole body");
		assert_eq!(range("items=0-1", 100), Ok(None));
		assert_eq!(parse_range(None, 100), Ok(None));
	}

	#[test]
	fn ids_and_indices_are_strict() {
		assert!(parse_id(&format!("0x{}", "ab".repeat(32))).is_ok());
		for bad in ["", "0x", "ab", "../etc/passwd", &format!("0x{}", "zz".repeat(32)), &format!("{}", "ab".repeat(32))] {
			assert!(parse_id(bad).is_err(), "{bad}");
		}
		assert_eq!(parse_index("7").ok(), Some(7));
		for bad in ["", "-1", "+1", "1e3", "99999999999", "4294967296", "..", "0x1"] {
			assert!(parse_index(bad).is_err(), "{bad}");
		}
	}

	#[test]
	fn the_corrupt_fraction_picks_about_that_share() {
		let faults = Faults { corrupt_fraction: 0.3 };
		let n = (0..10_000u32).filter(|i| corrupted(&faults, &vidchain_primitives::manifest::chunk_hash(&i.to_le_bytes()))).count();
		assert!((2_700..3_300).contains(&n), "{n}");
		assert!(!corrupted(&Faults::default(), &Hash::repeat_byte(0)));
	}
}
