//! The delivery loop running for real: `vidchain-edge serve` connected to a `--dev` node as
//! Bob's edge, `vidchain-edge viewer` as Alice (paying from a 10-FUEL escrow) watching a content through it (every chunk
//! checked against the root on chain, a receipt signed per two chunks and posted), the edge
//! killed with SIGKILL right after it acknowledged the receipts and restarted on the same
//! receipt database — and still, on its own, claiming the epoch with every acknowledged receipt,
//! reading its draw, proving, and being `Verified`, read back over `delivery_claim`. The node's
//! sampling worker probes the edge all along: it is honest, its score rises.
//!
//! Beside it runs a second edge, Alice's stash's, serving the same content with 30 % of its
//! chunks corrupted: Alice's viewer refuses to sign for it at the first bad chunk, and the
//! sampling worker (four chunks a sample) reports it, which with one validator suspends it
//! and slashes its bond.

use std::time::Duration;
use subxt::{dynamic, rpcs::rpc_params, OnlineClient, PolkadotConfig};
use subxt_signer::{sr25519::dev, SecretUri};
use vidchain_primitives::VID;
use vidchain_tests::{account_id, best_height, claim_verdict, run_edge, submit, wait_until_at_least, EdgeServer, Node, Storage, TempDir};

const EPOCH: u64 = 10;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_viewer_an_edge_a_crash_and_a_verified_claim() -> anyhow::Result<()> {
	let dir = TempDir::new("edge-loop")?;
	let film = dir.path().join("film.bin");
	std::fs::write(&film, (0..40_960u32).map(|i| (i.wrapping_mul(40_503) >> 7) as u8).collect::<Vec<_>>())?;
	let content_dir = dir.path().join("content");
	// 40 chunks of 1 KiB: enough that the corrupt edge's 30 % is about 30 %.
	let content = run_edge(
		&["ingest", film.to_str().unwrap(), "--out", content_dir.to_str().unwrap(), "--chunk-size", "1024", "--suri", "//Alice"],
		Duration::from_secs(30),
	)?
	.trim()
	.to_string();
	let manifest: serde_json::Value =
		serde_json::from_slice(&std::fs::read(content_dir.join(&content).join("manifest.json"))?)?;
	let root: [u8; 32] = hex::decode(manifest["manifestRoot"].as_str().unwrap().trim_start_matches("0x"))?.try_into().unwrap();

	let mut node = Node::start_dev(Storage::Temporary)?;
	let rpc = node.rpc(Duration::from_secs(60)).await?;
	let api = OnlineClient::<PolkadotConfig>::from_rpc_client(rpc.clone()).await?;
	let (alice, bob) = (dev::alice(), dev::bob());
	let register = dynamic::transaction(
		"Delivery",
		"register_content",
		(root, 1024u32, 40u32, 40_960u64, false, b"Loop".to_vec(), Vec::<u8>::new()),
	);
	submit(&api, &register, &alice).await?.map_err(anyhow::Error::msg)?;

	let db = dir.path().join("receipts.redb");
	let edge_args = ["--node", &node.ws_url(), "--operator", "//Bob", "--receipts-db", db.to_str().unwrap()];
	let mut edge = EdgeServer::start(&content_dir, &edge_args, Duration::from_secs(30)).await?;
	let endpoint = edge.endpoint();
	let call = dynamic::transaction("Delivery", "register_edge", (endpoint.clone().into_bytes(), b"local".to_vec(), 1_000 * VID));
	submit(&api, &call, &bob).await?.map_err(anyhow::Error::msg)?;
	// The corrupt edge: 30 % of chunks with a byte flipped.
	let stash = subxt_signer::sr25519::Keypair::from_uri(&"//Alice//stash".parse::<SecretUri>()?)?;
	let stash_db = dir.path().join("stash.redb");
	let corrupt_args = [
		"--node", &node.ws_url(), "--operator", "//Alice//stash", "--receipts-db", stash_db.to_str().unwrap(),
		"--corrupt-fraction", "0.3",
	];
	let corrupt = EdgeServer::start(&content_dir, &corrupt_args, Duration::from_secs(30)).await?;
	let call = dynamic::transaction("Delivery", "register_edge", (corrupt.endpoint().into_bytes(), b"local".to_vec(), 1_000 * VID));
	submit(&api, &call, &stash).await?.map_err(anyhow::Error::msg)?;
	// What share it corrupts, checked as a viewer checks: each chunk against its served proof.
	let bad = corrupt_chunks(&corrupt.endpoint(), &content, &root, 40)?;
	assert!((6..=18).contains(&bad), "about 30 % of 40 chunks corrupt, got {bad}");

	// Start at the beginning of an epoch, so that the whole watch falls in one.
	let now = best_height(&rpc).await?;
	let start = (now / EPOCH + 1) * EPOCH;
	wait_until_at_least("best block", start, Duration::from_secs(90), || best_height(&rpc)).await?;
	let epoch = (start / EPOCH) as u32;
	let bob_id = account_id(&bob).to_string();
	let accepted = run_edge(
		&[
			"viewer", "--node", &node.ws_url(), "--content", &content, "--edge", &bob_id, "--suri", "//Alice",
			"--chunks-per-receipt", "8", "--escrow", "10",
		],
		Duration::from_secs(40),
	)?;
	assert_eq!(accepted.trim(), "5", "five receipts of eight chunks each");
	let now = best_height(&rpc).await?;
	assert_eq!(now / EPOCH, epoch as u64, "the watch fitted in epoch {epoch}");

	// A crash right after the acknowledgements, and a restart on the same database (same port).
	edge.kill();
	let mut edge = EdgeServer::start_on(&content_dir, edge.port, &edge_args, Duration::from_secs(30)).await?;

	// The edge claims epoch `epoch`, proves it, and is verified: all on its own.
	let claim = claim_verdict(&rpc, &bob_id, epoch, Duration::from_secs(150), || edge.log_tail(30)).await?;
	assert_eq!(claim["status"], "Verified", "{claim}\n{}", edge.log_tail(30));
	assert_eq!(claim["receiptCount"], 5, "{claim}");
	assert_eq!(claim["totalBytes"], 40_960, "{claim}");
	let e: serde_json::Value = rpc.request("delivery_edge", rpc_params![bob_id.clone()]).await?;
	assert_eq!(e["state"], "active", "{e}");
	assert!(e["score"].as_u64().unwrap() > 500_000, "the worker's samples raised the honest edge's score: {e}");

	// The viewer will not sign for the corrupt edge's bytes.
	let stash_id = account_id(&stash).to_string();
	let err = run_edge(
		&["viewer", "--node", &node.ws_url(), "--content", &content, "--edge", &stash_id, "--suri", "//Alice"],
		Duration::from_secs(40),
	)
	.expect_err("the viewer stops at the first corrupt chunk");
	assert!(err.to_string().contains("does not match the manifest root"), "{err}");
	// The worker reports it (four chunks a sample: caught with probability 1 - 0.7^4 each
	// epoch): with one validator, it is suspended and its bond slashed.
	let deadline = std::time::Instant::now() + Duration::from_secs(6 * 60);
	loop {
		let e: serde_json::Value = rpc.request("delivery_edge", rpc_params![stash_id.clone()]).await?;
		if e["state"].get("suspended").is_some() {
			assert!(e["score"].as_u64().unwrap() < 500_000, "{e}");
			assert_eq!(e["bond"].as_u64().map(u128::from), Some(1_000 * VID - 100 * VID), "slashed 10 %: {e}");
			break;
		}
		if std::time::Instant::now() > deadline {
			anyhow::bail!("the corrupt edge was not reported in six epochs: {e}\n{}", node.log_tail(30));
		}
		tokio::time::sleep(Duration::from_secs(2)).await;
	}
	drop(corrupt);
	// A malformed content id is refused before anything is fetched or signed.
	let err = run_edge(
		&["viewer", "--node", &node.ws_url(), "--content", "0x00", "--suri", "//Alice"],
		Duration::from_secs(20),
	)
	.expect_err("a malformed content id is refused");
	assert!(err.to_string().contains("--content"), "{err}");

	edge.kill();
	let status = node.stop(Duration::from_secs(30))?;
	assert!(status.success(), "clean shutdown, got {status}");
	Ok(())
}

/// How many of a content's `count` chunks the edge at `endpoint` serves that do not verify
/// against `root` with their served proofs.
fn corrupt_chunks(endpoint: &str, content: &str, root: &[u8; 32], count: u32) -> anyhow::Result<u32> {
	use codec::Decode;
	use vidchain_primitives::manifest::{http as paths, ChunkProof};
	let id: vidchain_primitives::Hash = content.parse().map_err(|e| anyhow::anyhow!("{e:?}"))?;
	let addr = endpoint.trim_start_matches("http://").to_string();
	let mut bad = 0;
	for i in 0..count {
		let chunk = http_get(&addr, &paths::chunk_path(&id, i), None)?;
		let proof = http_get(&addr, &paths::chunk_proof_path(&id, i), Some(paths::SCALE_MEDIA_TYPE))?;
		let proof = ChunkProof::decode(&mut &proof[..])?;
		if !proof.verify(&(*root).into(), count, &chunk) {
			bad += 1;
		}
	}
	Ok(bad)
}

/// The body of a 200 answer to a plain HTTP/1.0 GET on loopback (10 s at most).
fn http_get(addr: &str, path: &str, accept: Option<&str>) -> anyhow::Result<Vec<u8>> {
	use std::io::{Read, Write};
	let mut s = std::net::TcpStream::connect(addr)?;
	s.set_read_timeout(Some(Duration::from_secs(10)))?;
	let accept = accept.map(|a| format!("Accept: {a}\r\n")).unwrap_or_default();
	write!(s, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n{accept}\r\n")?;
	let mut answer = Vec::new();
	s.read_to_end(&mut answer)?;
	let split = answer.windows(4).position(|w| w == b"\r\n\r\n").ok_or_else(|| anyhow::anyhow!("no HTTP header"))?;
	anyhow::ensure!(answer.starts_with(b"HTTP/1.0 200") || answer.starts_with(b"HTTP/1.1 200"), "{path}: not 200");
	Ok(answer[split + 4..].to_vec())
}
