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
	claimer::Clock,
	metrics::Metrics,
	receipts::{ReceiptStore, SignedReceipt},
	server::{Edge, Faults, Intake},
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
	let data: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8 ^ exclusive as u8).collect();
	let file = dir.0.join(if exclusive { "x.bin" } else { "film.bin" });
	std::fs::write(&file, &data).unwrap();
	let m = store::ingest(&file, &dir.0.join("content"), CHUNK, creator(), "A film".into(), exclusive).unwrap();
	(m, data)
}

struct Server {
	addr: SocketAddr,
	stop: Option<tokio::sync::oneshot::Sender<()>>,
	task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl Server {
	async fn start(dir: &Dir, faults: Faults) -> Server {
		Server::start_with(dir, faults, None).await
	}

	async fn start_with(dir: &Dir, faults: Faults, intake: Option<Intake>) -> Server {
		let store = Store::open(&dir.0.join("content")).unwrap();
		let edge = Arc::new(Edge { store, metrics: Metrics::new(), faults, intake });
		let (tx, rx) = tokio::sync::oneshot::channel();
		let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
		let task = tokio::spawn(vidchain_edge::serve(edge, "127.0.0.1:0".parse().unwrap(), None, Some(tx), async {
			let _ = stopped.await;
		}));
		let addr = tokio::time::timeout(Duration::from_secs(10), rx).await.unwrap().unwrap();
		Server { addr, stop: Some(stop), task }
	}

	async fn get(&self, path: &str, headers: &[(&str, &str)]) -> (StatusCode, hyper::HeaderMap, Vec<u8>) {
		self.send(Request::get(format!("http://{}{path}", self.addr)), headers, Vec::new()).await
	}

	async fn post(&self, path: &str, body: Vec<u8>) -> (StatusCode, hyper::HeaderMap, Vec<u8>) {
		self.send(Request::post(format!("http://{}{path}", self.addr)), &[], body).await
	}

	async fn send(
		&self,
		mut req: hyper::http::request::Builder,
		headers: &[(&str, &str)],
		body: Vec<u8>,
	) -> (StatusCode, hyper::HeaderMap, Vec<u8>) {
		let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
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
	let server = Server::start(&dir, Faults { corrupt_fraction: 1.0 }).await;
	for i in 0..m.chunk_count {
		let (status, _, bytes) = server.get(&paths::chunk_path(&m.content, i), &[]).await;
		assert_eq!(status, StatusCode::OK);
		let (_, _, proof) = server.get(&paths::chunk_proof_path(&m.content, i), &[SCALE]).await;
		let proof = ChunkProof::decode(&mut &proof[..]).unwrap();
		assert!(!proof.verify(&m.manifest_root, m.chunk_count, &bytes), "chunk {i} is corrupt");
	}
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
	let make_intake = |clock: Arc<Clock>| Intake {
		receipts: Arc::new(ReceiptStore::open(&db).unwrap()),
		operator: operator.clone(),
		genesis,
		clock,
		min_price_per_mib: 10,
	};
	let server = Server::start_with(&dir, Faults::default(), Some(make_intake(clock.clone()))).await;
	let viewer = sr25519::Pair::from_string("//viewer", None).unwrap();
	let receipt = |nonce: u64, content: Hash, first: u32, count: u32, bytes: u64| DeliveryReceipt {
		edge: operator.clone(),
		content,
		viewer: AccountId::from(viewer.public()),
		session_nonce: nonce,
		first_chunk: first,
		chunk_count: count,
		bytes,
		price_per_mib: 10,
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
