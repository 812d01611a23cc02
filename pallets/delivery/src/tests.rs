//! Tests of pallet-delivery on the mock runtime: every call, every error, the claim → draw →
//! proof → verify path over a 10 000-receipt sparse sum tree of real sr25519-signed receipts,
//! sealing 10 000 claims over several blocks, the attacks of issue 13 (each written to fail on
//! the code before it), samples and their authorization, pruning. The pallet's invariants
//! (`do_try_state`) are checked after every block `run_to_block` builds.

use crate::{mock::*, *};
use codec::{Decode, Encode};
use frame_support::{
	assert_noop, assert_ok,
	pallet_prelude::{InvalidTransaction, TransactionSource, TransactionValidityError},
	traits::{
		fungible::{InspectHold, Mutate},
		Authorize, Hooks,
	},
	weights::Weight,
	BoundedVec,
};
use sp_core::{ecdsa, ed25519, sr25519, Pair, H256};
use sp_runtime::{traits::IdentifyAccount, AccountId32, BuildStorage, DispatchError, MultiSignature, MultiSigner};
use vidchain_primitives::{
	delivery::{self as prim, DeliveryReceipt, ProofLeaf, SampleOutcome},
	manifest, ocw_crypto,
	sum_tree::{SumNode, SumTree},
};

type Receipt = DeliveryReceipt<AccountId>;
type Leaf = ProofLeaf<AccountId, MultiSignature>;
type Proof = BoundedVec<Leaf, ConstSamples>;
type ConstSamples = frame_support::traits::ConstU32<SAMPLES>;

const CHUNK: u32 = 1_000;
const CHUNKS: u32 = 100;

fn manifest_root(tag: u8) -> H256 {
	let hashes: Vec<H256> = (0..CHUNKS).map(|i| manifest::chunk_hash(&[tag, i as u8])).collect();
	manifest::manifest_root(&hashes)
}

fn bounded<S: frame_support::traits::Get<u32>>(v: &[u8]) -> BoundedVec<u8, S> {
	v.to_vec().try_into().expect("within the bound")
}

/// Register `CHUNKS` chunks of `CHUNK` bytes by "creator"; returns the content id.
fn register_content(tag: u8) -> H256 {
	let root = manifest_root(tag);
	assert_ok!(Delivery::register_content(
		RuntimeOrigin::signed(account("creator")),
		root,
		CHUNK,
		CHUNKS,
		(CHUNK * CHUNKS) as u64,
		false,
		bounded(b"A film"),
		bounded(b"ipfs://manifest"),
	));
	prim::content_id(&account("creator"), &root)
}

fn register_edge(name: &str) {
	assert_ok!(Delivery::register_edge(
		RuntimeOrigin::signed(account(name)),
		bounded(b"https://[2001:db8::1]/v1"),
		bounded(b"eu-west"),
		MIN_BOND * 2,
	));
}

fn last_event() -> RuntimeEvent {
	System::events().pop().expect("an event").event
}

fn has_event(e: Event<Test>) -> bool {
	System::events().iter().any(|r| r.event == RuntimeEvent::Delivery(e.clone()))
}

fn receipt_of(edge: &AccountId, content: H256, viewer: &str, nonce: u64, epoch: u32, chunk: u32) -> Receipt {
	Receipt {
		edge: edge.clone(),
		content,
		viewer: account(viewer),
		session_nonce: nonce,
		first_chunk: chunk % CHUNKS,
		chunk_count: 1,
		bytes: CHUNK as u64,
		price_per_mib: 2_000,
		payer: vidchain_primitives::delivery::Payer::Escrow,
		epoch,
		ttfb_ms: 40,
		throughput_kbps: 8_000,
	}
}

fn receipt(edge: &str, content: H256, viewer: &str, nonce: u64, epoch: u32, chunk: u32) -> Receipt {
	receipt_of(&account(edge), content, viewer, nonce, epoch, chunk)
}

/// The viewer's signature over `r` for this chain.
fn sign(r: &Receipt, by: &sr25519::Pair) -> MultiSignature {
	MultiSignature::Sr25519(by.sign(&r.signing_payload(&Delivery::genesis_hash())))
}

fn signer_of(r: &Receipt) -> sr25519::Pair {
	if r.viewer == account("viewer2") {
		pair("viewer2")
	} else {
		pair("viewer")
	}
}

/// The receipts of one claim, their signatures and the sum tree over them.
struct Batch {
	receipts: Vec<Receipt>,
	signatures: Vec<MultiSignature>,
	tree: SumTree,
}

impl Batch {
	fn new(receipts: Vec<Receipt>) -> Batch {
		let signatures = receipts.iter().map(|r| sign(r, &signer_of(r))).collect();
		let tree = SumTree::build(receipts.iter().map(|r| (r.position(), r.leaf())).collect()).unwrap();
		Batch { receipts, signatures, tree }
	}

	/// `n` receipts of `edge` for `content` in `epoch`, each with a fresh nonce.
	fn honest(edge: &str, content: H256, epoch: u32, n: u32) -> Batch {
		Batch::new(
			(0..n)
				.map(|i| {
					let viewer = if i % 2 == 0 { "viewer" } else { "viewer2" };
					receipt(edge, content, viewer, i as u64, epoch, i)
				})
				.collect(),
		)
	}

	fn claim(&self, edge: &str, epoch: u32) -> sp_runtime::DispatchResult {
		let root = self.tree.root();
		Delivery::submit_claim(RuntimeOrigin::signed(account(edge)), epoch, root.hash, root.sum, self.tree.len())
	}

	/// The leaf of receipt `i`.
	fn leaf(&self, i: usize) -> Leaf {
		self.leaf_in(i, &self.tree, self.receipts[i].position())
	}

	/// Receipt `i` opened at `slot` of `tree`: its own tree and slot, or an attacker's.
	fn leaf_in(&self, i: usize, tree: &SumTree, slot: u32) -> Leaf {
		Leaf { receipt: self.receipts[i].clone(), signature: self.signatures[i].clone(), path: tree.path(slot).unwrap() }
	}

	/// The leaves of receipts `indices`, in slot order.
	fn leaves(&self, indices: &[usize]) -> Proof {
		let mut leaves: Vec<Leaf> = indices.iter().map(|i| self.leaf(*i)).collect();
		leaves.sort_by_key(|l| l.receipt.position());
		leaves.try_into().unwrap()
	}

	/// Receipt indices holding `offsets` (what an honest edge opens).
	fn cover(&self, offsets: &[u64]) -> Vec<usize> {
		let mut out: Vec<usize> = Vec::new();
		for o in offsets {
			let p = self.tree.leaf_at_offset(*o).unwrap();
			let i = self.receipts.iter().position(|r| r.position() == p).unwrap();
			if !out.contains(&i) {
				out.push(i);
			}
		}
		out
	}

	/// The honest proof for `offsets`.
	fn proof(&self, offsets: &[u64]) -> Proof {
		self.leaves(&self.cover(offsets))
	}
}

/// Blocks of the mock timeline for epoch `e` (EPOCH = 20, windows of 5).
fn claim_open(e: u32) -> u64 {
	(e as u64 + 1) * EPOCH
}
fn proof_open(e: u32) -> u64 {
	claim_open(e) + CLAIM_WINDOW + 1
}
fn seal_block(e: u32) -> u64 {
	proof_open(e) + PROOF_WINDOW
}

fn drawn(edge: &str, epoch: u32) -> Vec<u64> {
	Delivery::drawn_offsets(&account(edge), epoch).expect("drawn after the seed block")
}

fn submit(edge: &str, epoch: u32, proof: Proof) -> sp_runtime::DispatchResult {
	Delivery::submit_proof(RuntimeOrigin::signed(account(edge)), epoch, proof)
}

/// A claim of `n` honest receipts by `edge` for epoch 0, submitted at the opening of the claim
/// window, with the chain moved to the opening of the proof window.
fn claimed(edge: &str, n: u32) -> (H256, Batch) {
	let content = register_content(1);
	register_edge(edge);
	let batch = Batch::honest(edge, content, 0, n);
	run_to_block(claim_open(0));
	assert_ok!(batch.claim(edge, 0));
	run_to_block(proof_open(0));
	(content, batch)
}

// ---------------------------------------------------------------------------------------------
// Content

#[test]
fn register_content_holds_the_deposit_and_records_it() {
	new_test_ext().execute_with(|| {
		let id = register_content(1);
		assert_eq!(id, prim::content_id(&account("creator"), &manifest_root(1)));
		let info = Contents::<Test>::get(id).unwrap();
		assert_eq!(info.manifest_root, manifest_root(1));
		assert_eq!(info.creator, account("creator"));
		assert_eq!((info.chunk_size, info.chunk_count, info.total_bytes), (CHUNK, CHUNKS, 100_000));
		assert_eq!(info.title.as_slice(), b"A film");
		assert_eq!(info.retired_at, None);
		assert_eq!(
			Balances::balance_on_hold(&HoldReason::ContentDeposit.into(), &account("creator")),
			CONTENT_DEPOSIT
		);
		assert!(has_event(Event::ContentRegistered {
			content: id,
			manifest_root: manifest_root(1),
			creator: account("creator"),
			chunk_count: CHUNKS,
			total_bytes: 100_000,
			exclusive: false,
		}));
		assert_eq!(<Delivery as ContentRegistry<_>>::creator_of(&id), Some(account("creator")));
		assert_eq!(<Delivery as ContentRegistry<_>>::is_exclusive(&id), Some(false));
		assert!(<Delivery as ContentRegistry<_>>::is_live(&id));
	});
}

#[test]
fn register_content_refuses_bad_input_without_a_trace() {
	new_test_ext().execute_with(|| {
		let creator = || RuntimeOrigin::signed(account("creator"));
		let root = manifest_root(9);
		let reg = |size: u32, count: u32, total: u64| {
			Delivery::register_content(creator(), root, size, count, total, true, bounded(b""), bounded(b""))
		};
		assert_noop!(reg(0, 10, 10), Error::<Test>::InvalidManifest);
		assert_noop!(reg(10, 0, 10), Error::<Test>::InvalidManifest);
		assert_noop!(reg(10, 10, 101), Error::<Test>::InvalidManifest);
		assert_noop!(reg(10, 10, 90), Error::<Test>::InvalidManifest);
		assert_noop!(reg(MAX_CHUNK_SIZE + 1, 1, MAX_CHUNK_SIZE as u64 + 1), Error::<Test>::InvalidManifest);
		assert_noop!(reg(1, MAX_CHUNKS + 1, MAX_CHUNKS as u64 + 1), Error::<Test>::InvalidManifest);
		assert_noop!(
			Delivery::register_content(
				RuntimeOrigin::signed(account("poor")),
				root,
				10,
				10,
				100,
				false,
				bounded(b""),
				bounded(b"")
			),
			Error::<Test>::InsufficientBalance
		);
		assert_ok!(reg(MAX_CHUNK_SIZE, MAX_CHUNKS, MAX_CHUNK_SIZE as u64 * MAX_CHUNKS as u64));
		assert_noop!(reg(10, 10, 91), Error::<Test>::ContentExists);
		assert_noop!(
			Delivery::register_content(RuntimeOrigin::none(), root, 10, 10, 100, false, bounded(b""), bounded(b"")),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn over_long_arguments_do_not_even_decode() {
	new_test_ext().execute_with(|| {
		let encode = |title: Vec<u8>, endpoint: Vec<u8>| {
			let mut content = vec![2u8, 0]; // pallet index 2, call index 0 (register_content)
			(manifest_root(1), CHUNK, CHUNKS, (CHUNK * CHUNKS) as u64, false, title, Vec::<u8>::new())
				.encode_to(&mut content);
			let mut edge = vec![2u8, 2]; // register_edge
			(endpoint, b"eu".to_vec(), MIN_BOND).encode_to(&mut edge);
			(content, edge)
		};
		let (content, edge) = encode(vec![b't'; 32], vec![b'h'; 64]);
		assert!(RuntimeCall::decode(&mut &content[..]).is_ok());
		assert!(RuntimeCall::decode(&mut &edge[..]).is_ok());
		let (content, edge) = encode(vec![b't'; 33], vec![b'h'; 65]);
		assert!(RuntimeCall::decode(&mut &content[..]).is_err(), "a 33-byte title is refused at decoding");
		assert!(RuntimeCall::decode(&mut &edge[..]).is_err(), "a 65-byte endpoint is refused at decoding");
	});
}

#[test]
fn retire_content_releases_the_deposit_once_and_only_for_the_creator() {
	new_test_ext().execute_with(|| {
		let id = register_content(1);
		assert_noop!(
			Delivery::retire_content(RuntimeOrigin::signed(account("edge")), id),
			Error::<Test>::NotContentCreator
		);
		assert_noop!(
			Delivery::retire_content(RuntimeOrigin::signed(account("creator")), manifest_root(2)),
			Error::<Test>::UnknownContent
		);
		assert_ok!(Delivery::retire_content(RuntimeOrigin::signed(account("creator")), id));
		assert_eq!(last_event(), RuntimeEvent::Delivery(Event::ContentRetired { content: id }));
		assert_eq!(Balances::balance_on_hold(&HoldReason::ContentDeposit.into(), &account("creator")), 0);
		assert!(Contents::<Test>::get(id).unwrap().retired_at.is_some());
		assert!(!<Delivery as ContentRegistry<_>>::is_live(&id));
		assert_noop!(
			Delivery::retire_content(RuntimeOrigin::signed(account("creator")), id),
			Error::<Test>::ContentRetired
		);
	});
}

// ---------------------------------------------------------------------------------------------
// Edges

#[test]
fn register_edge_bonds_through_a_hold() {
	new_test_ext().execute_with(|| {
		register_edge("edge");
		let edge = Edges::<Test>::get(account("edge")).unwrap();
		assert_eq!(edge.bond, MIN_BOND * 2);
		assert_eq!(edge.state, EdgeState::Active);
		assert_eq!(edge.score, 500_000);
		assert_eq!(Delivery::held_bond(&account("edge")), MIN_BOND * 2);
		assert_eq!(Balances::free_balance(account("edge")), ENDOWMENT - MIN_BOND * 2);
		assert_eq!(
			last_event(),
			RuntimeEvent::Delivery(Event::EdgeRegistered { edge: account("edge"), bond: MIN_BOND * 2 })
		);
		assert_eq!(<Delivery as DeliveryLedger<_>>::score(&account("edge")), Some(500_000));
	});
}

#[test]
fn register_edge_refuses_bad_input_without_a_trace() {
	new_test_ext().execute_with(|| {
		let reg = |who: &str, endpoint: &[u8], bond: Balance| {
			Delivery::register_edge(RuntimeOrigin::signed(account(who)), bounded(endpoint), bounded(b"eu"), bond)
		};
		let url = b"http://8.8.8.8:8080";
		assert_noop!(reg("edge", url, MIN_BOND - 1), Error::<Test>::BondTooLow);
		assert_noop!(reg("edge", b"ftp://x.example", MIN_BOND), Error::<Test>::InvalidEndpoint);
		assert_noop!(reg("edge", b"https://", MIN_BOND), Error::<Test>::InvalidEndpoint);
		assert_noop!(reg("edge", b"http://a b.example", MIN_BOND), Error::<Test>::InvalidEndpoint);
		assert_noop!(reg("edge", b"http://a.example:80x", MIN_BOND), Error::<Test>::InvalidEndpoint);
		assert_noop!(reg("edge", b"http://[::1", MIN_BOND), Error::<Test>::InvalidEndpoint);
		assert_noop!(reg("poor", url, MIN_BOND), Error::<Test>::InsufficientBalance);
		assert_noop!(reg("edge", url, ENDOWMENT + 1), Error::<Test>::InsufficientBalance);
		assert_ok!(reg("edge", url, MIN_BOND));
		assert_noop!(reg("edge", url, MIN_BOND), Error::<Test>::EdgeExists);
	});
}

#[test]
fn update_edge_changes_endpoint_and_region() {
	new_test_ext().execute_with(|| {
		let upd = |who: &str, endpoint: &[u8], region: &[u8]| {
			Delivery::update_edge(RuntimeOrigin::signed(account(who)), bounded(endpoint), bounded(region))
		};
		assert_noop!(upd("edge", b"https://8.8.4.4", b"us"), Error::<Test>::NotAnEdge);
		register_edge("edge");
		assert_noop!(upd("edge", b"gopher://x.example", b"us"), Error::<Test>::InvalidEndpoint);
		assert_noop!(upd("edge", b"https://10.1.2.3", b"us"), Error::<Test>::LocalEndpoint);
		assert_ok!(upd("edge", b"https://8.8.4.4", b"us-east"));
		let edge = Edges::<Test>::get(account("edge")).unwrap();
		assert_eq!(edge.endpoint.as_slice(), b"https://8.8.4.4");
		assert_eq!(edge.region.as_slice(), b"us-east");
		assert_eq!(last_event(), RuntimeEvent::Delivery(Event::EdgeUpdated { edge: account("edge") }));
	});
}

#[test]
fn unbond_then_withdraw_after_the_period() {
	new_test_ext().execute_with(|| {
		let edge = || RuntimeOrigin::signed(account("edge"));
		assert_noop!(Delivery::unbond(edge()), Error::<Test>::NotAnEdge);
		assert_noop!(Delivery::withdraw_unbonded(edge()), Error::<Test>::NotAnEdge);
		register_edge("edge");
		assert_noop!(Delivery::withdraw_unbonded(edge()), Error::<Test>::NotUnbonding);
		assert_ok!(Delivery::unbond(edge()));
		let until = 1 + UNBONDING;
		assert_eq!(
			last_event(),
			RuntimeEvent::Delivery(Event::EdgeUnbonding { edge: account("edge"), until })
		);
		assert_noop!(Delivery::unbond(edge()), Error::<Test>::AlreadyUnbonding);
		assert_noop!(Delivery::bond_more(edge(), 10), Error::<Test>::AlreadyUnbonding);
		run_to_block(until - 1);
		assert_noop!(Delivery::withdraw_unbonded(edge()), Error::<Test>::UnbondingNotDone);
		run_to_block(until);
		assert_ok!(Delivery::withdraw_unbonded(edge()));
		assert_eq!(
			last_event(),
			RuntimeEvent::Delivery(Event::EdgeWithdrawn { edge: account("edge"), amount: MIN_BOND * 2 })
		);
		assert!(Edges::<Test>::get(account("edge")).is_none());
		assert_eq!(Balances::free_balance(account("edge")), ENDOWMENT);
		assert_eq!(Delivery::held_bond(&account("edge")), 0);
	});
}

#[test]
fn withdraw_waits_for_pending_claims() {
	new_test_ext().execute_with(|| {
		let (_content, _batch) = claimed("edge", 3);
		assert_ok!(Delivery::unbond(RuntimeOrigin::signed(account("edge"))));
		run_to_block(proof_open(0) + UNBONDING);
		// The claim was never proven, so it was rejected (and slashed) at sealing: nothing pending.
		assert_eq!(Edges::<Test>::get(account("edge")).unwrap().pending_claims, 0);
		assert_ok!(Delivery::withdraw_unbonded(RuntimeOrigin::signed(account("edge"))));
	});
	new_test_ext().execute_with(|| {
		let (_content, _batch) = claimed("edge", 3);
		assert_ok!(Delivery::unbond(RuntimeOrigin::signed(account("edge"))));
		// Force the unbonding period over while the claim is still pending.
		Edges::<Test>::mutate(account("edge"), |e| {
			e.as_mut().unwrap().state = EdgeState::Unbonding { until: 0 }
		});
		assert_noop!(
			Delivery::withdraw_unbonded(RuntimeOrigin::signed(account("edge"))),
			Error::<Test>::ClaimsPending
		);
	});
}

#[test]
fn bond_more_tops_up_the_hold() {
	new_test_ext().execute_with(|| {
		let edge = || RuntimeOrigin::signed(account("edge"));
		assert_noop!(Delivery::bond_more(edge(), 10), Error::<Test>::NotAnEdge);
		register_edge("edge");
		assert_noop!(Delivery::bond_more(edge(), 0), Error::<Test>::BondTooLow);
		assert_noop!(Delivery::bond_more(edge(), ENDOWMENT), Error::<Test>::InsufficientBalance);
		assert_ok!(Delivery::bond_more(edge(), 500));
		assert_eq!(
			last_event(),
			RuntimeEvent::Delivery(Event::EdgeBonded { edge: account("edge"), amount: 500, bond: MIN_BOND * 2 + 500 })
		);
		assert_eq!(Delivery::held_bond(&account("edge")), MIN_BOND * 2 + 500);
		assert_eq!(Edges::<Test>::get(account("edge")).unwrap().bond, MIN_BOND * 2 + 500);
	});
}

// ---------------------------------------------------------------------------------------------
// Claims

#[test]
fn claim_happy_path_with_ten_thousand_signed_receipts() {
	new_test_ext().execute_with(|| {
		let (_content, batch) = claimed("edge", 10_000);
		let root = batch.tree.root();
		assert_eq!(root.sum, 10_000 * CHUNK as u64);
		let claim = Claims::<Test>::get(0, account("edge")).unwrap();
		assert_eq!((claim.root, claim.total_bytes, claim.receipt_count), (root.hash, root.sum, 10_000));
		assert_eq!(claim.status, ClaimStatus::Pending);
		assert_eq!(Edges::<Test>::get(account("edge")).unwrap().pending_claims, 1);

		let offsets = drawn("edge", 0);
		assert_eq!(offsets.len() as u32, SAMPLES);
		assert!(offsets.iter().all(|o| *o < root.sum));
		let proof = batch.proof(&offsets);
		assert!(proof.iter().all(|l| l.path.siblings.len() <= 32));
		assert_ok!(submit("edge", 0, proof.clone()));

		assert_eq!(last_event(), RuntimeEvent::Delivery(Event::ClaimVerified {
			edge: account("edge"),
			epoch: 0,
			bytes: root.sum,
		}));
		assert_eq!(Claims::<Test>::get(0, account("edge")).unwrap().status, ClaimStatus::Verified);
		let edge = Edges::<Test>::get(account("edge")).unwrap();
		assert_eq!(edge.pending_claims, 0);
		// A verified claim does not move the score: only validators' samples do.
		assert_eq!(edge.score, 500_000);
		assert_eq!(<Delivery as DeliveryLedger<_>>::verified_bytes(&account("edge"), 0), root.sum);
		assert_eq!(<Delivery as DeliveryLedger<_>>::verified_bytes(&account("edge"), 1), 0);
		// A verified claim cannot be proven again.
		assert_noop!(submit("edge", 0, proof), Error::<Test>::ClaimNotPending);
		// Sealing leaves it verified and the bond untouched.
		assert!(!<Delivery as DeliveryLedger<_>>::is_epoch_sealed(0));
		run_to_block(seal_block(0));
		assert!(<Delivery as DeliveryLedger<_>>::is_epoch_sealed(0));
		assert!(has_event(Event::EpochSealed { epoch: 0, verified: 1, rejected: 0 }));
		assert_eq!(Delivery::held_bond(&account("edge")), MIN_BOND * 2);
	});
}

#[test]
fn draws_depend_on_the_seed_block_and_differ_per_edge() {
	new_test_ext().execute_with(|| {
		let content = register_content(1);
		register_edge("edge");
		register_edge("edge2");
		run_to_block(claim_open(0));
		let a = Batch::honest("edge", content, 0, 1_000);
		let b = Batch::honest("edge2", content, 0, 1_000);
		assert_ok!(a.claim("edge", 0));
		assert_ok!(b.claim("edge2", 0));
		// Unknown until the block after the claim window exists.
		run_to_block(proof_open(0) - 1);
		assert_eq!(Delivery::drawn_offsets(&account("edge"), 0), None);
		assert_noop!(submit("edge", 0, a.leaves(&[0])), Error::<Test>::ProofWindowNotOpen);
		run_to_block(proof_open(0));
		assert_ne!(drawn("edge", 0), drawn("edge2", 0));
		assert_eq!(Delivery::drawn_offsets(&account("viewer"), 0), None);
	});
}

#[test]
fn a_one_receipt_claim_proves_that_receipt() {
	new_test_ext().execute_with(|| {
		let (_content, batch) = claimed("edge", 1);
		let offsets = drawn("edge", 0);
		assert_eq!(batch.cover(&offsets), vec![0]);
		assert_ok!(submit("edge", 0, batch.leaves(&[0])));
	});
}

#[test]
fn claim_timing_is_enforced() {
	new_test_ext().execute_with(|| {
		let content = register_content(1);
		register_edge("edge");
		let batch = Batch::honest("edge", content, 0, 4);
		// Epoch 0 is running: neither it nor a future epoch can be claimed.
		assert_noop!(batch.claim("edge", 0), Error::<Test>::EpochNotEnded);
		assert_noop!(batch.claim("edge", 5), Error::<Test>::EpochNotEnded);
		run_to_block(claim_open(0) + CLAIM_WINDOW);
		// The window of epoch 0 has just closed.
		assert_noop!(batch.claim("edge", 0), Error::<Test>::ClaimWindowClosed);
		run_to_block(claim_open(1) + CLAIM_WINDOW + 2);
		assert_noop!(batch.claim("edge", 0), Error::<Test>::ClaimWindowClosed);
		assert_noop!(batch.claim("edge", 1), Error::<Test>::ClaimWindowClosed);
	});
}

#[test]
fn claim_refusals_change_nothing() {
	new_test_ext().execute_with(|| {
		let content = register_content(1);
		let batch = Batch::honest("edge", content, 0, 4);
		run_to_block(claim_open(0));
		assert_noop!(batch.claim("edge", 0), Error::<Test>::NotAnEdge);
		register_edge("edge");
		let claim = |total: u64, count: u32| {
			Delivery::submit_claim(RuntimeOrigin::signed(account("edge")), 0, H256::zero(), total, count)
		};
		assert_noop!(claim(0, 1), Error::<Test>::EmptyClaim);
		assert_noop!(claim(10, 0), Error::<Test>::EmptyClaim);
		// More bytes than `count` receipts of the largest content could hold.
		let largest = MAX_CHUNK_SIZE as u64 * MAX_CHUNKS as u64;
		assert_noop!(claim(2 * largest + 1, 2), Error::<Test>::ClaimTooLarge);
		assert_noop!(claim(u64::MAX, 1), Error::<Test>::ClaimTooLarge);
		assert_ok!(batch.claim("edge", 0));
		assert_noop!(batch.claim("edge", 0), Error::<Test>::ClaimExists);
	});
}

#[test]
fn suspended_edges_cannot_claim_but_unbonding_ones_can() {
	new_test_ext().execute_with(|| {
		let content = register_content(1);
		register_edge("edge");
		register_edge("edge2");
		assert_ok!(Delivery::unbond(RuntimeOrigin::signed(account("edge"))));
		Edges::<Test>::mutate(account("edge2"), |e| {
			e.as_mut().unwrap().state = EdgeState::Suspended { epoch: 0, until: 100 }
		});
		run_to_block(claim_open(0));
		assert_noop!(Batch::honest("edge2", content, 0, 4).claim("edge2", 0), Error::<Test>::EdgeNotActive);
		// An edge that is leaving may still claim the epochs it served.
		assert_ok!(Batch::honest("edge", content, 0, 4).claim("edge", 0));
	});
}

// ---------------------------------------------------------------------------------------------
// Hostile proofs: each refused with its error, changing nothing.

#[test]
fn forged_signature_is_refused() {
	new_test_ext().execute_with(|| {
		let (_content, batch) = claimed("edge", 6);
		let mut proof = batch.proof(&drawn("edge", 0));
		// Signed by the edge itself instead of the viewer.
		proof[0].signature = sign(&proof[0].receipt, &pair("edge"));
		assert_noop!(submit("edge", 0, proof.clone()), Error::<Test>::BadReceiptSignature);
		// A signature of the viewer over another receipt.
		let other = receipt("edge", proof[0].receipt.content, "viewer", 999, 0, 3);
		proof[0].signature = sign(&other, &pair("viewer"));
		assert_noop!(submit("edge", 0, proof), Error::<Test>::BadReceiptSignature);
	});
}

/// Viewers may sign with any `MultiSignature` scheme: receipts of ed25519 and ECDSA viewers
/// verify like sr25519 ones (and `submit_proof` is charged for the costliest scheme), and a
/// signature by another key of the same scheme is refused (for ECDSA: it recovers another key,
/// hence another account).
#[test]
fn receipts_signed_with_ed25519_or_ecdsa_verify() {
	new_test_ext().execute_with(|| {
		let content = register_content(1);
		register_edge("edge");
		let ed = ed25519::Pair::from_string("//ed-viewer", None).unwrap();
		let ec = ecdsa::Pair::from_string("//ec-viewer", None).unwrap();
		let ed_viewer = MultiSigner::from(ed.public()).into_account();
		let ec_viewer = MultiSigner::from(ec.public()).into_account();
		let genesis = Delivery::genesis_hash();
		let receipts: Vec<Receipt> = (0..8u32)
			.map(|i| Receipt {
				viewer: if i % 2 == 0 { ed_viewer.clone() } else { ec_viewer.clone() },
				..receipt("edge", content, "viewer", i as u64, 0, i)
			})
			.collect();
		let sign_as = |r: &Receipt, ed: &ed25519::Pair, ec: &ecdsa::Pair| {
			let payload = r.signing_payload(&genesis);
			if r.viewer == ed_viewer {
				MultiSignature::Ed25519(ed.sign(&payload))
			} else {
				MultiSignature::Ecdsa(ec.sign(&payload))
			}
		};
		let signatures = receipts.iter().map(|r| sign_as(r, &ed, &ec)).collect();
		let tree = SumTree::build(receipts.iter().map(|r| (r.position(), r.leaf())).collect()).unwrap();
		let batch = Batch { receipts, signatures, tree };
		run_to_block(claim_open(0));
		assert_ok!(batch.claim("edge", 0));
		run_to_block(proof_open(0));
		let proof = batch.proof(&drawn("edge", 0));
		assert!(proof.iter().any(|l| l.receipt.viewer == ed_viewer) && proof.iter().any(|l| l.receipt.viewer == ec_viewer));

		let (other_ed, other_ec) = (ed25519::Pair::from_string("//other", None).unwrap(), ecdsa::Pair::from_string("//other", None).unwrap());
		for i in 0..2 {
			let mut forged = proof.clone();
			let k = forged.iter().position(|l| (l.receipt.viewer == ed_viewer) == (i == 0)).unwrap();
			forged[k].signature = sign_as(&forged[k].receipt, &other_ed, &other_ec);
			assert_noop!(submit("edge", 0, forged), Error::<Test>::BadReceiptSignature);
		}
		assert_ok!(submit("edge", 0, proof));
		assert_eq!(Claims::<Test>::get(0, account("edge")).unwrap().status, ClaimStatus::Verified);
	});
}

/// The seam to payments: a verified claim hands over each drawn receipt's payer, content, price
/// and how many of the drawn offsets it holds (together, all of them); sealing hands over each
/// claim once, verified or not, with the edge's bond and score, then the epoch once.
#[test]
fn payments_hear_of_each_verified_claim_and_of_sealing() {
	new_test_ext().execute_with(|| {
		let content = register_content(1);
		register_edge("edge");
		register_edge("edge2");
		let batch = Batch::honest("edge", content, 0, 6);
		let lazy = Batch::honest("edge2", content, 0, 3);
		run_to_block(claim_open(0));
		assert_ok!(batch.claim("edge", 0));
		assert_ok!(lazy.claim("edge2", 0));
		run_to_block(proof_open(0));
		let proof = batch.proof(&drawn("edge", 0));
		PaymentCalls::take();
		assert_ok!(submit("edge", 0, proof.clone()));
		let calls = PaymentCalls::take();
		let [PaymentCall::Verified { edge, epoch: 0, total_bytes, samples, drawn }] = &calls[..] else {
			panic!("one call: {calls:?}")
		};
		assert_eq!((edge, *total_bytes, *samples), (&account("edge"), batch.tree.root().sum, SAMPLES));
		assert_eq!(drawn.len(), proof.len());
		assert_eq!(drawn.iter().map(|d| d.hits).sum::<u32>(), SAMPLES);
		for (d, leaf) in drawn.iter().zip(proof.iter()) {
			assert_eq!((&d.viewer, d.content, d.price_per_mib), (&leaf.receipt.viewer, leaf.receipt.content, leaf.receipt.price_per_mib));
			assert!(d.hits >= 1);
		}
		// A refused proof tells payments nothing.
		assert_noop!(submit("edge", 0, proof), Error::<Test>::ClaimNotPending);
		assert!(PaymentCalls::get().is_empty());

		run_to_block(seal_block(0) + 2);
		let calls = PaymentCalls::take();
		let bond = |who: &str| Edges::<Test>::get(account(who)).unwrap().bond;
		assert!(calls.contains(&PaymentCall::Sealed { edge: account("edge"), epoch: 0, verified: true, bond: bond("edge"), score: 500_000 }));
		assert!(calls.contains(&PaymentCall::Sealed { edge: account("edge2"), epoch: 0, verified: false, bond: bond("edge2"), score: 500_000 }));
		assert!(bond("edge2") < bond("edge"), "the edge that did not prove was slashed first");
		assert_eq!(calls.iter().filter(|c| matches!(c, PaymentCall::Sealed { .. })).count(), 2);
		assert_eq!(calls.last(), Some(&PaymentCall::EpochSealed(0)));
		assert_eq!(calls.iter().filter(|c| matches!(c, PaymentCall::EpochSealed(_))).count(), 1);
	});
}

/// `submit_proof` is charged for the costliest signature scheme at its leaves and depth.
#[test]
fn a_proof_is_charged_for_the_costliest_signature_scheme() {
	use frame_support::dispatch::GetDispatchInfo;
	new_test_ext().execute_with(|| {
		let batch = Batch::honest("edge", register_content(1), 0, 1);
		for (s, d) in [(1, 0), (SAMPLES, 0), (1, 32), (SAMPLES, 32)] {
			let mut leaf = batch.leaf(0);
			leaf.path.siblings = vec![SumNode::leaf(&H256::zero(), 0); d as usize].try_into().unwrap();
			let leaves: Proof = vec![leaf; s as usize].try_into().unwrap();
			let charged = Call::<Test>::submit_proof { epoch: 0, leaves }.get_dispatch_info().call_weight;
			for scheme in [
				<() as WeightInfo>::submit_proof_sr25519(s, d),
				<() as WeightInfo>::submit_proof_ed25519(s, d),
				<() as WeightInfo>::submit_proof_ecdsa(s, d),
			] {
				assert!(scheme.all_lte(charged), "{scheme:?} over {charged:?} at s = {s}, d = {d}");
			}
		}
	});
}

/// The price is signed with the rest: an edge that raises it (to be paid more from the viewer's
/// escrow) breaks the viewer's signature.
#[test]
fn a_receipt_with_a_changed_price_is_refused() {
	new_test_ext().execute_with(|| {
		let content = register_content(1);
		register_edge("edge");
		// The edge commits to its viewers' receipts with every price raised tenfold.
		let Batch { mut receipts, signatures, .. } = Batch::honest("edge", content, 0, 6);
		for r in &mut receipts {
			r.price_per_mib *= 10;
		}
		let tree = SumTree::build(receipts.iter().map(|r| (r.position(), r.leaf())).collect()).unwrap();
		let batch = Batch { receipts, signatures, tree };
		run_to_block(claim_open(0));
		assert_ok!(batch.claim("edge", 0));
		run_to_block(proof_open(0));
		assert_noop!(submit("edge", 0, batch.proof(&drawn("edge", 0))), Error::<Test>::BadReceiptSignature);
	});
}

#[test]
fn a_receipt_of_another_epoch_or_edge_is_refused() {
	new_test_ext().execute_with(|| {
		let content = register_content(1);
		register_edge("edge");
		// Epoch 0, proven.
		let old = Batch::honest("edge", content, 0, 2);
		run_to_block(claim_open(0));
		assert_ok!(old.claim("edge", 0));
		run_to_block(proof_open(0));
		assert_ok!(submit("edge", 0, old.proof(&drawn("edge", 0))));
		// Epoch 1 replays epoch 0's receipts.
		let replay = Batch::new(old.receipts.clone());
		run_to_block(claim_open(1));
		assert_ok!(replay.claim("edge", 1));
		run_to_block(proof_open(1));
		assert_noop!(submit("edge", 1, replay.proof(&drawn("edge", 1))), Error::<Test>::ReceiptMismatch);
	});
	new_test_ext().execute_with(|| {
		let content = register_content(1);
		register_edge("edge");
		// Receipts that name another edge.
		let stolen = Batch::honest("edge2", content, 0, 2);
		run_to_block(claim_open(0));
		assert_ok!(stolen.claim("edge", 0));
		run_to_block(proof_open(0));
		assert_noop!(submit("edge", 0, stolen.proof(&drawn("edge", 0))), Error::<Test>::ReceiptMismatch);
	});
}

#[test]
fn receipts_outside_their_content_are_refused() {
	new_test_ext().execute_with(|| {
		let content = register_content(1);
		register_edge("edge");
		let mut past_end = receipt("edge", content, "viewer", 1, 0, 0);
		past_end.first_chunk = CHUNKS - 1;
		past_end.chunk_count = 2;
		past_end.bytes = 2 * CHUNK as u64;
		let mut too_many_bytes = receipt("edge", content, "viewer", 2, 0, 0);
		too_many_bytes.bytes = CHUNK as u64 + 1;
		let unknown = receipt("edge", manifest_root(7), "viewer", 3, 0, 0);
		for (mut bad, err) in [
			(past_end, Error::<Test>::ReceiptOutOfRange),
			(too_many_bytes, Error::<Test>::ReceiptOutOfRange),
			(unknown, Error::<Test>::UnknownContent),
		] {
			// One epoch per case: the receipt names the epoch it is claimed in.
			let epoch = System::block_number() as u32 / EPOCH as u32;
			bad.epoch = epoch;
			let batch = Batch::new(vec![bad]);
			run_to_block(claim_open(epoch));
			assert_ok!(batch.claim("edge", epoch));
			run_to_block(proof_open(epoch));
			assert_noop!(submit("edge", epoch, batch.leaves(&[0])), err);
			run_to_block(seal_block(epoch) + 1);
		}
	});
}

#[test]
fn inflated_total_bytes_is_refused() {
	new_test_ext().execute_with(|| {
		let content = register_content(1);
		register_edge("edge");
		let batch = Batch::honest("edge", content, 0, 40);
		run_to_block(claim_open(0));
		let root = batch.tree.root();
		// Claims one byte more than its receipts add up to.
		assert_ok!(Delivery::submit_claim(
			RuntimeOrigin::signed(account("edge")),
			0,
			root.hash,
			root.sum + 1,
			40
		));
		run_to_block(proof_open(0));
		let offsets = drawn("edge", 0);
		let honest: Vec<u64> = offsets.iter().copied().filter(|o| *o < root.sum).collect();
		assert_noop!(submit("edge", 0, batch.proof(&honest)), Error::<Test>::InvalidPath);
	});
}

#[test]
fn leaves_that_were_not_drawn_or_are_missing_are_refused() {
	new_test_ext().execute_with(|| {
		let content = register_content(1);
		register_edge("edge");
		// One receipt of 50 chunks and 20 of one: most offsets fall in the big one, so some small
		// receipts are not drawn.
		let mut receipts: Vec<Receipt> = (0..21).map(|i| receipt("edge", content, "viewer", i, 0, i as u32)).collect();
		receipts[0].chunk_count = 50;
		receipts[0].bytes = 50 * CHUNK as u64;
		let batch = Batch::new(receipts);
		run_to_block(claim_open(0));
		assert_ok!(batch.claim("edge", 0));
		run_to_block(proof_open(0));
		let offsets = drawn("edge", 0);
		let cover = batch.cover(&offsets);
		assert!(cover.len() < SAMPLES as usize && cover.len() >= 2, "{cover:?}");
		let not_drawn = (0..21).find(|i| !cover.contains(i)).unwrap();
		let mut extra = cover.clone();
		extra.push(not_drawn);
		assert_noop!(submit("edge", 0, batch.leaves(&extra)), Error::<Test>::LeafNotDrawn);
		let mut swapped = cover.clone();
		swapped[0] = not_drawn;
		assert!(submit("edge", 0, batch.leaves(&swapped)).is_err());
		// Drawn leaves, but one missing, or out of slot order.
		assert_noop!(submit("edge", 0, batch.leaves(&cover[1..])), Error::<Test>::ProofIncomplete);
		let mut unordered = batch.leaves(&cover).into_inner();
		unordered.swap(0, 1);
		assert_noop!(submit("edge", 0, unordered.try_into().unwrap()), Error::<Test>::ProofIncomplete);
		assert_ok!(submit("edge", 0, batch.leaves(&cover)));
	});
}

#[test]
fn a_tampered_path_is_refused() {
	new_test_ext().execute_with(|| {
		let (_content, batch) = claimed("edge", 300);
		let mut proof = batch.proof(&drawn("edge", 0));
		proof[1].path.siblings[0].sum += 1;
		assert_noop!(submit("edge", 0, proof), Error::<Test>::InvalidPath);
	});
}

#[test]
fn proof_after_the_window_is_refused_and_the_claim_slashed() {
	new_test_ext().execute_with(|| {
		let (_content, batch) = claimed("edge", 30);
		let proof = batch.proof(&drawn("edge", 0));
		let treasury_before = Balances::free_balance(Treasury::get());
		run_to_block(seal_block(0));
		// Sealed at the first block after the window: rejected and slashed exactly 10%.
		assert_eq!(Claims::<Test>::get(0, account("edge")).unwrap().status, ClaimStatus::Rejected);
		let slashed = MIN_BOND * 2 / 10;
		assert!(has_event(Event::ClaimRejected { edge: account("edge"), epoch: 0 }));
		assert!(has_event(Event::EdgeSlashed {
			edge: account("edge"),
			amount: slashed,
			reason: SlashReason::UnprovenClaim,
		}));
		assert!(has_event(Event::EpochSealed { epoch: 0, verified: 0, rejected: 1 }));
		assert_eq!(Delivery::held_bond(&account("edge")), MIN_BOND * 2 - slashed);
		assert_eq!(Edges::<Test>::get(account("edge")).unwrap().bond, MIN_BOND * 2 - slashed);
		assert_eq!(Balances::free_balance(Treasury::get()), treasury_before + slashed);
		assert_eq!(<Delivery as DeliveryLedger<_>>::verified_bytes(&account("edge"), 0), 0);
		assert_noop!(submit("edge", 0, proof.clone()), Error::<Test>::ClaimNotPending);
		assert_noop!(submit("edge", 1, proof), Error::<Test>::NoClaim);
	});
}

#[test]
fn the_proof_window_closes_before_sealing() {
	new_test_ext().execute_with(|| {
		let (_content, batch) = claimed("edge", 30);
		let proof = batch.proof(&drawn("edge", 0));
		// The last block of the window still accepts it; the claim is pending until then.
		run_to_block(seal_block(0) - 1);
		assert_ok!(submit("edge", 0, proof));
	});
	new_test_ext().execute_with(|| {
		let (_content, batch) = claimed("edge", 30);
		let proof = batch.proof(&drawn("edge", 0));
		// A proof arriving in the sealing block itself is late (the claim is already rejected).
		run_to_block(seal_block(0));
		assert_noop!(submit("edge", 0, proof.clone()), Error::<Test>::ClaimNotPending);
		// And with the window check alone (had the claim stayed pending):
		Claims::<Test>::mutate(0, account("edge"), |c| c.as_mut().unwrap().status = ClaimStatus::Pending);
		assert_noop!(submit("edge", 0, proof), Error::<Test>::ProofWindowClosed);
	});
}

#[test]
fn slashing_takes_exactly_the_slash_fraction_each_time() {
	new_test_ext().execute_with(|| {
		register_edge("edge");
		let mut edge = Edges::<Test>::get(account("edge")).unwrap();
		let mut expected = MIN_BOND * 2;
		for _ in 0..3 {
			let cut = Slash::get() * expected;
			let taken = Delivery::slash_edge(&account("edge"), &mut edge, SlashReason::FailedSamples);
			assert_eq!(taken, cut);
			expected -= cut;
			assert_eq!(edge.bond, expected);
			assert_eq!(Delivery::held_bond(&account("edge")), expected);
		}
	});
}

// ---------------------------------------------------------------------------------------------
// Samples

fn validator(name: &str) -> (sr25519::Pair, ocw_crypto::Public) {
	let p = pair(name);
	let public = ocw_crypto::Public::from(p.public());
	(p, public)
}

/// `n` validators, made the mock's validator set.
fn validators(n: usize) -> Vec<(sr25519::Pair, ocw_crypto::Public)> {
	let v: Vec<_> = (0..n).map(|i| validator(&format!("validator{i}"))).collect();
	ValidatorKeys::set(v.iter().map(|(_, k)| k.clone()).collect());
	v
}

fn report(edge: &str, content: H256, outcome: SampleOutcome, key: &ocw_crypto::Public) -> SampleReportOf<Test> {
	SampleReport {
		edge: account(edge),
		content,
		chunk_index: 7,
		outcome,
		latency_ms: 120,
		epoch: Delivery::current_epoch(),
		validator: key.clone(),
	}
}

fn sign_report(r: &SampleReportOf<Test>, by: &sr25519::Pair) -> ocw_crypto::Signature {
	ocw_crypto::Signature::from(by.sign(&r.signing_payload(&Delivery::genesis_hash())))
}

fn authorize(r: &SampleReportOf<Test>, s: &ocw_crypto::Signature) -> Result<(), TransactionValidityError> {
	let call = Call::<Test>::report_sample { report: r.clone(), signature: s.clone() };
	call.authorize(TransactionSource::External).expect("report_sample has an authorize fn").map(|_| ())
}

fn dispatch_report(r: &SampleReportOf<Test>, s: &ocw_crypto::Signature) -> sp_runtime::DispatchResult {
	Delivery::report_sample(frame_system::RawOrigin::Authorized.into(), r.clone(), s.clone())
}

/// `validator` reports `outcome` for `edge`'s chunk 7 of `content`, signed properly.
fn reported(edge: &str, content: H256, outcome: SampleOutcome, v: &(sr25519::Pair, ocw_crypto::Public)) -> sp_runtime::DispatchResult {
	let r = report(edge, content, outcome, &v.1);
	dispatch_report(&r, &sign_report(&r, &v.0))
}

fn score(edge: &str) -> u32 {
	Edges::<Test>::get(account(edge)).unwrap().score
}

#[test]
fn a_validator_sample_moves_the_score() {
	new_test_ext().execute_with(|| {
		let content = register_content(1);
		register_edge("edge");
		let (p, key) = validator("alice");
		ValidatorKeys::set(vec![key.clone()]);
		let r = report("edge", content, SampleOutcome::Served, &key);
		let s = sign_report(&r, &p);
		assert_eq!(authorize(&r, &s), Ok(()));
		assert_ok!(dispatch_report(&r, &s));
		// The only validator moves the score by the whole step.
		assert_eq!(score("edge"), 501_000);
		assert_eq!(last_event(), RuntimeEvent::Delivery(Event::SampleReported {
			validator: key.clone(),
			edge: account("edge"),
			content,
			chunk_index: 7,
			outcome: SampleOutcome::Served,
			latency_ms: 120,
			score: 501_000,
		}));
		// One report per validator, edge and epoch.
		assert_eq!(authorize(&r, &s), Err(TransactionValidityError::Invalid(InvalidTransaction::Stale)));
		assert_noop!(dispatch_report(&r, &s), Error::<Test>::AlreadyReported);
		// Next epoch, the same validator may report again; a failure lowers the score.
		run_to_block(EPOCH);
		assert_ok!(reported("edge", content, SampleOutcome::BadChunk, &(p, key)));
		assert_eq!(score("edge"), 451_000);
		assert_eq!(SampleFailures::<Test>::get(1, account("edge")), 1);
	});
}

#[test]
fn a_report_from_a_key_that_is_not_a_validator_is_refused() {
	new_test_ext().execute_with(|| {
		let content = register_content(1);
		register_edge("edge");
		let (_, alice) = validator("alice");
		ValidatorKeys::set(vec![alice]);
		let (mallory_pair, mallory) = validator("mallory");
		let r = report("edge", content, SampleOutcome::BadChunk, &mallory);
		let s = sign_report(&r, &mallory_pair);
		assert_eq!(authorize(&r, &s), Err(TransactionValidityError::Invalid(InvalidTransaction::BadSigner)));
		assert_noop!(dispatch_report(&r, &s), Error::<Test>::NotValidator);
		// Nor through a signed origin, validator or not.
		assert_noop!(
			Delivery::report_sample(RuntimeOrigin::signed(account("edge")), r, s),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn a_report_with_a_bad_signature_or_epoch_is_refused() {
	new_test_ext().execute_with(|| {
		let content = register_content(1);
		register_edge("edge");
		let (p, key) = validator("alice");
		ValidatorKeys::set(vec![key.clone()]);
		let r = report("edge", content, SampleOutcome::Served, &key);
		let forged = sign_report(&r, &pair("bob"));
		assert_eq!(authorize(&r, &forged), Err(TransactionValidityError::Invalid(InvalidTransaction::BadProof)));
		assert_noop!(dispatch_report(&r, &forged), Error::<Test>::BadReportSignature);

		let mut future = r.clone();
		future.epoch = 3;
		let s = sign_report(&future, &p);
		assert_eq!(authorize(&future, &s), Err(TransactionValidityError::Invalid(InvalidTransaction::Future)));
		run_to_block(EPOCH * 2);
		let s = sign_report(&r, &p);
		assert_eq!(authorize(&r, &s), Err(TransactionValidityError::Invalid(InvalidTransaction::Stale)));
		assert_noop!(dispatch_report(&r, &s), Error::<Test>::WrongEpoch);

		let mut bad_chunk = report("edge", content, SampleOutcome::Served, &key);
		bad_chunk.chunk_index = CHUNKS;
		let s = sign_report(&bad_chunk, &p);
		assert_eq!(authorize(&bad_chunk, &s), Err(TransactionValidityError::Invalid(InvalidTransaction::Call)));
		assert_noop!(dispatch_report(&bad_chunk, &s), Error::<Test>::ChunkOutOfRange);
		let unknown = report("edge2", content, SampleOutcome::Served, &key);
		assert_noop!(dispatch_report(&unknown, &sign_report(&unknown, &p)), Error::<Test>::NotAnEdge);
		let no_content = report("edge", manifest_root(3), SampleOutcome::Served, &key);
		assert_noop!(dispatch_report(&no_content, &sign_report(&no_content, &p)), Error::<Test>::UnknownContent);
	});
}

#[test]
fn more_than_a_third_of_the_validators_suspend_and_slash() {
	new_test_ext().execute_with(|| {
		let content = register_content(1);
		register_edge("edge");
		let set = validators(4);
		let treasury_before = Balances::free_balance(Treasury::get());
		// One of four is not more than a third; two are.
		assert_ok!(reported("edge", content, SampleOutcome::Unavailable, &set[0]));
		assert_eq!(Edges::<Test>::get(account("edge")).unwrap().state, EdgeState::Active);
		assert_ok!(reported("edge", content, SampleOutcome::Unavailable, &set[1]));
		let until = 1 + SUSPENSION;
		assert_eq!(Edges::<Test>::get(account("edge")).unwrap().state, EdgeState::Suspended { epoch: 0, until });
		let slashed = MIN_BOND * 2 / 10;
		assert!(has_event(Event::EdgeSuspended { edge: account("edge"), epoch: 0, until }));
		assert!(has_event(Event::EdgeSlashed { edge: account("edge"), amount: slashed, reason: SlashReason::FailedSamples }));
		assert_eq!(Delivery::held_bond(&account("edge")), MIN_BOND * 2 - slashed);
		assert_eq!(Balances::free_balance(Treasury::get()), treasury_before + slashed);
		assert_eq!(score("edge"), 500_000 - 2 * (50_000 / 4));
		// A suspended edge is no longer sampled.
		assert_noop!(reported("edge", content, SampleOutcome::Unavailable, &set[2]), Error::<Test>::EdgeNotActive);
		// It can still leave.
		assert_ok!(Delivery::unbond(RuntimeOrigin::signed(account("edge"))));
	});
}

#[test]
fn a_suspended_edge_resumes_after_the_period_with_its_bond_topped_up() {
	new_test_ext().execute_with(|| {
		let content = register_content(1);
		assert_ok!(Delivery::register_edge(
			RuntimeOrigin::signed(account("edge")),
			bounded(b"https://8.8.8.8"),
			bounded(b"eu"),
			MIN_BOND,
		));
		let edge = || RuntimeOrigin::signed(account("edge"));
		assert_noop!(Delivery::resume(edge()), Error::<Test>::NotSuspended);
		let set = validators(1);
		assert_ok!(reported("edge", content, SampleOutcome::BadChunk, &set[0]));
		let until = 1 + SUSPENSION;
		assert_noop!(Delivery::resume(edge()), Error::<Test>::SuspensionNotOver);
		run_to_block(until);
		// The slash left the bond under MinEdgeBond.
		assert_noop!(Delivery::resume(edge()), Error::<Test>::BondTooLow);
		assert_ok!(Delivery::bond_more(edge(), MIN_BOND / 10));
		assert_ok!(Delivery::resume(edge()));
		assert_eq!(last_event(), RuntimeEvent::Delivery(Event::EdgeResumed { edge: account("edge") }));
		assert_eq!(Edges::<Test>::get(account("edge")).unwrap().state, EdgeState::Active);
		// Sampled again.
		assert_ok!(reported("edge", content, SampleOutcome::Served, &set[0]));
	});
}

// ---------------------------------------------------------------------------------------------
// Sealing, pruning

#[test]
fn sealing_happens_once_per_epoch_even_without_claims() {
	new_test_ext().execute_with(|| {
		run_to_block(seal_block(0) - 1);
		assert_eq!(LastSealedEpoch::<Test>::get(), None);
		run_to_block(seal_block(0));
		assert_eq!(LastSealedEpoch::<Test>::get(), Some(0));
		run_to_block(seal_block(3));
		assert_eq!(LastSealedEpoch::<Test>::get(), Some(3));
		let sealed: Vec<u32> = System::events()
			.iter()
			.filter_map(|r| match &r.event {
				RuntimeEvent::Delivery(Event::EpochSealed { epoch, .. }) => Some(*epoch),
				_ => None,
			})
			.collect();
		assert_eq!(sealed, vec![0, 1, 2, 3]);
	});
}

#[test]
fn old_claims_are_pruned_after_the_history_depth() {
	new_test_ext().execute_with(|| {
		let (_content, batch) = claimed("edge", 20);
		assert_ok!(submit("edge", 0, batch.proof(&drawn("edge", 0))));
		// HistoryDepth = 2: epoch 0 is kept while it is one of the two latest sealed epochs…
		run_to_block(seal_block(1) + 1);
		assert!(Claims::<Test>::get(0, account("edge")).is_some());
		assert_eq!(<Delivery as DeliveryLedger<_>>::verified_bytes(&account("edge"), 0), 20 * CHUNK as u64);
		// …and removed once epoch 2 is sealed.
		run_to_block(seal_block(2) + 1);
		assert!(Claims::<Test>::get(0, account("edge")).is_none());
		assert_eq!(Pruning::<Test>::get().claims, 1);
	});
}

#[test]
fn epoch_arithmetic_matches_the_documented_timeline() {
	new_test_ext().execute_with(|| {
		assert_eq!(Delivery::claim_window(0), (20, 25));
		assert_eq!(Delivery::seed_block(0), 25);
		assert_eq!(Delivery::proof_window(0), (26, 31));
		assert_eq!(Delivery::epoch_of(19), 0);
		assert_eq!(Delivery::epoch_of(20), 1);
		assert_eq!(Delivery::schedule(), EpochSchedule { epoch_length: EPOCH, claim_window: CLAIM_WINDOW, proof_window: PROOF_WINDOW });
	});
}

#[test]
fn a_genesis_schedule_replaces_the_defaults() {
	let mut t = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	crate::GenesisConfig::<Test> { epoch_length: 10, claim_window: 3, proof_window: 3, allow_local_endpoints: true }
		.assimilate_storage(&mut t)
		.unwrap();
	sp_io::TestExternalities::new(t).execute_with(|| {
		assert_eq!(Delivery::schedule(), EpochSchedule { epoch_length: 10, claim_window: 3, proof_window: 3 });
		assert_eq!(Delivery::claim_window(0), (10, 13));
		assert_eq!(Delivery::proof_window(0), (14, 17));
		assert!(AllowLocalEndpoints::<Test>::get());
	});
	// A schedule the pallet cannot run does not make a genesis.
	let bad = std::panic::catch_unwind(|| {
		let mut t = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
		crate::GenesisConfig::<Test> { epoch_length: 10, claim_window: 10, proof_window: 3, allow_local_endpoints: false }
			.assimilate_storage(&mut t)
	});
	assert!(bad.is_err());
}

// ---------------------------------------------------------------------------------------------
// Property: any single-bit change of a valid proof makes it fail.

mod property {
	use super::*;
	use proptest::prelude::*;

	proptest! {
		#![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

		#[test]
		fn flipping_any_bit_of_a_valid_proof_makes_it_fail(pick in any::<u64>(), bit in 0u8..8) {
			new_test_ext().execute_with(|| {
				let (_content, batch) = claimed("edge", 40);
				let proof = batch.proof(&drawn("edge", 0));
				let encoded = proof.encode();
				let at = (pick % encoded.len() as u64) as usize;
				let mut tampered = encoded.clone();
				tampered[at] ^= 1 << bit;
				match Proof::decode(&mut &tampered[..]) {
					// Not even a proof any more: the transaction would not decode.
					Err(_) => {},
					Ok(p) => {
						let result = frame_support::storage::with_transaction(|| {
							let r = submit("edge", 0, p);
							sp_runtime::TransactionOutcome::Rollback(Ok::<_, DispatchError>(r))
						}).unwrap();
						prop_assert!(result.is_err(), "bit {bit} of byte {at} flipped, still accepted");
					},
				}
				// The untouched proof still verifies.
				prop_assert!(submit("edge", 0, proof).is_ok());
				Ok(())
			})?;
		}
	}
}

#[test]
fn integrity_test_passes() {
	new_test_ext().execute_with(|| {
		<Delivery as Hooks<u64>>::integrity_test();
	});
}

// ---------------------------------------------------------------------------------------------
// The attacks of issue 13. Each was first written against the code before the fix and failed
// there (see the closing note of issue 13); here they are in the API the fix introduced.

mod attacks {
	use super::*;

	/// Attack 1: a junk node holding almost all the bytes, in a slot that is not drawn by index.
	/// Byte-weighted draws land in it, and nobody can open it.
	#[test]
	fn bytes_hidden_in_a_junk_leaf_are_drawn_and_refused() {
		new_test_ext().execute_with(|| {
			let content = register_content(1);
			register_edge("edge");
			let honest = Batch::honest("edge", content, 0, 1_000);
			let mut leaves: Vec<(u32, SumNode)> = honest.receipts.iter().map(|r| (r.position(), r.leaf())).collect();
			let junk_slot = (0..u32::MAX).find(|p| !leaves.iter().any(|l| l.0 == *p)).unwrap();
			// u64::MAX / 2 junk bytes are more than 1 001 receipts could ever hold: refused outright.
			let mut huge = leaves.clone();
			huge.push((junk_slot, SumNode::leaf(&H256::repeat_byte(0xab), u64::MAX / 2)));
			let huge = SumTree::build(huge).unwrap().root();
			run_to_block(claim_open(0));
			assert_noop!(
				Delivery::submit_claim(RuntimeOrigin::signed(account("edge")), 0, huge.hash, huge.sum, 1_001),
				Error::<Test>::ClaimTooLarge
			);
			// Junk within that bound (4 000× the real bytes) is left to the draw.
			leaves.push((junk_slot, SumNode::leaf(&H256::repeat_byte(0xab), 4_000_000_000)));
			let tree = SumTree::build(leaves).unwrap();
			let root = tree.root();
			assert_ok!(Delivery::submit_claim(RuntimeOrigin::signed(account("edge")), 0, root.hash, root.sum, 1_001));
			run_to_block(proof_open(0));
			let offsets = drawn("edge", 0);
			// The edge opens every honest leaf a drawn offset falls in; the junk it cannot.
			let opened: Vec<usize> = offsets
				.iter()
				.filter_map(|o| {
					let p = tree.leaf_at_offset(*o).unwrap();
					honest.receipts.iter().position(|r| r.position() == p)
				})
				.fold(Vec::new(), |mut v, i| {
					if !v.contains(&i) {
						v.push(i)
					}
					v
				});
			let mut proof: Vec<Leaf> =
				opened.iter().map(|i| honest.leaf_in(*i, &tree, honest.receipts[*i].position())).collect();
			proof.sort_by_key(|l| l.receipt.position());
			assert!(submit("edge", 0, proof.try_into().unwrap()).is_err(), "4 000× junk bytes verified");
			run_to_block(seal_block(0));
			assert_eq!(Claims::<Test>::get(0, account("edge")).unwrap().status, ClaimStatus::Rejected);
		});
	}

	/// Beyond the list: copies of genuine receipts in other slots (each viewer's receipt
	/// counted twice). A copy's path does not start at its receipt's slot.
	#[test]
	fn copies_of_real_receipts_are_refused() {
		new_test_ext().execute_with(|| {
			let content = register_content(1);
			register_edge("edge");
			let honest = Batch::honest("edge", content, 0, 200);
			let mut leaves: Vec<(u32, SumNode)> = honest.receipts.iter().map(|r| (r.position(), r.leaf())).collect();
			// The same receipt twice in its own slot does not even make a tree.
			let dup = leaves[0];
			assert!(SumTree::build([leaves.clone(), vec![dup]].concat()).is_err());
			// So every receipt is copied to the slot next to its own (when free): twice the bytes.
			let taken: Vec<u32> = leaves.iter().map(|l| l.0).collect();
			let copies: Vec<(u32, SumNode, usize)> = honest
				.receipts
				.iter()
				.enumerate()
				.filter(|(_, r)| !taken.contains(&(r.position() ^ 1)))
				.map(|(i, r)| (r.position() ^ 1, r.leaf(), i))
				.collect();
			leaves.extend(copies.iter().map(|c| (c.0, c.1)));
			let tree = SumTree::build(leaves).unwrap();
			run_to_block(claim_open(0));
			let root = tree.root();
			assert_ok!(Delivery::submit_claim(RuntimeOrigin::signed(account("edge")), 0, root.hash, root.sum, tree.len()));
			run_to_block(proof_open(0));
			// The edge opens whatever receipt sits where each offset falls, copies included.
			let mut slots: Vec<u32> = drawn("edge", 0).iter().map(|o| tree.leaf_at_offset(*o).unwrap()).collect();
			slots.dedup();
			assert!(slots.iter().any(|p| copies.iter().any(|c| c.0 == *p)), "half the bytes are copies: 8 offsets miss them 1 time in 256");
			let proof: Vec<Leaf> = slots
				.iter()
				.map(|p| {
					let i = honest
						.receipts
						.iter()
						.position(|r| r.position() == *p)
						.or_else(|| copies.iter().find(|c| c.0 == *p).map(|c| c.2))
						.unwrap();
					honest.leaf_in(i, &tree, *p)
				})
				.collect();
			let err = submit("edge", 0, proof.try_into().unwrap()).unwrap_err();
			assert!(
				err == Error::<Test>::InvalidPath.into() || err == Error::<Test>::ProofIncomplete.into(),
				"{err:?}"
			);
		});
	}

	/// Attack 2: content of any size.
	#[test]
	fn content_sizes_are_bounded() {
		new_test_ext().execute_with(|| {
			assert_noop!(
				Delivery::register_content(
					RuntimeOrigin::signed(account("creator")),
					manifest_root(5),
					u32::MAX,
					u32::MAX,
					u32::MAX as u64 * u32::MAX as u64,
					false,
					bounded(b""),
					bounded(b""),
				),
				Error::<Test>::InvalidManifest
			);
		});
	}

	/// Attack 2: a receipt's bytes must be the exact length of its chunk range (the last chunk
	/// is short).
	#[test]
	fn receipt_bytes_must_equal_its_chunk_range() {
		new_test_ext().execute_with(|| {
			// 10 chunks of 1 000 bytes, the last one 500 bytes long.
			let root = manifest_root(4);
			assert_ok!(Delivery::register_content(
				RuntimeOrigin::signed(account("creator")),
				root,
				1_000,
				10,
				9_500,
				false,
				bounded(b""),
				bounded(b""),
			));
			let content = prim::content_id(&account("creator"), &root);
			register_edge("edge");
			let mut short = receipt("edge", content, "viewer", 1, 0, 0);
			short.chunk_count = 2;
			short.bytes = 1; // 2 chunks claimed as 1 byte.
			let mut last_full = receipt("edge", content, "viewer", 2, 0, 9);
			last_full.bytes = 1_000; // the last chunk is 500 bytes.
			let mut last_exact = receipt("edge", content, "viewer", 3, 0, 9);
			last_exact.bytes = 500;
			for (i, (mut r, ok)) in [(short, false), (last_full, false), (last_exact, true)].into_iter().enumerate() {
				let epoch = i as u32;
				r.epoch = epoch;
				let batch = Batch::new(vec![r]);
				run_to_block(claim_open(epoch));
				assert_ok!(batch.claim("edge", epoch));
				run_to_block(proof_open(epoch));
				if ok {
					assert_ok!(submit("edge", epoch, batch.leaves(&[0])));
				} else {
					assert_noop!(submit("edge", epoch, batch.leaves(&[0])), Error::<Test>::ReceiptOutOfRange);
				}
			}
		});
	}

	/// Attack 2: a receipt of an epoch that ended before the content existed, or that started
	/// after it was retired.
	#[test]
	fn receipts_outside_the_contents_life_are_refused() {
		new_test_ext().execute_with(|| {
			register_edge("edge");
			run_to_block(claim_open(0) + 1); // epoch 1: content registered now…
			let content = register_content(1);
			let before = Batch::honest("edge", content, 0, 1); // …for a receipt of epoch 0.
			assert_ok!(before.claim("edge", 0));
			run_to_block(proof_open(0));
			assert_noop!(submit("edge", 0, before.leaves(&[0])), Error::<Test>::ContentNotLive);
			// Retired in epoch 1: receipts of epoch 1 still count, of epoch 2 not.
			assert_ok!(Delivery::retire_content(RuntimeOrigin::signed(account("creator")), content));
			let during = Batch::honest("edge", content, 1, 1);
			run_to_block(claim_open(1));
			assert_ok!(during.claim("edge", 1));
			run_to_block(proof_open(1));
			assert_ok!(submit("edge", 1, during.proof(&drawn("edge", 1))));
			let after = Batch::honest("edge", content, 2, 1);
			run_to_block(claim_open(2));
			assert_ok!(after.claim("edge", 2));
			run_to_block(proof_open(2));
			// By now the record itself is gone: nothing could prove it any more.
			assert!(submit("edge", 2, after.leaves(&[0])).is_err());
		});
	}

	/// Attack 3: front-running `register_content` with other sizes.
	#[test]
	fn front_running_register_content_takes_nothing() {
		new_test_ext().execute_with(|| {
			let root = manifest_root(1);
			assert_ok!(Delivery::register_content(
				RuntimeOrigin::signed(account("edge2")),
				root,
				1,
				1,
				1,
				false,
				bounded(b""),
				bounded(b""),
			));
			// The creator's own registration still goes through, as its own content.
			let content = register_content(1);
			let info = Contents::<Test>::get(content).unwrap();
			assert_eq!((info.creator.clone(), info.chunk_size, info.manifest_root), (account("creator"), CHUNK, root));
			assert_ne!(content, prim::content_id(&account("edge2"), &root));
			// And honest receipts of it verify.
			register_edge("edge");
			let batch = Batch::honest("edge", content, 0, 5);
			run_to_block(claim_open(0));
			assert_ok!(batch.claim("edge", 0));
			run_to_block(proof_open(0));
			assert_ok!(submit("edge", 0, batch.proof(&drawn("edge", 0))));
		});
	}

	/// Attack 4: one viewer signs the same nonce for its own edge and a victim, proves first.
	#[test]
	fn one_viewer_cannot_get_an_honest_edge_slashed() {
		new_test_ext().execute_with(|| {
			let content = register_content(1);
			register_edge("edge");
			register_edge("edge2");
			let victim = Batch::new(vec![receipt("edge", content, "viewer", 7, 0, 0)]);
			let own = Batch::new(vec![receipt("edge2", content, "viewer", 7, 0, 1)]);
			run_to_block(claim_open(0));
			assert_ok!(victim.claim("edge", 0));
			assert_ok!(own.claim("edge2", 0));
			run_to_block(proof_open(0));
			assert_ok!(submit("edge2", 0, own.leaves(&[0])));
			assert_ok!(submit("edge", 0, victim.leaves(&[0])));
			run_to_block(seal_block(0));
			assert!(has_event(Event::EpochSealed { epoch: 0, verified: 2, rejected: 0 }));
			assert_eq!(Delivery::held_bond(&account("edge")), MIN_BOND * 2);
		});
	}

	/// Attack 5: no first-come cap. 10 000 edges claim in one epoch, half prove; sealing is
	/// spread over blocks, `MaxSealPerBlock` claims each, and ends with every unproven claim
	/// slashed.
	#[test]
	fn ten_thousand_edges_claim_prove_and_are_sealed_over_several_blocks() {
		new_test_ext().execute_with(|| {
			const EDGES: u32 = 10_000;
			SealPerBlock::set(1_000);
			let content = register_content(1);
			let edges: Vec<AccountId> = (0..EDGES)
				.map(|i| {
					let mut raw = [0x55u8; 32];
					raw[..4].copy_from_slice(&i.to_le_bytes());
					AccountId32::new(raw)
				})
				.collect();
			for who in &edges {
				assert_ok!(<Balances as Mutate<_>>::mint_into(who, MIN_BOND * 3));
				assert_ok!(Delivery::register_edge(
					RuntimeOrigin::signed(who.clone()),
					bounded(b"https://8.8.8.8"),
					bounded(b"eu"),
					MIN_BOND,
				));
			}
			let receipts: Vec<Receipt> =
				edges.iter().enumerate().map(|(i, who)| receipt_of(who, content, "viewer", i as u64, 0, i as u32)).collect();
			let signatures: Vec<MultiSignature> = receipts.iter().map(|r| sign(r, &pair("viewer"))).collect();
			run_to_block(claim_open(0));
			for (who, r) in edges.iter().zip(&receipts) {
				let leaf = r.leaf();
				let root = SumTree::build(vec![(r.position(), leaf)]).unwrap().root();
				assert_ok!(Delivery::submit_claim(RuntimeOrigin::signed(who.clone()), 0, root.hash, root.sum, 1));
			}
			run_to_block(proof_open(0));
			for (i, (who, r)) in edges.iter().zip(&receipts).enumerate().filter(|(i, _)| i % 2 == 0) {
				let path = SumTree::build(vec![(r.position(), r.leaf())]).unwrap().path(r.position()).unwrap();
				let proof = vec![Leaf { receipt: r.clone(), signature: signatures[i].clone(), path }];
				assert_ok!(Delivery::submit_proof(RuntimeOrigin::signed(who.clone()), 0, proof.try_into().unwrap()));
			}
			// Sealing: at most 1 000 claims a block, each block's weight within its bound.
			run_to_block(seal_block(0) - 1);
			let per_block_bound = Delivery::seal_weight(1_000, 1_000)
				.saturating_add(<Test as frame_system::Config>::DbWeight::get().reads(2));
			let mut blocks = 0;
			while LastSealedEpoch::<Test>::get().is_none() {
				let next = System::block_number() + 1;
				System::set_block_number(next);
				let w = Delivery::on_initialize(next);
				assert!(w.all_lte(per_block_bound), "block {next}: {w:?}");
				Delivery::do_try_state().unwrap();
				blocks += 1;
				assert!(blocks <= 11, "sealing 10 000 claims took more than 11 blocks");
			}
			assert!(blocks >= 10, "10 000 claims at 1 000 a block take 10 blocks, took {blocks}");
			assert!(has_event(Event::EpochSealed { epoch: 0, verified: EDGES / 2, rejected: EDGES / 2 }));
			assert_eq!(Edges::<Test>::get(&edges[0]).unwrap().bond, MIN_BOND);
			assert_eq!(Edges::<Test>::get(&edges[1]).unwrap().bond, MIN_BOND - MIN_BOND / 10);
		});
	}

	/// Attack 6: a third of the validators cannot suspend an edge; more than a third can.
	#[test]
	fn a_third_of_the_validators_cannot_suspend_an_edge() {
		new_test_ext().execute_with(|| {
			let content = register_content(1);
			register_edge("edge");
			let set = validators(30);
			for v in set.iter().take(10) {
				assert_ok!(reported("edge", content, SampleOutcome::BadChunk, v));
			}
			assert_eq!(Edges::<Test>::get(account("edge")).unwrap().state, EdgeState::Active);
			assert_eq!(Delivery::held_bond(&account("edge")), MIN_BOND * 2);
			assert_ok!(reported("edge", content, SampleOutcome::BadChunk, &set[10]));
			assert!(matches!(Edges::<Test>::get(account("edge")).unwrap().state, EdgeState::Suspended { .. }));
		});
	}

	/// Attack 6: one validator moves an edge's score by at most its share of the set.
	#[test]
	fn one_validator_moves_a_score_by_its_share_only() {
		new_test_ext().execute_with(|| {
			let content = register_content(1);
			register_edge("edge");
			let set = validators(30);
			// Failing the edge every epoch for 20 epochs, alone.
			for e in 0..20u64 {
				run_to_block(e * EPOCH + 1);
				let before = score("edge");
				assert_ok!(reported("edge", content, SampleOutcome::BadChunk, &set[0]));
				assert!(before - score("edge") <= 50_000 / 30, "one of 30 moved the score by {}", before - score("edge"));
			}
			assert!(score("edge") >= 500_000 - 20 * (50_000 / 30));
			assert_eq!(Edges::<Test>::get(account("edge")).unwrap().state, EdgeState::Active);
		});
	}

	/// Attack 6: an edge that unbonds stays liable until it can withdraw.
	#[test]
	fn unbonding_does_not_dodge_sample_reports() {
		new_test_ext().execute_with(|| {
			let content = register_content(1);
			register_edge("edge");
			let set = validators(3);
			assert_ok!(reported("edge", content, SampleOutcome::BadChunk, &set[0]));
			// About to be suspended: it unbonds…
			assert_ok!(Delivery::unbond(RuntimeOrigin::signed(account("edge"))));
			// …and the last report still lands, suspends and slashes.
			assert_ok!(reported("edge", content, SampleOutcome::BadChunk, &set[1]));
			assert!(matches!(Edges::<Test>::get(account("edge")).unwrap().state, EdgeState::Suspended { .. }));
			assert_eq!(Delivery::held_bond(&account("edge")), MIN_BOND * 2 - MIN_BOND * 2 / 10);
			// To leave now it must unbond again: the whole period, liable throughout.
			run_to_block(1 + UNBONDING);
			assert_noop!(Delivery::withdraw_unbonded(RuntimeOrigin::signed(account("edge"))), Error::<Test>::NotUnbonding);
		});
	}

	/// Attack 7: a receipt signature that is valid on any chain (no genesis hash), or that was
	/// made for another chain.
	#[test]
	fn a_receipt_signature_not_bound_to_this_chain_is_refused() {
		new_test_ext().execute_with(|| {
			let (_content, batch) = claimed("edge", 1);
			let r = batch.receipts[0].clone();
			let mut anywhere = b"vidchain/receipt/v1".to_vec();
			r.encode_to(&mut anywhere);
			let other_chain = r.signing_payload(&H256::repeat_byte(0x42));
			for payload in [anywhere, other_chain, r.encode()] {
				let mut proof = batch.leaves(&[0]);
				proof[0].signature = MultiSignature::Sr25519(pair("viewer").sign(&payload));
				assert_noop!(submit("edge", 0, proof), Error::<Test>::BadReceiptSignature);
			}
			assert_ok!(submit("edge", 0, batch.leaves(&[0])));
		});
	}

	/// Attack 7: a report signed as raw SCALE, or for another chain.
	#[test]
	fn a_report_signed_over_raw_scale_or_for_another_chain_is_refused() {
		new_test_ext().execute_with(|| {
			let content = register_content(1);
			register_edge("edge");
			let set = validators(3);
			let (p, key) = &set[0];
			let r = report("edge", content, SampleOutcome::Served, key);
			for payload in [r.encode(), r.signing_payload(&H256::repeat_byte(0x42))] {
				let s = ocw_crypto::Signature::from(p.sign(&payload));
				assert_eq!(authorize(&r, &s), Err(TransactionValidityError::Invalid(InvalidTransaction::BadProof)));
				assert_noop!(dispatch_report(&r, &s), Error::<Test>::BadReportSignature);
			}
		});
	}

	/// Attack 8: endpoints the validators would fetch from inside their own networks.
	#[test]
	fn private_endpoints_are_refused_unless_the_genesis_allows_them() {
		new_test_ext().execute_with(|| {
			let reg = |url: &str| {
				Delivery::register_edge(RuntimeOrigin::signed(account("edge")), bounded(url.as_bytes()), bounded(b"eu"), MIN_BOND)
			};
			for url in [
				"http://127.0.0.1:8080",
				"http://localhost/",
				"http://LOCALHOST.:80",
				"http://edge.localhost",
				"http://printer.local",
				"http://metadata.internal",
				"http://intranet",
				"https://10.0.0.1",
				"http://192.168.1.1",
				"http://172.16.0.1",
				"http://172.31.255.255",
				"http://100.64.0.1",
				"http://169.254.169.254/latest",
				"http://0.0.0.0",
				"http://2130706433",
				"http://0x7f.0.0.1",
				"http://0177.0.0.1",
				"http://127.1",
				"http://[::1]:80",
				"http://[::]",
				"http://[fe80::1]",
				"http://[fd00::1]/x",
				"http://[::ffff:7f00:1]",
				"http://224.0.0.1",
			] {
				assert_noop!(reg(url), Error::<Test>::LocalEndpoint);
			}
			// User info would send the fetch elsewhere than it looks.
			assert_noop!(reg("http://edge.example@10.0.0.1/"), Error::<Test>::InvalidEndpoint);
			for public in ["edge.example", "8.8.8.8", "[2001:db8::1]", "172.32.0.1", "cdn.example."] {
				assert!(!is_local_host(public.as_bytes()), "{public}");
			}
			// A DNS name could resolve (or rebind) to anything: only public IP literals.
			for named in ["http://edge.example", "https://cdn.example.:443/v1", "http://127.0.0.1.nip.io", "http://a.b.c.d"] {
				assert_noop!(reg(named), Error::<Test>::EndpointNotAnAddress);
			}
			for literal in ["8.8.8.8", "[2001:db8::1]", "[::ffff:808:808]"] {
				assert!(is_ip_literal(literal.as_bytes()), "{literal}");
			}
			for not_literal in ["edge.example", "8.8.8", "8.8.8.8.8", "[2001:db8::1", "08.8.8.8"] {
				assert!(!is_ip_literal(not_literal.as_bytes()), "{not_literal}");
			}
			assert_ok!(reg("http://[2001:db8::1]:80"));
			assert_ok!(Delivery::update_edge(RuntimeOrigin::signed(account("edge")), bounded(b"http://8.8.8.8"), bounded(b"eu")));
			// A development network allows loopback at genesis.
			AllowLocalEndpoints::<Test>::put(true);
			assert_ok!(Delivery::update_edge(RuntimeOrigin::signed(account("edge")), bounded(b"http://127.0.0.1:8080"), bounded(b"eu")));
		});
	}

	/// Attack 10: sample records are gone once their epoch is over.
	#[test]
	fn sample_records_go_once_their_epoch_is_over() {
		new_test_ext().execute_with(|| {
			let content = register_content(1);
			register_edge("edge");
			let set = validators(4);
			assert_ok!(reported("edge", content, SampleOutcome::BadChunk, &set[0]));
			assert_eq!(SampleReports::<Test>::iter_prefix((0,)).count(), 1);
			run_to_block(EPOCH + 1);
			assert_eq!(SampleReports::<Test>::iter_prefix((0,)).count(), 0);
			assert_eq!(SampleFailures::<Test>::iter_prefix(0).count(), 0);
			assert_eq!(Pruning::<Test>::get().samples, 1);
		});
	}

	/// Attack 10: retired content goes once no receipt of it can be proven.
	#[test]
	fn retired_content_goes_once_nothing_can_prove_it() {
		new_test_ext().execute_with(|| {
			let content = register_content(1);
			assert_ok!(Delivery::retire_content(RuntimeOrigin::signed(account("creator")), content));
			run_to_block(seal_block(0) - 1);
			assert!(Contents::<Test>::get(content).is_some(), "epoch 0 receipts are still provable");
			run_to_block(seal_block(0) + 1);
			assert!(Contents::<Test>::get(content).is_none());
			assert_eq!(RetiredContents::<Test>::iter().count(), 0);
		});
	}

	/// Attack 10: pruning stays within the weight `on_idle` is given, spreading over blocks.
	/// Each block is committed to the backend, as on a real chain (`clear_prefix` limits count
	/// backend keys).
	#[test]
	fn pruning_with_a_small_budget_spreads_over_blocks() {
		let mut ext = new_test_ext();
		ext.execute_with(|| {
			let content = register_content(1);
			register_edge("edge");
			let set = validators(40);
			for v in set.iter().take(12) {
				assert_ok!(reported("edge", content, SampleOutcome::Served, v));
			}
			assert_eq!(SampleReports::<Test>::iter_prefix((0,)).count(), 12);
			run_to_block_with_idle(EPOCH + 1, Weight::zero());
		});
		ext.commit_all().unwrap();
		// Room for the cursors and four items a block.
		let budget = <Test as Config>::WeightInfo::prune(4);
		let mut blocks = 0;
		loop {
			let left = ext.execute_with(|| {
				let before = SampleReports::<Test>::iter_prefix((0,)).count();
				if before == 0 {
					return 0;
				}
				let used = Delivery::on_idle(System::block_number(), budget);
				assert!(used.all_lte(budget), "{used:?} over {budget:?}");
				let after = SampleReports::<Test>::iter_prefix((0,)).count();
				assert!(after < before, "progress every block");
				after
			});
			ext.commit_all().unwrap();
			if left == 0 {
				break;
			}
			blocks += 1;
		}
		assert!(blocks >= 2, "12 reports at 4 a block take several blocks, took {blocks}");
		// The next block finds the epoch empty and moves the cursor on.
		ext.execute_with(|| {
			Delivery::on_idle(System::block_number(), budget);
			assert_eq!(Pruning::<Test>::get().samples, 1);
		});
	}
}

/// The validators' sampling worker (`features/worker.rs`), run as a node runs it: an HTTP
/// client that answers only the requests a test expects (any other request panics), a
/// keystore with the validator's `vocw` key, and a transaction pool that keeps what the worker
/// submits. Each report is then authorized and dispatched as the chain would.
mod sampling_worker {
	use super::*;
	use sp_core::offchain::{
		testing::{OffchainState, PendingRequest, PoolState, TestOffchainExt, TestTransactionPoolExt},
		OffchainDbExt, OffchainWorkerExt, TransactionPoolExt,
	};
	use sp_keystore::{testing::MemoryKeystore, Keystore, KeystoreExt};
	use std::sync::Arc;
	use vidchain_primitives::manifest::{http as edge_http, ChunkProof};

	const ENDPOINT: &str = "http://127.0.0.1:8080";
	const SIZE: u32 = 1_000;
	/// 3 full chunks and a short last one.
	const TOTAL: u64 = 3_500;

	struct World {
		ext: sp_io::TestExternalities,
		http: Arc<parking_lot::RwLock<OffchainState>>,
		pool: Arc<parking_lot::RwLock<PoolState>>,
		key: ocw_crypto::Public,
		/// What probe answers sign.
		genesis: H256,
	}

	fn chunks(tag: u8) -> Vec<Vec<u8>> {
		(0..4u32)
			.map(|i| {
				let len = if i == 3 { 500 } else { SIZE as usize };
				(0..len).map(|b| (b as u32 ^ i ^ tag as u32) as u8).collect()
			})
			.collect()
	}

	fn hashes(chunks: &[Vec<u8>]) -> Vec<H256> {
		chunks.iter().map(|c| manifest::chunk_hash(c)).collect()
	}

	/// A world with one validator (its key in the keystore unless `validator` is false), one
	/// content of [`chunks`]`(1)` (exclusive if asked) and one edge at [`ENDPOINT`].
	fn world(validator: bool, exclusive: bool) -> (World, H256) {
		let mut ext = new_test_ext();
		let (offchain, http) = TestOffchainExt::new();
		let (pool, pool_state) = TestTransactionPoolExt::new();
		let keystore = MemoryKeystore::new();
		let raw = keystore.sr25519_generate_new(ocw_crypto::KEY_TYPE, Some("//validator0")).unwrap();
		ext.register_extension(OffchainDbExt::new(offchain.clone()));
		ext.register_extension(OffchainWorkerExt::new(offchain));
		ext.register_extension(TransactionPoolExt::new(pool));
		ext.register_extension(KeystoreExt::new(keystore));
		let key = ocw_crypto::Public::from(raw);
		http.write().seed = [7; 32];
		let content = ext.execute_with(|| {
			if validator {
				ValidatorKeys::set(vec![key.clone()]);
			}
			AllowLocalEndpoints::<Test>::put(true);
			let root = manifest::manifest_root(&hashes(&chunks(1)));
			assert_ok!(Delivery::register_content(
				RuntimeOrigin::signed(account("creator")),
				root,
				SIZE,
				4,
				TOTAL,
				exclusive,
				bounded(b"A film"),
				bounded(b""),
			));
			add_edge("edge");
			run_to_block(2);
			prim::content_id(&account("creator"), &root)
		});
		let genesis = ext.execute_with(Delivery::genesis_hash);
		(World { ext, http, pool: pool_state, key, genesis }, content)
	}

	fn add_edge(name: &str) {
		assert_ok!(Delivery::register_edge(
			RuntimeOrigin::signed(account(name)),
			bounded(ENDPOINT.as_bytes()),
			bounded(b"eu-west"),
			MIN_BOND * 2,
		));
	}

	fn expect(w: &World, path: String, scale: bool, response: Vec<u8>) {
		w.http.write().expect_request(PendingRequest {
			method: "GET".into(),
			uri: format!("{ENDPOINT}{path}"),
			headers: if scale { vec![("Accept".into(), edge_http::SCALE_MEDIA_TYPE.into())] } else { vec![] },
			response: Some(response),
			sent: true,
			..Default::default()
		});
	}

	/// The probe of chunk `i` of `content` drawn as the worker's `draw`-th draw: the request
	/// carries the probe's nonce, and the answer `bytes` is signed by `signer`'s key (`None`: not
	/// signed).
	fn expect_chunk_signed(w: &World, content: H256, i: u32, draw: u32, bytes: Vec<u8>, signer: Option<&str>) {
		let nonce = crate::features::worker::nth_nonce([7; 32], draw);
		let answer = prim::ProbeAnswer { nonce, content, chunk_index: i };
		let genesis = w.genesis;
		let response_headers = signer
			.map(|name| {
				let signature = MultiSignature::from(pair(name).sign(&answer.signing_payload(&genesis)));
				vec![(edge_http::PROBE_SIGNATURE_HEADER.into(), hex::encode(signature.encode()))]
			})
			.unwrap_or_default();
		w.http.write().expect_request(PendingRequest {
			method: "GET".into(),
			uri: format!("{ENDPOINT}{}", edge_http::chunk_path(&content, i)),
			headers: vec![(edge_http::PROBE_HEADER.into(), hex::encode(nonce))],
			response: Some(bytes),
			response_headers,
			sent: true,
			..Default::default()
		});
	}

	/// [`expect_chunk_signed`] by the edge itself.
	fn expect_chunk(w: &World, content: H256, i: u32, draw: u32, bytes: Vec<u8>) {
		expect_chunk_signed(w, content, i, draw, bytes, Some("edge"))
	}

	fn expect_list(w: &World, contents: Vec<H256>) {
		expect(w, edge_http::contents_path(), true, contents.encode());
	}

	/// The chunk the worker picks from the test seed after one pick among a one-content list.
	fn picked_chunk() -> u32 {
		crate::features::worker::nth_below([7; 32], 1, 4) as u32
	}

	/// The reports the worker submitted so far (and empties the pool).
	fn submitted(w: &World) -> Vec<(SampleReportOf<Test>, ocw_crypto::Signature)> {
		let txs = std::mem::take(&mut w.pool.write().transactions);
		txs.into_iter()
			.map(|tx| {
				let xt = Extrinsic::decode(&mut &tx[..]).expect("an extrinsic of the mock");
				match xt.function {
					RuntimeCall::Delivery(Call::report_sample { report, signature }) => (report, signature),
					other => panic!("the worker submitted {other:?}"),
				}
			})
			.collect()
	}

	/// The honest exchange for chunk `i` of `content`.
	fn expect_honest(w: &World, content: H256, i: u32) {
		let chunks = chunks(1);
		expect_list(w, vec![content]);
		expect_chunk(w, content, i, 1, chunks[i as usize].clone());
		expect(w, edge_http::chunk_proof_path(&content, i), true, ChunkProof::new(&hashes(&chunks), i).unwrap().encode());
	}

	#[test]
	fn an_honest_edge_is_reported_served_and_the_report_is_accepted() {
		let (mut w, content) = world(true, false);
		let i = picked_chunk();
		expect_honest(&w, content, i);
		w.ext.execute_with(|| Delivery::offchain_worker(2));
		let reports = submitted(&w);
		assert_eq!(reports.len(), 1);
		let (report, signature) = &reports[0];
		assert_eq!((report.edge.clone(), report.content, report.chunk_index), (account("edge"), content, i));
		assert_eq!(report.outcome, SampleOutcome::Served);
		assert_eq!((report.epoch, report.validator.clone()), (0, w.key.clone()));
		w.ext.execute_with(|| {
			let before = score("edge");
			assert_eq!(authorize(report, signature), Ok(()));
			assert_ok!(dispatch_report(report, signature));
			assert!(score("edge") > before, "a served sample raises the score");
		});
	}

	/// The farming attack's first half: an edge registers an endpoint that answers with another
	/// edge's server. The chunk and its proof are right, but the answer is not signed with this
	/// edge's key (another edge's signature, none, or one over another nonce): `Unavailable`,
	/// and the score falls.
	#[test]
	fn an_endpoint_answering_with_another_edges_server_is_unavailable() {
		let i = picked_chunk();
		let good = chunks(1);
		for (case, signer, draw) in [
			("signed by the edge whose server it is", Some("bob"), 1),
			("not signed", None, 1),
			("signed over another probe's nonce", Some("edge"), 7),
		] {
			let (mut w, content) = world(true, false);
			expect_list(&w, vec![content]);
			if draw == 1 {
				expect_chunk_signed(&w, content, i, draw, good[i as usize].clone(), signer);
			} else {
				// The answer carries the edge's signature of another nonce (a replay).
				let nonce = crate::features::worker::nth_nonce([7; 32], 1);
				let stale = prim::ProbeAnswer { nonce: crate::features::worker::nth_nonce([7; 32], draw), content, chunk_index: i };
				let signature = MultiSignature::from(pair("edge").sign(&stale.signing_payload(&w.genesis)));
				w.http.write().expect_request(PendingRequest {
					method: "GET".into(),
					uri: format!("{ENDPOINT}{}", edge_http::chunk_path(&content, i)),
					headers: vec![(edge_http::PROBE_HEADER.into(), hex::encode(nonce))],
					response: Some(good[i as usize].clone()),
					response_headers: vec![(edge_http::PROBE_SIGNATURE_HEADER.into(), hex::encode(signature.encode()))],
					sent: true,
					..Default::default()
				});
			}
			w.ext.execute_with(|| Delivery::offchain_worker(2));
			let reports = submitted(&w);
			assert_eq!(reports.len(), 1, "{case}");
			assert_eq!(reports[0].0.outcome, SampleOutcome::Unavailable, "{case}");
			w.ext.execute_with(|| {
				let before = score("edge");
				assert_ok!(dispatch_report(&reports[0].0, &reports[0].1));
				assert!(score("edge") < before, "{case}: the score falls");
			});
		}
	}

	#[test]
	fn corrupt_bytes_a_foreign_proof_or_a_wrong_length_are_bad_chunks() {
		let i = picked_chunk();
		let good = chunks(1);
		let proof = |chunks: &[Vec<u8>], j: u32| ChunkProof::new(&hashes(chunks), j).unwrap().encode();
		let mut corrupt = good[i as usize].clone();
		corrupt[0] ^= 1;
		let mut long = good[i as usize].clone();
		long.push(0);
		let mut short = good[i as usize].clone();
		short.pop();
		let mut other_count = ChunkProof::new(&hashes(&good), i).unwrap();
		other_count.chunk_count = 5;
		let cases: Vec<(&str, Vec<u8>, Option<Vec<u8>>)> = vec![
			("flipped byte", corrupt, Some(proof(&good, i))),
			("one byte over the chunk size", long, None),
			("one byte short", short, None),
			("a chunk of another content, with its own proof", chunks(2)[i as usize].clone(), Some(proof(&chunks(2), i))),
			("a proof of another chunk", good[i as usize].clone(), Some(proof(&good, (i + 1) % 4))),
			("a proof claiming another chunk count", good[i as usize].clone(), Some(other_count.encode())),
			("a proof that does not decode", good[i as usize].clone(), Some(vec![1, 2, 3])),
		];
		for (case, bytes, proof) in cases {
			let (mut w, content) = world(true, false);
			expect_list(&w, vec![content]);
			expect_chunk(&w, content, i, 1, bytes);
			if let Some(p) = proof {
				expect(&w, edge_http::chunk_proof_path(&content, i), true, p);
			}
			w.ext.execute_with(|| Delivery::offchain_worker(2));
			let reports = submitted(&w);
			assert_eq!(reports.len(), 1, "{case}");
			assert_eq!(reports[0].0.outcome, SampleOutcome::BadChunk, "{case}");
			w.ext.execute_with(|| {
				let before = score("edge");
				assert_ok!(dispatch_report(&reports[0].0, &reports[0].1));
				assert!(score("edge") < before, "{case}: a bad chunk lowers the score");
			});
		}
	}

	#[test]
	fn several_chunks_per_sample_catch_an_edge_that_corrupts_only_some() {
		// Three chunks a sample, drawn after the content pick: draws 1, 2 and 3 of the seed.
		ChunksPerSample::set(3);
		let picks: Vec<u32> = (1..=3).map(|n| crate::features::worker::nth_below([7; 32], n, 4) as u32).collect();
		let good = chunks(1);
		let proof = |j: u32| ChunkProof::new(&hashes(&good), j).unwrap().encode();
		// Honest on the first two chunks drawn, corrupt on the third: reported as a bad chunk,
		// naming the third.
		let (mut w, content) = world(true, false);
		expect_list(&w, vec![content]);
		for (n, &i) in picks.iter().enumerate() {
			let mut bytes = good[i as usize].clone();
			if n == 2 {
				bytes[0] ^= 1;
			}
			expect_chunk(&w, content, i, n as u32 + 1, bytes);
			expect(&w, edge_http::chunk_proof_path(&content, i), true, proof(i));
		}
		w.ext.execute_with(|| Delivery::offchain_worker(2));
		let reports = submitted(&w);
		assert_eq!(reports.len(), 1);
		assert_eq!((reports[0].0.outcome, reports[0].0.chunk_index), (SampleOutcome::BadChunk, picks[2]));

		// Honest on all three: served, naming the first (every expected request must be made:
		// the test offchain state panics on drop if one is left).
		let (mut w, content) = world(true, false);
		expect_list(&w, vec![content]);
		for (n, &i) in picks.iter().enumerate() {
			expect_chunk(&w, content, i, n as u32 + 1, good[i as usize].clone());
			expect(&w, edge_http::chunk_proof_path(&content, i), true, proof(i));
		}
		w.ext.execute_with(|| Delivery::offchain_worker(2));
		let reports = submitted(&w);
		assert_eq!(reports.len(), 1);
		assert_eq!((reports[0].0.outcome, reports[0].0.chunk_index), (SampleOutcome::Served, picks[0]));
	}

	#[test]
	fn an_edge_without_a_list_of_live_content_is_unavailable() {
		for (case, list) in [
			("no SCALE list", b"<html>not found</html>".to_vec()),
			("an empty list", Vec::<H256>::new().encode()),
			("only contents the chain does not know", vec![H256::repeat_byte(9)].encode()),
		] {
			let (mut w, content) = world(true, false);
			expect(&w, edge_http::contents_path(), true, list);
			w.ext.execute_with(|| Delivery::offchain_worker(2));
			let reports = submitted(&w);
			assert_eq!(reports.len(), 1, "{case}");
			assert_eq!(reports[0].0.outcome, SampleOutcome::Unavailable, "{case}");
			assert_eq!(reports[0].0.content, content, "{case}: names a live content");
			w.ext.execute_with(|| {
				assert_ok!(dispatch_report(&reports[0].0, &reports[0].1));
			});
		}
	}

	#[test]
	fn an_edge_listing_only_exclusive_content_is_not_reported() {
		let (mut w, content) = world(true, true);
		expect_list(&w, vec![content]);
		w.ext.execute_with(|| Delivery::offchain_worker(2));
		assert!(submitted(&w).is_empty());
	}

	#[test]
	fn one_sample_per_edge_and_epoch_even_when_the_worker_runs_again() {
		let (mut w, content) = world(true, false);
		expect_honest(&w, content, picked_chunk());
		w.ext.execute_with(|| Delivery::offchain_worker(2));
		assert_eq!(submitted(&w).len(), 1);
		// The same block again (another fork at this height), then later blocks of the epoch:
		// no request (an unexpected one would panic), no report.
		w.ext.execute_with(|| {
			Delivery::offchain_worker(2);
			run_to_block(5);
			Delivery::offchain_worker(5);
		});
		assert!(submitted(&w).is_empty());
		// The next epoch samples the edge again.
		w.ext.execute_with(|| run_to_block(EPOCH + 1));
		expect_honest(&w, content, picked_chunk());
		w.ext.execute_with(|| Delivery::offchain_worker(EPOCH + 1));
		assert_eq!(submitted(&w).len(), 1);
	}

	#[test]
	fn an_edge_already_reported_on_chain_is_not_sampled_again() {
		let (mut w, content) = world(true, false);
		w.ext.execute_with(|| {
			SampleReports::<Test>::insert((0, account("edge"), w.key.clone()), SampleOutcome::Served);
			Delivery::offchain_worker(2);
		});
		assert!(submitted(&w).is_empty());
		let _ = content;
	}

	#[test]
	fn no_validator_key_no_suspended_edge_no_last_block() {
		// A node whose key is not a validator's samples nothing.
		let (mut w, _) = world(false, false);
		w.ext.execute_with(|| Delivery::offchain_worker(2));
		assert!(submitted(&w).is_empty());
		// A suspended edge is not sampled (the chain would refuse the report).
		let (mut w, _) = world(true, false);
		w.ext.execute_with(|| {
			Edges::<Test>::mutate(account("edge"), |e| {
				e.as_mut().unwrap().state = EdgeState::Suspended { epoch: 0, until: 100 }
			});
			Delivery::offchain_worker(2);
		});
		assert!(submitted(&w).is_empty());
		// Nor in an epoch's last block: the report would land in the next epoch.
		let (mut w, _) = world(true, false);
		w.ext.execute_with(|| {
			run_to_block(EPOCH - 1);
			Delivery::offchain_worker(EPOCH - 1);
		});
		assert!(submitted(&w).is_empty());
	}

	#[test]
	fn edges_are_spread_over_blocks_and_each_sampled_once_per_epoch() {
		// Five edges at one endpoint, two a block (`MaxSamplesPerBlock`): blocks 2, 3 and 4
		// sample 2 + 2 + 1 distinct edges, and block 5 none.
		let (mut w, _) = world(true, false);
		w.ext.execute_with(|| {
			for name in ["edge2", "viewer", "viewer2", "creator"] {
				add_edge(name);
			}
		});
		let mut seen = std::collections::BTreeSet::new();
		for (block, n) in [(2u64, 2usize), (3, 2), (4, 1), (5, 0)] {
			for _ in 0..n {
				expect(&w, edge_http::contents_path(), true, b"down".to_vec());
			}
			w.ext.execute_with(|| {
				run_to_block(block);
				Delivery::offchain_worker(block);
			});
			let reports = submitted(&w);
			assert_eq!(reports.len(), n, "block {block}");
			for (r, _) in reports {
				assert!(seen.insert(r.edge), "an edge sampled twice in one epoch");
			}
		}
		assert_eq!(seen.len(), 5);
	}

	/// Issue 31: an operator registers, then starts its server. With Vidchain's grace of one
	/// epoch the worker leaves the new edge alone in its first epoch (no request at all: an
	/// unexpected one would panic) and samples it in the next.
	#[test]
	fn a_new_edge_is_first_sampled_in_the_epoch_after_it_registered() {
		NewEdgeGraceEpochs::set(1);
		let (mut w, content) = world(true, false);
		w.ext.execute_with(|| {
			for block in [2, 5, EPOCH - 2] {
				run_to_block(block);
				Delivery::offchain_worker(block);
			}
		});
		assert!(submitted(&w).is_empty(), "not judged in the epoch it registered in");
		w.ext.execute_with(|| run_to_block(EPOCH + 1));
		expect_honest(&w, content, picked_chunk());
		w.ext.execute_with(|| Delivery::offchain_worker(EPOCH + 1));
		let reports = submitted(&w);
		assert_eq!(reports.len(), 1);
		assert_eq!((reports[0].0.outcome, reports[0].0.epoch), (SampleOutcome::Served, 1));
		w.ext.execute_with(|| {
			assert_ok!(dispatch_report(&reports[0].0, &reports[0].1));
		});
	}

	/// Issue 31: on a chain without local endpoints the worker never connects to an endpoint
	/// the chain would refuse today — a DNS name (which could resolve or rebind to 127.0.0.1 or
	/// a metadata address) or a private literal stored under older rules. No request is made (an
	/// unexpected one would panic); the edge is reported `Unavailable`, which is its fault.
	#[test]
	fn endpoints_the_chain_would_refuse_are_never_fetched() {
		for endpoint in ["http://rebinds-to-loopback.example:8080", "http://127.0.0.1:8080", "http://169.254.169.254"] {
			let (mut w, content) = world(true, false);
			w.ext.execute_with(|| {
				AllowLocalEndpoints::<Test>::put(false);
				Edges::<Test>::mutate(account("edge"), |e| e.as_mut().unwrap().endpoint = bounded(endpoint.as_bytes()));
				Delivery::offchain_worker(2);
			});
			let reports = submitted(&w);
			assert_eq!(reports.len(), 1, "{endpoint}");
			assert_eq!((reports[0].0.outcome, reports[0].0.content), (SampleOutcome::Unavailable, content), "{endpoint}");
		}
	}
}

/// Issue 31: nobody, validators included, can judge an edge in the epoch it registered in
/// (with a grace of one epoch): a report is refused at authorization and at dispatch, and
/// accepted from the next epoch on.
#[test]
fn a_new_edge_cannot_be_reported_in_its_grace() {
	new_test_ext().execute_with(|| {
		NewEdgeGraceEpochs::set(1);
		let content = register_content(1);
		register_edge("edge");
		let set = validators(1);
		let r = report("edge", content, SampleOutcome::Unavailable, &set[0].1);
		let s = sign_report(&r, &set[0].0);
		assert_eq!(authorize(&r, &s), Err(TransactionValidityError::Invalid(InvalidTransaction::Call)));
		assert_noop!(dispatch_report(&r, &s), Error::<Test>::EdgeInGrace);
		assert_eq!(Edges::<Test>::get(account("edge")).unwrap().state, EdgeState::Active);
		run_to_block(EPOCH);
		assert_ok!(reported("edge", content, SampleOutcome::Unavailable, &set[0]));
		assert!(matches!(Edges::<Test>::get(account("edge")).unwrap().state, EdgeState::Suspended { .. }));
	});
}

/// `DeliveryApi`'s views.
mod api {
	use super::*;

	#[test]
	fn views_show_epochs_edges_contents_claims_and_draws() {
		new_test_ext().execute_with(|| {
			let content = register_content(1);
			register_edge("edge");
			register_edge("edge2");
			let info = Delivery::epoch_info();
			assert_eq!((info.now, info.current, info.epoch_length, info.last_sealed), (1, 0, EPOCH, None));
			let w = Delivery::epoch_windows(0);
			assert_eq!((w.starts_at, w.claims_from, w.seed_block), (0, EPOCH, EPOCH + CLAIM_WINDOW));
			assert_eq!((w.proofs_from, w.proofs_until), (EPOCH + CLAIM_WINDOW + 1, EPOCH + CLAIM_WINDOW + 1 + PROOF_WINDOW));
			let c = Delivery::content_view(content).unwrap();
			assert_eq!((c.creator, c.chunk_count, c.title), (account("creator"), CHUNKS, b"A film".to_vec()));
			assert!(Delivery::content_view(H256::zero()).is_none());
			let e = Delivery::edge_view(account("edge")).unwrap();
			assert_eq!((e.endpoint, e.state, e.bond), (b"https://[2001:db8::1]/v1".to_vec(), EdgeState::Active, MIN_BOND * 2));
			assert!(Delivery::edge_view(account("viewer")).is_none());

			let batch = Batch::honest("edge", content, 0, 50);
			run_to_block(claim_open(0));
			assert_ok!(batch.claim("edge", 0));
			let claim = Delivery::claim_view(account("edge"), 0).unwrap();
			assert_eq!((claim.status, claim.receipt_count, claim.root), (ClaimStatus::Pending, 50, batch.tree.root().hash));
			assert!(Delivery::draw_view(account("edge"), 0).is_none(), "no draw before the seed block");
			run_to_block(proof_open(0));
			let draw = Delivery::draw_view(account("edge"), 0).unwrap();
			assert_eq!(draw.offsets, drawn("edge", 0));
			assert_eq!(draw.proofs_from, proof_open(0));
			assert!(Delivery::draw_view(account("edge2"), 0).is_none(), "no claim, no draw");
		});
	}

	#[test]
	fn edges_are_ranked_by_score_filtered_by_region_and_bounded() {
		new_test_ext().execute_with(|| {
			for name in ["edge", "edge2", "viewer", "viewer2"] {
				register_edge(name);
			}
			Edges::<Test>::mutate(account("edge2"), |e| e.as_mut().unwrap().score = 900_000);
			Edges::<Test>::mutate(account("viewer"), |e| e.as_mut().unwrap().region = bounded(b"us-east"));
			Edges::<Test>::mutate(account("viewer2"), |e| {
				e.as_mut().unwrap().state = EdgeState::Suspended { epoch: 0, until: 9 }
			});
			let ranked: Vec<AccountId> = Delivery::edges_view(None, 10).into_iter().map(|e| e.edge).collect();
			assert_eq!(ranked[0], account("edge2"), "best score first");
			assert_eq!(ranked.len(), 3, "suspended edges are left out");
			let eu: Vec<AccountId> = Delivery::edges_view(Some(b"eu-west".to_vec()), 10).into_iter().map(|e| e.edge).collect();
			assert_eq!(eu, vec![account("edge2"), account("edge")]);
			assert_eq!(Delivery::edges_view(None, 1).len(), 1);
			assert!(Delivery::edges_view(None, 0).is_empty());
		});
	}
}

/// The mock's `pair(name)` is `//name` of the development phrase, as the node's dev accounts are.
#[test]
fn test_accounts_are_the_dev_phrase_derivations() {
	use sp_core::Pair;
	for name in ["edge", "viewer", "Alice", "7", "viewer-9999"] {
		let slow = sp_core::sr25519::Pair::from_string(&format!("//{name}"), None).unwrap();
		assert_eq!(pair(name).public(), slow.public(), "{name}");
	}
}
