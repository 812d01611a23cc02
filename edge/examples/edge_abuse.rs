//! The edge under abuse (run by `scripts/bench.sh edge`, not a test): an honest viewer streams
//! 1 MiB chunks from an in-process `vidchain-edge` (the real `serve`, with its limits) and a
//! validator's probe (list, chunk, proof) runs every 200 ms, first alone, then while
//!
//! - 500 slow connections trickle request headers, a byte a second, and reconnect when closed
//!   (from 10 addresses, 50 each);
//! - 8 clients ask `Range: bytes=0-0` of random 16 MiB chunks that are not in the edge's memory
//!   (from 4 addresses);
//! - 2 clients post 1 024-receipt batches for exclusive content, signed by viewers without a
//!   license (each refused after its signatures are checked and licenses read: 2 ms per
//!   question to the chain, 32 at a time), from 2 addresses.
//!
//! Every attacker asks again as soon as it has an answer. The viewer is 127.0.0.1, the probe
//! 127.0.0.8, the attackers other loopback addresses (127.0.1.x, 127.0.2.x, 127.0.3.x): what
//! each address gets is its share ([`vidchain_edge::fair`]).
//!
//! Prints a Markdown section: the viewer's MiB/s alone and under abuse (and their ratio), and
//! the probe's slowest request in each phase, against the validators' 2 s deadline.

use codec::Encode;
use http_body_util::{BodyExt, Full};
use hyper::{body::Bytes, Request};
use hyper_util::{client::legacy::Client, rt::TokioExecutor};
use sp_core::{sr25519, Pair};
use std::{
	sync::{
		atomic::{AtomicBool, AtomicU64, Ordering},
		Arc,
	},
	time::{Duration, Instant},
};
use tokio::io::AsyncWriteExt;
use vidchain_edge::{
	access::Licenses,
	ledger::fake::FakeLedger,
	receipts::{ReceiptStore, SignedReceipt},
	state::{Clock, Edge, Faults, Intake},
	store::{self, Store},
};
use vidchain_primitives::{
	delivery::DeliveryReceipt,
	manifest::http as paths,
	AccountId, Hash, Signature,
};

type HttpClient = Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>;

/// Phase length.
const PHASE: Duration = Duration::from_secs(10);
/// Rounds of (alone, under abuse, alone).
const ROUNDS: usize = 3;

/// A client whose connections come from `from`.
fn client_from(from: [u8; 4], idle_per_host: usize) -> HttpClient {
	let mut connector = hyper_util::client::legacy::connect::HttpConnector::new();
	connector.set_local_address(Some(std::net::Ipv4Addr::from(from).into()));
	connector.set_nodelay(true);
	Client::builder(TokioExecutor::new()).pool_max_idle_per_host(idle_per_host).build(connector)
}

async fn get(client: &HttpClient, url: &str, headers: &[(&str, &str)]) -> anyhow::Result<(u16, usize)> {
	let mut req = Request::get(url);
	for (k, v) in headers {
		req = req.header(*k, *v);
	}
	let res = client.request(req.body(Full::default())?).await?;
	let status = res.status().as_u16();
	Ok((status, res.into_body().collect().await?.to_bytes().len()))
}

/// Stream chunks of `content` (`chunks` of them) in order, round and round, until `stop`:
/// bytes received.
async fn viewer(base: String, content: Hash, chunks: u32, stop: Arc<AtomicBool>) -> u64 {
	let client = client_from([127, 0, 0, 1], usize::MAX);
	let mut bytes = 0u64;
	let mut i = 0;
	while !stop.load(Ordering::Relaxed) {
		if let Ok((200, n)) = get(&client, &format!("{base}{}", paths::chunk_path(&content, i)), &[]).await {
			bytes += n as u64;
		}
		i = (i + 1) % chunks;
	}
	bytes
}

/// A validator's probe every 200 ms until `stop`: the slowest of its requests, in ms.
async fn prober(base: String, content: Hash, chunks: u32, stop: Arc<AtomicBool>) -> (u64, u32) {
	let mut worst = 0u64;
	let mut probes = 0u32;
	let mut k = 0u32;
	while !stop.load(Ordering::Relaxed) {
		// A fresh connection per probe, as a validator's node makes.
		let client = client_from([127, 0, 0, 8], 0);
		let i = (k * 7) % chunks;
		for path in [paths::contents_path(), paths::chunk_path(&content, i), paths::chunk_proof_path(&content, i)] {
			let t = Instant::now();
			let ok = tokio::time::timeout(Duration::from_secs(2), get(&client, &format!("{base}{path}"), &[("accept", paths::SCALE_MEDIA_TYPE)]))
				.await
				.is_ok_and(|r| r.is_ok_and(|(s, _)| s == 200));
			let ms = if ok { t.elapsed().as_millis() as u64 } else { u64::MAX };
			worst = worst.max(ms);
		}
		probes += 1;
		k += 1;
		tokio::time::sleep(Duration::from_millis(200)).await;
	}
	(worst, probes)
}

/// Keep `n` connections open (from 127.0.1.1 on, 50 an address) that trickle a request's
/// headers, a byte a second.
async fn slowloris(port: u16, n: usize, stop: Arc<AtomicBool>, closed: Arc<AtomicU64>) {
	let mut tasks = Vec::new();
	for k in 0..n {
		let (stop, closed) = (stop.clone(), closed.clone());
		let from = std::net::Ipv4Addr::new(127, 0, 1, 1 + (k / 50) as u8);
		tasks.push(tokio::spawn(async move {
			while !stop.load(Ordering::Relaxed) {
				let connect = async {
					let socket = tokio::net::TcpSocket::new_v4()?;
					socket.bind((from, 0).into())?;
					socket.connect(([127, 0, 0, 1], port).into()).await
				};
				let Ok(mut s) = connect.await else {
					tokio::time::sleep(Duration::from_millis(100)).await;
					continue;
				};
				let header = b"GET /content HTTP/1.1\r\nHost: edge\r\nX-Slow: ";
				if s.write_all(header).await.is_err() {
					continue;
				}
				while !stop.load(Ordering::Relaxed) {
					tokio::time::sleep(Duration::from_secs(1)).await;
					if s.write_all(b"a").await.is_err() {
						closed.fetch_add(1, Ordering::Relaxed);
						break;
					}
				}
			}
		}));
	}
	for t in tasks {
		let _ = t.await;
	}
}

/// `Range: bytes=0-0` of random chunks of `content` from `from` until `stop`: requests answered
/// with the byte, and refused (429).
async fn tiny_ranges(base: String, content: Hash, chunks: u32, stop: Arc<AtomicBool>, seed: u32, from: [u8; 4]) -> (u64, u64) {
	let client = client_from(from, usize::MAX);
	let (mut n, mut refused) = (0, 0);
	let mut x = seed.wrapping_mul(2_654_435_761) | 1;
	while !stop.load(Ordering::Relaxed) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		let url = format!("{base}{}", paths::chunk_path(&content, x % chunks));
		match get(&client, &url, &[("range", "bytes=0-0")]).await {
			Ok((206, 1)) => n += 1,
			Ok((429, _)) => refused += 1,
			_ => {},
		}
	}
	(n, refused)
}

/// Post the `batches` from `from` again and again until `stop`: posts checked and refused
/// (422), and refused unchecked (429).
async fn poster(base: String, batches: Arc<Vec<Vec<u8>>>, stop: Arc<AtomicBool>, from: [u8; 4]) -> (u64, u64) {
	let client = client_from(from, usize::MAX);
	let (mut n, mut refused) = (0, 0);
	let mut i = 0;
	while !stop.load(Ordering::Relaxed) {
		let req = Request::post(format!("{base}/receipts"))
			.header("content-type", paths::SCALE_MEDIA_TYPE)
			.body(Full::new(Bytes::from(batches[i % batches.len()].clone())))
			.expect("a request");
		if let Ok(res) = client.request(req).await {
			let status = res.status().as_u16();
			let _ = res.into_body().collect().await;
			match status {
				422 => n += 1,
				429 => refused += 1,
				_ => {},
			}
		}
		i += 1;
	}
	(n, refused)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
	let dir = std::env::temp_dir().join(format!("vidchain-edge-abuse-{}", std::process::id()));
	let _ = std::fs::remove_dir_all(&dir);
	std::fs::create_dir_all(&dir)?;
	let out = dir.join("content");
	let creator = AccountId::from([7u8; 32]);
	// What the viewer watches: 64 chunks of 1 MiB. What the range requests hit: 8 of 16 MiB.
	// What receipts are posted for: a small exclusive content.
	let write = |name: &str, len: usize, tag: u8| -> anyhow::Result<std::path::PathBuf> {
		let p = dir.join(name);
		std::fs::write(&p, (0..len).map(|i| (i as u32).wrapping_mul(2_654_435_761).to_le_bytes()[3] ^ tag).collect::<Vec<u8>>())?;
		Ok(p)
	};
	let film = store::ingest(&write("film", 64 << 20, 1)?, &out, 1 << 20, creator.clone(), String::new(), false)?;
	let big = store::ingest(&write("big", 128 << 20, 2)?, &out, 16 << 20, creator.clone(), String::new(), false)?;
	let clip = store::ingest(&write("clip", 64 << 10, 3)?, &out, 4096, creator.clone(), String::new(), true)?;
	let operator = AccountId::from([5u8; 32]);
	let genesis = Hash::repeat_byte(1);
	let ledger = Arc::new(FakeLedger::new(operator.clone(), genesis));
	for m in [&film, &big, &clip] {
		ledger.register(m, 1);
	}
	let clock = Arc::new(Clock::default());
	clock.set(0);
	let intake = Intake::new(Arc::new(ReceiptStore::open(&dir.join("receipts.redb"))?), ledger.clone(), clock, 0);
	let mut edge = Edge::new(Store::open(&out)?, Faults::default(), Some(intake));
	// Licenses read from "the chain" at 2 ms a question; nobody holds one.
	edge.licenses = Some(Licenses::new(
		operator.clone(),
		genesis,
		Arc::new(|_, _| {
			Box::pin(async {
				tokio::time::sleep(Duration::from_millis(2)).await;
				Ok(false)
			})
		}),
	));
	let edge = Arc::new(edge);
	let (tx, rx) = tokio::sync::oneshot::channel();
	let (stop_server, stopped) = tokio::sync::oneshot::channel::<()>();
	let server = tokio::spawn(vidchain_edge::serve(edge.clone(), "127.0.0.1:0".parse()?, None, Some(tx), async {
		let _ = stopped.await;
	}));
	let addr = rx.await?;
	let base = format!("http://{addr}");

	// The receipts posted: 4 batches of 1 024, each receipt by its own viewer key.
	let batches: Vec<Vec<u8>> = (0..4u32)
		.map(|b| {
			(0..1_024u32)
				.map(|i| {
					let mut seed = [9u8; 32];
					seed[..4].copy_from_slice(&(b * 1_024 + i).to_le_bytes());
					let v = sr25519::Pair::from_seed(&seed);
					let r = DeliveryReceipt {
						edge: operator.clone(),
						content: clip.content,
						viewer: AccountId::from(v.public()),
						session_nonce: i as u64,
						first_chunk: i % 16,
						chunk_count: 1,
						bytes: 4096,
						price_per_mib: 1,
						payer: vidchain_primitives::delivery::Payer::Escrow,
						epoch: 0,
						ttfb_ms: 1,
						throughput_kbps: 1,
					};
					let s = Signature::Sr25519(v.sign(&r.signing_payload(&genesis)));
					(r, s)
				})
				.collect::<Vec<SignedReceipt>>()
				.encode()
		})
		.collect();
	let batches = Arc::new(batches);
	// Warm the edge's memory with the viewer's chunks, as a running edge has it.
	let warm = Arc::new(AtomicBool::new(false));
	{
		let w = warm.clone();
		tokio::spawn(async move {
			tokio::time::sleep(Duration::from_secs(3)).await;
			w.store(true, Ordering::Relaxed);
		});
	}
	viewer(base.clone(), film.content, film.chunk_count, warm).await;

	// Phase 1: alone (and again after the abuse: the baseline is the better of the two).
	let alone_phase = || {
		let base = base.clone();
		async move {
			let stop = Arc::new(AtomicBool::new(false));
			let v = tokio::spawn(viewer(base.clone(), film.content, film.chunk_count, stop.clone()));
			let p = tokio::spawn(prober(base, film.content, film.chunk_count, stop.clone()));
			tokio::time::sleep(PHASE).await;
			stop.store(true, Ordering::Relaxed);
			let mib_s = v.await.unwrap_or(0) as f64 / PHASE.as_secs_f64() / (1 << 20) as f64;
			let (worst, probes) = p.await.unwrap_or((u64::MAX, 0));
			(mib_s, worst, probes)
		}
	};
	// Rounds of (alone, under abuse, alone again): timings on this machine vary up to 2× from
	// one phase to the next, so every round is shown and the median ratio summarises.
	let mut rounds = Vec::new();
	let (mut closed_total, mut range_answers_total, mut range_refused_total, mut post_answers_total, mut post_refused_total) = (0, 0, 0, 0, 0);
	for _ in 0..ROUNDS {
		let (before, probe_before, probes_before) = alone_phase().await;

		// Phase 2: under abuse (attackers start first and settle for 2 s).
		let stop = Arc::new(AtomicBool::new(false));
		let closed = Arc::new(AtomicU64::new(0));
		let slow = tokio::spawn(slowloris(addr.port(), 500, stop.clone(), closed.clone()));
		let ranges: Vec<_> = (0..8u32)
			.map(|s| tokio::spawn(tiny_ranges(base.clone(), big.content, big.chunk_count, stop.clone(), s, [127, 0, 2, 1 + (s / 2) as u8])))
			.collect();
		let posts: Vec<_> = (0..2u8).map(|k| tokio::spawn(poster(base.clone(), batches.clone(), stop.clone(), [127, 0, 3, 1 + k]))).collect();
		tokio::time::sleep(Duration::from_secs(2)).await;
		let stop_v = Arc::new(AtomicBool::new(false));
		let v = tokio::spawn(viewer(base.clone(), film.content, film.chunk_count, stop_v.clone()));
		let p = tokio::spawn(prober(base.clone(), film.content, film.chunk_count, stop_v.clone()));
		tokio::time::sleep(PHASE).await;
		stop_v.store(true, Ordering::Relaxed);
		let abused = v.await? as f64 / PHASE.as_secs_f64() / (1 << 20) as f64;
		let (probe_abused, probes_abused) = p.await?;
		stop.store(true, Ordering::Relaxed);
		let (mut range_answers, mut range_refused) = (0, 0);
		for r in ranges {
			let (n, refused) = r.await?;
			range_answers += n;
			range_refused += refused;
		}
		let (mut post_answers, mut post_refused) = (0, 0);
		for r in posts {
			let (n, refused) = r.await?;
			post_answers += n;
			post_refused += refused;
		}
		let _ = slow.await;
		let (after, probe_after, probes_after) = alone_phase().await;
		let (probe_alone, probes_alone) = (probe_before.max(probe_after), probes_before + probes_after);
		closed_total += closed.load(Ordering::Relaxed);
		range_answers_total += range_answers;
		range_refused_total += range_refused;
		post_answers_total += post_answers;
		post_refused_total += post_refused;
		rounds.push((before, abused, after, probe_alone, probes_alone, probe_abused, probes_abused));
	}
	let _ = stop_server.send(());
	let _ = server.await;
	let _ = std::fs::remove_dir_all(&dir);

	let ms = |w: u64| if w == u64::MAX { "no answer in 2 s".to_string() } else { format!("{w} ms") };
	let secs = PHASE.as_secs() + 2;
	let l = vidchain_edge::state::Limits::default();
	println!("## The edge under abuse (`edge/examples/edge_abuse.rs`)\n");
	println!("One honest viewer (127.0.0.1) streams 1 MiB chunks (64 of them, in memory) from an in-process");
	println!("`vidchain-edge` (the real `serve` and its limits: {} s for headers, {} s idle, {} connections, {} of", l.header_timeout.as_secs(), l.idle_timeout.as_secs(), l.max_connections, l.connections_per_client);
	println!("one address; {} disk reads at once, {} a second of one address; {} receipts a second of one address,", l.disk_reads, l.disk_reads_per_second, l.receipts_per_second);
	println!("signatures checked on {} thread(s)); a validator's probe (127.0.0.8: list, chunk, proof, on a fresh", vidchain_edge::intake::signature_threads());
	println!("connection) runs every 200 ms. Each phase {} s (alone, under abuse, alone again), everything on the\nsame 2 cores.\n", PHASE.as_secs());
	println!("| round | alone (before / after) | under abuse | ratio (to the better alone) | slowest probe request alone / under abuse (deadline 2 s) |");
	println!("|---|---|---|---|---|");
	let mut ratios = Vec::new();
	for (k, (before, abused, after, probe_alone, probes_alone, probe_abused, probes_abused)) in rounds.iter().enumerate() {
		let ratio = abused / before.max(*after).max(1e-9);
		ratios.push(ratio);
		println!(
			"| {} | {before:.0} / {after:.0} MiB/s | {abused:.0} MiB/s | {ratio:.2}× | {} of {probes_alone} / {} of {probes_abused} probes |",
			k + 1,
			ms(*probe_alone),
			ms(*probe_abused)
		);
	}
	ratios.sort_by(f64::total_cmp);
	println!("\nMedian ratio of the honest viewer's throughput under abuse to alone: **{:.2}×** over {ROUNDS} rounds.\n", ratios[ratios.len() / 2]);
	println!("The abuse, {secs} s a round (totals over the {ROUNDS} rounds), each attacker asking again as soon as it is answered:");
	println!("- 500 connections trickling headers a byte a second, from 10 addresses ({closed_total} closed by the header");
	println!("  timeout and reopened);");
	println!("- 8 clients asking `Range: bytes=0-0` of 16 MiB chunks not in memory, from 4 addresses: {range_answers_total}");
	println!("  answered (each reading one byte), {range_refused_total} refused over their address's rate (429);");
	println!("- 2 clients posting 1 024-receipt batches for exclusive content from viewers without a license, from");
	println!("  2 addresses: {post_answers_total} posts checked and refused (422: signatures first, then licenses read at 2 ms");
	println!("  a question, 32 at a time, then cached), {post_refused_total} refused unchecked over their address's rate (429).");
	Ok(())
}
