//! Block capacity of the real node with a saturated pool: a benchmark, not a test
//! (`scripts/bench.sh capacity` runs it and writes `BENCHMARKS.md`).
//!
//! One `vidchain-node --dev` whose chain spec is the development preset with a real network's
//! 6-second slots and delivery windows (claims for 20 blocks, proofs for 100) and thousands of
//! funded accounts. Each phase pre-signs every transaction, submits them all at once
//! (`author_submitExtrinsic`) and follows the blocks until all are in, recording per block how
//! many it holds, the normal class's weight and length. Side by side in one run:
//!
//! 1. `Balances.transfer_keep_alive` from many senders (the anchor);
//! 2. `Delivery.register_edge` of every edge (setup, reported too);
//! 3. `Delivery.submit_claim` of every edge in the claim window of epoch 0;
//! 4. `Delivery.submit_proof` of every edge once the draw is seeded: each edge's receipts from
//!    several viewers in a sparse sum tree, the drawn leaves opened, each receipt signed;
//! 5. the other calls of edges (`update_edge`, `bond_more`, `unbond`) and of creators
//!    (`register_content`, `retire_content`, five a sender). `report_sample` is left out: only
//!    the dev chain's one validator may send it.
//!
//! A block counts as *full* when the whole phase was already in the pool before it was built
//! and transactions were still waiting after it. Options: `--edges N` (10 000), `--senders N`
//! (400), `--per-sender N` (20), `--receipts N` (receipts per claim, 256), `--out FILE`,
//! `--keep-state DIR` (keep the node's database and chain spec there, for `benchmark storage`).

use anyhow::{anyhow, bail, Context, Result};
use codec::Encode;
use futures::StreamExt;
use std::{
	collections::BTreeMap,
	fmt::Write as _,
	path::PathBuf,
	process::Command,
	time::{Duration, Instant},
};
use subxt::{
	client::OnlineClientAtBlock,
	config::DefaultExtrinsicParamsBuilder,
	dynamic,
	ext::scale_decode::DecodeAsType,
	rpcs::{rpc_params, RpcClient},
	transactions::Payload,
	OnlineClient, PolkadotConfig,
};
use subxt_signer::sr25519::{dev, Keypair};
use vidchain_primitives::{
	delivery::{content_id, ContentId, DeliveryReceipt, ProofLeaf},
	manifest, sampling,
	sum_tree::SumTree,
	AccountId, Hash, Signature, VID,
};
use vidchain_tests::{account_id, best_height, block_hash, node_binary, sign, submit, wait_until_at_least, Node, PreEncoded, RawCall, Storage};

/// A real network's delivery windows (the runtime's `DeliveryDefaultClaimWindow`, `DeliveryDefaultProofWindow`).
const CLAIM_WINDOW: u64 = 20;
const PROOF_WINDOW: u64 = 100;
/// Draws per claim (the runtime's `SamplesPerClaim`).
const SAMPLES: u32 = 16;
/// Blocks before epoch 0 ends: time for the transfer and registration phases.
const EPOCH: u64 = 40;
/// The sealing step's bound per block (the runtime's `MaxSealPerBlock`).
const SEAL_PER_BLOCK: u64 = 500;
const CHUNK: u32 = 1 << 20;
const CHUNKS: u32 = 4_096;
const VIEWERS: u32 = 32;

struct Args {
	edges: u32,
	senders: u32,
	per_sender: u32,
	receipts: u32,
	out: PathBuf,
	/// Keep the node's database (and its chain spec) here, for `benchmark storage`.
	keep_state: Option<PathBuf>,
}

fn parse_args() -> Result<Args> {
	let mut a = Args { edges: 10_000, senders: 400, per_sender: 20, receipts: 256, out: "BENCHMARKS.md".into(), keep_state: None };
	let mut it = std::env::args().skip(1);
	while let Some(flag) = it.next() {
		let mut value = || it.next().ok_or_else(|| anyhow!("{flag} needs a value"));
		match flag.as_str() {
			"--edges" => a.edges = value()?.parse()?,
			"--senders" => a.senders = value()?.parse()?,
			"--per-sender" => a.per_sender = value()?.parse()?,
			"--receipts" => a.receipts = value()?.parse()?,
			"--out" => a.out = value()?.into(),
			"--keep-state" => a.keep_state = Some(value()?.into()),
			other => bail!("unknown option {other} (see the module docs)"),
		}
	}
	if a.edges == 0 || a.senders < 2 || a.per_sender == 0 || a.receipts == 0 {
		bail!("--edges, --per-sender and --receipts must be positive, --senders at least 2");
	}
	Ok(a)
}

/// A deterministic key: `kind` tells senders, edges and viewers apart.
fn key(kind: u8, i: u32) -> Keypair {
	let mut seed = [0x5au8; 32];
	seed[0] = kind;
	seed[1..5].copy_from_slice(&i.to_le_bytes());
	Keypair::from_secret_key(seed).expect("any 32 bytes are a mini secret key")
}

/// The dev chain spec with a real network's slots and delivery windows, and `funded` accounts.
fn chain_spec(funded: &[(&Keypair, u128)]) -> Result<serde_json::Value> {
	let out = Command::new(node_binary()?).args(["build-spec", "--chain", "dev"]).output()?;
	if !out.status.success() {
		bail!("build-spec failed: {}", String::from_utf8_lossy(&out.stderr));
	}
	let mut spec: serde_json::Value = serde_json::from_slice(&out.stdout)?;
	let patch = &mut spec["genesis"]["runtimeGenesis"]["patch"];
	let balances = patch["balances"]["balances"].as_array_mut().ok_or_else(|| anyhow!("no balances in the dev preset"))?;
	for (k, amount) in funded {
		let amount = u64::try_from(*amount).context("a genesis balance above u64")?;
		balances.push(serde_json::json!([k.public_key().to_account_id().to_string(), amount]));
	}
	// A real network's 6-second slots (the development preset runs 2-second ones): a block is
	// built for two thirds of a slot, so the slot bounds what it holds.
	patch["validators"] = serde_json::json!({ "slotDuration": vidchain_primitives::SLOT_DURATION });
	patch["delivery"] = serde_json::json!({
		"epochLength": EPOCH, "claimWindow": CLAIM_WINDOW, "proofWindow": PROOF_WINDOW, "allowLocalEndpoints": true,
	});
	Ok(spec)
}

#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "subxt::ext::scale_decode")]
struct Weight {
	ref_time: u64,
}

#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "subxt::ext::scale_decode")]
struct PerClass<W> {
	normal: W,
}

#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "subxt::ext::scale_decode")]
struct ClassLimits {
	max_total: Option<Weight>,
}

#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "subxt::ext::scale_decode")]
struct BlockWeights {
	per_class: PerClass<ClassLimits>,
}

#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "subxt::ext::scale_decode")]
struct BlockLength {
	max: PerClass<u32>,
}

/// What one block held.
#[derive(Clone, Debug)]
struct BlockStat {
	number: u64,
	/// Extrinsics of the phase's call.
	included: u32,
	/// Of them, failed dispatches.
	failed: u32,
	/// Events the phase counts (for proofs: `ClaimVerified`).
	events: u32,
	/// Normal-class weight, ps.
	normal_weight: u64,
	/// All extrinsics' length, bytes.
	length: u32,
}

/// One phase's result.
struct Phase {
	label: &'static str,
	submitted: usize,
	/// Block height when every transaction had been accepted by the pool.
	pooled_at: u64,
	submit_secs: f64,
	blocks: Vec<BlockStat>,
	/// Average size of one transaction, bytes.
	tx_bytes: usize,
}

impl Phase {
	fn included(&self) -> u32 {
		self.blocks.iter().map(|b| b.included).sum()
	}

	fn failed(&self) -> u32 {
		self.blocks.iter().map(|b| b.failed).sum()
	}

	/// Blocks built after everything was pooled and followed by more of the phase.
	fn full_blocks(&self) -> Vec<&BlockStat> {
		let last = self.blocks.iter().rev().find(|b| b.included > 0).map(|b| b.number).unwrap_or(0);
		self.blocks.iter().filter(|b| b.number > self.pooled_at && b.number < last).collect()
	}

	/// Mean extrinsics per full block (0 if none was full).
	fn per_full_block(&self) -> f64 {
		let full = self.full_blocks();
		if full.is_empty() {
			return 0.0;
		}
		full.iter().map(|b| b.included as f64).sum::<f64>() / full.len() as f64
	}

	/// Blocks from the first that held any of the phase to the last, inclusive.
	fn span(&self) -> u64 {
		let with: Vec<u64> = self.blocks.iter().filter(|b| b.included > 0).map(|b| b.number).collect();
		match (with.first(), with.last()) {
			(Some(a), Some(b)) => b - a + 1,
			_ => 0,
		}
	}
}

/// Submit every transaction at once and follow blocks until all of `pallet.call` are in (or no
/// block has taken one for `stall` blocks).
async fn saturate(
	api: &OnlineClient<PolkadotConfig>,
	rpc: &RpcClient,
	label: &'static str,
	(pallet, call): (&str, &str),
	counted_event: (&str, &str),
	txs: Vec<Vec<u8>>,
) -> Result<Phase> {
	let submitted = txs.len();
	let tx_bytes = txs.iter().map(|t| t.len()).sum::<usize>() / submitted.max(1);
	let start_height = best_height(rpc).await?;
	let started = Instant::now();
	let results: Vec<Result<String, _>> = futures::stream::iter(txs)
		.map(|tx| {
			let rpc = rpc.clone();
			async move { rpc.request::<String>("author_submitExtrinsic", rpc_params![format!("0x{}", hex::encode(tx))]).await }
		})
		.buffer_unordered(64)
		.collect()
		.await;
	let submit_secs = started.elapsed().as_secs_f64();
	let refused: Vec<String> = results.into_iter().filter_map(|r| r.err().map(|e| e.to_string())).collect();
	if !refused.is_empty() {
		bail!("{label}: the pool refused {} of {submitted} transactions, e.g. {}", refused.len(), refused[0]);
	}
	let pooled_at = best_height(rpc).await?;
	println!("{label}: {submitted} transactions pooled in {submit_secs:.1} s (blocks {start_height}..{pooled_at})");

	let mut blocks = Vec::new();
	let mut next = start_height + 1;
	let mut total = 0u32;
	let mut idle = 0;
	while (total as usize) < submitted {
		let best = best_height(rpc).await?;
		if best < next {
			tokio::time::sleep(Duration::from_millis(300)).await;
			continue;
		}
		let at = api.at_block(next).await?;
		let mut stat = BlockStat { number: next, included: 0, failed: 0, events: 0, normal_weight: 0, length: 0 };
		let mut ours = Vec::new();
		for (i, xt) in at.extrinsics().fetch().await?.iter().enumerate() {
			let xt = xt?;
			stat.length += xt.bytes().len() as u32;
			if xt.pallet_name() == pallet && xt.call_name() == call {
				stat.included += 1;
				ours.push(i as u32);
			}
		}
		for ev in at.events().fetch().await?.iter() {
			let ev = ev?;
			let of_ours = matches!(ev.phase(), subxt::events::Phase::ApplyExtrinsic(i) if ours.binary_search(&i).is_ok());
			if of_ours && ev.pallet_name() == "System" && ev.event_name() == "ExtrinsicFailed" {
				stat.failed += 1;
			}
			if ev.pallet_name() == counted_event.0 && ev.event_name() == counted_event.1 {
				stat.events += 1;
			}
		}
		let weight = at
			.storage()
			.fetch(dynamic::storage::<(), PerClass<Weight>>("System", "BlockWeight"), ())
			.await?
			.decode()?;
		stat.normal_weight = weight.normal.ref_time;
		total += stat.included;
		idle = if stat.included == 0 && next > pooled_at { idle + 1 } else { 0 };
		println!(
			"  #{next}: {} {call} ({} failed, {} {}), normal weight {:.1} ms, length {} KiB",
			stat.included,
			stat.failed,
			stat.events,
			counted_event.1,
			stat.normal_weight as f64 / 1e9,
			stat.length / 1024
		);
		blocks.push(stat);
		next += 1;
		if idle >= 3 {
			bail!("{label}: no block took a transaction for 3 blocks; {total} of {submitted} included");
		}
	}
	Ok(Phase { label, submitted, pooled_at, submit_secs, blocks, tx_bytes })
}

/// Sign `calls[i]` by `signers[i]` with nonce `nonce`, offline (immortal).
fn sign_all<C: Payload>(at: &OnlineClientAtBlock<PolkadotConfig>, calls: &[(C, &Keypair, u64)]) -> Result<Vec<Vec<u8>>> {
	let tx = at.transactions();
	calls
		.iter()
		.map(|(call, who, nonce)| {
			let params = DefaultExtrinsicParamsBuilder::<PolkadotConfig>::new().nonce(*nonce).immortal().build();
			Ok(tx.create_signable_offline(call, params)?.sign(*who)?.into_encoded())
		})
		.collect()
}

/// One edge's receipts: `n` from `viewers`, one chunk each, distinct tree slots.
fn receipts(edge: &AccountId, content: ContentId, viewers: &[(Keypair, AccountId)], n: u32) -> Vec<(DeliveryReceipt<AccountId>, u32)> {
	let mut seen = std::collections::BTreeSet::new();
	let mut out = Vec::with_capacity(n as usize);
	let mut i = 0u64;
	while out.len() < n as usize {
		let v = (i % viewers.len() as u64) as u32;
		let r = DeliveryReceipt {
			edge: edge.clone(),
			content,
			viewer: viewers[v as usize].1.clone(),
			session_nonce: i,
			first_chunk: (i % CHUNKS as u64) as u32,
			chunk_count: 1,
			bytes: CHUNK as u64,
			price_per_mib: 1_000_000,
			payer: vidchain_primitives::delivery::Payer::Escrow,
			epoch: 0,
			ttfb_ms: 25,
			throughput_kbps: 40_000,
		};
		if seen.insert(r.position()) {
			out.push((r, v));
		}
		i += 1;
	}
	out
}

fn tree_of(receipts: &[(DeliveryReceipt<AccountId>, u32)]) -> SumTree {
	SumTree::build(receipts.iter().map(|(r, _)| (r.position(), r.leaf())).collect()).expect("distinct slots")
}

fn machine() -> String {
	let cpu = std::fs::read_to_string("/proc/cpuinfo")
		.ok()
		.and_then(|s| s.lines().find(|l| l.starts_with("model name")).map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string()))
		.unwrap_or_else(|| "unknown CPU".into());
	let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
	let mem = std::fs::read_to_string("/proc/meminfo")
		.ok()
		.and_then(|s| s.lines().next().and_then(|l| l.split_whitespace().nth(1)).and_then(|kb| kb.parse::<u64>().ok()))
		.map(|kb| format!("{:.1} GiB", kb as f64 / 1024.0 / 1024.0))
		.unwrap_or_default();
	let os = Command::new("uname").arg("-srm").output().map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string()).unwrap_or_default();
	let node = node_binary()
		.ok()
		.and_then(|b| Command::new(b).arg("--version").output().ok())
		.map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
		.unwrap_or_default();
	let root = std::env::var("VIDCHAIN_ROOT").unwrap_or_else(|_| ".".into());
	let git = |args: &[&str]| {
		Command::new("git").args(["-C", &root]).args(args).output().map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string()).unwrap_or_default()
	};
	let mut commit = git(&["rev-parse", "--short", "HEAD"]);
	if !git(&["status", "--porcelain", "--untracked-files=no"]).is_empty() {
		commit.push_str(" with local changes");
	}
	format!("- CPU: {cpu}, {cores} cores; memory {mem}; {os}\n- Node: `{node}`, commit `{commit}`\n")
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<()> {
	let args = parse_args()?;
	let began = Instant::now();
	let senders: Vec<Keypair> = (0..args.senders).map(|i| key(1, i)).collect();
	let edges: Vec<Keypair> = (0..args.edges).map(|i| key(2, i)).collect();
	let viewers: Vec<(Keypair, AccountId)> = (0..VIEWERS).map(|i| key(3, i)).map(|k| { let a = account_id(&k); (k, a) }).collect();
	let mut funded: Vec<(&Keypair, u128)> = senders.iter().map(|k| (k, 10_000 * VID)).collect();
	funded.extend(edges.iter().map(|k| (k, 2_000 * VID)));
	let spec = chain_spec(&funded)?;
	let (spec, storage) = match &args.keep_state {
		Some(dir) => {
			std::fs::create_dir_all(dir)?;
			let path = dir.join("chain-spec.json");
			std::fs::write(&path, serde_json::to_vec(&spec)?)?;
			(SpecFile { path, temporary: false }, Storage::BasePath(dir.clone()))
		},
		None => (SpecFile::temporary(&spec)?, Storage::Temporary),
	};

	let extra = vec![
		"--chain".to_string(),
		spec.path.display().to_string(),
		"--pool-limit".into(),
		"200000".into(),
		"--pool-kbytes".into(),
		"1000000".into(),
		"--rpc-max-connections".into(),
		"100".into(),
		// The edges have no server: no sampling worker (it would report them and take block
		// space from what is measured).
		"--offchain-worker".into(),
		"never".into(),
	];
	let mut node = Node::start_dev_with(storage, &extra)?;
	let rpc = node.rpc(Duration::from_secs(120)).await?;
	let api = OnlineClient::<PolkadotConfig>::from_rpc_client(rpc.clone()).await?;
	let genesis = Hash::from(block_hash(&rpc, 0).await?);
	wait_until_at_least("best block", 1, Duration::from_secs(60), || best_height(&rpc)).await?;
	let at = api.at_current_block().await?;
	let mut phases = Vec::new();

	// 1. Transfers: each sender pays the next one, `per_sender` times.
	let calls: Vec<_> = senders
		.iter()
		.enumerate()
		.flat_map(|(i, k)| {
			let to = senders[(i + 1) % senders.len()].public_key().to_address::<()>();
			(0..args.per_sender as u64)
				.map(move |n| (dynamic::transaction("Balances", "transfer_keep_alive", (to.clone(), VID)), k, n))
		})
		.collect();
	let txs = sign_all(&at, &calls)?;
	phases.push(saturate(&api, &rpc, "transfer_keep_alive", ("Balances", "transfer_keep_alive"), ("Balances", "Transfer"), txs).await?);

	// 2. Content (Alice) and every edge's registration.
	let alice = dev::alice();
	let hashes: Vec<_> = (0..CHUNKS).map(|i| manifest::chunk_hash(&i.to_le_bytes())).collect();
	let root = manifest::manifest_root(&hashes);
	let register = dynamic::transaction(
		"Delivery",
		"register_content",
		(root.0, CHUNK, CHUNKS, CHUNK as u64 * CHUNKS as u64, false, b"Capacity".to_vec(), b"https://cdn.example/c".to_vec()),
	);
	submit(&api, &register, &alice).await?.map_err(anyhow::Error::msg)?;
	let content = content_id(&account_id(&alice), &root);
	let calls: Vec<_> = edges
		.iter()
		.map(|k| (dynamic::transaction("Delivery", "register_edge", (b"http://127.0.0.1:9".to_vec(), b"bench".to_vec(), 1_000 * VID)), k, 0u64))
		.collect();
	let txs = sign_all(&at, &calls)?;
	phases.push(saturate(&api, &rpc, "register_edge", ("Delivery", "register_edge"), ("Delivery", "EdgeRegistered"), txs).await?);

	// 3. Claims, submitted once the claim window of epoch 0 is next.
	let started = Instant::now();
	let roots: Vec<_> = edges.iter().map(|k| tree_of(&receipts(&account_id(k), content, &viewers, args.receipts)).root()).collect();
	println!("{} sum trees of {} receipts built in {:.1} s", edges.len(), args.receipts, started.elapsed().as_secs_f64());
	let calls: Vec<_> = edges
		.iter()
		.zip(&roots)
		.map(|(k, r)| (dynamic::transaction("Delivery", "submit_claim", (0u32, r.hash.0, r.sum, args.receipts)), k, 1u64))
		.collect();
	let txs = sign_all(&at, &calls)?;
	let now = best_height(&rpc).await?;
	if now >= EPOCH {
		bail!("setup ran past epoch 0 (block {now} ≥ {EPOCH}): run with fewer edges or senders");
	}
	wait_until_at_least("best block", EPOCH - 1, Duration::from_secs(6 * EPOCH + 60), || best_height(&rpc)).await?;
	phases.push(saturate(&api, &rpc, "submit_claim", ("Delivery", "submit_claim"), ("Delivery", "ClaimSubmitted"), txs).await?);

	// 4. Proofs, once the seed block (the first after the claim window) is known.
	let seed_block = EPOCH + CLAIM_WINDOW;
	wait_until_at_least("best block", seed_block, Duration::from_secs(6 * CLAIM_WINDOW + 60), || best_height(&rpc)).await?;
	let seed_hash = Hash::from(block_hash(&rpc, seed_block).await?);
	let started = Instant::now();
	let mut proof_sizes = 0usize;
	let calls: Vec<_> = edges
		.iter()
		.map(|k| {
			let who = account_id(k);
			let rs = receipts(&who, content, &viewers, args.receipts);
			let tree = tree_of(&rs);
			let offsets = sampling::draw_offsets(&sampling::claim_seed(&seed_hash, &who, 0), tree.root().sum, SAMPLES);
			let mut slots: Vec<u32> = offsets.iter().map(|o| tree.leaf_at_offset(*o).expect("offset below the total")).collect();
			slots.dedup();
			let leaves: Vec<ProofLeaf<AccountId, Signature>> = slots
				.iter()
				.map(|p| {
					let (r, v) = rs.iter().find(|(r, _)| r.position() == *p).expect("a drawn slot holds a receipt");
					ProofLeaf {
						receipt: r.clone(),
						signature: sign(&viewers[*v as usize].0, &r.signing_payload(&genesis)),
						path: tree.path(*p).expect("a leaf has a path"),
					}
				})
				.collect();
			let args = (0u32, leaves).encode();
			proof_sizes += args.len();
			(RawCall { pallet: "Delivery", call: "submit_proof", args: PreEncoded(args) }, k, 2u64)
		})
		.collect();
	let txs = sign_all(&at, &calls)?;
	println!("{} proofs built and signed in {:.1} s", txs.len(), started.elapsed().as_secs_f64());
	let proofs = saturate(&api, &rpc, "submit_proof", ("Delivery", "submit_proof"), ("Delivery", "ClaimVerified"), txs).await?;
	let verified: u32 = proofs.blocks.iter().map(|b| b.events).sum();
	phases.push(proofs);

	// 5. The other calls of edges and creators, each saturating blocks the same way.
	let calls: Vec<_> = edges
		.iter()
		.map(|k| (dynamic::transaction("Delivery", "update_edge", (b"http://127.0.0.1:10".to_vec(), b"bench-2".to_vec())), k, 3u64))
		.collect();
	phases.push(saturate(&api, &rpc, "update_edge", ("Delivery", "update_edge"), ("Delivery", "EdgeUpdated"), sign_all(&at, &calls)?).await?);
	let calls: Vec<_> = edges.iter().map(|k| (dynamic::transaction("Delivery", "bond_more", (VID,)), k, 4u64)).collect();
	phases.push(saturate(&api, &rpc, "bond_more", ("Delivery", "bond_more"), ("Delivery", "EdgeBonded"), sign_all(&at, &calls)?).await?);
	let calls: Vec<_> = edges.iter().map(|k| (dynamic::transaction("Delivery", "unbond", ()), k, 5u64)).collect();
	phases.push(saturate(&api, &rpc, "unbond", ("Delivery", "unbond"), ("Delivery", "EdgeUnbonding"), sign_all(&at, &calls)?).await?);
	// Five contents a sender: registered, then retired.
	let contents: Vec<(&Keypair, Hash, u64)> = senders
		.iter()
		.enumerate()
		.flat_map(|(i, k)| (0..5u64).map(move |j| (k, manifest::chunk_hash(&(i as u32, j).encode()), args.per_sender as u64 + j)))
		.collect();
	let calls: Vec<_> = contents
		.iter()
		.map(|(k, root, nonce)| {
			let args = (root.0, CHUNK, CHUNKS, CHUNK as u64 * CHUNKS as u64, false, b"Capacity".to_vec(), b"https://cdn.example/c".to_vec());
			(dynamic::transaction("Delivery", "register_content", args), *k, *nonce)
		})
		.collect();
	let registered = sign_all(&at, &calls)?;
	let calls: Vec<_> = contents
		.iter()
		.map(|(k, root, nonce)| (dynamic::transaction("Delivery", "retire_content", (content_id(&account_id(k), root).0,)), *k, nonce + 5))
		.collect();
	let retired = sign_all(&at, &calls)?;
	phases.push(saturate(&api, &rpc, "register_content", ("Delivery", "register_content"), ("Delivery", "ContentRegistered"), registered).await?);
	phases.push(saturate(&api, &rpc, "retire_content", ("Delivery", "retire_content"), ("Delivery", "ContentRetired"), retired).await?);

	let limits = api.at_current_block().await?;
	let weights: BlockWeights = limits.constants().entry(dynamic::constant::<BlockWeights>("System", "BlockWeights"))?;
	let lengths: BlockLength = limits.constants().entry(dynamic::constant::<BlockLength>("System", "BlockLength"))?;
	let normal_weight = weights.per_class.normal.max_total.map(|w| w.ref_time).unwrap_or(0);
	let normal_length = lengths.max.normal;
	let status = node.stop(Duration::from_secs(60))?;
	if !status.success() {
		bail!("node did not stop cleanly: {status}");
	}

	let previous = std::fs::read_to_string(&args.out).ok().and_then(|old| previous_run(&old));
	let mut report = report(&args, &phases, verified, proof_sizes / edges.len(), normal_weight, normal_length, began.elapsed());
	if let Some(previous) = previous {
		report.push_str(&previous);
	}
	std::fs::write(&args.out, report)?;
	println!("wrote {}", args.out.display());
	Ok(())
}

/// The summary of the report `old` (what it ran on and its per-full-block table), to keep beside
/// the new one: before and after a change.
fn previous_run(old: &str) -> Option<String> {
	let written = old.lines().find(|l| l.starts_with("Written by"))?;
	let node = old.lines().find(|l| l.starts_with("- Node:"))?;
	let start = old.find("## Per full block")?;
	let table = &old[start..];
	let table = &table["## Per full block".len()..];
	let end = table.find("\n## ").unwrap_or(table.len());
	Some(format!("\n## The run before this one\n\n{written}\n{node}\n\n{}\n", table[..end].trim()))
}

/// The chain spec's file: temporary (removed on drop) unless kept with the state.
struct SpecFile {
	path: PathBuf,
	temporary: bool,
}

impl SpecFile {
	fn temporary(spec: &serde_json::Value) -> Result<SpecFile> {
		let path = std::env::temp_dir().join(format!("vidchain-capacity-spec-{}.json", std::process::id()));
		std::fs::write(&path, serde_json::to_vec(spec)?)?;
		Ok(SpecFile { path, temporary: true })
	}
}

impl Drop for SpecFile {
	fn drop(&mut self) {
		if self.temporary {
			let _ = std::fs::remove_file(&self.path);
		}
	}
}

fn report(
	args: &Args,
	phases: &[Phase],
	verified: u32,
	proof_args: usize,
	normal_weight: u64,
	normal_length: u32,
	took: Duration,
) -> String {
	let by: BTreeMap<&str, &Phase> = phases.iter().map(|p| (p.label, p)).collect();
	let transfers = by["transfer_keep_alive"].per_full_block();
	let mut s = String::new();
	let date = Command::new("date").args(["-u", "+%Y-%m-%d %H:%M UTC"]).output().map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string()).unwrap_or_default();
	let _ = writeln!(s, "# Vidchain block capacity\n");
	let _ = writeln!(s, "Written by `scripts/bench.sh capacity` ({date}, {:.0} s); do not edit by hand.\n", took.as_secs_f64());
	let _ = writeln!(s, "## Machine\n\n{}", machine());
	let _ = writeln!(
		s,
		"## Method\n\nOne `vidchain-node --dev` (Aura, 6-second slots; blocks built for at most two thirds of a slot) on \
		 the development preset with a real network's delivery windows (claims {CLAIM_WINDOW} blocks, proofs \
		 {PROOF_WINDOW} blocks) and {} edges, {} senders funded at genesis. Each phase pre-signs all its transactions, \
		 submits them at once (`author_submitExtrinsic`) and follows the blocks until all are in. A block is *full* when \
		 the whole phase was in the pool before it was built and more of the phase waited after it. Each claim commits to \
		 {} receipts (one 1 MiB chunk each, from {VIEWERS} viewers) in a sparse sum tree; each proof opens the \
		 {SAMPLES} drawn leaves with their paths and the viewers' sr25519 signatures (≈ {proof_args} bytes of arguments). \
		 The normal class may use {:.0} ms of weight and {} KiB of length per block.\n",
		args.edges,
		args.senders,
		args.receipts,
		normal_weight as f64 / 1e9,
		normal_length / 1024,
	);
	let _ = writeln!(s, "## Per full block\n");
	let _ = writeln!(s, "| call | submitted | included | failed | pooled in | blocks holding them | full blocks | per full block | × transfers | weight used (full) | length used (full) | bytes per tx | what binds |");
	let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
	for p in phases {
		let full = p.full_blocks();
		let (w, l) = if full.is_empty() {
			(0.0, 0.0)
		} else {
			(
				full.iter().map(|b| b.normal_weight as f64).sum::<f64>() / full.len() as f64 / normal_weight as f64 * 100.0,
				full.iter().map(|b| b.length as f64).sum::<f64>() / full.len() as f64 / normal_length as f64 * 100.0,
			)
		};
		let binds = if full.is_empty() {
			"no full block"
		} else if w >= 95.0 {
			"weight"
		} else if l >= 95.0 {
			"length"
		} else {
			"neither: block-building time"
		};
		let ratio = if transfers > 0.0 { format!("{:.2}", p.per_full_block() / transfers) } else { "–".into() };
		let _ = writeln!(
			s,
			"| `{}` | {} | {} | {} | {:.1} s | {} | {} | {:.0} | {ratio} | {w:.1} % | {l:.1} % | {} | {binds} |",
			p.label,
			p.submitted,
			p.included(),
			p.failed(),
			p.submit_secs,
			p.span(),
			full.len(),
			p.per_full_block(),
			p.tx_bytes
		);
	}
	let claims = by["submit_claim"];
	let proofs = by["submit_proof"];
	let seal_blocks = (args.edges as u64).div_ceil(SEAL_PER_BLOCK);
	let _ = writeln!(s, "\n## {} edges in one epoch of a real network\n", args.edges);
	let _ = writeln!(
		s,
		"- Claims: all {} in {} block(s) at saturation, of the {CLAIM_WINDOW}-block claim window. With every block half \
		 kept for other transactions they need {} block(s) ({}).",
		claims.included(),
		claims.span(),
		2 * claims.span(),
		if 2 * claims.span() <= CLAIM_WINDOW { "fits" } else { "does NOT fit" }
	);
	let _ = writeln!(
		s,
		"- Proofs: all {} in {} block(s), {} claims `ClaimVerified`, of the {PROOF_WINDOW}-block proof window; at half a \
		 block, {} block(s) ({}).",
		proofs.included(),
		proofs.span(),
		verified,
		2 * proofs.span(),
		if 2 * proofs.span() <= PROOF_WINDOW { "fits" } else { "does NOT fit" }
	);
	let _ = writeln!(
		s,
		"- Sealing: after the proof window, `on_initialize` walks at most {SEAL_PER_BLOCK} claims a block: {seal_blocks} \
		 block(s), each within the 10 % of a block that the runtime test `sealing_a_block_of_claims_leaves_the_block_to_transactions` checks.\n"
	);
	let _ = writeln!(s, "## Every block of the run\n");
	let _ = writeln!(s, "| phase | block | included | failed | normal weight (ms) | length (KiB) |");
	let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|");
	for p in phases {
		for b in &p.blocks {
			let _ = writeln!(
				s,
				"| `{}` | {} | {} | {} | {:.1} | {} |",
				p.label,
				b.number,
				b.included,
				b.failed,
				b.normal_weight as f64 / 1e9,
				b.length / 1024
			);
		}
	}
	s
}
