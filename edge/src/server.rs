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
//! | `POST /receipts` | a SCALE `Vec<(DeliveryReceipt, MultiSignature)>` (at most 1 024, 1 MiB): every receipt checked — signature first, then against the chain, then its payer's funds ([`crate::intake`]) — then all stored durably or none; 422 names each refused receipt and why |
//! | `GET /health` | `ok` |
//!
//! Bad input gets a 4xx with a one-line reason and changes nothing: a malformed id or index
//! (400, which also stops path traversal: ids are 32-byte hex, indices numbers), unknown content
//! or a chunk outside it (404), a range outside the chunk (416).
//!
//! **Exclusive content** is served only to a viewer with access: every request for it carries
//! a signed [`AccessToken`](vidchain_primitives::licenses::AccessToken) (header `x-vidchain-access`, or query `?access=`: hex of the SCALE
//! pair `(AccessToken, MultiSignature)`) naming this edge, the content and an expiry at most
//! ten minutes ahead; the edge checks the signature and then asks the chain
//! (`licenses_hasAccess`, answers kept for [`ACCESS_CACHE`]) whether the viewer holds a license.
//! Anything else gets 403 with the reason (400 for a token that does not decode; 503 if the
//! chain cannot be read). Content is exclusive if its manifest says so *or the chain does*
//! (read at the finalized block): the chain's flag is what licenses gate. One viewer holds at
//! most [`crate::access::MAX_STREAMS_PER_VIEWER`] responses of exclusive content open at once
//! (429 beyond). Receipts for exclusive content are taken only from viewers with access.
//!
//! Chunks are read once and kept in memory up to a byte budget ([`ChunkCache`]); a chunk or a
//! range of one is then sent without a copy. A range of a chunk that is not in memory reads
//! only its own bytes from disk, and reads from disk take turns ([`Limits::disk_reads`]).
//!
//! **Under abuse** ([`Limits`], enforced by [`crate::serve`]): a bounded number of open
//! connections (one more is closed at once), a deadline for a request's headers (which also
//! bounds an idle keep-alive connection), a connection with no byte either way for the idle
//! timeout is closed, and every request is read and answered within the request timeout (a
//! trickled body gets 408). Each client address has its share ([`crate::fair`]): connections,
//! receipts checked a second, reads from disk a second; over it, a request waits for its turn up
//! to a second, then gets 429 with `Retry-After`.
//!
//! Fault switches for tests: `corrupt_fraction` serves a fixed share of chunks with one byte
//! flipped (the same chunks every time, chosen by the chunk's hash); `stalled` takes requests
//! and never answers them (the binary toggles it on SIGUSR1, or starts with it on).

use crate::{
	error::Error,
	fair::{Client, Work},
	store::Content,
};
use axum::{
	body::{Body, Bytes},
	extract::{Extension, Path, RawQuery, Request, State},
	http::{header, HeaderMap, HeaderValue, StatusCode},
	middleware::Next,
	response::{IntoResponse, Response},
	routing::get,
	Json, Router,
};
use codec::{Decode, Encode};
use futures::StreamExt as _;
use std::sync::{atomic::Ordering, Arc};
use vidchain_primitives::{
	delivery::ContentId,
	manifest::{
		http::{self as edge_http, ACCESS_HEADER, ACCESS_QUERY, SCALE_MEDIA_TYPE},
		ChunkProof,
	},
	Hash,
};

pub use crate::{
	access::{AccessCheck, Licenses, ACCESS_CACHE},
	cache::ChunkCache,
	state::{Edge, Faults, Intake, Limits, DEFAULT_CACHE_BYTES},
};

/// The most receipts one `POST /receipts` may carry.
pub const MAX_RECEIPTS_PER_POST: usize = 1024;
/// The largest `POST /receipts` body.
pub const MAX_RECEIPTS_BODY: usize = 1 << 20;

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
		.layer(axum::middleware::from_fn_with_state(edge.clone(), bounded))
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

/// Every request is read and answered (up to its body, which is streamed) within
/// `Limits::request_timeout`: a client that trickles a request body holds nothing for longer.
async fn bounded(State(edge): State<Arc<Edge>>, request: Request, next: Next) -> Response {
	match tokio::time::timeout(edge.limits.request_timeout, next.run(request)).await {
		Ok(response) => response,
		Err(_) => (StatusCode::REQUEST_TIMEOUT, "the request took too long\n").into_response(),
	}
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
fn parse_id(text: &str) -> Result<ContentId, Error> {
	let bad = || Error::BadRequest("a content id is 0x and 64 hex digits".into());
	let hex = text.strip_prefix("0x").ok_or_else(bad)?;
	let mut bytes = [0u8; 32];
	if hex.len() != 64 || hex::decode_to_slice(hex, &mut bytes).is_err() {
		return Err(bad());
	}
	Ok(Hash::from(bytes))
}

fn parse_index(text: &str) -> Result<u32, Error> {
	let bad = || Error::BadRequest("a chunk index is a decimal number".into());
	if text.is_empty() || text.len() > 10 || !text.bytes().all(|b| b.is_ascii_digit()) {
		return Err(bad());
	}
	text.parse().map_err(|_| bad())
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

/// Whether `content` is exclusive: in the local manifest, or on chain (read at the finalized
/// block, when the edge is connected to a chain) — the chain's flag is what licenses gate.
/// While the operator's own node cannot be read, the manifest decides: a node that hiccups
/// must not make an honest edge refuse every request, validators' probes included.
async fn exclusive(edge: &Edge, content: &Content) -> bool {
	if content.manifest.exclusive {
		return true;
	}
	let Some(intake) = edge.intake.as_ref() else { return false };
	let id = content.manifest.content;
	match intake.contents([id].into()).await {
		Ok(c) => c.get(&id).and_then(Option::as_ref).is_some_and(|c| c.exclusive),
		Err(e) => {
			tracing::warn!(error = %format!("{e:#}"), "reading a content from the chain failed: its manifest decides");
			false
		},
	}
}

/// A content and chunk a request names, served to this requester: for exclusive content, the
/// open stream slot of the viewer its token admits (a license read from the chain).
struct Found {
	content: Arc<Content>,
	index: u32,
	slot: Option<crate::access::StreamSlot>,
}

/// The content and chunk a request names, if the edge serves it to this requester (exclusive
/// content: a valid access token, a license on chain, and a free stream slot).
async fn lookup(
	edge: &Edge,
	id: &str,
	index: Option<&str>,
	headers: &HeaderMap,
	query: Option<&str>,
) -> Result<Found, Error> {
	let id = parse_id(id)?;
	let index = index.map(parse_index).transpose()?.unwrap_or(0);
	let content = edge.store.get(&id).ok_or(Error::NotFound("unknown content"))?;
	let mut slot = None;
	if exclusive(edge, &content).await {
		let denied = |e: Error| {
			edge.metrics.access_refused.inc();
			match e {
				Error::Forbidden(why) => Error::Forbidden(format!("exclusive content: {why}")),
				other => other,
			}
		};
		let Some(licenses) = edge.licenses.as_ref() else {
			return Err(denied(Error::Forbidden("this edge is not connected to a chain to check licenses".into())));
		};
		let Some(token) = access_token(headers, query) else {
			return Err(denied(Error::Forbidden(
				"send a signed access token (x-vidchain-access header or ?access= query)".into(),
			)));
		};
		let viewer = licenses.admit(&token, &id, now_ms()).map_err(denied)?;
		match licenses.has_access(&viewer, &id).await {
			Ok(true) => {},
			Ok(false) => return Err(denied(Error::Forbidden("the viewer holds no license for it".into()))),
			Err(e) => {
				tracing::warn!(error = %format!("{e:#}"), "reading licenses from the chain failed");
				return Err(Error::Unavailable("cannot read licenses from the chain now"));
			},
		}
		slot = Some(licenses.open_stream(&viewer).map_err(denied)?);
	}
	if index >= content.manifest.chunk_count {
		return Err(Error::NotFound("no such chunk"));
	}
	Ok(Found { content, index, slot })
}

/// Bytes `from..=to` of chunk `index` of `content` as served: a slice of the cached chunk; the
/// whole chunk read from its file (length checked) and cached; or, for part of a chunk not in
/// memory, only those bytes read (not cached). Reads from disk wait for the client's turn
/// (`Limits::disk_reads_per_second`) and then for a turn of the edge (`Limits::disk_reads`). The corruption fault is applied.
async fn chunk_part(edge: &Edge, client: Option<Client>, content: &Content, index: u32, from: u64, to: u64) -> Result<Bytes, Error> {
	use tokio::io::{AsyncReadExt, AsyncSeekExt};
	let id = content.manifest.content;
	let len = content.manifest.chunk_len(index).ok_or(Error::NotFound("no such chunk"))?;
	let failed = |what: &'static str, detail: String| {
		edge.metrics.failures.inc();
		tracing::error!(?id, index, detail, "{what}");
		Error::Internal { public: what }
	};
	let bytes = match edge.cache.get(&(id, index)) {
		Some(b) => b.slice(from as usize..=to as usize),
		None => {
			if let Some(client) = client {
				share(edge, Work::DiskReads, client, 1).await?;
			}
			let _turn = edge.disk.acquire().await.map_err(|_| Error::Unavailable("shutting down"))?;
			let mut file = tokio::fs::File::open(content.chunk_file(index))
				.await
				.map_err(|e| failed("chunk unreadable", e.to_string()))?;
			let on_disk = file.metadata().await.map_err(|e| failed("chunk unreadable", e.to_string()))?.len();
			if on_disk != len {
				return Err(failed("chunk damaged on this edge", format!("{on_disk} bytes, not {len}")));
			}
			if from == 0 && to + 1 == len {
				let mut b = Vec::with_capacity(len as usize);
				file.read_to_end(&mut b).await.map_err(|e| failed("chunk unreadable", e.to_string()))?;
				let b = Bytes::from(b);
				edge.cache.insert((id, index), b.clone());
				b
			} else {
				let mut b = vec![0u8; (to - from + 1) as usize];
				file.seek(std::io::SeekFrom::Start(from)).await.map_err(|e| failed("chunk unreadable", e.to_string()))?;
				file.read_exact(&mut b).await.map_err(|e| failed("chunk unreadable", e.to_string()))?;
				Bytes::from(b)
			}
		},
	};
	if from == 0 && corrupted(&edge.faults, &content.manifest.chunk_hashes[index as usize]) {
		let mut b = bytes.to_vec();
		b[0] ^= 0xff;
		return Ok(Bytes::from(b));
	}
	Ok(bytes)
}

/// Take `n` of `work` from `client`'s share ([`crate::fair::Fair::take`]), counting refusals.
async fn share(edge: &Edge, work: Work, client: Client, n: u32) -> Result<(), Error> {
	let taken = edge.fair.take(work, client, n).await;
	if taken.is_err() {
		edge.metrics.over_rate.inc();
	}
	taken
}

/// `POST /receipts`: see [`crate::intake`] for what is taken and why.
async fn receipts(
	State(edge): State<Arc<Edge>>,
	client: Option<Extension<Client>>,
	body: axum::body::Bytes,
) -> Result<Response, Error> {
	use crate::receipts::SignedReceipt;
	let intake = edge.intake.as_ref().ok_or(Error::Unavailable("this edge takes no receipts (no chain connection)"))?;
	let mut input = &body[..];
	let batch = match Vec::<SignedReceipt>::decode(&mut input) {
		Ok(b) if input.is_empty() => b,
		_ => return Err(Error::BadRequest("the body is not a SCALE Vec<(DeliveryReceipt, MultiSignature)>".into())),
	};
	if batch.is_empty() || batch.len() > MAX_RECEIPTS_PER_POST {
		return Err(Error::BadRequest(format!("post 1 to {MAX_RECEIPTS_PER_POST} receipts")));
	}
	let n = batch.len() as u64;
	if let Some(Extension(client)) = client {
		share(&edge, Work::Receipts, client, n as u32).await?;
	}
	match intake.take(edge.store.clone(), edge.licenses.as_ref(), batch).await {
		Ok(stored) => {
			edge.metrics.receipts.inc_by(stored as u64);
			Ok(Json(serde_json::json!({ "accepted": stored })).into_response())
		},
		Err(e) => {
			edge.metrics.receipts_refused.inc_by(n);
			Err(e)
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
) -> Result<Response, Error> {
	let found = lookup(&edge, &id, None, &headers, query.as_deref()).await?;
	Ok(Json(&found.content.manifest).into_response())
}

async fn proof(
	State(edge): State<Arc<Edge>>,
	Path((id, index)): Path<(String, String)>,
	RawQuery(query): RawQuery,
	headers: HeaderMap,
) -> Result<Response, Error> {
	let Found { content, index, .. } = lookup(&edge, &id, Some(&index), &headers, query.as_deref()).await?;
	let proof: ChunkProof = content.proof(index).ok_or(Error::NotFound("no such chunk"))?;
	Ok(if wants_scale(&headers) {
		scale(proof.encode())
	} else {
		Json(serde_json::json!({
			"index": proof.index,
			"chunkCount": proof.chunk_count,
			"siblings": proof.siblings.to_vec(),
		}))
		.into_response()
	})
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

/// A body that holds `slot` (an open stream of exclusive content) until it has been sent.
fn body_holding(stream: impl futures::Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static, slot: Option<crate::access::StreamSlot>) -> Body {
	match slot {
		None => Body::from_stream(stream),
		Some(slot) => Body::from_stream(stream.chain(futures::stream::unfold(slot, |slot| async move {
			drop(slot);
			None
		}))),
	}
}

async fn chunk(
	State(edge): State<Arc<Edge>>,
	client: Option<Extension<Client>>,
	Path((id, index)): Path<(String, String)>,
	RawQuery(query): RawQuery,
	headers: HeaderMap,
) -> Result<Response, Error> {
	let Found { content, index, slot } = lookup(&edge, &id, Some(&index), &headers, query.as_deref()).await?;
	let hash = content.manifest.chunk_hashes[index as usize];
	let etag = format!("\"{}\"", hex::encode(hash.as_bytes()));
	if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).is_some_and(|v| v.split(',').any(|t| t.trim() == etag)) {
		return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response());
	}
	let len = content.manifest.chunk_len(index).ok_or(Error::NotFound("no such chunk"))?;
	let range = parse_range(headers.get(header::RANGE), len)
		.map_err(|()| Error::RangeNotSatisfiable { len, why: "range outside the chunk" })?;
	let (start, end) = range.unwrap_or((0, len - 1));
	let client = client.map(|c| c.0);
	// A validator's probe: the answer carries the operator's signature of its nonce and the
	// chunk. Signing costs what checking a receipt does: one unit of the client's share.
	let probe = match (headers.get(edge_http::PROBE_HEADER).and_then(|v| v.to_str().ok()), &edge.prober) {
		(Some(nonce), Some(prober)) => {
			if let Some(client) = client {
				share(&edge, Work::Receipts, client, 1).await?;
			}
			Some(prober.answer(nonce, content.manifest.content, index).ok_or_else(|| Error::BadRequest("the probe nonce is not 32 bytes of hex".into()))?)
		},
		_ => None,
	};
	let body = chunk_part(&edge, client, &content, index, start, end).await?;
	edge.metrics.chunks_served.inc();
	edge.metrics.bytes_served.inc_by(body.len() as u64);
	let body = match slot {
		None => Body::from(body),
		Some(slot) => body_holding(futures::stream::once(async move { Ok(body) }), Some(slot)),
	};
	let mut response = ranged(body, len, range);
	let h = response.headers_mut();
	h.insert(header::ETAG, HeaderValue::from_str(&etag).expect("hex is a valid header value"));
	h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable"));
	if let Some(signature) = probe {
		h.insert(edge_http::PROBE_SIGNATURE_HEADER, HeaderValue::from_str(&signature).expect("hex is a valid header value"));
		// A probe's answer is for the one validator that asked: no cache may serve it again.
		h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
	}
	Ok(response)
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
/// chunks. The body is streamed chunk by chunk (a whole content is never held at once), and
/// only the bytes of the range are read.
async fn stream(
	State(edge): State<Arc<Edge>>,
	client: Option<Extension<Client>>,
	Path(id): Path<String>,
	RawQuery(query): RawQuery,
	headers: HeaderMap,
) -> Result<Response, Error> {
	let Found { content, slot, .. } = lookup(&edge, &id, None, &headers, query.as_deref()).await?;
	let len = content.manifest.total_bytes;
	let range = parse_range(headers.get(header::RANGE), len)
		.map_err(|()| Error::RangeNotSatisfiable { len, why: "range outside the content" })?;
	let (start, end) = range.unwrap_or((0, len - 1));
	let size = content.manifest.chunk_size as u64;
	let (first, last) = ((start / size) as u32, (end / size) as u32);
	// The part of chunk `i` inside the range.
	let part = move |i: u32, chunk_len: u64| {
		let base = i as u64 * size;
		(start.saturating_sub(base), (end - base).min(chunk_len - 1))
	};
	// The first chunk is read now, so that an unreadable chunk gets a 500 and not a cut body.
	let first_len = content.manifest.chunk_len(first).ok_or(Error::NotFound("no such chunk"))?;
	let (from, to) = part(first, first_len);
	let client = client.map(|c| c.0);
	let head = chunk_part(&edge, client, &content, first, from, to).await?;
	edge.metrics.bytes_served.inc_by(end - start + 1);
	let rest = futures::stream::unfold(first + 1, move |i| {
		let (edge, content) = (edge.clone(), content.clone());
		async move {
			if i > last {
				return None;
			}
			let item = async {
				let chunk_len = content.manifest.chunk_len(i).ok_or(Error::NotFound("no such chunk"))?;
				let (from, to) = part(i, chunk_len);
				chunk_part(&edge, client, &content, i, from, to).await
			}
			.await
			.map_err(|_| std::io::Error::other("chunk unreadable"));
			Some((item, i + 1))
		}
	});
	let body = futures::stream::once(async move { Ok::<_, std::io::Error>(head) }).chain(rest);
	Ok(ranged(body_holding(body, slot), len, range))
}

/// `GET /content/{id}/stream/{name}`: [`stream`] under a file name (ignored).
async fn stream_named(
	state: State<Arc<Edge>>,
	client: Option<Extension<Client>>,
	Path((id, _name)): Path<(String, String)>,
	query: RawQuery,
	headers: HeaderMap,
) -> Result<Response, Error> {
	stream(state, client, Path(id), query, headers).await
}

/// `GET /content/{id}/index.m3u8`: for content ingested from HLS, a playlist whose segments are
/// byte ranges of `stream` (carrying the request's access token on, if it came as a query).
async fn playlist(
	State(edge): State<Arc<Edge>>,
	Path(id): Path<String>,
	RawQuery(query): RawQuery,
	headers: HeaderMap,
) -> Result<Response, Error> {
	let Found { content, .. } = lookup(&edge, &id, None, &headers, query.as_deref()).await?;
	let hls = content.manifest.hls.as_ref().ok_or(Error::NotFound("this content was not ingested from HLS: no playlist"))?;
	let name = format!("stream/media.{}", hls.extension);
	let media = match access_token(&HeaderMap::new(), query.as_deref()) {
		Some(token) if token.bytes().all(|b| b.is_ascii_hexdigit() || b == b'x') => format!("{name}?{ACCESS_QUERY}={token}"),
		_ => name,
	};
	Ok(([(header::CONTENT_TYPE, "application/vnd.apple.mpegurl")], hls.playlist(&media)).into_response())
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
