//! The validators' sampling worker on the real node (`vidchain-node --dev`: Alice validates
//! alone, with her `vocw` key inserted by `--dev`), against real `vidchain-edge serve`
//! processes on loopback: an honest edge, an edge serving every chunk corrupted, an edge that is
//! registered but down, and one that takes requests and never answers (`--stop-answering`).
//! Within two epochs the worker has fetched and checked chunks of each: the honest edge's score
//! rises; the corrupt, absent and silent edges are reported, and (one validator is more than a
//! third of the set) suspended and slashed. Everything is read
//! back over the `delivery_*` JSON-RPC methods.

use std::time::Duration;
use subxt::{dynamic, rpcs::rpc_params, OnlineClient, PolkadotConfig};
use subxt_signer::{sr25519::dev, SecretUri};
use vidchain_primitives::VID;
use vidchain_tests::{account_id, edge_json, run_edge, submit, EdgeServer, Node, Storage, TempDir};

/// The score every edge starts with.
const INITIAL_SCORE: u64 = 500_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_worker_raises_an_honest_edge_and_suspends_corrupt_absent_and_silent_ones() -> anyhow::Result<()> {
	let dir = TempDir::new("sampling")?;
	// 40 KiB of video-like bytes in 4 KiB chunks, ingested for Alice as creator.
	let film = dir.path().join("film.bin");
	std::fs::write(&film, (0..40_960u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect::<Vec<_>>())?;
	let content_dir = dir.path().join("content");
	let out = run_edge(
		&["ingest", film.to_str().unwrap(), "--out", content_dir.to_str().unwrap(), "--chunk-size", "4096", "--suri", "//Alice"],
		Duration::from_secs(30),
	)?;
	let content = out.trim().to_string();
	let manifest: serde_json::Value =
		serde_json::from_slice(&std::fs::read(content_dir.join(&content).join("manifest.json"))?)?;
	let root = hex::decode(manifest["manifestRoot"].as_str().unwrap().trim_start_matches("0x"))?;
	let root: [u8; 32] = root.try_into().unwrap();

	let mut node = Node::start_dev(Storage::Temporary)?;
	let rpc = node.rpc(Duration::from_secs(60)).await?;
	// The honest and the corrupt edge answer probes as themselves (their operator's key signs
	// each probed chunk).
	let ws = node.ws_url();
	let db = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
	let (bob_db, stash_db) = (db("bob.redb"), db("stash.redb"));
	let honest = EdgeServer::start(&content_dir, &["--node", &ws, "--operator", "//Bob", "--receipts-db", &bob_db], Duration::from_secs(30)).await?;
	let corrupt = EdgeServer::start(
		&content_dir,
		&["--node", &ws, "--operator", "//Alice//stash", "--receipts-db", &stash_db, "--corrupt-fraction", "1"],
		Duration::from_secs(30),
	)
	.await?;
	let silent = EdgeServer::start(&content_dir, &["--stop-answering"], Duration::from_secs(30)).await?;
	let absent_port = vidchain_tests::free_port()?;
	let api = OnlineClient::<PolkadotConfig>::from_rpc_client(rpc.clone()).await?;
	let (alice, bob, charlie) = (dev::alice(), dev::bob(), dev::charlie());
	let alice_stash = subxt_signer::sr25519::Keypair::from_uri(&"//Alice//stash".parse::<SecretUri>()?)?;
	let bob_stash = subxt_signer::sr25519::Keypair::from_uri(&"//Bob//stash".parse::<SecretUri>()?)?;

	let register = dynamic::transaction(
		"Delivery",
		"register_content",
		(root, 4096u32, 10u32, 40_960u64, false, b"Sampled".to_vec(), Vec::<u8>::new()),
	);
	submit(&api, &register, &alice).await?.map_err(anyhow::Error::msg)?;
	let on_chain: serde_json::Value = rpc.request("delivery_content", rpc_params![content.clone()]).await?;
	assert_eq!(on_chain["chunkCount"], 10, "{on_chain}");

	let bond = 1_000 * VID;
	// Charlie (not endowed on the dev chain) gets his bond from Alice.
	let fund = dynamic::transaction("Balances", "transfer_keep_alive", (charlie.public_key().to_address::<()>(), 2 * bond));
	submit(&api, &fund, &alice).await?.map_err(anyhow::Error::msg)?;
	for (who, endpoint) in [
		(&bob, honest.endpoint()),
		(&alice_stash, corrupt.endpoint()),
		(&alice, format!("http://127.0.0.1:{absent_port}")),
		(&bob_stash, silent.endpoint()),
		// The farmer: Charlie registers Bob's server as his endpoint. The chunks are right, but
		// they come signed with Bob's key.
		(&charlie, honest.endpoint()),
	] {
		let call = dynamic::transaction("Delivery", "register_edge", (endpoint.into_bytes(), b"local".to_vec(), bond));
		submit(&api, &call, who).await?.map_err(anyhow::Error::msg)?;
	}

	// Two 10-block epochs at most: each edge is sampled once per epoch by Alice's worker.
	let deadline = std::time::Instant::now() + Duration::from_secs(180);
	loop {
		let (b, s, a) = (edge_json(&rpc, &bob).await?, edge_json(&rpc, &alice_stash).await?, edge_json(&rpc, &alice).await?);
		let q = edge_json(&rpc, &bob_stash).await?;
		let f = edge_json(&rpc, &charlie).await?;
		let suspended = |e: &serde_json::Value| e["state"].get("suspended").is_some();
		if b["score"].as_u64().unwrap() > INITIAL_SCORE && suspended(&s) && suspended(&a) && suspended(&q) && suspended(&f) {
			assert_eq!(b["state"], "active", "{b}");
			for e in [&s, &a, &q, &f] {
				assert_eq!(e["bond"].as_u64().map(u128::from), Some(bond - bond / 10), "slashed 10%: {e}");
				assert!(e["score"].as_u64().unwrap() < INITIAL_SCORE, "{e}");
			}
			break;
		}
		if std::time::Instant::now() > deadline {
			anyhow::bail!(
				"no verdict within 180 s: honest {b}, corrupt {s}, absent {a}, silent {q}, forwarder {f}\n{}",
				node.log_tail(30)
			);
		}
		tokio::time::sleep(Duration::from_secs(2)).await;
	}

	// Availability emission: Bob has a weight in an epoch he was found serving; the forwarder,
	// whose endpoint answered with Bob's server, has none in any epoch.
	let now: serde_json::Value = rpc.request("delivery_epoch", rpc_params![]).await?;
	let current = now["current"].as_u64().expect("the current epoch");
	let (mut bob_weights, mut forwarder_weights) = (Vec::new(), Vec::new());
	for epoch in 0..=current {
		let report: serde_json::Value = rpc.request("rewards_epochReport", rpc_params![epoch]).await?;
		for line in report["edges"].as_array().into_iter().flatten() {
			let weight = line["payout"]["weight"].as_f64().unwrap_or(0.0);
			if line["edge"] == account_id(&bob).to_string().as_str() {
				bob_weights.push(weight);
			}
			if line["edge"] == account_id(&charlie).to_string().as_str() {
				forwarder_weights.push(weight);
			}
		}
	}
	assert!(bob_weights.iter().any(|w| *w > 0.0), "Bob earns availability: {bob_weights:?}");
	assert!(forwarder_weights.iter().all(|w| *w == 0.0), "the forwarder earns none: {forwarder_weights:?}");

	// A viewer's view: only the honest edge is active, and it comes first.
	let edges: serde_json::Value = rpc.request("delivery_edges", rpc_params![Option::<String>::None, 10]).await?;
	let ids: Vec<&str> = edges.as_array().unwrap().iter().map(|e| e["edge"].as_str().unwrap()).collect();
	assert_eq!(ids, vec![account_id(&bob).to_string()]);
	let err = rpc
		.request::<serde_json::Value>("delivery_edges", rpc_params![Option::<String>::None, 0])
		.await
		.expect_err("a limit of 0 is refused");
	assert!(err.to_string().contains("9001") || err.to_string().contains("limit"), "{err}");
	let epoch: serde_json::Value = rpc.request("delivery_epoch", rpc_params![]).await?;
	assert_eq!(epoch["epochLength"], 10, "{epoch}");

	let status = node.stop(Duration::from_secs(30))?;
	assert!(status.success(), "clean shutdown, got {status}");
	drop((honest, corrupt, silent));
	Ok(())
}
