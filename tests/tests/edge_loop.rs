//! The delivery loop running for real: `vidchain-edge serve` connected to a `--dev` node as
//! Bob's edge, `vidchain-edge viewer` as Alice watching a content through it (every chunk
//! checked against the root on chain, a receipt signed per two chunks and posted), the edge
//! killed with SIGKILL right after it acknowledged the receipts and restarted on the same
//! receipt database — and still, on its own, claiming the epoch with every acknowledged receipt,
//! reading its draw, proving, and being `Verified`, read back over `delivery_claim`. The node's
//! sampling worker probes the edge all along (it is honest: its score does not fall).

use std::time::Duration;
use subxt::{dynamic, rpcs::rpc_params, OnlineClient, PolkadotConfig};
use subxt_signer::sr25519::dev;
use vidchain_primitives::VID;
use vidchain_tests::{account_id, best_height, run_edge, submit, wait_until_at_least, EdgeServer, Node, Storage, TempDir};

const EPOCH: u64 = 10;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_viewer_an_edge_a_crash_and_a_verified_claim() -> anyhow::Result<()> {
	let dir = TempDir::new("edge-loop")?;
	let film = dir.path().join("film.bin");
	std::fs::write(&film, (0..40_960u32).map(|i| (i.wrapping_mul(40_503) >> 7) as u8).collect::<Vec<_>>())?;
	let content_dir = dir.path().join("content");
	let content = run_edge(
		&["ingest", film.to_str().unwrap(), "--out", content_dir.to_str().unwrap(), "--chunk-size", "4096", "--suri", "//Alice"],
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
		(root, 4096u32, 10u32, 40_960u64, false, b"Loop".to_vec(), Vec::<u8>::new()),
	);
	submit(&api, &register, &alice).await?.map_err(anyhow::Error::msg)?;

	let db = dir.path().join("receipts.redb");
	let edge_args = ["--node", &node.ws_url(), "--operator", "//Bob", "--receipts-db", db.to_str().unwrap()];
	let mut edge = EdgeServer::start(&content_dir, &edge_args, Duration::from_secs(30)).await?;
	let endpoint = edge.endpoint();
	let call = dynamic::transaction("Delivery", "register_edge", (endpoint.clone().into_bytes(), b"local".to_vec(), 1_000 * VID));
	submit(&api, &call, &bob).await?.map_err(anyhow::Error::msg)?;

	// Start at the beginning of an epoch, so that the whole watch falls in one.
	let now = best_height(&rpc).await?;
	let start = (now / EPOCH + 1) * EPOCH;
	wait_until_at_least("best block", start, Duration::from_secs(90), || best_height(&rpc)).await?;
	let epoch = (start / EPOCH) as u32;
	let bob_id = account_id(&bob).to_string();
	let accepted = run_edge(
		&[
			"viewer", "--node", &node.ws_url(), "--content", &content, "--edge", &bob_id, "--suri", "//Alice",
			"--chunks-per-receipt", "2",
		],
		Duration::from_secs(40),
	)?;
	assert_eq!(accepted.trim(), "5", "five receipts of two chunks each");
	let now = best_height(&rpc).await?;
	assert_eq!(now / EPOCH, epoch as u64, "the watch fitted in epoch {epoch}");

	// A crash right after the acknowledgements, and a restart on the same database (same port).
	edge.kill();
	let mut edge = EdgeServer::start_on(&content_dir, edge.port, &edge_args, Duration::from_secs(30)).await?;

	// The edge claims epoch `epoch`, proves it, and is verified: all on its own.
	let deadline = std::time::Instant::now() + Duration::from_secs(150);
	let claim = loop {
		let claim: serde_json::Value = rpc.request("delivery_claim", rpc_params![bob_id.clone(), epoch]).await?;
		if claim["status"] == "Verified" || claim["status"] == "Rejected" {
			break claim;
		}
		if std::time::Instant::now() > deadline {
			anyhow::bail!("no verdict on the claim in 150 s: {claim}\nedge log:\n{}", edge.log_tail(30));
		}
		tokio::time::sleep(Duration::from_secs(2)).await;
	};
	assert_eq!(claim["status"], "Verified", "{claim}\n{}", edge.log_tail(30));
	assert_eq!(claim["receiptCount"], 5, "{claim}");
	assert_eq!(claim["totalBytes"], 40_960, "{claim}");
	let e: serde_json::Value = rpc.request("delivery_edge", rpc_params![bob_id.clone()]).await?;
	assert_eq!(e["state"], "active", "{e}");
	assert!(e["score"].as_u64().unwrap() >= 500_000, "an honest edge's score does not fall: {e}");
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
