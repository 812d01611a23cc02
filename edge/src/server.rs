//! The edge's HTTP interface (axum on hyper/tokio). Paths are those of
//! `vidchain_primitives::manifest::http`, so viewers and validators address every edge alike:
//!
//! | method and path | answer |
//! |---|---|
//! | `GET /content` | the ids served: JSON, or SCALE `Vec<ContentId>` with `Accept: application/scale` |
//! | `GET /content/{id}/manifest` | the manifest (JSON) |
//! | `GET /content/{id}/chunks/{i}` | chunk `i`: exact `Content-Length`, `ETag` (its hash), single `Range` |
//! | `GET /content/{id}/chunks/{i}/proof` | its Merkle path: JSON, or SCALE `ChunkProof` |
//! | `GET /content/{id}/stream` | the content's bytes as one resource (single `Range` across chunks); also at `stream/{any name}`, for players that filter media URIs by extension |
//! | `GET /content/{id}/index.m3u8` | for content ingested from HLS: a playlist of byte ranges of `stream/media.<ext>` |
//! | `POST /receipts` | a SCALE `Vec<(DeliveryReceipt, MultiSignature)>` (at most 1 024, 1 MiB): every receipt checked (edge, current epoch, served content, exact range, price, the viewer's signature for this chain), then all stored durably or none |
//! | `GET /health` | `ok` |
//!
//! Bad input gets a 4xx with a one-line reason and changes nothing: a malformed id or index
//! (400, which also stops path traversal: ids are 32-byte hex, indices numbers), unknown content
//! or a chunk outside it (404), a range outside the chunk (416).
//!
//! **Exclusive content** is served only to a viewer with access: every request for it carries
//! a signed [`AccessToken`] (header `x-vidchain-access`, or query `?access=`: hex of the SCALE
//! pair `(AccessToken, MultiSignature)`) naming this edge, the content and an expiry at most
//! ten minutes ahead; the edge checks the signature and then asks the chain
//! (`licenses_hasAccess`, answers kept for [`ACCESS_CACHE`]) whether the viewer holds a license.
//! Anything else gets 403 with the reason (400 for a token that does not decode; 503 if the
//! chain cannot be read). Receipts for exclusive content are taken only from viewers with access.
//!
//! Chunks are read once and kept in memory up to a byte budget ([`ChunkCache`]); a chunk or a
//! range of one is then sent without a copy.
//!
//! Fault switches for tests: `corrupt_fraction` serves a fixed share of chunks with one byte
//! flipped (the same chunks every time, chosen by the chunk's hash); `stalled` takes requests
//! and never answers them (the binary toggles it on SIGUSR1, or starts with it on).

use crate::{
	metrics::Metrics,
	store::{Content, Store},
};
use axum::{
	body::{Body, Bytes},
	extract::{Path, RawQuery, Request, State},
	http::{header, HeaderMap, HeaderValue, StatusCode},
	middleware::Next,
	response::{IntoResponse, Response},
	routing::get,
	Json, Router,
};
use codec::{Decode, Encode};
use futures::{future::BoxFuture, StreamExt as _};
use sp_runtime::traits::Verify;
use std::{
	collections::HashMap,
	sync::{
		atomic::{AtomicBool, Ordering},
		Arc, Mutex, RwLock,
	},
	time::{Duration, Instant},
};
use vidchain_primitives::{
	delivery::ContentId,
	licenses::{AccessToken, MAX_ACCESS_TOKEN_LIFETIME_MS},
	manifest::{
		http::{ACCESS_HEADER, ACCESS_QUERY, SCALE_MEDIA_TYPE},
		ChunkProof,
	},
	AccountId, Hash, Signature as MultiSignature,
};

/// Faults the edge can be told to commit (tests and demonstrations only).
#[derive(Debug, Default)]
pub struct Faults {
	/// The share of chunks (0.0–1.0) served with one byte flipped.
	pub corrupt_fraction: f64,
	/// Take requests and never answer them.
	pub stalled: AtomicBool,
}

impl Faults {
	/// Serve `fraction` of chunks corrupted.
	pub fn corrupting(fraction: f64) -> Faults {
		Faults { corrupt_fraction: fraction, ..Faults::default() }
	}
}

/// How long the edge trusts the chain's answer about a viewer's license.
pub const ACCESS_CACHE: Duration = Duration::from_secs(6);

/// Reads from the chain whether a viewer may watch a content (`licenses_hasAccess`).
pub type AccessCheck = Arc<dyn Fn(AccountId, ContentId) -> BoxFuture<'static, anyhow::Result<bool>> + Send + Sync>;

/// What the edge needs to serve exclusive content: who it is, which chain, how to read licenses.
pub struct Licenses {
	/// The operator's account: tokens must name it.
	pub edge: AccountId,
	/// The chain's genesis hash: tokens sign it.
	pub genesis: Hash,
	/// Reads a viewer's access from the chain.
	pub check: AccessCheck,
	answers: Mutex<HashMap<(AccountId, ContentId), (bool, Instant)>>,
}

impl Licenses {
	/// Licenses read through `check` for the edge `edge` of the chain `genesis`.
	pub fn new(edge: AccountId, genesis: Hash, check: AccessCheck) -> Licenses {
		Licenses { edge, genesis, check, answers: Mutex::new(HashMap::new()) }
	}

	/// Whether `viewer` may watch `content`: the chain's answer, kept for [`ACCESS_CACHE`].
	pub async fn has_access(&self, viewer: &AccountId, content: &ContentId) -> anyhow::Result<bool> {
		let key = (viewer.clone(), *content);
		let now = Instant::now();
		if let Some((yes, at)) = self.answers.lock().expect("not poisoned").get(&key) {
			if now.duration_since(*at) < ACCESS_CACHE {
				return Ok(*yes);
			}
		}
		let yes = (self.check)(viewer.clone(), *content).await?;
		let mut answers = self.answers.lock().expect("not poisoned");
		answers.retain(|_, (_, at)| now.duration_since(*at) < ACCESS_CACHE);
		answers.insert(key, (yes, now));
		Ok(yes)
	}

	/// The viewer a token admits to `content`, or why not (the license is not read here).
	pub fn admit(&self, token: &str, content: &ContentId, now_ms: u64) -> Result<AccountId, (StatusCode, &'static str)> {
		let bytes = hex::decode(token.trim().trim_start_matches("0x"))
			.map_err(|_| (StatusCode::BAD_REQUEST, "the access token is not hex"))?;
		let mut input = &bytes[..];
		let (token, signature) = match <(AccessToken<AccountId>, MultiSignature)>::decode(&mut input) {
			Ok(t) if input.is_empty() => t,
			_ => return Err((StatusCode::BAD_REQUEST, "the access token is not SCALE (AccessToken, MultiSignature)")),
		};
		if &token.content != content {
			return Err((StatusCode::FORBIDDEN, "the access token is for another content"));
		}
		if token.edge != self.edge {
			return Err((StatusCode::FORBIDDEN, "the access token is for another edge"));
		}
		if token.expires_at_ms <= now_ms {
			return Err((StatusCode::FORBIDDEN, "the access token has expired"));
		}
		if token.expires_at_ms > now_ms.saturating_add(MAX_ACCESS_TOKEN_LIFETIME_MS) {
			return Err((StatusCode::FORBIDDEN, "the access token lives longer than ten minutes"));
		}
		if !signature.verify(&token.signing_payload(&self.genesis)[..], &token.viewer) {
			return Err((StatusCode::FORBIDDEN, "the access token is not signed by its viewer for this chain"));
		}
		Ok(token.viewer)
	}
}

/// Chunks kept in memory, up to a byte budget (chunks never change: nothing goes stale). When
/// a new chunk does not fit, arbitrary ones are dropped until it does.
pub struct ChunkCache {
	budget: u64,
	inner: RwLock<(HashMap<(ContentId, u32), Bytes>, u64)>,
}

impl ChunkCache {
	/// A cache of at most `budget` bytes (0: none).
	pub fn new(budget: u64) -> ChunkCache {
		ChunkCache { budget, inner: RwLock::new((HashMap::new(), 0)) }
	}

	fn get(&self, key: &(ContentId, u32)) -> Option<Bytes> {
		self.inner.read().expect("not poisoned").0.get(key).cloned()
	}

	fn insert(&self, key: (ContentId, u32), bytes: Bytes) {
		let len = bytes.len() as u64;
		if len > self.budget {
			return;
		}
		let mut inner = self.inner.write().expect("not poisoned");
		let (map, used) = &mut *inner;
		while *used + len > self.budget {
			let Some(k) = map.keys().next().copied() else { break };
			*used -= map.remove(&k).map_or(0, |b| b.len() as u64);
		}
		if let Some(old) = map.insert(key, bytes) {
			*used -= old.len() as u64;
		}
		*used += len;
	}
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

/// The default budget of the chunk cache: 512 MiB.
pub const DEFAULT_CACHE_BYTES: u64 = 512 << 20;

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
	/// License checks (`None`: exclusive content is refused).
	pub licenses: Option<Licenses>,
	/// Chunks in memory.
	pub cache: ChunkCache,
}

impl Edge {
	/// An edge serving `store`, with fresh counters, no license checks and the default cache.
	pub fn new(store: Store, faults: Faults, intake: Option<Intake>) -> Edge {
		Edge {
			store,
			metrics: Metrics::new(),
			faults,
			intake,
			licenses: None,
			cache: ChunkCache::new(DEFAULT_CACHE_BYTES),
		}
	}
}

/// The router of an edge.
pub fn router(edge: Arc<Edge>) -> Router {
	Router::new()
		.route("/health", get(|| async { "ok" }))
		.route("/content", get(list))
		.route("/content/{id}/manifest", get(manifest))
		.route("/content/{id}/chunks/{index}", get(chunk))
		.route("/content/{id}/chunks/{index}/proof", get(proof))
		.route("/content/{id}/stream", get(stream))
		.route("/content/{id}/stream/{name}", get(stream_named))
		.route("/content/{id}/index.m3u8", get(playlist))
		.route(
			"/receipts",
			axum::routing::post(receipts).layer(axum::extract::DefaultBodyLimit::max(MAX_RECEIPTS_BODY)),
		)
		.layer(axum::middleware::from_fn_with_state(edge.clone(), stall))
		.with_state(edge)
}

/// The `stalled` fault: take the request, never answer.
async fn stall(State(edge): State<Arc<Edge>>, request: Request, next: Next) -> Response {
	if edge.faults.stalled.load(Ordering::Relaxed) {
		std::future::pending::<()>().await;
	}
	next.run(request).await
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

/// The access token of a request: the header, else the `access` query parameter.
fn access_token(headers: &HeaderMap, query: Option<&str>) -> Option<String> {
	if let Some(v) = headers.get(ACCESS_HEADER).and_then(|v| v.to_str().ok()) {
		return Some(v.to_string());
	}
	query?.split('&').find_map(|kv| kv.strip_prefix(ACCESS_QUERY)?.strip_prefix('=')).map(str::to_string)
}

fn now_ms() -> u64 {
	std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

/// The content and chunk a request names, if the edge serves it to this requester (exclusive
/// content: a valid access token and a license on chain).
async fn lookup(
	edge: &Edge,
	id: &str,
	index: Option<&str>,
	headers: &HeaderMap,
	query: Option<&str>,
) -> Result<(Arc<Content>, u32), Response> {
	let id = parse_id(id)?;
	let index = index.map(parse_index).transpose()?.unwrap_or(0);
	let content = edge.store.get(&id).ok_or_else(|| refuse(StatusCode::NOT_FOUND, "unknown content"))?;
	if content.manifest.exclusive {
		let denied = |status, why: &str| {
			edge.metrics.access_refused.inc();
			refuse(status, format!("exclusive content: {why}"))
		};
		let Some(licenses) = edge.licenses.as_ref() else {
			return Err(denied(StatusCode::FORBIDDEN, "this edge is not connected to a chain to check licenses"));
		};
		let Some(token) = access_token(headers, query) else {
			return Err(denied(
				StatusCode::FORBIDDEN,
				"send a signed access token (x-vidchain-access header or ?access= query)",
			));
		};
		let viewer = licenses.admit(&token, &id, now_ms()).map_err(|(status, why)| denied(status, why))?;
		match licenses.has_access(&viewer, &id).await {
			Ok(true) => {},
			Ok(false) => return Err(denied(StatusCode::FORBIDDEN, "the viewer holds no license for it")),
			Err(e) => {
				tracing::warn!(error = %e, "reading licenses from the chain failed");
				return Err(refuse(StatusCode::SERVICE_UNAVAILABLE, "cannot read licenses from the chain now"));
			},
		}
	}
	if index >= content.manifest.chunk_count {
		return Err(refuse(StatusCode::NOT_FOUND, "no such chunk"));
	}
	Ok((content, index))
}

/// Chunk `index` of `content` as served: from the cache or its file (length checked), with
/// the corruption fault applied.
async fn chunk_bytes(edge: &Edge, content: &Content, index: u32) -> Result<Bytes, Response> {
	let id = content.manifest.content;
	let bytes = match edge.cache.get(&(id, index)) {
		Some(b) => b,
		None => {
			let b = match tokio::fs::read(content.chunk_file(index)).await {
				Ok(b) => Bytes::from(b),
				Err(e) => {
					edge.metrics.failures.inc();
					tracing::error!(?id, index, error = %e, "chunk file unreadable");
					return Err(refuse(StatusCode::INTERNAL_SERVER_ERROR, "chunk unreadable"));
				},
			};
			if Some(b.len() as u64) != content.manifest.chunk_len(index) {
				edge.metrics.failures.inc();
				tracing::error!(?id, index, "chunk file has the wrong length");
				return Err(refuse(StatusCode::INTERNAL_SERVER_ERROR, "chunk damaged on this edge"));
			}
			edge.cache.insert((id, index), b.clone());
			b
		},
	};
	if corrupted(&edge.faults, &content.manifest.chunk_hashes[index as usize]) {
		let mut b = bytes.to_vec();
		b[0] ^= 0xff;
		return Ok(Bytes::from(b));
	}
	Ok(bytes)
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
	// Receipts for exclusive content count only from viewers with a license (read from the
	// chain, one question per viewer and content); without license checks, none do.
	let mut no_access = Vec::new();
	for (i, (r, _)) in batch.iter().enumerate() {
		if !edge.store.get(&r.content).is_some_and(|c| c.manifest.exclusive) {
			continue;
		}
		let allowed = match edge.licenses.as_ref() {
			None => false,
			Some(l) => match l.has_access(&r.viewer, &r.content).await {
				Ok(yes) => yes,
				Err(e) => {
					tracing::warn!(error = %e, "reading licenses from the chain failed");
					return refuse(StatusCode::SERVICE_UNAVAILABLE, "cannot read licenses from the chain now");
				},
			},
		};
		if !allowed {
			no_access.push((i, crate::receipts::Refusal::NoAccess));
		}
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
		let sizes = |c: &Hash| edge2.store.get(c).map(|c| (c.manifest.chunk_size, c.manifest.total_bytes));
		let mut refused = check_batch(&batch, &terms, sizes);
		refused.extend(no_access);
		refused.sort_by_key(|(i, _)| *i);
		refused.dedup_by_key(|(i, _)| *i);
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

async fn manifest(
	State(edge): State<Arc<Edge>>,
	Path(id): Path<String>,
	RawQuery(query): RawQuery,
	headers: HeaderMap,
) -> Response {
	match lookup(&edge, &id, None, &headers, query.as_deref()).await {
		Ok((content, _)) => Json(&content.manifest).into_response(),
		Err(r) => r,
	}
}

async fn proof(
	State(edge): State<Arc<Edge>>,
	Path((id, index)): Path<(String, String)>,
	RawQuery(query): RawQuery,
	headers: HeaderMap,
) -> Response {
	let (content, index) = match lookup(&edge, &id, Some(&index), &headers, query.as_deref()).await {
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

async fn chunk(
	State(edge): State<Arc<Edge>>,
	Path((id, index)): Path<(String, String)>,
	RawQuery(query): RawQuery,
	headers: HeaderMap,
) -> Response {
	let (content, index) = match lookup(&edge, &id, Some(&index), &headers, query.as_deref()).await {
		Ok(found) => found,
		Err(r) => return r,
	};
	let hash = content.manifest.chunk_hashes[index as usize];
	let etag = format!("\"{}\"", hex::encode(hash.as_bytes()));
	if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).is_some_and(|v| v.split(',').any(|t| t.trim() == etag)) {
		return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
	}
	let bytes = match chunk_bytes(&edge, &content, index).await {
		Ok(b) => b,
		Err(r) => return r,
	};
	let len = bytes.len() as u64;
	let range = match parse_range(headers.get(header::RANGE), len) {
		Ok(r) => r,
		Err(()) => return unsatisfiable(len, "range outside the chunk"),
	};
	let body = match range {
		None => bytes,
		Some((start, end)) => bytes.slice(start as usize..=end as usize),
	};
	edge.metrics.chunks_served.inc();
	edge.metrics.bytes_served.inc_by(body.len() as u64);
	let mut response = ranged(Body::from(body), len, range);
	let h = response.headers_mut();
	h.insert(header::ETAG, HeaderValue::from_str(&etag).expect("hex is a valid header value"));
	h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable"));
	response
}

/// 416 for a range outside a body of `len` bytes.
fn unsatisfiable(len: u64, why: &str) -> Response {
	(StatusCode::RANGE_NOT_SATISFIABLE, [(header::CONTENT_RANGE, format!("bytes */{len}"))], format!("{why}\n"))
		.into_response()
}

/// A 200 (whole body of `len` bytes) or 206 (`range` of it) octet-stream answer.
fn ranged(body: Body, len: u64, range: Option<(u64, u64)>) -> Response {
	let mut response = Response::new(body);
	if range.is_some() {
		*response.status_mut() = StatusCode::PARTIAL_CONTENT;
	}
	let h = response.headers_mut();
	h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/octet-stream"));
	h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
	let (start, end) = range.unwrap_or((0, len - 1));
	h.insert(header::CONTENT_LENGTH, HeaderValue::from(end - start + 1));
	if let Some((start, end)) = range {
		h.insert(
			header::CONTENT_RANGE,
			HeaderValue::from_str(&format!("bytes {start}-{end}/{len}")).expect("digits are a valid header value"),
		);
	}
	response
}

/// `GET /content/{id}/stream`: the content's bytes as one resource; a single range may span
/// chunks. The body is streamed chunk by chunk (a whole content is never held at once).
async fn stream(
	State(edge): State<Arc<Edge>>,
	Path(id): Path<String>,
	RawQuery(query): RawQuery,
	headers: HeaderMap,
) -> Response {
	let (content, _) = match lookup(&edge, &id, None, &headers, query.as_deref()).await {
		Ok(found) => found,
		Err(r) => return r,
	};
	let len = content.manifest.total_bytes;
	let range = match parse_range(headers.get(header::RANGE), len) {
		Ok(r) => r,
		Err(()) => return unsatisfiable(len, "range outside the content"),
	};
	let (start, end) = range.unwrap_or((0, len - 1));
	let size = content.manifest.chunk_size as u64;
	let (first, last) = ((start / size) as u32, (end / size) as u32);
	// The first chunk is read now, so that an unreadable chunk gets a 500 and not a cut body.
	let head = match chunk_bytes(&edge, &content, first).await {
		Ok(b) => b,
		Err(r) => return r,
	};
	let cut = move |i: u32, b: Bytes| {
		let base = i as u64 * size;
		let from = start.saturating_sub(base) as usize;
		let to = ((end - base) as usize).min(b.len() - 1);
		b.slice(from..=to)
	};
	let head = cut(first, head);
	edge.metrics.bytes_served.inc_by(end - start + 1);
	let rest = futures::stream::unfold(first + 1, move |i| {
		let (edge, content) = (edge.clone(), content.clone());
		async move {
			if i > last {
				return None;
			}
			let item = chunk_bytes(&edge, &content, i)
				.await
				.map(|b| cut(i, b))
				.map_err(|_| std::io::Error::other("chunk unreadable"));
			Some((item, i + 1))
		}
	});
	let body = futures::stream::once(async move { Ok::<_, std::io::Error>(head) }).chain(rest);
	
	ranged(Body::from_stream(body), len, range)
}

/// `GET /content/{id}/stream/{name}`: [`stream`] under a file name (ignored).
async fn stream_named(
	state: State<Arc<Edge>>,
	Path((id, _name)): Path<(String, String)>,
	query: RawQuery,
	headers: HeaderMap,
) -> Response {
	stream(state, Path(id), query, headers).await
}

/// `GET /content/{id}/index.m3u8`: for content ingested from HLS, a playlist whose segments are
/// byte ranges of `stream` (carrying the request's access token on, if it came as a query).
async fn playlist(
	State(edge): State<Arc<Edge>>,
	Path(id): Path<String>,
	RawQuery(query): RawQuery,
	headers: HeaderMap,
) -> Response {
	let (content, _) = match lookup(&edge, &id, None, &headers, query.as_deref()).await {
		Ok(found) => found,
		Err(r) => return r,
	};
	let Some(hls) = content.manifest.hls.as_ref() else {
		return refuse(StatusCode::NOT_FOUND, "this content was not ingested from HLS: no playlist");
	};
	let name = format!("stream/media.{}", hls.extension);
	let media = match access_token(&HeaderMap::new(), query.as_deref()) {
		Some(token) if token.bytes().all(|b| b.is_ascii_hexdigit() || b == b'x') => format!("{name}?{ACCESS_QUERY}={token}"),
		_ => name,
	};
	([(header::CONTENT_TYPE, "application/vnd.apple.mpegurl")], hls.playlist(&media)).into_response()
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
		let faults = Faults::corrupting(0.3);
		let n = (0..10_000u32).filter(|i| corrupted(&faults, &vidchain_primitives::manifest::chunk_hash(&i.to_le_bytes()))).count();
		assert!((2_700..3_300).contains(&n), "{n}");
		assert!(!corrupted(&Faults::default(), &Hash::repeat_byte(0)));
	}
}
