//! The delivery protocol on the real node (`vidchain-node --dev`: 10-block epochs, windows of 3):
//! viewers sign receipts for an edge, the edge claims its sum tree, reads its draw from chain
//! state (the seed block's hash, with the primitives the runtime uses), proves and is verified;
//! a second edge claims and never proves and is rejected and slashed at sealing; a third edge
//! inflates its claim with a junk leaf and its proof is refused. The viewers pay for the verified
//! claim from their FUEL escrows (pallet-rewards), and the epoch's payout report, read over the
//! `rewards_epochReport` JSON-RPC method, says who was paid and what emission each earned.

use codec::Encode;
use std::time::Duration;
use subxt::{dynamic, ext::scale_decode::DecodeAsType, utils::AccountId32, OnlineClient, PolkadotConfig};
use subxt_signer::sr25519::{dev, Keypair};
use vidchain_primitives::{
	delivery::{content_id, DeliveryReceipt, ProofLeaf},
	manifest, sampling,
	sum_tree::{SumNode, SumTree},
	AccountId, Hash, Signature, FUEL, FUEL_ASSET_ID, VID,
};
use vidchain_tests::{account_id, best_height, block_hash, sign, submit, wait_until_at_least, Node, PreEncoded, RawCall, Storage};

/// Epochs of the development preset.
const EPOCH: u64 = 10;
const WINDOW: u64 = 3;
const SAMPLES: u32 = 16;

#[derive(Debug, PartialEq, DecodeAsType)]
#[decode_as_type(crate_path = "subxt::ext::scale_decode")]
enum ClaimStatus {
	Pending,
	Verified,
	Rejected,
}

#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "subxt::ext::scale_decode")]
struct Claim {
	total_bytes: u64,
	status: ClaimStatus,
}

#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "subxt::ext::scale_decode")]
struct EdgeInfo {
	bond: u128,
}

/// The receipts of one edge, signed, and their sum tree.
struct Batch {
	leaves: Vec<(DeliveryReceipt<AccountId>, Signature)>,
	tree: SumTree,
}

impl Batch {
	fn new(leaves: Vec<(DeliveryReceipt<AccountId>, Signature)>, extra: &[(u32, SumNode)]) -> Batch {
		let mut nodes: Vec<(u32, SumNode)> = leaves.iter().map(|(r, _)| (r.position(), r.leaf())).collect();
		nodes.extend_from_slice(extra);
		Batch { tree: SumTree::build(nodes).expect("a tree"), leaves }
	}

	/// The honest proof for `offsets`: the receipts holding them (junk cannot be opened).
	fn proof(&self, offsets: &[u64]) -> Vec<ProofLeaf<AccountId, Signature>> {
		let mut slots: Vec<u32> = offsets.iter().map(|o| self.tree.leaf_at_offset(*o).unwrap()).collect();
		slots.dedup();
		slots
			.iter()
			.filter_map(|p| self.leaves.iter().find(|(r, _)| r.position() == *p))
			.map(|(r, s)| ProofLeaf { receipt: r.clone(), signature: s.clone(), path: self.tree.path(r.position()).unwrap() })
			.collect()
	}
}

async fn claim_of(api: &OnlineClient<PolkadotConfig>, epoch: u32, edge: &Keypair) -> anyhow::Result<Claim> {
	let at = api.at_current_block().await?;
	let addr = dynamic::storage::<(u32, AccountId32), Claim>("Delivery", "Claims");
	Ok(at.storage().fetch(addr, (epoch, edge.public_key().to_account_id())).await?.decode()?)
}

async fn fuel_of(api: &OnlineClient<PolkadotConfig>, who: &Keypair) -> anyhow::Result<u128> {
	#[derive(DecodeAsType)]
	#[decode_as_type(crate_path = "subxt::ext::scale_decode")]
	struct AssetAccount {
		balance: u128,
	}
	let at = api.at_current_block().await?;
	let addr = dynamic::storage::<(u32, AccountId32), AssetAccount>("Assets", "Account");
	Ok(at.storage().fetch(addr, (FUEL_ASSET_ID, who.public_key().to_account_id())).await?.decode()?.balance)
}

async fn bond_of(api: &OnlineClient<PolkadotConfig>, edge: &Keypair) -> anyhow::Result<u128> {
	let at = api.at_current_block().await?;
	let addr = dynamic::storage::<(AccountId32,), EdgeInfo>("Delivery", "Edges");
	Ok(at.storage().fetch(addr, (edge.public_key().to_account_id(),)).await?.decode()?.bond)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn claims_are_drawn_proven_verified_and_slashed_on_a_real_node() -> anyhow::Result<()> {
	// The edges here have no server: without the validators' sampling worker (tested in
	// `sampling.rs`), which would report them unavailable and suspend them.
	let mut node = Node::start_dev_with(Storage::Temporary, &["--offchain-worker".into(), "never".into()])?;
	let rpc = node.rpc(Duration::from_secs(60)).await?;
	let api = OnlineClient::<PolkadotConfig>::from_rpc_client(rpc.clone()).await?;
	let genesis = Hash::from(block_hash(&rpc, 0).await?);
	let (alice, bob, dave) = (dev::alice(), dev::bob(), dev::dave());
	let viewers = [dev::charlie(), dev::eve(), dev::ferdie()];

	// Dave, the attacker, gets VID for a bond.
	let fund = dynamic::transaction("Balances", "transfer_keep_alive", (dave.public_key().to_address::<()>(), 5_000 * VID));
	submit(&api, &fund, &alice).await?.map_err(anyhow::Error::msg)?;
	// The viewers get VID for fees and FUEL, and put 100 FUEL each in escrow.
	for viewer in &viewers {
		let to = viewer.public_key().to_address::<()>();
		let vid = dynamic::transaction("Balances", "transfer_keep_alive", (to.clone(), 10 * VID));
		submit(&api, &vid, &alice).await?.map_err(anyhow::Error::msg)?;
		let fuel = dynamic::transaction("Assets", "transfer_keep_alive", (codec::Compact(FUEL_ASSET_ID), to, 200 * FUEL));
		submit(&api, &fuel, &alice).await?.map_err(anyhow::Error::msg)?;
		let escrow = dynamic::transaction("Rewards", "deposit_escrow", (100 * FUEL, 10 * FUEL));
		submit(&api, &escrow, viewer).await?.map_err(anyhow::Error::msg)?;
	}

	// Alice registers a 16-chunk video; three edges bond: Bob (honest), Alice (never proves),
	// Dave (inflates).
	let chunk = 1024u32;
	let hashes: Vec<_> = (0..16u8).map(|i| manifest::chunk_hash(&vec![i; chunk as usize])).collect();
	let root = manifest::manifest_root(&hashes);
	let register = dynamic::transaction(
		"Delivery",
		"register_content",
		(root.0, chunk, 16u32, 16 * chunk as u64, false, b"Loop".to_vec(), b"https://cdn.example/m".to_vec()),
	);
	submit(&api, &register, &alice).await?.map_err(anyhow::Error::msg)?;
	let content = content_id(&account_id(&alice), &root);
	let bond = 1_000 * VID;
	for edge in [&bob, &alice, &dave] {
		let call = dynamic::transaction("Delivery", "register_edge", (b"http://127.0.0.1:9".to_vec(), b"local".to_vec(), bond));
		submit(&api, &call, edge).await?.map_err(anyhow::Error::msg)?;
	}

	// Receipts of the current epoch, from three viewers, for each edge.
	let now = best_height(&rpc).await?;
	let epoch = (now / EPOCH) as u32;
	let receipts_for = |edge: &Keypair| -> Vec<(DeliveryReceipt<AccountId>, Signature)> {
		(0..12u64)
			.map(|i| {
				let viewer = &viewers[i as usize % 3];
				let r = DeliveryReceipt {
					edge: account_id(edge),
					content,
					viewer: account_id(viewer),
					session_nonce: i,
					first_chunk: (i % 16) as u32,
					chunk_count: 1,
					bytes: chunk as u64,
					// 1 FUEL per MiB.
					price_per_mib: FUEL,
					payer: vidchain_primitives::delivery::Payer::Escrow,
					epoch,
					ttfb_ms: 20,
					throughput_kbps: 50_000,
				};
				let s = sign(viewer, &r.signing_payload(&genesis));
				(r, s)
			})
			.collect()
	};
	let honest = Batch::new(receipts_for(&bob), &[]);
	let lazy = Batch::new(receipts_for(&alice), &[]);
	// Dave's claim: his 12 real receipts plus a junk leaf 1 000 times their bytes.
	let dave_receipts = receipts_for(&dave);
	let taken: Vec<u32> = dave_receipts.iter().map(|(r, _)| r.position()).collect();
	let junk_slot = (0..u32::MAX).find(|p| !taken.contains(p)).unwrap();
	let inflated = Batch::new(dave_receipts, &[(junk_slot, SumNode::leaf(&[0xab; 32].into(), 1_000 * 12 * chunk as u64))]);

	// Claims go in the claim window: the first 3 blocks after the epoch.
	let open = (epoch as u64 + 1) * EPOCH;
	wait_until_at_least("best block", open - 1, Duration::from_secs(180), || best_height(&rpc)).await?;
	let claim = |b: &Batch| {
		let r = b.tree.root();
		dynamic::transaction("Delivery", "submit_claim", (epoch, r.hash.0, r.sum, b.tree.len()))
	};
	let (c1, c2, c3) = (claim(&honest), claim(&lazy), claim(&inflated));
	let (r1, r2, r3) = tokio::join!(submit(&api, &c1, &bob), submit(&api, &c2, &alice), submit(&api, &c3, &dave));
	for r in [r1, r2, r3] {
		r?.map_err(anyhow::Error::msg)?;
	}
	assert_eq!(claim_of(&api, epoch, &bob).await?.status, ClaimStatus::Pending);

	// The draw: seeded by the block after the claim window, read from the chain.
	let seed_block = open + WINDOW;
	wait_until_at_least("best block", seed_block, Duration::from_secs(120), || best_height(&rpc)).await?;
	let seed_hash = Hash::from(block_hash(&rpc, seed_block).await?);
	let draw = |edge: &Keypair, total: u64| {
		sampling::draw_offsets(&sampling::claim_seed(&seed_hash, &account_id(edge), epoch), total, SAMPLES)
	};
	let prove = |edge: &Keypair, b: &Batch| {
		let leaves = b.proof(&draw(edge, b.tree.root().sum));
		RawCall { pallet: "Delivery", call: "submit_proof", args: PreEncoded((epoch, leaves).encode()) }
	};
	let (p1, p3) = (prove(&bob, &honest), prove(&dave, &inflated));
	let bob_fuel = fuel_of(&api, &bob).await?;
	let (r1, r3) = tokio::join!(submit(&api, &p1, &bob), submit(&api, &p3, &dave));
	r1?.map_err(anyhow::Error::msg)?;
	let refused = r3?.expect_err("a claim with 1 000× junk bytes is not verified");
	assert!(refused.contains("ProofIncomplete") || refused.contains("InvalidPath"), "{refused}");
	let verified = claim_of(&api, epoch, &bob).await?;
	assert_eq!(verified.status, ClaimStatus::Verified);
	assert_eq!(verified.total_bytes, 12 * chunk as u64);
	// Bob was paid from the viewers' escrows: 16 offsets of 12 KiB at 1 FUEL per MiB, 85 % his.
	let due = 12 * chunk as u128 * FUEL / (1 << 20);
	let received = fuel_of(&api, &bob).await? - bob_fuel;
	assert!(received <= due * 85 / 100 && received + 16 >= due * 85 / 100, "Bob received {received} of {due}");

	// Sealing, at the end of the proof window: Alice's and Dave's claims rejected and slashed.
	let seal = seed_block + 1 + WINDOW;
	wait_until_at_least("finalized block", seal + 1, Duration::from_secs(120), || {
		vidchain_tests::finalized_height(&rpc)
	})
	.await?;
	assert_eq!(claim_of(&api, epoch, &alice).await?.status, ClaimStatus::Rejected);
	assert_eq!(claim_of(&api, epoch, &dave).await?.status, ClaimStatus::Rejected);
	assert_eq!(bond_of(&api, &alice).await?, bond - bond / 10);
	assert_eq!(bond_of(&api, &dave).await?, bond - bond / 10);
	assert_eq!(bond_of(&api, &bob).await?, bond);

	// The payout report: Bob was paid, and his receipts' protocol fee earns him delivery
	// emission, at most 80 % of that fee (no server answers probes for him here: no
	// availability share); Alice and Dave earn nothing.
	let report: serde_json::Value = rpc.request("rewards_epochReport", subxt::rpcs::rpc_params![epoch]).await?;
	let line = |who: &Keypair| {
		let id = account_id(who).to_string();
		report["edges"].as_array().unwrap().iter().find(|e| e["edge"] == id.as_str()).cloned()
	};
	let bob_line = line(&bob).expect("Bob is in the report");
	assert_eq!(bob_line["payout"]["verifiedBytes"], 12 * chunk as u64);
	assert_eq!(bob_line["payout"]["paid"].as_u64().map(u128::from), Some(received));
	let fee = bob_line["payout"]["fee"].as_u64().expect("a fee");
	assert!(fee > 0, "{bob_line}");
	assert_eq!(bob_line["payout"]["weight"], 0, "{bob_line}");
	assert_eq!(bob_line["emission"].as_u64(), Some(fee * 4 / 5), "{bob_line}");
	for loser in [&alice, &dave] {
		let l = line(loser).expect("a rejected claim is in the report");
		assert_eq!(l["payout"]["weight"], 0, "{l}");
		assert_eq!(l["emission"], 0, "{l}");
	}
	assert!(report["totals"]["sealed"].as_bool().unwrap());

	let status = node.stop(Duration::from_secs(30))?;
	assert!(status.success(), "clean shutdown, got {status}");
	Ok(())
}
