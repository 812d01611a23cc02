//! Benchmarks of the edge's receipt path (run by `scripts/bench.sh edge`, not a test):
//!
//! 1. the machine's raw sr25519 verification rate, one by one and in batches of 256;
//! 2. receipt ingestion: signed receipts per second that `POST /receipts` (an in-process edge on
//!    127.0.0.1) checks and stores durably, 8 clients posting batches of 256;
//! 3. the sum tree over 10⁶ receipts and the proof of 16 drawn offsets: time and peak memory.
//!
//! Prints a Markdown section on stdout.

use codec::Encode;
use http_body_util::{BodyExt, Full};
use hyper::{body::Bytes, Request};
use hyper_util::{client::legacy::Client, rt::TokioExecutor};
use sp_core::{sr25519, Pair};
use sp_runtime::traits::Verify;
use std::{sync::Arc, time::Instant};
use vidchain_edge::{
	claimer::{proof_for, tree_of},
	ledger::fake::{self, FakeLedger},
	receipts::{ReceiptStore, SignedReceipt},
	server::{Edge, Faults, Intake},
	state::Clock,
	store::{self, Store},
};
use vidchain_primitives::{delivery::DeliveryReceipt, sampling, AccountId, Hash, Signature};

const CHUNK: u32 = 1 << 16;

fn receipt(edge: &AccountId, content: Hash, viewer: &AccountId, nonce: u64) -> DeliveryReceipt<AccountId> {
	DeliveryReceipt {
		edge: edge.clone(),
		content,
		viewer: viewer.clone(),
		session_nonce: nonce,
		first_chunk: (nonce % 16) as u32,
		chunk_count: 1,
		bytes: CHUNK as u64,
		price_per_mib: 1_000,
		payer: vidchain_primitives::delivery::Payer::Escrow,
		epoch: 1,
		ttfb_ms: 10,
		throughput_kbps: 80_000,
	}
}

fn peak_rss_mib() -> f64 {
	std::fs::read_to_string("/proc/self/status")
		.ok()
		.and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(|l| l.to_string()))
		.and_then(|l| l.split_whitespace().nth(1).and_then(|k| k.parse::<f64>().ok()))
		.map_or(0.0, |kib| kib / 1024.0)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
	let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(40_000);
	let dir = std::env::temp_dir().join(format!("vidchain-edge-bench-{}", std::process::id()));
	let _ = std::fs::remove_dir_all(&dir);
	std::fs::create_dir_all(&dir)?;
	let film = dir.join("film.bin");
	std::fs::write(&film, vec![7u8; 16 * CHUNK as usize])?;
	let edge_account = AccountId::from([5u8; 32]);
	let m = store::ingest(&film, &dir.join("content"), CHUNK, edge_account.clone(), String::new(), false)?;
	let genesis = Hash::repeat_byte(1);

	// Signed receipts of 64 viewers.
	let viewers: Vec<sr25519::Pair> =
		(0..64).map(|i| sr25519::Pair::from_string(&format!("//viewer{i}"), None).unwrap()).collect();
	let mut receipts: Vec<SignedReceipt> = (0..n)
		.map(|i| {
			let v = &viewers[i % viewers.len()];
			let r = receipt(&edge_account, m.content, &AccountId::from(v.public()), i as u64);
			let s = Signature::Sr25519(v.sign(&r.signing_payload(&genesis)));
			(r, s)
		})
		.collect();
	// Slots are 32-bit: drop the rare receipt whose slot another one already has.
	let mut seen = std::collections::HashSet::new();
	receipts.retain(|(r, _)| seen.insert(r.position()));
	let n = receipts.len();

	// 1. Raw verification.
	let t = Instant::now();
	let singles = 10_000.min(n);
	for (r, s) in receipts.iter().take(singles) {
		assert!(s.verify(&r.signing_payload(&genesis)[..], &r.viewer));
	}
	let single = singles as f64 / t.elapsed().as_secs_f64();
	let terms = vidchain_edge::receipts::Terms { edge: &edge_account, genesis: &genesis, epoch: 1, min_price_per_mib: 0 };
	let t = Instant::now();
	let mut checked = 0;
	for batch in receipts.chunks(256).take(40) {
		assert!(vidchain_edge::receipts::check_batch(batch, &terms, |_| Some((CHUNK, 16 * CHUNK as u64))).is_empty());
		checked += batch.len();
	}
	let batched = checked as f64 / t.elapsed().as_secs_f64();

	// 2. Ingestion through HTTP, durably stored.
	let clock = Arc::new(Clock::default());
	clock.set(1);
	// The chain in memory (the content registered, every viewer's escrow funded): the figure is
	// the edge's own work, checks against the chain's facts included, not a node's RPC latency.
	let ledger = Arc::new(FakeLedger::new(edge_account.clone(), genesis));
	ledger.register(&m, 1);
	for v in &viewers {
		ledger.with(|s| s.escrows.insert(AccountId::from(v.public()), fake::escrow(u128::MAX / 2)));
	}
	let intake = Intake::new(Arc::new(ReceiptStore::open(&dir.join("receipts.redb"))?), ledger, clock, 0);
	// One address posts everything here: its rate of receipts is lifted, so that the figure is
	// the edge's capacity (a real edge's clients each have their share: `fair`).
	let limits = vidchain_edge::state::Limits { receipts_per_second: u32::MAX, ..Default::default() };
	let edge = Arc::new(Edge::with_limits(Store::open(&dir.join("content"))?, Faults::default(), Some(intake), limits));
	let (tx, rx) = tokio::sync::oneshot::channel();
	let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
	let server = tokio::spawn(vidchain_edge::serve(edge, "127.0.0.1:0".parse()?, None, Some(tx), async {
		let _ = stopped.await;
	}));
	let addr = rx.await?;
	let bodies: Arc<Vec<Vec<u8>>> = Arc::new(receipts.chunks(256).map(|b| b.to_vec().encode()).collect());
	let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
	let t = Instant::now();
	let mut tasks = Vec::new();
	for _ in 0..8 {
		let (bodies, next) = (bodies.clone(), next.clone());
		tasks.push(tokio::spawn(async move {
			let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
			loop {
				let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
				let Some(body) = bodies.get(i) else { return anyhow::Ok(()) };
				let req = Request::post(format!("http://{addr}/receipts")).body(Full::new(Bytes::from(body.clone())))?;
				let res = client.request(req).await?;
				let status = res.status();
				let text = res.into_body().collect().await?.to_bytes();
				anyhow::ensure!(status.is_success(), "{status}: {}", String::from_utf8_lossy(&text));
			}
		}));
	}
	for task in tasks {
		task.await??;
	}
	let ingested = n as f64 / t.elapsed().as_secs_f64();
	let _ = stop.send(());
	server.await??;

	// 3. The sum tree of 10^6 receipts (signatures are not part of the tree) and one proof.
	let viewer = AccountId::from(viewers[0].public());
	let mut million: Vec<SignedReceipt> = (0..1_000_000u64)
		.map(|i| (receipt(&edge_account, m.content, &viewer, i), receipts[0].1.clone()))
		.collect();
	million.sort_by_key(|(r, _)| r.position());
	million.dedup_by_key(|(r, _)| r.position());
	let rss_before = peak_rss_mib();
	let t = Instant::now();
	let tree = tree_of(&million)?;
	let build = t.elapsed();
	let t = Instant::now();
	let offsets = sampling::draw_offsets(&Hash::repeat_byte(3), tree.root().sum, 16);
	let leaves = proof_for(&million, &tree, &offsets)?;
	let prove = t.elapsed();
	let rss_after = peak_rss_mib();

	println!("## Edge: receipts and sum trees (`scripts/bench.sh edge`)\n");
	println!("| what | figure |\n|---|---|");
	println!("| sr25519 verification, one by one | {single:.0} signatures/s |");
	println!("| sr25519 verification, batches of 256 (`check_batch`) | {batched:.0} receipts/s |");
	println!(
		"| `POST /receipts`: checked and stored durably (8 clients × batches of 256, {n} receipts, one address with its rate lifted, signatures on {} thread(s)) | {ingested:.0} receipts/s ({:.2}× the raw batch rate) |",
		vidchain_edge::intake::signature_threads(),
		ingested / batched
	);
	println!("| sum tree over {} receipts | built in {:.2} s |", million.len(), build.as_secs_f64());
	println!("| proof of 16 drawn offsets ({} leaves) | {:.1} ms |", leaves.len(), prove.as_secs_f64() * 1e3);
	println!("| peak memory (whole process) | {rss_after:.0} MiB ({rss_before:.0} MiB before the tree) |");
	let _ = std::fs::remove_dir_all(&dir);
	Ok(())
}
