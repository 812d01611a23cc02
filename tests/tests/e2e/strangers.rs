//! Honest operators cannot be hurt by strangers (issue 31), on the real binaries: a `--dev`
//! node (Alice validates alone: one failed sample is more than a third of the validators) and
//! Bob's real `vidchain-edge serve`.
//!
//! 1. **The dev flow** exactly as `scripts/dev.sh --with-edge` runs and prints it — ingest and
//!    register a content, *serve, then register* the edge, watch with `viewer --suri //Alice
//!    --escrow 10` — while strangers post what they like to Bob's `POST /receipts`: receipts
//!    for a content its creator retired, signed by fresh keys that hold nothing, and 1 024
//!    receipts from throwaway keys with no FUEL. Every one is refused (422), and a viewer with
//!    no FUEL is stopped before it signs anything; Bob's edge stays
//!    `Active` with its whole bond, his claim is `Verified`, and it is **paid** from Alice's
//!    escrow.
//! 2. **A stalling endpoint**: a server that answers `GET /content` with headers and a
//!    `Content-Length` it never sends, then stays silent, registered as an edge beside an honest
//!    one. The sampler reports the staller `Unavailable` (suspended, slashed) and keeps sampling
//!    the honest edge in every epoch: its score rises epoch after epoch. A third edge registers
//!    and only then starts serving (the old dev script's order): not judged in its first epoch,
//!    it is `Active` with its whole bond, and sampled once it serves.

use codec::Encode;
use std::time::Duration;
use subxt::{dynamic, rpcs::rpc_params, OnlineClient, PolkadotConfig};
use subxt_signer::{sr25519::dev, SecretUri};
use vidchain_primitives::{delivery::DeliveryReceipt, AccountId, Hash, VID};
use vidchain_tests::{account_id, best_height, claim_verdict, edge_json, run_edge, submit, wait_until_at_least, EdgeServer, Node, Storage, TempDir};

const EPOCH: u64 = 10;

/// `POST path` with `body` to `addr` over plain HTTP/1.0: the status code and the body.
fn post(addr: &str, path: &str, body: &[u8]) -> anyhow::Result<(u16, String)> {
	use std::io::{Read, Write};
	let mut s = std::net::TcpStream::connect(addr)?;
	s.set_read_timeout(Some(Duration::from_secs(30)))?;
	write!(s, "POST {path} HTTP/1.0\r\nHost: {addr}\r\nContent-Type: application/scale\r\nContent-Length: {}\r\n\r\n", body.len())?;
	s.write_all(body)?;
	let mut answer = Vec::new();
	s.read_to_end(&mut answer)?;
	let text = String::from_utf8_lossy(&answer).to_string();
	let status = text.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
	let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
	Ok((status, body))
}

/// A throwaway viewer key (never funded).
fn stranger(i: u32) -> subxt_signer::sr25519::Keypair {
	let mut seed = [0x5au8; 32];
	seed[..4].copy_from_slice(&i.to_le_bytes());
	subxt_signer::sr25519::Keypair::from_secret_key(seed).expect("a 32-byte seed")
}

/// A receipt signed by `viewer` for chunk `chunk` (of `chunk_size` bytes) of `content` served by
/// `edge` in `epoch`.
#[allow(clippy::too_many_arguments)]
fn signed(
	viewer: &subxt_signer::sr25519::Keypair,
	edge: &AccountId,
	content: Hash,
	chunk: u32,
	chunk_size: u64,
	epoch: u32,
	nonce: u64,
	genesis: &Hash,
) -> (DeliveryReceipt<AccountId>, vidchain_primitives::Signature) {
	let r = DeliveryReceipt {
		edge: edge.clone(),
		content,
		viewer: vidchain_edge::chain::account_id(viewer),
		session_nonce: nonce,
		first_chunk: chunk,
		chunk_count: 1,
		bytes: chunk_size,
		price_per_mib: 1_000_000_000,
		payer: vidchain_primitives::delivery::Payer::Escrow,
		epoch,
		ttfb_ms: 1,
		throughput_kbps: 1,
	};
	let s = vidchain_edge::chain::sign(viewer, &r.signing_payload(genesis));
	(r, s)
}

fn ingest_and_register(film: &std::path::Path, out: &std::path::Path, node: &str, title: &str) -> anyhow::Result<String> {
	Ok(run_edge(
		&[
			"ingest", film.to_str().unwrap(), "--out", out.to_str().unwrap(), "--chunk-size", "4096", "--suri", "//Alice",
			"--title", title, "--register", "--node", node,
		],
		Duration::from_secs(60),
	)?
	.trim()
	.to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dev_flow_leaves_bob_active_verified_and_paid_whatever_strangers_post() -> anyhow::Result<()> {
	let dir = TempDir::new("strangers")?;
	let mut node = Node::start_dev(Storage::Temporary)?;
	let rpc = node.rpc(Duration::from_secs(60)).await?;
	let api = OnlineClient::<PolkadotConfig>::from_rpc_client(rpc.clone()).await?;
	let ws = node.ws_url();
	let content_dir = dir.path().join("content");
	// The sample content (16 chunks of 4 KiB) and a second one that Alice retires.
	let (film, other) = (dir.path().join("film.bin"), dir.path().join("other.bin"));
	std::fs::write(&film, (0..65_536u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect::<Vec<_>>())?;
	std::fs::write(&other, vec![9u8; 16_384])?;
	let content = ingest_and_register(&film, &content_dir, &ws, "Sample")?;
	let retired = ingest_and_register(&other, &content_dir, &ws, "Retired")?;
	let retired_id: Hash = retired.parse().map_err(|_| anyhow::anyhow!("a content id"))?;

	// Serve, then register (what dev.sh does).
	let edge = EdgeServer::start(&content_dir, &["--node", &ws, "--operator", "//Bob"], Duration::from_secs(30)).await?;
	let addr = format!("127.0.0.1:{}", edge.port);
	run_edge(&["register-edge", "--node", &ws, "--operator", "//Bob", "--endpoint", &edge.endpoint()], Duration::from_secs(60))?;
	let bob = dev::bob();
	let bob_id = account_id(&bob);
	let alice = dev::alice();
	submit(&api, &dynamic::transaction("Delivery", "retire_content", (retired_id.0,)), &alice).await?.map_err(anyhow::Error::msg)?;

	// Watch from the start of the next epoch (the edge is judged from then on).
	let start = (best_height(&rpc).await? / EPOCH + 1) * EPOCH;
	wait_until_at_least("best block", start, Duration::from_secs(90), || best_height(&rpc)).await?;
	let epoch = (start / EPOCH) as u32;
	// A viewer nobody pays for is stopped before it signs anything (Charlie holds no FUEL).
	let unfunded = run_edge(&["viewer", "--node", &ws, "--content", &content, "--suri", "//Charlie"], Duration::from_secs(60))
		.expect_err("a viewer whose escrow cannot cover the content does not start");
	assert!(unfunded.to_string().contains("--escrow"), "{unfunded}");
	let watched = run_edge(
		&["viewer", "--node", &ws, "--content", &content, "--suri", "//Alice", "--escrow", "10"],
		Duration::from_secs(60),
	)?;
	assert_eq!(watched.trim(), "1", "one receipt of sixteen chunks");

	// Strangers, in the same epoch.
	let genesis: String = rpc.request("chain_getBlockHash", rpc_params![0]).await?;
	let genesis: Hash = genesis.parse().map_err(|_| anyhow::anyhow!("a hash"))?;
	let content_id: Hash = content.parse().map_err(|_| anyhow::anyhow!("a content id"))?;
	let now_epoch = (best_height(&rpc).await? / EPOCH) as u32;
	assert_eq!(now_epoch, epoch, "the strangers post in the watched epoch");
	// (a) Four receipts for the retired content, by fresh keys that hold nothing.
	let retired_receipts: Vec<_> = (0..4).map(|i| signed(&stranger(i), &bob_id, retired_id, i, 4096, epoch, 1, &genesis)).collect();
	let (status, body) = post(&addr, "/receipts", &retired_receipts.encode())?;
	assert_eq!(status, 422, "{body}");
	assert!(body.contains("not live") || body.contains("not registered"), "{body}");
	// (b) 1 024 receipts for the live content from throwaway keys with no FUEL.
	let flood: Vec<_> = (0..1_024u32).map(|i| signed(&stranger(100 + i), &bob_id, content_id, i % 16, 4096, epoch, i as u64, &genesis)).collect();
	let (status, body) = post(&addr, "/receipts", &flood.encode())?;
	assert_eq!(status, 422, "{body}");
	assert!(body.contains("cannot cover"), "{body}");
	let refused: serde_json::Value = serde_json::from_str(&body)?;
	assert_eq!(refused["refused"].as_array().map(Vec::len), Some(1_024));

	// Bob's claim of that epoch: verified, one receipt, paid from Alice's escrow.
	let claim = claim_verdict(&rpc, &bob_id.to_string(), epoch, Duration::from_secs(150), || edge.log_tail(30)).await?;
	assert_eq!(claim["status"], "Verified", "{claim}\n{}", edge.log_tail(30));
	assert_eq!((claim["receiptCount"].as_u64(), claim["totalBytes"].as_u64()), (Some(1), Some(65_536)), "{claim}");
	let report: serde_json::Value = rpc.request("rewards_epochReport", rpc_params![epoch]).await?;
	let payout = report["edges"]
		.as_array()
		.and_then(|edges| edges.iter().find(|e| e["edge"] == bob_id.to_string()))
		.map(|e| e["payout"].clone())
		.unwrap_or_default();
	assert!(payout["paid"].as_u64().or_else(|| payout["paid"].as_str().and_then(|s| s.parse().ok())).unwrap_or(0) > 0, "paid: {report}");
	let e: serde_json::Value = rpc.request("delivery_edge", rpc_params![bob_id.to_string()]).await?;
	assert_eq!(e["state"], "active", "{e}");
	assert_eq!(e["bond"].as_u64().map(u128::from), Some(1_000 * VID), "not slashed: {e}");

	drop(edge);
	let status = node.stop(Duration::from_secs(30))?;
	assert!(status.success(), "clean shutdown, got {status}");
	Ok(())
}

/// A server that takes every connection, answers its first request with a 200, a SCALE content
/// type and a `Content-Length` of a megabyte, and then sends nothing, holding the socket open.
/// Returns its port and a counter of the connections it took.
async fn staller() -> anyhow::Result<(u16, std::sync::Arc<std::sync::atomic::AtomicU32>)> {
	use tokio::io::{AsyncReadExt, AsyncWriteExt};
	let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
	let port = listener.local_addr()?.port();
	let taken = std::sync::Arc::new(std::sync::atomic::AtomicU32::new(0));
	let t = taken.clone();
	tokio::spawn(async move {
		while let Ok((mut socket, _)) = listener.accept().await {
			t.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
			tokio::spawn(async move {
				let mut buf = [0u8; 4096];
				let _ = socket.read(&mut buf).await;
				let _ = socket
					.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/scale\r\nContent-Length: 1000000\r\n\r\n")
					.await;
				// Hold the socket, silent, until the peer gives up.
				let _ = socket.read(&mut buf).await;
				tokio::time::sleep(Duration::from_secs(3_600)).await;
			});
		}
	});
	Ok((port, taken))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalling_endpoint_is_reported_and_honest_edges_are_still_sampled_every_epoch() -> anyhow::Result<()> {
	let dir = TempDir::new("staller")?;
	let film = dir.path().join("film.bin");
	std::fs::write(&film, (0..40_960u32).map(|i| (i.wrapping_mul(40_503) >> 7) as u8).collect::<Vec<_>>())?;
	let content_dir = dir.path().join("content");
	let mut node = Node::start_dev(Storage::Temporary)?;
	let rpc = node.rpc(Duration::from_secs(60)).await?;
	let api = OnlineClient::<PolkadotConfig>::from_rpc_client(rpc.clone()).await?;
	ingest_and_register(&film, &content_dir, &node.ws_url(), "Sampled")?;
	let ws = node.ws_url();
	let db = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
	let (bob_db, late_db) = (db("bob.redb"), db("late.redb"));
	let honest = EdgeServer::start(&content_dir, &["--node", &ws, "--operator", "//Bob", "--receipts-db", &bob_db], Duration::from_secs(30)).await?;
	let (stall_port, taken) = staller().await?;
	let bob = dev::bob();
	let stash = subxt_signer::sr25519::Keypair::from_uri(&"//Bob//stash".parse::<SecretUri>()?)?;
	// A third operator registers first and starts serving two blocks later (the order the old
	// dev script used): its grace epoch covers the gap.
	let late = subxt_signer::sr25519::Keypair::from_uri(&"//Alice//stash".parse::<SecretUri>()?)?;
	let late_port = vidchain_tests::free_port()?;
	for (who, endpoint) in [
		(&bob, honest.endpoint()),
		(&stash, format!("http://127.0.0.1:{stall_port}")),
		(&late, format!("http://127.0.0.1:{late_port}")),
	] {
		let call = dynamic::transaction("Delivery", "register_edge", (endpoint.into_bytes(), b"local".to_vec(), 1_000 * VID));
		submit(&api, &call, who).await?.map_err(anyhow::Error::msg)?;
	}
	tokio::time::sleep(Duration::from_secs(4)).await;
	let late_edge = EdgeServer::start_on(
		&content_dir,
		late_port,
		&["--node", &ws, "--operator", "//Alice//stash", "--receipts-db", &late_db],
		Duration::from_secs(30),
	)
	.await?;
	// The honest edge's score at the start of each of the next four epochs: it rises in each of
	// the three epochs between (a sample every epoch), staller or not.
	let first = (best_height(&rpc).await? / EPOCH + 1) * EPOCH;
	let mut scores = Vec::new();
	for k in 0..4u64 {
		wait_until_at_least("best block", first + k * EPOCH, Duration::from_secs(90), || best_height(&rpc)).await?;
		scores.push(edge_json(&rpc, &bob).await?["score"].as_u64().unwrap_or(0));
	}
	assert!(scores.windows(2).all(|w| w[1] > w[0]), "sampled every epoch: scores {scores:?}\n{}", node.log_tail(40));
	let s = edge_json(&rpc, &stash).await?;
	assert!(s["state"].get("suspended").is_some(), "the staller is reported and suspended: {s}");
	assert_eq!(s["bond"].as_u64().map(u128::from), Some(1_000 * VID - 100 * VID), "{s}");
	assert!(taken.load(std::sync::atomic::Ordering::SeqCst) >= 1, "the staller was fetched");
	let b = edge_json(&rpc, &bob).await?;
	assert_eq!(b["state"], "active", "{b}");
	let l = edge_json(&rpc, &late).await?;
	assert_eq!(l["state"], "active", "an edge that served after it registered is not judged in between: {l}");
	assert_eq!(l["bond"].as_u64().map(u128::from), Some(1_000 * VID), "{l}");
	assert!(l["score"].as_u64().unwrap_or(0) > 500_000, "and it is sampled once it serves: {l}");

	drop((honest, late_edge));
	let status = node.stop(Duration::from_secs(30))?;
	assert!(status.success(), "clean shutdown, got {status}");
	Ok(())
}
