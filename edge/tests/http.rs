//! The edge's HTTP interface, served on 127.0.0.1 from a content directory that `ingest`
//! wrote, and read back with a plain HTTP client: every chunk verifies against the manifest root
//! with its served proof; ranges, ETags and lengths are exact; bad input gets its 4xx; the
//! corrupt-chunk fault switch is caught by the same check a validator makes.

use codec::Decode;
use http_body_util::{BodyExt, Full};
use hyper::{body::Bytes, Request, StatusCode};
use hyper_util::{client::legacy::Client, rt::TokioExecutor};
use std::{net::SocketAddr, path::PathBuf, sync::Arc, time::Duration};
use vidchain_edge::{
	ledger::fake::{self, FakeLedger},
	receipts::{ReceiptStore, SignedReceipt},
	server::{Edge, Faults, Intake},
	state::Clock,
	store::{self, Manifest, Store},
};
use vidchain_primitives::{
	manifest::{http as paths, ChunkProof},
	AccountId, Hash,
};

const CHUNK: u32 = 1_000;

struct Dir(PathBuf);
impl Drop for Dir {
	fn drop(&mut self) {
		let _ = std::fs::remove_dir_all(&self.0);
	}
}

fn temp_dir(name: &str) -> Dir {
	let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
	let d = std::env::temp_dir().join(format!("vidchain-edge-{name}-{}-{nanos}", std::process::id()));
	std::fs::create_dir_all(&d).unwrap();
	Dir(d)
}

fn creator() -> AccountId {
	AccountId::from([7u8; 32])
}

/// Ingest `len` pseudo-random bytes (and, if asked, an exclusive copy) into `dir/content`.
fn ingest(dir: &Dir, len: usize, exclusive: bool) -> (Manifest, Vec<u8>) {
	ingest_sized(dir, len, CHUNK, exclusive)
}

/// [`ingest`] in chunks of `chunk_size`.
fn ingest_sized(dir: &Dir, len: usize, chunk_size: u32, exclusive: bool) -> (Manifest, Vec<u8>) {
	let data: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8 ^ exclusive as u8).collect();
	let file = dir.0.join(if exclusive { "x.bin" } else { "film.bin" });
	std::fs::write(&file, &data).unwrap();
	let m = store::ingest(&file, &dir.0.join("content"), chunk_size, creator(), "A film".into(), exclusive).unwrap();
	(m, data)
}

struct Server {
	addr: SocketAddr,
	edge: Arc<Edge>,
	stop: Option<tokio::sync::oneshot::Sender<()>>,
	task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl Server {
	async fn start(dir: &Dir, faults: Faults) -> Server {
		Server::start_with(dir, faults, None).await
	}

	async fn start_with(dir: &Dir, faults: Faults, intake: Option<Intake>) -> Server {
		let store = Store::open(&dir.0.join("content")).unwrap();
		Server::start_edge(Edge::new(store, faults, intake)).await
	}

	async fn start_edge(edge: Edge) -> Server {
		let edge = Arc::new(edge);
		let (tx, rx) = tokio::sync::oneshot::channel();
		let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
		let task = tokio::spawn(vidchain_edge::serve(edge.clone(), "127.0.0.1:0".parse().unwrap(), None, Some(tx), async {
			let _ = stopped.await;
		}));
		let addr = tokio::time::timeout(Duration::from_secs(10), rx).await.unwrap().unwrap();
		Server { addr, edge, stop: Some(stop), task }
	}

	async fn get(&self, path: &str, headers: &[(&str, &str)]) -> (StatusCode, hyper::HeaderMap, Vec<u8>) {
		self.send(Request::get(format!("http://{}{path}", self.addr)), headers, Vec::new()).await
	}

	async fn post(&self, path: &str, body: Vec<u8>) -> (StatusCode, hyper::HeaderMap, Vec<u8>) {
		self.send(Request::post(format!("http://{}{path}", self.addr)), &[], body).await
	}

	async fn send(
		&self,
		req: hyper::http::request::Builder,
		headers: &[(&str, &str)],
		body: Vec<u8>,
	) -> (StatusCode, hyper::HeaderMap, Vec<u8>) {
		self.send_from([127, 0, 0, 1], req, headers, body).await
	}

	/// [`Server::send`] from the loopback address `from`: another client of the edge.
	async fn send_from(
		&self,
		from: [u8; 4],
		mut req: hyper::http::request::Builder,
		headers: &[(&str, &str)],
		body: Vec<u8>,
	) -> (StatusCode, hyper::HeaderMap, Vec<u8>) {
		let mut connector = hyper_util::client::legacy::connect::HttpConnector::new();
		connector.set_local_address(Some(std::net::Ipv4Addr::from(from).into()));
		let client = Client::builder(TokioExecutor::new()).build::<_, Full<Bytes>>(connector);
		for (k, v) in headers {
			req = req.header(*k, *v);
		}
		let res = tokio::time::timeout(Duration::from_secs(10), client.request(req.body(Full::new(Bytes::from(body))).unwrap()))
			.await
			.expect("an answer in time")
			.expect("an HTTP answer");
		let status = res.status();
		let headers = res.headers().clone();
		let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
		(status, headers, body)
	}

	async fn stop(mut self) {
		let _ = self.stop.take().unwrap().send(());
		tokio::time::timeout(Duration::from_secs(10), self.task).await.unwrap().unwrap().unwrap();
	}
}

const SCALE: (&str, &str) = ("accept", paths::SCALE_MEDIA_TYPE);

#[tokio::test]
async fn every_chunk_verifies_with_its_served_proof_and_exact_headers() {
	let dir = temp_dir("serve");
	let (m, data) = ingest(&dir, 10_500, false);
	assert_eq!((m.chunk_count, m.total_bytes), (11, 10_500));
	let server = Server::start(&dir, Faults::default()).await;

	let (status, _, body) = server.get(&paths::contents_path(), &[SCALE]).await;
	assert_eq!(status, StatusCode::OK);
	assert_eq!(Vec::<Hash>::decode(&mut &body[..]).unwrap(), vec![m.content]);
	let (_, _, json) = server.get(&paths::contents_path(), &[]).await;
	assert!(String::from_utf8(json).unwrap().contains(&format!("{:?}", m.content)));

	for i in 0..m.chunk_count {
		let (status, headers, bytes) = server.get(&paths::chunk_path(&m.content, i), &[]).await;
		assert_eq!(status, StatusCode::OK);
		let start = (i * CHUNK) as usize;
		assert_eq!(bytes, data[start..(start + CHUNK as usize).min(data.len())]);
		assert_eq!(headers["content-length"], bytes.len().to_string());
		let (_, _, proof) = server.get(&paths::chunk_proof_path(&m.content, i), &[SCALE]).await;
		let proof = ChunkProof::decode(&mut &proof[..]).unwrap();
		assert!(proof.verify(&m.manifest_root, m.chunk_count, &bytes), "chunk {i}");
		// The ETag names the chunk; a cached copy is not sent again.
		let etag = headers["etag"].to_str().unwrap().to_string();
		assert_eq!(etag, format!("\"{}\"", hex::encode(m.chunk_hashes[i as usize].as_bytes())));
		let (status, _, body) = server.get(&paths::chunk_path(&m.content, i), &[("if-none-match", &etag)]).await;
		assert_eq!((status, body.len()), (StatusCode::NOT_MODIFIED, 0));
	}

	// Ranges: exact bytes and Content-Range; outside the chunk, 416.
	let path = paths::chunk_path(&m.content, 10);
	let (status, headers, body) = server.get(&path, &[("range", "bytes=100-199")]).await;
	assert_eq!(status, StatusCode::PARTIAL_CONTENT);
	assert_eq!(body, data[10_100..10_200]);
	assert_eq!(headers["content-range"], "bytes 100-199/500");
	assert_eq!(headers["content-length"], "100");
	let (status, _, body) = server.get(&path, &[("range", "bytes=-50")]).await;
	assert_eq!((status, body), (StatusCode::PARTIAL_CONTENT, data[10_450..].to_vec()));
	let (status, headers, _) = server.get(&path, &[("range", "bytes=500-")]).await;
	assert_eq!(status, StatusCode::RANGE_NOT_SATISFIABLE);
	assert_eq!(headers["content-range"], "bytes */500");

	// The JSON proof and the manifest.
	let (_, _, body) = server.get(&paths::manifest_path(&m.content), &[]).await;
	let served: Manifest = serde_json::from_slice(&body).unwrap();
	assert_eq!(served, m);
	server.stop().await;
}

#[tokio::test]
async fn bad_requests_get_their_4xx_and_a_reason() {
	let dir = temp_dir("bad");
	let (m, _) = ingest(&dir, 3_000, false);
	let (x, _) = ingest(&dir, 2_000, true);
	let server = Server::start(&dir, Faults::default()).await;
	let id = format!("{:?}", m.content);
	let cases = [
		("/content/nothex/chunks/0".to_string(), StatusCode::BAD_REQUEST),
		(format!("/content/{}/chunks/0", &id[..40]), StatusCode::BAD_REQUEST),
		("/content/..%2F..%2Fetc%2Fpasswd/chunks/0".to_string(), StatusCode::BAD_REQUEST),
		(format!("/content/{id}/chunks/..%2F..%2Fmanifest.json"), StatusCode::BAD_REQUEST),
		(format!("/content/{id}/chunks/-1"), StatusCode::BAD_REQUEST),
		(format!("/content/{id}/chunks/99999999999"), StatusCode::BAD_REQUEST),
		(format!("/content/{id}/chunks/3"), StatusCode::NOT_FOUND),
		(format!("/content/{id}/chunks/3/proof"), StatusCode::NOT_FOUND),
		(paths::chunk_path(&Hash::repeat_byte(1), 0), StatusCode::NOT_FOUND),
		(paths::manifest_path(&Hash::repeat_byte(1)), StatusCode::NOT_FOUND),
		(paths::chunk_path(&x.content, 0), StatusCode::FORBIDDEN),
		("/nothing/here".to_string(), StatusCode::NOT_FOUND),
	];
	for (path, expected) in cases {
		let (status, _, body) = server.get(&path, &[]).await;
		assert_eq!(status, expected, "{path}");
		if expected != StatusCode::NOT_FOUND || path.starts_with("/content") {
			assert!(!body.is_empty(), "{path}: a reason");
		}
	}
	server.stop().await;
}

#[tokio::test]
async fn corrupt_chunks_fail_the_validators_check() {
	let dir = temp_dir("corrupt");
	let (m, _) = ingest(&dir, 20_000, false);
	let server = Server::start(&dir, Faults::corrupting(1.0)).await;
	for i in 0..m.chunk_count {
		let (status, _, bytes) = server.get(&paths::chunk_path(&m.content, i), &[]).await;
		assert_eq!(status, StatusCode::OK);
		let (_, _, proof) = server.get(&paths::chunk_proof_path(&m.content, i), &[SCALE]).await;
		let proof = ChunkProof::decode(&mut &proof[..]).unwrap();
		assert!(!proof.verify(&m.manifest_root, m.chunk_count, &bytes), "chunk {i} is corrupt");
	}
	server.stop().await;
}

/// A validator's probe: a chunk asked for with a nonce comes back with the operator's signature
/// of the nonce and the chunk, which verifies against the edge's account and nothing else; a
/// nonce that is not 32 bytes of hex is a 400; an edge without an operator key signs nothing.
#[tokio::test]
async fn a_probe_is_answered_with_the_operators_signature_of_its_nonce() {
	use sp_runtime::traits::Verify;
	use vidchain_edge::state::ProbeSigner;
	use vidchain_primitives::{delivery::ProbeAnswer, Signature};
	let dir = temp_dir("probe");
	let (m, data) = ingest(&dir, 3_000, false);
	let key = subxt_signer::sr25519::dev::bob();
	let genesis = Hash::repeat_byte(9);
	let mut edge = Edge::new(Store::open(&dir.0.join("content")).unwrap(), Faults::default(), None);
	edge.prober = Some(ProbeSigner { key: key.clone(), genesis });
	let server = Server::start_edge(edge).await;
	let bob = vidchain_edge::chain::account_id(&key);
	let alice = vidchain_edge::chain::account_id(&subxt_signer::sr25519::dev::alice());

	let nonce = [5u8; 32];
	let (status, headers, bytes) = server.get(&paths::chunk_path(&m.content, 1), &[(paths::PROBE_HEADER, &hex::encode(nonce))]).await;
	assert_eq!(status, StatusCode::OK);
	assert_eq!(bytes, data[1_000..2_000]);
	assert_eq!(headers["cache-control"], "no-store");
	let raw = hex::decode(headers[paths::PROBE_SIGNATURE_HEADER].to_str().unwrap()).unwrap();
	let signature = Signature::decode(&mut &raw[..]).unwrap();
	let signed = |nonce: [u8; 32], index: u32| ProbeAnswer { nonce, content: m.content, chunk_index: index }.signing_payload(&genesis);
	assert!(signature.verify(&signed(nonce, 1)[..], &bob));
	assert!(!signature.verify(&signed(nonce, 1)[..], &alice), "another edge's account");
	assert!(!signature.verify(&signed([6; 32], 1)[..], &bob), "another nonce");
	assert!(!signature.verify(&signed(nonce, 2)[..], &bob), "another chunk");

	for bad in ["00", "zz", &"0".repeat(66)] {
		let (status, _, _) = server.get(&paths::chunk_path(&m.content, 1), &[(paths::PROBE_HEADER, bad)]).await;
		assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
	}
	// A plain request is not signed, and stays cacheable.
	let (_, headers, _) = server.get(&paths::chunk_path(&m.content, 1), &[]).await;
	assert!(headers.get(paths::PROBE_SIGNATURE_HEADER).is_none());
	assert_eq!(headers["cache-control"], "public, max-age=31536000, immutable");
	server.stop().await;

	// No operator key: probes are served unsigned (and validators count them as not served).
	let server = Server::start(&dir, Faults::default()).await;
	let (status, headers, _) = server.get(&paths::chunk_path(&m.content, 1), &[(paths::PROBE_HEADER, &hex::encode(nonce))]).await;
	assert_eq!(status, StatusCode::OK);
	assert!(headers.get(paths::PROBE_SIGNATURE_HEADER).is_none());
	server.stop().await;
}

#[test]
fn ingest_refuses_bad_input_and_leaves_nothing_behind() {
	let dir = temp_dir("ingest");
	let empty = dir.0.join("empty.bin");
	std::fs::write(&empty, b"").unwrap();
	let out = dir.0.join("content");
	assert!(store::ingest(&empty, &out, CHUNK, creator(), String::new(), false).is_err());
	assert!(store::ingest(&dir.0.join("missing.bin"), &out, CHUNK, creator(), String::new(), false).is_err());
	assert!(store::ingest(&empty, &out, 0, creator(), String::new(), false).is_err());
	assert!(store::ingest(&empty, &out, 17 << 20, creator(), String::new(), false).is_err());
	assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0, "nothing left behind");
	// The same content twice is refused, the first copy kept.
	let (m, _) = ingest(&dir, 1_500, false);
	let file = dir.0.join("film.bin");
	assert!(store::ingest(&file, &out, CHUNK, creator(), String::new(), false).is_err());
	assert_eq!(Store::open(&out).unwrap().ids(), vec![m.content]);
}

#[test]
fn a_damaged_content_directory_does_not_load() {
	let dir = temp_dir("damaged");
	let (m, _) = ingest(&dir, 2_500, false);
	let content = dir.0.join("content").join(format!("{:?}", m.content));
	// A manifest whose hashes do not give its root.
	let mut bad = m.clone();
	bad.chunk_hashes[1] = Hash::repeat_byte(9);
	std::fs::write(content.join("manifest.json"), serde_json::to_vec(&bad).unwrap()).unwrap();
	assert!(Store::open(&dir.0.join("content")).is_err());
	// A truncated chunk file.
	std::fs::write(content.join("manifest.json"), serde_json::to_vec(&m).unwrap()).unwrap();
	assert!(Store::open(&dir.0.join("content")).is_ok());
	std::fs::write(content.join("chunks").join("0"), vec![0u8; 10]).unwrap();
	assert!(Store::open(&dir.0.join("content")).is_err());
}

/// `POST /receipts` on an edge with an intake (operator, genesis, epoch 7, minimum price 10).
#[tokio::test]
async fn receipts_are_checked_then_stored_all_or_none() {
	use codec::Encode;
	use sp_core::{sr25519, Pair};
	use vidchain_primitives::{delivery::DeliveryReceipt, Signature};
	let dir = temp_dir("receipts");
	let (m, _) = ingest(&dir, 3_500, false);
	let (x, _) = ingest(&dir, 2_000, true);
	let operator = AccountId::from([5u8; 32]);
	let genesis = Hash::repeat_byte(3);
	let clock = Arc::new(Clock::default());
	let db = dir.0.join("receipts.redb");
	let viewer = sr25519::Pair::from_string("//viewer", None).unwrap();
	// The chain: both contents registered, the viewer's escrow funded.
	let ledger = Arc::new(FakeLedger::new(operator.clone(), genesis));
	ledger.register(&m, 1);
	ledger.register(&x, 1);
	ledger.with(|s| s.escrows.insert(AccountId::from(viewer.public()), fake::escrow(1_000_000)));
	let intake = Intake::new(Arc::new(ReceiptStore::open(&db).unwrap()), ledger, clock.clone(), 10);
	let server = Server::start_with(&dir, Faults::default(), Some(intake)).await;
	let receipt = |nonce: u64, content: Hash, first: u32, count: u32, bytes: u64| DeliveryReceipt {
		edge: operator.clone(),
		content,
		viewer: AccountId::from(viewer.public()),
		session_nonce: nonce,
		first_chunk: first,
		chunk_count: count,
		bytes,
		price_per_mib: 10,
		payer: vidchain_primitives::delivery::Payer::Escrow,
		epoch: 7,
		ttfb_ms: 3,
		throughput_kbps: 9_000,
	};
	let signed = |r: DeliveryReceipt<AccountId>| -> SignedReceipt {
		let s = Signature::Sr25519(viewer.sign(&r.signing_payload(&genesis)));
		(r, s)
	};
	let good = vec![signed(receipt(1, m.content, 0, 2, 2_000)), signed(receipt(2, m.content, 3, 1, 500))];

	// Before the edge knows the epoch: 503, nothing stored.
	let (status, _, _) = server.post("/receipts", good.encode()).await;
	assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
	clock.set(7);

	// One bad receipt refuses the whole batch, with its index and reason.
	let mut forged = good.clone();
	forged.push(signed(receipt(3, m.content, 0, 1, 1_000)));
	forged[2].0.bytes = 999;
	let (status, _, body) = server.post("/receipts", forged.encode()).await;
	assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
	let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
	assert_eq!(body["refused"][0]["index"], 2, "{body}");
	for (case, bad) in [
		("a foreign signature", {
			let mut r = signed(receipt(4, m.content, 0, 1, 1_000));
			r.1 = signed(receipt(5, m.content, 0, 1, 1_000)).1;
			r
		}),
		("another epoch", signed(DeliveryReceipt { epoch: 6, ..receipt(4, m.content, 0, 1, 1_000) })),
		("another edge", signed(DeliveryReceipt { edge: AccountId::from([6u8; 32]), ..receipt(4, m.content, 0, 1, 1_000) })),
		("a price under the minimum", signed(DeliveryReceipt { price_per_mib: 9, ..receipt(4, m.content, 0, 1, 1_000) })),
		("a range past the end", signed(receipt(4, m.content, 3, 2, 500))),
		("exclusive content", signed(receipt(4, x.content, 0, 1, 1_000))),
		("unknown content", signed(receipt(4, Hash::repeat_byte(1), 0, 1, 1_000))),
	] {
		let (status, _, _) = server.post("/receipts", vec![bad].encode()).await;
		assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{case}");
	}
	// Malformed or oversized bodies.
	assert_eq!(server.post("/receipts", b"not scale".to_vec()).await.0, StatusCode::BAD_REQUEST);
	assert_eq!(server.post("/receipts", Vec::<SignedReceipt>::new().encode()).await.0, StatusCode::BAD_REQUEST);
	let mut trailing = good.encode();
	trailing.push(0);
	assert_eq!(server.post("/receipts", trailing).await.0, StatusCode::BAD_REQUEST);
	assert_eq!(server.post("/receipts", vec![0u8; 2 << 20]).await.0, StatusCode::PAYLOAD_TOO_LARGE);

	// The good batch is accepted once; the same slots again are refused.
	let (status, _, body) = server.post("/receipts", good.encode()).await;
	assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
	let (status, _, _) = server.post("/receipts", good.encode()).await;
	assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
	server.stop().await;
	// What was acknowledged is on disk, and only that.
	let store = ReceiptStore::open(&db).unwrap();
	assert_eq!(store.epochs().unwrap(), vec![7]);
	assert_eq!(store.epoch(7).unwrap().len(), 2);
}

/// Write `files` (path relative to `dir`, bytes) and a playlist naming them.
fn write_hls(dir: &std::path::Path, playlist: &str, files: &[(&str, Vec<u8>)]) -> PathBuf {
	for (name, bytes) in files {
		let p = dir.join(name);
		std::fs::create_dir_all(p.parent().unwrap()).unwrap();
		std::fs::write(p, bytes).unwrap();
	}
	let p = dir.join("index.m3u8");
	std::fs::write(&p, playlist).unwrap();
	p
}

/// The `(length, offset)` of every `BYTERANGE` in a playlist, the map's first if it has one.
fn byte_ranges(playlist: &str) -> Vec<(u64, u64)> {
	playlist
		.lines()
		.filter_map(|l| {
			let r = l.strip_prefix("#EXT-X-BYTERANGE:").or_else(|| l.split("BYTERANGE=\"").nth(1).map(|r| r.trim_end_matches('"')))?;
			let (len, off) = r.split_once('@')?;
			Some((len.parse().unwrap(), off.parse().unwrap()))
		})
		.collect()
}

#[tokio::test]
async fn hls_input_plays_as_byte_ranges_of_the_content() {
	let dir = temp_dir("hls");
	let bytes = |n: usize, tag: u8| (0..n).map(|i| (i as u8).wrapping_mul(7) ^ tag).collect::<Vec<u8>>();
	let files = [
		("init.mp4", bytes(300, 1)),
		("seg0.ts", bytes(1_700, 2)),
		("seg1.ts", bytes(2_500, 3)),
		("sub/seg2.ts", bytes(900, 4)),
	];
	let playlist = "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:4\n#EXT-X-MAP:URI=\"init.mp4\"\n\
		#EXTINF:4.0,\nseg0.ts\n#EXTINF:3.5,first\nseg1.ts\n#EXT-X-DISCONTINUITY\n#EXTINF:2,\nsub/seg2.ts\n#EXT-X-ENDLIST\n";
	let input = write_hls(&dir.0.join("in"), playlist, &files);
	let out = dir.0.join("content");
	let m = store::ingest(&input, &out, CHUNK, creator(), "HLS".into(), false).unwrap();
	let all: Vec<u8> = files.iter().flat_map(|(_, b)| b.clone()).collect();
	assert_eq!((m.total_bytes, m.chunk_count), (5_400, 6));
	let (plain, _) = ingest(&dir, 1_000, false);
	let server = Server::start(&dir, Faults::default()).await;

	let (status, headers, body) = server.get(&paths::playlist_path(&m.content), &[]).await;
	assert_eq!(status, StatusCode::OK);
	assert_eq!(headers["content-type"], "application/vnd.apple.mpegurl");
	let text = String::from_utf8(body).unwrap();
	assert!(text.starts_with("#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-TARGETDURATION:4\n"), "{text}");
	assert!(text.contains("#EXT-X-DISCONTINUITY\n#EXTINF:2.000000,\n") && text.ends_with("#EXT-X-ENDLIST\n"), "{text}");
	// Each byte range of `stream` is exactly the input file it stands for (most span chunks).
	let ranges = byte_ranges(&text);
	assert_eq!(ranges, vec![(300, 0), (1_700, 300), (2_500, 2_000), (900, 4_500)]);
	assert_eq!(text.lines().filter(|l| *l == "stream/media.ts").count(), 3, "{text}");
	assert!(text.contains("#EXT-X-MAP:URI=\"stream/media.ts\",BYTERANGE=\"300@0\""), "{text}");
	let stream = format!("{}/media.ts", paths::stream_path(&m.content));
	for ((len, off), (name, expected)) in ranges.iter().zip(&files) {
		let range = format!("bytes={off}-{}", off + len - 1);
		let (status, headers, body) = server.get(&stream, &[("range", &range)]).await;
		assert_eq!(status, StatusCode::PARTIAL_CONTENT, "{name}");
		assert_eq!(&body, expected, "{name}");
		assert_eq!(headers["content-range"], format!("bytes {off}-{}/5400", off + len - 1));
		assert_eq!(headers["content-length"], len.to_string());
	}
	// The whole stream, an open range, and a range past the end.
	let (status, headers, body) = server.get(&stream, &[]).await;
	assert_eq!((status, body == all), (StatusCode::OK, true));
	assert_eq!(headers["content-length"], "5400");
	let (_, _, body) = server.get(&stream, &[("range", "bytes=999-")]).await;
	assert_eq!(body, all[999..]);
	assert_eq!(server.get(&stream, &[("range", "bytes=5400-")]).await.0, StatusCode::RANGE_NOT_SATISFIABLE);
	// Content not ingested from HLS has no playlist.
	assert_eq!(server.get(&paths::playlist_path(&plain.content), &[]).await.0, StatusCode::NOT_FOUND);
	server.stop().await;

	// Playlists the edge cannot replay faithfully are refused, and leave nothing behind.
	let before = std::fs::read_dir(&out).unwrap().count();
	for (case, text) in [
		("no #EXTM3U", "#EXTINF:1,\nseg0.ts\n".to_string()),
		("a multivariant playlist", "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nlow.m3u8\n".to_string()),
		("an absolute path", "#EXTM3U\n#EXTINF:1,\n/etc/passwd\n".to_string()),
		("a parent directory", "#EXTM3U\n#EXTINF:1,\n../in/seg0.ts\n".to_string()),
		("a URL", "#EXTM3U\n#EXTINF:1,\nhttp://127.0.0.1/seg0.ts\n".to_string()),
		("a segment without EXTINF", "#EXTM3U\nseg0.ts\n".to_string()),
		("a bad duration", "#EXTM3U\n#EXTINF:-1,\nseg0.ts\n".to_string()),
		("a missing segment", "#EXTM3U\n#EXTINF:1,\nnone.ts\n".to_string()),
		("no segment", "#EXTM3U\n#EXT-X-ENDLIST\n".to_string()),
		("encryption", "#EXTM3U\n#EXT-X-KEY:METHOD=AES-128,URI=\"k\"\n#EXTINF:1,\nseg0.ts\n".to_string()),
		("byte-range input", "#EXTM3U\n#EXTINF:1,\n#EXT-X-BYTERANGE:10@0\nseg0.ts\n".to_string()),
	] {
		let p = dir.0.join("in").join("bad.m3u8");
		std::fs::write(&p, text).unwrap();
		assert!(store::ingest(&p, &out, CHUNK, creator(), String::new(), false).is_err(), "{case}");
	}
	assert_eq!(std::fs::read_dir(&out).unwrap().count(), before, "nothing left behind");
}

/// ffmpeg (Debian's, installed by scripts/setup.sh) cuts a test pattern into HLS; the edge
/// ingests it; ffmpeg then plays it *through the edge* (`index.m3u8`, byte ranges of `stream`)
/// and decodes exactly the frames it decodes from the original playlist.
#[tokio::test]
async fn ffmpeg_plays_hls_through_the_edge() {
	let dir = temp_dir("ffmpeg");
	let hls = dir.0.join("hls");
	std::fs::create_dir_all(&hls).unwrap();
	let ffmpeg = |args: &[&str]| {
		let out = std::process::Command::new("ffmpeg")
			.args(["-nostdin", "-hide_banner", "-loglevel", "error"])
			.args(args)
			.output()
			.expect("ffmpeg is installed (scripts/setup.sh installs it)");
		assert!(out.status.success(), "ffmpeg {args:?}: {}", String::from_utf8_lossy(&out.stderr));
		String::from_utf8(out.stdout).unwrap()
	};
	let playlist = hls.join("index.m3u8");
	ffmpeg(&[
		"-f", "lavfi", "-i", "testsrc=duration=6:size=320x180:rate=25", "-c:v", "mpeg2video", "-g", "25",
		"-f", "hls", "-hls_time", "2", "-hls_playlist_type", "vod", playlist.to_str().unwrap(),
	]);
	let m = store::ingest(&playlist, &dir.0.join("content"), 64 * 1024, creator(), "pattern".into(), false).unwrap();
	assert!(m.hls.as_ref().unwrap().segments.len() >= 3, "{:?}", m.hls);
	let server = Server::start(&dir, Faults::default()).await;
	let url = format!("http://{}{}", server.addr, paths::playlist_path(&m.content));
	let decode = |input: String| {
		tokio::task::spawn_blocking(move || {
			ffmpeg(&["-rw_timeout", "10000000", "-i", &input, "-map", "0:v", "-f", "framemd5", "-"])
		})
	};
	let through_edge = tokio::time::timeout(Duration::from_secs(60), decode(url)).await.unwrap().unwrap();
	let original = decode(playlist.to_str().unwrap().to_string()).await.unwrap();
	let frames = |s: &str| s.lines().filter(|l| !l.starts_with('#')).count();
	assert_eq!(frames(&through_edge), 150, "6 s at 25 fps");
	assert_eq!(through_edge, original, "the same frames, bit for bit");
	server.stop().await;
}

fn now_ms() -> u64 {
	std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as u64
}

/// Exclusive content through an edge whose "chain" says `holder` has a license for it and
/// nobody else does (and, when told, cannot be read at all).
#[tokio::test]
async fn exclusive_content_needs_a_signed_token_and_a_license_on_chain() {
	use codec::Encode;
	use sp_core::{sr25519, Pair};
	use std::sync::Mutex;
	use vidchain_edge::server::Licenses;
	use vidchain_primitives::{
		delivery::DeliveryReceipt,
		licenses::{AccessToken, MAX_ACCESS_TOKEN_LIFETIME_MS},
		Signature,
	};
	let dir = temp_dir("access");
	let (x, data) = ingest(&dir, 2_500, true);
	let (m, _) = ingest(&dir, 1_000, false);
	let operator = AccountId::from([5u8; 32]);
	let genesis = Hash::repeat_byte(3);
	let pair = |s: &str| sr25519::Pair::from_string(s, None).unwrap();
	let (holder, stranger, third) = (pair("//holder"), pair("//stranger"), pair("//third"));
	let id = |p: &sr25519::Pair| AccountId::from(p.public());
	// The chain: who holds a license for what; `None`: the node cannot be reached.
	let chain: Arc<Mutex<Option<Vec<(AccountId, Hash)>>>> = Arc::new(Mutex::new(Some(vec![(id(&holder), x.content)])));
	let asked = Arc::new(std::sync::atomic::AtomicUsize::new(0));
	let (c, a) = (chain.clone(), asked.clone());
	let check: vidchain_edge::server::AccessCheck = Arc::new(move |viewer, content| {
		a.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
		let answer = c.lock().unwrap().as_ref().map(|l| l.contains(&(viewer, content)));
		Box::pin(async move { answer.ok_or_else(|| anyhow::anyhow!("node unreachable")) })
	});
	let clock = Arc::new(Clock::default());
	clock.set(7);
	let ledger = Arc::new(FakeLedger::new(operator.clone(), genesis));
	ledger.register(&x, 1);
	ledger.register(&m, 1);
	for who in [&holder, &stranger] {
		ledger.with(|s| s.escrows.insert(id(who), fake::escrow(1_000_000)));
	}
	let intake = Intake::new(Arc::new(ReceiptStore::open(&dir.0.join("receipts.redb")).unwrap()), ledger, clock, 0);
	let mut edge = Edge::new(Store::open(&dir.0.join("content")).unwrap(), Faults::default(), Some(intake));
	edge.licenses = Some(Licenses::new(operator.clone(), genesis, check));
	let server = Server::start_edge(edge).await;

	let sign = |who: &sr25519::Pair, t: &AccessToken<AccountId>, g: &Hash| {
		hex::encode((t.clone(), Signature::Sr25519(who.sign(&t.signing_payload(g)))).encode())
	};
	let now = now_ms();
	let good = AccessToken { viewer: id(&holder), edge: operator.clone(), content: x.content, expires_at_ms: now + 60_000 };
	let token = sign(&holder, &good, &genesis);
	let path = paths::chunk_path(&x.content, 1);
	let header = paths::ACCESS_HEADER;

	// The holder, with the token in a header or the query: the chunk.
	let (status, _, body) = server.get(&path, &[(header, &token)]).await;
	assert_eq!((status, &body[..]), (StatusCode::OK, &data[1_000..2_000]));
	let (status, _, body) = server.get(&format!("{path}?access={token}"), &[]).await;
	assert_eq!((status, &body[..]), (StatusCode::OK, &data[1_000..2_000]));
	let (status, _, _) = server.get(&paths::chunk_proof_path(&x.content, 1), &[(header, &token)]).await;
	assert_eq!(status, StatusCode::OK);

	// Everyone else: refused with the reason, nothing served.
	let cases: Vec<(&str, Option<String>, StatusCode, &str)> = vec![
		("no token", None, StatusCode::FORBIDDEN, "access token"),
		("not hex", Some("zz".into()), StatusCode::BAD_REQUEST, "not hex"),
		("not a token", Some(hex::encode(b"hello")), StatusCode::BAD_REQUEST, "not SCALE"),
		("another content's token", Some(sign(&holder, &AccessToken { content: m.content, ..good.clone() }, &genesis)), StatusCode::FORBIDDEN, "another content"),
		("another edge's token", Some(sign(&holder, &AccessToken { edge: AccountId::from([6u8; 32]), ..good.clone() }, &genesis)), StatusCode::FORBIDDEN, "another edge"),
		("expired", Some(sign(&holder, &AccessToken { expires_at_ms: now - 1, ..good.clone() }, &genesis)), StatusCode::FORBIDDEN, "expired"),
		("too long-lived", Some(sign(&holder, &AccessToken { expires_at_ms: now + MAX_ACCESS_TOKEN_LIFETIME_MS + 60_000, ..good.clone() }, &genesis)), StatusCode::FORBIDDEN, "ten minutes"),
		("the holder's token signed by a stranger", Some(sign(&stranger, &good, &genesis)), StatusCode::FORBIDDEN, "not signed"),
		("signed for another chain", Some(sign(&holder, &good, &Hash::repeat_byte(4))), StatusCode::FORBIDDEN, "not signed"),
		("a stranger's own token, no license", Some(sign(&stranger, &AccessToken { viewer: id(&stranger), ..good.clone() }, &genesis)), StatusCode::FORBIDDEN, "no license"),
	];
	for (case, token, expected, reason) in cases {
		let headers: Vec<(&str, &str)> = token.as_deref().map(|t| vec![(header, t)]).unwrap_or_default();
		let (status, _, body) = server.get(&path, &headers).await;
		assert_eq!(status, expected, "{case}");
		assert!(String::from_utf8_lossy(&body).contains(reason), "{case}: {}", String::from_utf8_lossy(&body));
		assert_ne!(&body[..], &data[1_000..2_000], "{case}");
	}

	// The playlist route refuses the same way; receipts for exclusive content count only from
	// viewers with a license.
	assert_eq!(server.get(&paths::stream_path(&x.content), &[]).await.0, StatusCode::FORBIDDEN);
	let receipt = |viewer: &sr25519::Pair, nonce: u64| {
		let r = DeliveryReceipt {
			edge: operator.clone(),
			content: x.content,
			viewer: id(viewer),
			session_nonce: nonce,
			first_chunk: 0,
			chunk_count: 1,
			bytes: 1_000,
			price_per_mib: 0,
			payer: vidchain_primitives::delivery::Payer::Escrow,
			epoch: 7,
			ttfb_ms: 3,
			throughput_kbps: 9_000,
		};
		let s = Signature::Sr25519(viewer.sign(&r.signing_payload(&genesis)));
		(r, s)
	};
	let (status, _, body) = server.post("/receipts", vec![receipt(&holder, 1), receipt(&stranger, 1)].encode()).await;
	assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
	let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
	assert_eq!(body["refused"].as_array().unwrap().len(), 1, "{body}");
	assert_eq!(body["refused"][0]["index"], 1, "{body}");
	let (status, _, _) = server.post("/receipts", vec![receipt(&holder, 1)].encode()).await;
	assert_eq!(status, StatusCode::OK);

	// The chain's answers are kept for a few seconds: the holder's requests above asked once.
	let before = asked.load(std::sync::atomic::Ordering::SeqCst);
	server.get(&path, &[(header, &token)]).await;
	assert_eq!(asked.load(std::sync::atomic::Ordering::SeqCst), before, "answered from the cache");
	// A chain that cannot be read: 503, not a guess.
	*chain.lock().unwrap() = None;
	let t = sign(&third, &AccessToken { viewer: id(&third), ..good.clone() }, &genesis);
	assert_eq!(server.get(&path, &[(header, &t)]).await.0, StatusCode::SERVICE_UNAVAILABLE);
	server.stop().await;

	// An edge without a chain connection serves no exclusive content at all.
	let server = Server::start(&dir, Faults::default()).await;
	let (status, _, body) = server.get(&path, &[(header, &token)]).await;
	assert_eq!(status, StatusCode::FORBIDDEN);
	assert!(String::from_utf8_lossy(&body).contains("not connected"));
	server.stop().await;
}

#[tokio::test]
async fn the_playlist_of_exclusive_content_carries_the_token_to_its_media() {
	use codec::Encode;
	use sp_core::{sr25519, Pair};
	use vidchain_edge::server::Licenses;
	use vidchain_primitives::{licenses::AccessToken, Signature};
	let dir = temp_dir("hls-access");
	let input = write_hls(&dir.0.join("in"), "#EXTM3U\n#EXTINF:1,\na.ts\n#EXTINF:1,\nb.ts\n", &[("a.ts", vec![1; 1_500]), ("b.ts", vec![2; 700])]);
	let m = store::ingest(&input, &dir.0.join("content"), CHUNK, creator(), String::new(), true).unwrap();
	let (operator, genesis) = (AccountId::from([5u8; 32]), Hash::repeat_byte(3));
	let holder = sr25519::Pair::from_string("//holder", None).unwrap();
	let mut edge = Edge::new(Store::open(&dir.0.join("content")).unwrap(), Faults::default(), None);
	edge.licenses = Some(Licenses::new(operator.clone(), genesis, Arc::new(|_, _| Box::pin(async { Ok(true) }))));
	let server = Server::start_edge(edge).await;
	let t = AccessToken { viewer: AccountId::from(holder.public()), edge: operator, content: m.content, expires_at_ms: now_ms() + 60_000 };
	let token = hex::encode((t.clone(), Signature::Sr25519(holder.sign(&t.signing_payload(&genesis)))).encode());
	let (status, _, body) = server.get(&format!("{}?access={token}", paths::playlist_path(&m.content)), &[]).await;
	assert_eq!(status, StatusCode::OK);
	let text = String::from_utf8(body).unwrap();
	let media: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
	assert_eq!(media, vec![format!("stream/media.ts?access={token}"); 2], "{text}");
	// …and that URI, resolved against the playlist's, serves the bytes.
	let (status, _, body) = server.get(&format!("{}?access={token}", paths::stream_path(&m.content)), &[("range", "bytes=1500-2199")]).await;
	assert_eq!((status, body), (StatusCode::PARTIAL_CONTENT, vec![2; 700]));
	server.stop().await;
}

#[tokio::test]
async fn the_stop_answering_switch_takes_requests_and_answers_none() {
	use std::sync::atomic::Ordering;
	let dir = temp_dir("stall");
	let (m, _) = ingest(&dir, 1_000, false);
	let faults = Faults::default();
	faults.stalled.store(true, Ordering::Relaxed);
	let edge = Arc::new(Edge::new(Store::open(&dir.0.join("content")).unwrap(), faults, None));
	let (tx, rx) = tokio::sync::oneshot::channel();
	let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
	let task = tokio::spawn(vidchain_edge::serve(edge.clone(), "127.0.0.1:0".parse().unwrap(), None, Some(tx), async {
		let _ = stopped.await;
	}));
	let addr = rx.await.unwrap();
	let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
	let get = |path: String| {
		let client = client.clone();
		async move {
			let req = Request::get(format!("http://{addr}{path}")).body(Full::new(Bytes::new())).unwrap();
			tokio::time::timeout(Duration::from_secs(1), client.request(req)).await.map(|r| r.unwrap().status())
		}
	};
	// The connection is taken (no refusal), the answer never comes.
	assert!(get("/health".into()).await.is_err(), "no answer within a second");
	assert!(get(paths::chunk_path(&m.content, 0)).await.is_err());
	// Switched off: answers again.
	edge.faults.stalled.store(false, Ordering::Relaxed);
	assert_eq!(get(paths::chunk_path(&m.content, 0)).await.unwrap(), StatusCode::OK);
	let _ = stop.send(());
	// Graceful shutdown waits for open requests: the stalled ones were dropped with their clients.
	let _ = tokio::time::timeout(Duration::from_secs(10), task).await;
}

/// A read of `s` that ends (EOF or an error) within `within`: the edge closed the connection.
async fn closed_within(s: &mut tokio::net::TcpStream, within: Duration) -> bool {
	use tokio::io::AsyncReadExt;
	let mut buf = [0u8; 1024];
	let deadline = tokio::time::Instant::now() + within;
	loop {
		match tokio::time::timeout_at(deadline, s.read(&mut buf)).await {
			Err(_) => return false,
			Ok(Ok(0)) | Ok(Err(_)) => return true,
			// A 408 or the like before the close: keep reading to the end.
			Ok(Ok(_)) => continue,
		}
	}
}

/// Issue 31: strangers hold no connection, socket or task for longer than the limits say, and
/// never more connections than the cap; honest requests still get through.
#[tokio::test]
async fn the_edge_holds_its_clients_to_its_limits() {
	use tokio::io::AsyncWriteExt;
	use vidchain_edge::state::Limits;
	let dir = temp_dir("limits");
	let (m, data) = ingest(&dir, 3_500, false);
	let limits = Limits {
		max_connections: 2,
		header_timeout: Duration::from_millis(300),
		idle_timeout: Duration::from_secs(5),
		request_timeout: Duration::from_millis(400),
		disk_reads: 1,
		..Limits::default()
	};
	let edge = Edge::with_limits(Store::open(&dir.0.join("content")).unwrap(), Faults::default(), None, limits);
	let server = Server::start_edge(edge).await;
	let connect = || tokio::net::TcpStream::connect(server.addr);

	// Headers trickled: closed at the header timeout.
	let mut slow = connect().await.unwrap();
	slow.write_all(b"GET /health HTTP/1.1\r\nHost: edge\r\nX-Slow: ").await.unwrap();
	assert!(closed_within(&mut slow, Duration::from_secs(2)).await, "a slow header is cut off");
	// A body trickled: 408 at the request timeout, and the connection goes.
	let mut trickle = connect().await.unwrap();
	trickle
		.write_all(b"POST /receipts HTTP/1.1\r\nHost: edge\r\nContent-Type: application/scale\r\nContent-Length: 1000\r\n\r\n0123")
		.await
		.unwrap();
	let mut answer = vec![0u8; 64];
	let n = tokio::time::timeout(Duration::from_secs(2), tokio::io::AsyncReadExt::read(&mut trickle, &mut answer))
		.await
		.expect("an answer within the request timeout")
		.unwrap();
	assert!(String::from_utf8_lossy(&answer[..n]).starts_with("HTTP/1.1 408"), "{}", String::from_utf8_lossy(&answer[..n]));
	drop((slow, trickle));
	tokio::time::sleep(Duration::from_millis(100)).await;

	// The cap: two idle connections are held, a third is closed at once.
	let (_a, _b) = (connect().await.unwrap(), connect().await.unwrap());
	tokio::time::sleep(Duration::from_millis(50)).await;
	let mut third = connect().await.unwrap();
	assert!(closed_within(&mut third, Duration::from_millis(200)).await, "over the cap: closed before any timeout");
	// The idle ones are cut at the header timeout; then an honest request gets through, and a
	// range of a chunk not in memory is exactly its bytes.
	tokio::time::sleep(Duration::from_millis(500)).await;
	let (status, _, body) = server.get(&paths::chunk_path(&m.content, 1), &[("range", "bytes=10-19")]).await;
	assert_eq!((status, &body[..]), (StatusCode::PARTIAL_CONTENT, &data[1_010..1_020]));
	let (status, _, body) = server.get(&paths::chunk_path(&m.content, 1), &[]).await;
	assert_eq!((status, &body[..]), (StatusCode::OK, &data[1_000..2_000]));
	server.stop().await;
}

/// Issue 31: a connection on which nothing moves either way is closed at the idle timeout, even
/// while the header timeout is far away; one that keeps asking is not.
#[tokio::test]
async fn a_silent_connection_is_closed_at_the_idle_timeout() {
	use tokio::io::AsyncWriteExt;
	use vidchain_edge::state::Limits;
	let dir = temp_dir("idle");
	ingest(&dir, 3_500, false);
	let limits = Limits { header_timeout: Duration::from_secs(30), idle_timeout: Duration::from_millis(300), ..Limits::default() };
	let server = Server::start_edge(Edge::with_limits(Store::open(&dir.0.join("content")).unwrap(), Faults::default(), None, limits)).await;
	let mut silent = tokio::net::TcpStream::connect(server.addr).await.unwrap();
	assert!(closed_within(&mut silent, Duration::from_secs(3)).await, "a silent connection is closed long before the header timeout");
	// A client that sends a header byte every 100 ms is moving: not idle (the header timeout,
	// 30 s here, is what bounds it).
	let mut trickle = tokio::net::TcpStream::connect(server.addr).await.unwrap();
	trickle.write_all(b"GET /health HTTP/1.1\r\nHost: edge\r\n").await.unwrap();
	for _ in 0..8 {
		tokio::time::sleep(Duration::from_millis(100)).await;
		trickle.write_all(b"X-A: b\r\n").await.expect("still open");
	}
	trickle.write_all(b"\r\n").await.unwrap();
	let mut answer = vec![0u8; 64];
	let n = tokio::time::timeout(Duration::from_secs(2), tokio::io::AsyncReadExt::read(&mut trickle, &mut answer)).await.unwrap().unwrap();
	assert!(String::from_utf8_lossy(&answer[..n]).starts_with("HTTP/1.1 200"), "{}", String::from_utf8_lossy(&answer[..n]));
	server.stop().await;
}

/// Issue 31: one license cannot feed a public re-stream: a viewer holds at most
/// `MAX_STREAMS_PER_VIEWER` responses of exclusive content open on one edge, and a closed one
/// frees its slot.
#[tokio::test]
async fn a_viewer_holds_a_bounded_number_of_exclusive_streams() {
	use codec::Encode;
	use sp_core::{sr25519, Pair};
	use vidchain_edge::{access::MAX_STREAMS_PER_VIEWER, server::Licenses};
	use vidchain_primitives::{licenses::AccessToken, Signature};
	let dir = temp_dir("streams");
	// 32 MiB: more than loopback buffers hold, so an unread stream stays open on the edge.
	let (x, _) = ingest_sized(&dir, 32 << 20, 1 << 20, true);
	let (operator, genesis) = (AccountId::from([5u8; 32]), Hash::repeat_byte(3));
	let holder = sr25519::Pair::from_string("//holder", None).unwrap();
	let mut edge = Edge::new(Store::open(&dir.0.join("content")).unwrap(), Faults::default(), None);
	edge.licenses = Some(Licenses::new(operator.clone(), genesis, Arc::new(|_, _| Box::pin(async { Ok(true) }))));
	let server = Server::start_edge(edge).await;
	let t = AccessToken { viewer: AccountId::from(holder.public()), edge: operator, content: x.content, expires_at_ms: now_ms() + 60_000 };
	let token = hex::encode((t.clone(), Signature::Sr25519(holder.sign(&t.signing_payload(&genesis)))).encode());
	let open = || {
		let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
		let req = Request::get(format!("http://{}{}", server.addr, paths::stream_path(&x.content)))
			.header(paths::ACCESS_HEADER, &token)
			.body(Full::default())
			.unwrap();
		async move { tokio::time::timeout(Duration::from_secs(10), client.request(req)).await.unwrap().unwrap() }
	};
	let mut held = Vec::new();
	for _ in 0..MAX_STREAMS_PER_VIEWER {
		let res = open().await;
		assert_eq!(res.status(), StatusCode::OK);
		held.push(res);
	}
	assert_eq!(open().await.status(), StatusCode::TOO_MANY_REQUESTS);
	drop(held.pop());
	let mut freed = false;
	for _ in 0..50 {
		tokio::time::sleep(Duration::from_millis(100)).await;
		if open().await.status() == StatusCode::OK {
			freed = true;
			break;
		}
	}
	assert!(freed, "a closed stream frees its slot");
	drop(held);
	server.stop().await;
}

/// Issue 31: the operator's own node going down does not turn the edge against its honest
/// clients: public content is still served (validators' probes included), while receipts wait
/// (503) rather than being taken unchecked.
#[tokio::test]
async fn an_unreadable_node_does_not_stop_public_content() {
	use codec::Encode;
	let dir = temp_dir("node-down");
	let (m, data) = ingest(&dir, 2_000, false);
	let operator = AccountId::from([5u8; 32]);
	let ledger = Arc::new(FakeLedger::new(operator, Hash::repeat_byte(3)));
	ledger.register(&m, 1);
	ledger.with(|s| s.down = true);
	let clock = Arc::new(Clock::default());
	clock.set(0);
	let intake = Intake::new(Arc::new(ReceiptStore::open(&dir.0.join("receipts.redb")).unwrap()), ledger, clock, 0);
	let server = Server::start_with(&dir, Faults::default(), Some(intake)).await;
	let (status, _, body) = server.get(&paths::chunk_path(&m.content, 0), &[]).await;
	assert_eq!((status, &body[..]), (StatusCode::OK, &data[..1_000]));
	let viewer = <sp_core::sr25519::Pair as sp_core::Pair>::from_seed(&[4; 32]);
	let r = vidchain_primitives::delivery::DeliveryReceipt {
		edge: AccountId::from([5u8; 32]),
		content: m.content,
		viewer: AccountId::from(sp_core::Pair::public(&viewer)),
		session_nonce: 1,
		first_chunk: 0,
		chunk_count: 1,
		bytes: 1_000,
		price_per_mib: 0,
		payer: vidchain_primitives::delivery::Payer::Escrow,
		epoch: 0,
		ttfb_ms: 1,
		throughput_kbps: 1,
	};
	let s = vidchain_primitives::Signature::Sr25519(sp_core::Pair::sign(&viewer, &r.signing_payload(&Hash::repeat_byte(3))));
	assert_eq!(server.post("/receipts", vec![(r, s)].encode()).await.0, StatusCode::SERVICE_UNAVAILABLE);
	server.stop().await;
}

/// Issue 31: a client address asking as fast as it can takes its share and no more: its
/// connections, receipts checked and reads from disk are bounded (429 with `Retry-After` past
/// the rate, after a wait), and another address is not held by it. Chunks in memory are not
/// rationed.
#[tokio::test]
async fn each_client_address_has_its_share() {
	use codec::Encode;
	use vidchain_edge::{fair::MAX_WAIT, state::Limits};
	let dir = temp_dir("shares");
	let (m, data) = ingest(&dir, 3_500, false);
	let ledger = Arc::new(FakeLedger::new(AccountId::from([5u8; 32]), Hash::repeat_byte(3)));
	ledger.register(&m, 1);
	let clock = Arc::new(Clock::default());
	clock.set(7);
	let intake = Intake::new(Arc::new(ReceiptStore::open(&dir.0.join("receipts.redb")).unwrap()), ledger, clock, 0);
	let (a, b) = ([127, 0, 0, 1], [127, 0, 0, 2]);

	// Connections: two of A are held, a third of A is closed at once; B is served meanwhile.
	let limits = Limits { connections_per_client: 2, ..Limits::default() };
	let server = Server::start_edge(Edge::with_limits(Store::open(&dir.0.join("content")).unwrap(), Faults::default(), None, limits)).await;
	let from = |ip: [u8; 4]| {
		let addr = server.addr;
		async move {
			let socket = tokio::net::TcpSocket::new_v4().unwrap();
			socket.bind((std::net::Ipv4Addr::from(ip), 0).into()).unwrap();
			socket.connect(addr).await.unwrap()
		}
	};

	let (a1, a2) = (from(a).await, from(a).await);
	tokio::time::sleep(Duration::from_millis(50)).await;
	let mut a3 = from(a).await;
	assert!(closed_within(&mut a3, Duration::from_millis(500)).await, "a third connection of one address is closed");
	let (status, _, _) = server.send_from(b, Request::get(format!("http://{}/health", server.addr)), &[], vec![]).await;
	assert_eq!(status, StatusCode::OK, "another address is served");
	drop((a1, a2));
	tokio::time::sleep(Duration::from_millis(100)).await;
	let (status, _, _) = server.send_from(a, Request::get(format!("http://{}/health", server.addr)), &[], vec![]).await;
	assert_eq!(status, StatusCode::OK, "closed connections are given back");
	server.stop().await;

	// Rates: one receipt and one disk read a second of one address.
	let limits = Limits { receipts_per_second: 1, disk_reads_per_second: 1, ..Limits::default() };
	let edge = Edge::with_limits(Store::open(&dir.0.join("content")).unwrap(), Faults::default(), Some(intake), limits);
	let server = Server::start_edge(edge).await;

	// Receipts: four full posts of junk are checked (and refused: bad signatures); the fifth is
	// a thousand seconds of A's rate away: 429 after MAX_WAIT, told when to retry, unchecked.
	let junk: Vec<SignedReceipt> = (0..1_024u64)
		.map(|i| {
			let r = vidchain_primitives::delivery::DeliveryReceipt {
				edge: AccountId::from([5u8; 32]),
				content: m.content,
				viewer: AccountId::from([9u8; 32]),
				session_nonce: i,
				first_chunk: 0,
				chunk_count: 1,
				bytes: 1_000,
				price_per_mib: 1,
				payer: vidchain_primitives::delivery::Payer::Escrow,
				epoch: 7,
				ttfb_ms: 1,
				throughput_kbps: 1,
			};
			(r, vidchain_primitives::Signature::Sr25519(sp_core::sr25519::Signature::from_raw([0u8; 64])))
		})
		.collect();
	let post = |ip| server.send_from(ip, Request::post(format!("http://{}/receipts", server.addr)), &[], junk.encode());
	for _ in 0..4 {
		assert_eq!(post(a).await.0, StatusCode::UNPROCESSABLE_ENTITY, "within the burst: checked");
	}
	let started = std::time::Instant::now();
	let (status, headers, _) = post(a).await;
	assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
	let retry: u64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
	assert!(retry > 100, "retry after {retry} s");
	assert!(started.elapsed() >= MAX_WAIT, "the refusal is held for MAX_WAIT");
	assert_eq!(post(b).await.0, StatusCode::UNPROCESSABLE_ENTITY, "another address is checked");

	// Reads from disk: one a second for A. A whole chunk read (and kept in memory), then three
	// ranges of a chunk not in memory at once: at least one is past MAX_WAIT (429).
	let srv = &server;
	let get_from = move |ip, path: String, range: Option<&'static str>| {
		let headers: Vec<(&str, &str)> = range.map(|r| ("range", r)).into_iter().collect();
		let req = Request::get(format!("http://{}{path}", srv.addr));
		async move { srv.send_from(ip, req, &headers, vec![]).await }
	};
	let (status, _, body) = get_from(a, paths::chunk_path(&m.content, 0), None).await;
	assert_eq!((status, &body[..]), (StatusCode::OK, &data[..1_000]));
	let ranges = futures::future::join_all((0..3).map(|_| get_from(a, paths::chunk_path(&m.content, 1), Some("bytes=0-0")))).await;
	let refused: Vec<_> = ranges.iter().filter(|(s, _, _)| *s == StatusCode::TOO_MANY_REQUESTS).collect();
	assert!(!refused.is_empty(), "three disk reads at once of a one-a-second address: {:?}", ranges.iter().map(|r| r.0).collect::<Vec<_>>());
	assert!(refused.iter().all(|(_, h, _)| h.contains_key("retry-after")));
	for (s, _, body) in ranges.iter().filter(|(s, _, _)| *s != StatusCode::TOO_MANY_REQUESTS) {
		assert_eq!((*s, &body[..]), (StatusCode::PARTIAL_CONTENT, &data[1_000..1_001]));
	}
	for _ in 0..20 {
		let (status, _, body) = get_from(a, paths::chunk_path(&m.content, 0), None).await;
		assert_eq!((status, body.len()), (StatusCode::OK, 1_000), "a chunk in memory is not rationed");
	}
	let (status, _, body) = get_from(b, paths::chunk_path(&m.content, 2), Some("bytes=5-9")).await;
	assert_eq!((status, &body[..]), (StatusCode::PARTIAL_CONTENT, &data[2_005..2_010]), "B reads from disk at once");
	let over = server.edge.metrics.over_rate.get();
	assert_eq!(over, 1 + refused.len() as u64, "every 429 is counted");
	assert!(server.edge.metrics.render().contains(&format!("vidchain_edge_over_rate_total {over}")));
	server.stop().await;
}
