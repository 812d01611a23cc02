//! Tests of pallet-delivery on the mock runtime: every call, every error, the claim → proof →
//! verify path over a 10 000-leaf sum tree of real sr25519-signed receipts, the hostile cases,
//! sealing and slashing, samples and their authorization, pruning.

use crate::{mock::*, *};
use codec::{Decode, Encode};
use frame_support::{
	assert_noop, assert_ok,
	pallet_prelude::{InvalidTransaction, TransactionSource, TransactionValidityError},
	traits::{fungible::InspectHold, Authorize},
	BoundedVec,
};
use sp_core::{sr25519, Pair, H256};
use sp_runtime::{DispatchError, MultiSignature};
use vidchain_primitives::{
	delivery::{DeliveryReceipt, ProofLeaf, SampleOutcome},
	manifest, ocw_crypto,
	sum_tree::SumTree,
};

type Receipt = DeliveryReceipt<AccountId>;
type Leaf = ProofLeaf<AccountId, MultiSignature>;

const CHUNK: u32 = 1_000;
const CHUNKS: u32 = 100;

fn content_id(tag: u8) -> H256 {
	let hashes: Vec<H256> = (0..CHUNKS).map(|i| manifest::chunk_hash(&[tag, i as u8])).collect();
	manifest::manifest_root(&hashes)
}

fn register_content(tag: u8) -> H256 {
	let id = content_id(tag);
	assert_ok!(Delivery::register_content(
		RuntimeOrigin::signed(account("creator")),
		id,
		CHUNK,
		CHUNKS,
		(CHUNK * CHUNKS) as u64,
		false,
		b"A film".to_vec(),
		b"ipfs://manifest".to_vec(),
	));
	id
}

fn register_edge(name: &str) {
	assert_ok!(Delivery::register_edge(
		RuntimeOrigin::signed(account(name)),
		b"https://edge.example/v1".to_vec(),
		b"eu-west".to_vec(),
		MIN_BOND * 2,
	));
}

fn last_event() -> RuntimeEvent {
	System::events().pop().expect("an event").event
}

fn has_event(e: Event<Test>) -> bool {
	System::events().iter().any(|r| r.event == RuntimeEvent::Delivery(e.clone()))
}

fn receipt(edge: &str, content: H256, viewer: &str, nonce: u64, epoch: u32, chunk: u32) -> Receipt {
	Receipt {
		edge: account(edge),
		content,
		viewer: account(viewer),
		session_nonce: nonce,
		first_chunk: chunk % CHUNKS,
		chunk_count: 1,
		bytes: CHUNK as u64,
		epoch,
		ttfb_ms: 40,
		throughput_kbps: 8_000,
	}
}

fn sign(r: &Receipt, by: &sr25519::Pair) -> MultiSignature {
	MultiSignature::Sr25519(by.sign(&r.signing_payload()))
}

/// The receipts of one claim, their signatures and the sum tree over them.
struct Batch {
	receipts: Vec<Receipt>,
	signatures: Vec<MultiSignature>,
	tree: SumTree,
}

impl Batch {
	fn new(receipts: Vec<Receipt>) -> Batch {
		let viewer = pair("viewer");
		let viewer2 = pair("viewer2");
		let signatures = receipts
			.iter()
			.map(|r| if r.viewer == account("viewer2") { sign(r, &viewer2) } else { sign(r, &viewer) })
			.collect();
		let tree = SumTree::build(receipts.iter().map(|r| r.leaf()).collect()).unwrap();
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

	fn leaf(&self, index: u32) -> Leaf {
		Leaf {
			index,
			receipt: self.receipts[index as usize].clone(),
			signature: self.signatures[index as usize].clone(),
			path: self.tree.path(index).unwrap().try_into().unwrap(),
		}
	}

	fn proof(&self, indices: &[u32]) -> BoundedVec<Leaf, MaxProofLeaves<Test>> {
		indices.iter().map(|i| self.leaf(*i)).collect::<Vec<_>>().try_into().unwrap()
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

fn drawn(edge: &str, epoch: u32) -> Vec<u32> {
	Delivery::sampled_leaves(&account(edge), epoch).expect("drawn after the seed block")
}

fn submit(edge: &str, epoch: u32, proof: BoundedVec<Leaf, MaxProofLeaves<Test>>) -> sp_runtime::DispatchResult {
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
		let info = Contents::<Test>::get(id).unwrap();
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
		let id = content_id(9);
		let reg = |size: u32, count: u32, total: u64, title: Vec<u8>, uri: Vec<u8>| {
			Delivery::register_content(creator(), id, size, count, total, true, title, uri)
		};
		assert_noop!(reg(0, 10, 10, vec![], vec![]), Error::<Test>::InvalidManifest);
		assert_noop!(reg(10, 0, 10, vec![], vec![]), Error::<Test>::InvalidManifest);
		assert_noop!(reg(10, 10, 101, vec![], vec![]), Error::<Test>::InvalidManifest);
		assert_noop!(reg(10, 10, 90, vec![], vec![]), Error::<Test>::InvalidManifest);
		assert_noop!(reg(10, 10, 100, vec![b'x'; 33], vec![]), Error::<Test>::TitleTooLong);
		assert_noop!(reg(10, 10, 100, vec![], vec![b'x'; 65]), Error::<Test>::UriTooLong);
		assert_noop!(
			Delivery::register_content(
				RuntimeOrigin::signed(account("poor")),
				id,
				10,
				10,
				100,
				false,
				vec![],
				vec![]
			),
			Error::<Test>::InsufficientBalance
		);
		assert_ok!(reg(10, 10, 91, vec![b'x'; 32], vec![b'y'; 64]));
		assert_noop!(reg(10, 10, 91, vec![], vec![]), Error::<Test>::ContentExists);
		assert_noop!(
			Delivery::register_content(RuntimeOrigin::none(), id, 10, 10, 100, false, vec![], vec![]),
			DispatchError::BadOrigin
		);
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
			Delivery::retire_content(RuntimeOrigin::signed(account("creator")), content_id(2)),
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
		let reg = |who: &str, endpoint: &[u8], region: &[u8], bond: Balance| {
			Delivery::register_edge(RuntimeOrigin::signed(account(who)), endpoint.to_vec(), region.to_vec(), bond)
		};
		let url = b"http://127.0.0.1:8080";
		assert_noop!(reg("edge", url, b"eu", MIN_BOND - 1), Error::<Test>::BondTooLow);
		assert_noop!(reg("edge", &[b'h'; 65], b"eu", MIN_BOND), Error::<Test>::EndpointTooLong);
		assert_noop!(reg("edge", b"ftp://x", b"eu", MIN_BOND), Error::<Test>::InvalidEndpoint);
		assert_noop!(reg("edge", b"https://", b"eu", MIN_BOND), Error::<Test>::InvalidEndpoint);
		assert_noop!(reg("edge", b"http://a b", b"eu", MIN_BOND), Error::<Test>::InvalidEndpoint);
		assert_noop!(reg("edge", url, &[b'r'; 17], MIN_BOND), Error::<Test>::RegionTooLong);
		assert_noop!(reg("poor", url, b"eu", MIN_BOND), Error::<Test>::InsufficientBalance);
		assert_noop!(reg("edge", url, b"eu", ENDOWMENT + 1), Error::<Test>::InsufficientBalance);
		assert_ok!(reg("edge", url, b"eu", MIN_BOND));
		assert_noop!(reg("edge", url, b"eu", MIN_BOND), Error::<Test>::EdgeExists);
	});
}

#[test]
fn update_edge_changes_endpoint_and_region() {
	new_test_ext().execute_with(|| {
		let upd = |who: &str, endpoint: &[u8], region: &[u8]| {
			Delivery::update_edge(RuntimeOrigin::signed(account(who)), endpoint.to_vec(), region.to_vec())
		};
		assert_noop!(upd("edge", b"https://new", b"us"), Error::<Test>::NotAnEdge);
		register_edge("edge");
		assert_noop!(upd("edge", &[b'h'; 65], b"us"), Error::<Test>::EndpointTooLong);
		assert_noop!(upd("edge", b"gopher://x", b"us"), Error::<Test>::InvalidEndpoint);
		assert_noop!(upd("edge", b"https://new", &[b'r'; 17]), Error::<Test>::RegionTooLong);
		assert_ok!(upd("edge", b"https://new.example", b"us-east"));
		let edge = Edges::<Test>::get(account("edge")).unwrap();
		assert_eq!(edge.endpoint.as_slice(), b"https://new.example");
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

		let indices = drawn("edge", 0);
		assert_eq!(indices.len() as u32, SAMPLES + 1);
		assert_eq!(*indices.last().unwrap(), 9_999, "the last leaf is always drawn");
		assert_ok!(submit("edge", 0, batch.proof(&indices)));

		assert_eq!(last_event(), RuntimeEvent::Delivery(Event::ClaimVerified {
			edge: account("edge"),
			epoch: 0,
			bytes: root.sum,
		}));
		assert_eq!(Claims::<Test>::get(0, account("edge")).unwrap().status, ClaimStatus::Verified);
		let edge = Edges::<Test>::get(account("edge")).unwrap();
		assert_eq!(edge.pending_claims, 0);
		assert_eq!(edge.score, 510_000);
		assert_eq!(<Delivery as DeliveryLedger<_>>::verified_bytes(&account("edge"), 0), root.sum);
		assert_eq!(<Delivery as DeliveryLedger<_>>::verified_bytes(&account("edge"), 1), 0);
		// A verified claim cannot be proven again.
		assert_noop!(submit("edge", 0, batch.proof(&indices)), Error::<Test>::ClaimNotPending);
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
		assert_eq!(Delivery::sampled_leaves(&account("edge"), 0), None);
		assert_noop!(submit("edge", 0, a.proof(&[999])), Error::<Test>::ProofWindowNotOpen);
		run_to_block(proof_open(0));
		assert_ne!(drawn("edge", 0), drawn("edge2", 0));
		assert_eq!(Delivery::sampled_leaves(&account("viewer"), 0), None);
	});
}

#[test]
fn small_claims_prove_every_leaf() {
	new_test_ext().execute_with(|| {
		let (_content, batch) = claimed("edge", 5);
		assert_eq!(drawn("edge", 0), vec![0, 1, 2, 3, 4]);
		assert_ok!(submit("edge", 0, batch.proof(&[0, 1, 2, 3, 4])));
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
		assert_noop!(
			Delivery::submit_claim(RuntimeOrigin::signed(account("edge")), 0, H256::zero(), 0, 1),
			Error::<Test>::EmptyClaim
		);
		assert_noop!(
			Delivery::submit_claim(RuntimeOrigin::signed(account("edge")), 0, H256::zero(), 10, 0),
			Error::<Test>::EmptyClaim
		);
		assert_ok!(batch.claim("edge", 0));
		assert_noop!(batch.claim("edge", 0), Error::<Test>::ClaimExists);
	});
}

#[test]
fn unbonding_or_suspended_edges_cannot_claim() {
	new_test_ext().execute_with(|| {
		let content = register_content(1);
		register_edge("edge");
		register_edge("edge2");
		assert_ok!(Delivery::unbond(RuntimeOrigin::signed(account("edge"))));
		Edges::<Test>::mutate(account("edge2"), |e| e.as_mut().unwrap().state = EdgeState::Suspended { epoch: 0 });
		run_to_block(claim_open(0));
		let batch = Batch::honest("edge", content, 0, 4);
		assert_noop!(batch.claim("edge", 0), Error::<Test>::EdgeNotActive);
		assert_noop!(batch.claim("edge2", 0), Error::<Test>::EdgeNotActive);
	});
}

#[test]
fn claims_per_epoch_are_bounded() {
	new_test_ext().execute_with(|| {
		let content = register_content(1);
		let names = ["edge", "edge2", "viewer", "viewer2", "creator"];
		for n in names {
			register_edge(n);
		}
		run_to_block(claim_open(0));
		for n in &names[..4] {
			assert_ok!(Batch::honest(n, content, 0, 2).claim(n, 0));
		}
		assert_noop!(Batch::honest("creator", content, 0, 2).claim("creator", 0), Error::<Test>::TooManyClaims);
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
		proof[2].signature = sign(&proof[2].receipt, &pair("edge"));
		assert_noop!(submit("edge", 0, proof.clone()), Error::<Test>::BadReceiptSignature);
		// A signature of the viewer over another receipt.
		let other = receipt("edge", proof[2].receipt.content, "viewer", 999, 0, 3);
		proof[2].signature = sign(&other, &pair("viewer"));
		assert_noop!(submit("edge", 0, proof), Error::<Test>::BadReceiptSignature);
	});
}

#[test]
fn same_viewer_nonce_twice_in_a_claim_is_refused() {
	new_test_ext().execute_with(|| {
		let content = register_content(1);
		register_edge("edge");
		let mut receipts: Vec<Receipt> = (0..4).map(|i| receipt("edge", content, "viewer", i, 0, i as u32)).collect();
		// Same viewer and session nonce, another chunk: a replay inside the tree.
		receipts.push(receipt("edge", content, "viewer", 2, 0, 50));
		let batch = Batch::new(receipts);
		run_to_block(claim_open(0));
		assert_ok!(batch.claim("edge", 0));
		run_to_block(proof_open(0));
		assert_noop!(submit("edge", 0, batch.proof(&drawn("edge", 0))), Error::<Test>::DuplicateReceipt);
	});
}

#[test]
fn same_viewer_nonce_in_two_claims_is_counted_once() {
	new_test_ext().execute_with(|| {
		let content = register_content(1);
		register_edge("edge");
		register_edge("edge2");
		// The viewer signed session 7 for both edges.
		let a = Batch::new(vec![receipt("edge", content, "viewer", 7, 0, 1), receipt("edge", content, "viewer", 8, 0, 2)]);
		let b = Batch::new(vec![receipt("edge2", content, "viewer", 7, 0, 1), receipt("edge2", content, "viewer", 9, 0, 2)]);
		run_to_block(claim_open(0));
		assert_ok!(a.claim("edge", 0));
		assert_ok!(b.claim("edge2", 0));
		run_to_block(proof_open(0));
		assert_ok!(submit("edge", 0, a.proof(&[0, 1])));
		assert!(CountedReceipts::<Test>::contains_key(0, (account("viewer"), 7)));
		assert_noop!(submit("edge2", 0, b.proof(&[0, 1])), Error::<Test>::ReceiptAlreadyCounted);
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
		assert_ok!(submit("edge", 0, old.proof(&[0, 1])));
		// Epoch 1 replays epoch 0's receipts.
		let replay = Batch::new(old.receipts.clone());
		run_to_block(claim_open(1));
		assert_ok!(replay.claim("edge", 1));
		run_to_block(proof_open(1));
		assert_noop!(submit("edge", 1, replay.proof(&[0, 1])), Error::<Test>::ReceiptMismatch);
	});
	new_test_ext().execute_with(|| {
		let content = register_content(1);
		register_edge("edge");
		// Receipts that name another edge.
		let stolen = Batch::honest("edge2", content, 0, 2);
		run_to_block(claim_open(0));
		assert_ok!(stolen.claim("edge", 0));
		run_to_block(proof_open(0));
		assert_noop!(submit("edge", 0, stolen.proof(&[0, 1])), Error::<Test>::ReceiptMismatch);
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
		let mut too_many_bytes = receipt("edge", content, "viewer", 2, 0, 0);
		too_many_bytes.bytes = CHUNK as u64 + 1;
		let unknown = receipt("edge", content_id(7), "viewer", 3, 0, 0);
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
			assert_noop!(submit("edge", epoch, batch.proof(&[0])), err);
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
		assert_noop!(submit("edge", 0, batch.proof(&drawn("edge", 0))), Error::<Test>::InvalidPath);
	});
}

#[test]
fn a_leaf_that_was_not_drawn_is_refused() {
	new_test_ext().execute_with(|| {
		let (_content, batch) = claimed("edge", 1_000);
		let indices = drawn("edge", 0);
		let not_drawn = (0..1_000).find(|i| !indices.contains(i)).unwrap();
		let mut chosen = indices.clone();
		chosen[0] = not_drawn;
		chosen.sort();
		assert_noop!(submit("edge", 0, batch.proof(&chosen)), Error::<Test>::LeafNotSampled);
		// Drawn leaves, but one missing, or out of order.
		assert_noop!(submit("edge", 0, batch.proof(&indices[1..])), Error::<Test>::ProofIncomplete);
		let mut swapped = indices.clone();
		swapped.swap(0, 1);
		assert_noop!(submit("edge", 0, batch.proof(&swapped)), Error::<Test>::ProofIncomplete);
	});
}

#[test]
fn a_tampered_path_is_refused() {
	new_test_ext().execute_with(|| {
		let (_content, batch) = claimed("edge", 300);
		let mut proof = batch.proof(&drawn("edge", 0));
		let mut path = proof[1].path.to_vec();
		path[0].sum += 1;
		proof[1].path = path.try_into().unwrap();
		assert_noop!(submit("edge", 0, proof), Error::<Test>::InvalidPath);
	});
}

#[test]
fn proof_after_the_window_is_refused_and_the_claim_slashed() {
	new_test_ext().execute_with(|| {
		let (_content, batch) = claimed("edge", 30);
		let indices = drawn("edge", 0);
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
		assert_noop!(submit("edge", 0, batch.proof(&indices)), Error::<Test>::ClaimNotPending);
		assert_noop!(submit("edge", 1, batch.proof(&indices)), Error::<Test>::NoClaim);
	});
}

#[test]
fn the_proof_window_closes_before_sealing() {
	new_test_ext().execute_with(|| {
		let (_content, batch) = claimed("edge", 30);
		let indices = drawn("edge", 0);
		// The last block of the window still accepts it; the claim is pending until then.
		run_to_block(seal_block(0) - 1);
		assert_ok!(submit("edge", 0, batch.proof(&indices)));
	});
	new_test_ext().execute_with(|| {
		let (_content, batch) = claimed("edge", 30);
		let indices = drawn("edge", 0);
		// A proof arriving in the sealing block itself is late (the claim is already rejected).
		run_to_block(seal_block(0));
		assert_noop!(submit("edge", 0, batch.proof(&indices)), Error::<Test>::ClaimNotPending);
		// And with the window check alone (had the claim stayed pending):
		Claims::<Test>::mutate(0, account("edge"), |c| c.as_mut().unwrap().status = ClaimStatus::Pending);
		assert_noop!(submit("edge", 0, batch.proof(&indices)), Error::<Test>::ProofWindowClosed);
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
	ocw_crypto::Signature::from(by.sign(&r.encode()))
}

fn authorize(r: &SampleReportOf<Test>, s: &ocw_crypto::Signature) -> Result<(), TransactionValidityError> {
	let call = Call::<Test>::report_sample { report: r.clone(), signature: s.clone() };
	call.authorize(TransactionSource::External).expect("report_sample has an authorize fn").map(|_| ())
}

fn dispatch_report(r: &SampleReportOf<Test>, s: &ocw_crypto::Signature) -> sp_runtime::DispatchResult {
	Delivery::report_sample(frame_system::RawOrigin::Authorized.into(), r.clone(), s.clone())
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
		assert_eq!(Edges::<Test>::get(account("edge")).unwrap().score, 501_000);
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
		let r = report("edge", content, SampleOutcome::BadChunk, &key);
		let s = sign_report(&r, &p);
		assert_ok!(dispatch_report(&r, &s));
		assert_eq!(Edges::<Test>::get(account("edge")).unwrap().score, 451_000);
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
		let no_content = report("edge", content_id(3), SampleOutcome::Served, &key);
		assert_noop!(dispatch_report(&no_content, &sign_report(&no_content, &p)), Error::<Test>::UnknownContent);
	});
}

#[test]
fn max_failures_in_an_epoch_suspend_and_slash() {
	new_test_ext().execute_with(|| {
		let content = register_content(1);
		register_edge("edge");
		let validators: Vec<_> = ["v1", "v2", "v3", "v4"].iter().map(|n| validator(n)).collect();
		ValidatorKeys::set(validators.iter().map(|(_, k)| k.clone()).collect());
		let treasury_before = Balances::free_balance(Treasury::get());
		for (i, (p, key)) in validators.iter().take(MAX_FAILURES as usize).enumerate() {
			let r = report("edge", content, SampleOutcome::Unavailable, key);
			assert_ok!(dispatch_report(&r, &sign_report(&r, p)));
			let edge = Edges::<Test>::get(account("edge")).unwrap();
			if i + 1 < MAX_FAILURES as usize {
				assert_eq!(edge.state, EdgeState::Active);
			} else {
				assert_eq!(edge.state, EdgeState::Suspended { epoch: 0 });
			}
		}
		let slashed = MIN_BOND * 2 / 10;
		assert!(has_event(Event::EdgeSuspended { edge: account("edge"), epoch: 0 }));
		assert!(has_event(Event::EdgeSlashed { edge: account("edge"), amount: slashed, reason: SlashReason::FailedSamples }));
		assert_eq!(Delivery::held_bond(&account("edge")), MIN_BOND * 2 - slashed);
		assert_eq!(Balances::free_balance(Treasury::get()), treasury_before + slashed);
		assert_eq!(Edges::<Test>::get(account("edge")).unwrap().score, 500_000 - 3 * 50_000);
		// A suspended edge is no longer sampled.
		let (p, key) = &validators[3];
		let r = report("edge", content, SampleOutcome::Unavailable, key);
		assert_noop!(dispatch_report(&r, &sign_report(&r, p)), Error::<Test>::EdgeNotActive);
		// It can still leave.
		assert_ok!(Delivery::unbond(RuntimeOrigin::signed(account("edge"))));
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
fn old_epochs_are_pruned_after_the_history_depth() {
	new_test_ext().execute_with(|| {
		let (_content, batch) = claimed("edge", 20);
		assert_ok!(submit("edge", 0, batch.proof(&drawn("edge", 0))));
		assert!(CountedReceipts::<Test>::iter_prefix(0).count() > 0);
		// HistoryDepth = 2: epoch 0 is kept while it is one of the two latest sealed epochs…
		run_to_block(seal_block(1) + 1);
		assert!(Claims::<Test>::get(0, account("edge")).is_some());
		assert_eq!(<Delivery as DeliveryLedger<_>>::verified_bytes(&account("edge"), 0), 20 * CHUNK as u64);
		// …and removed, with everything else of it, once epoch 2 is sealed.
		run_to_block(seal_block(2) + 1);
		assert!(Claims::<Test>::get(0, account("edge")).is_none());
		assert_eq!(CountedReceipts::<Test>::iter_prefix(0).count(), 0);
		assert!(EpochClaims::<Test>::get(0).is_empty());
		assert_eq!(PruneFrom::<Test>::get(), 1);
	});
}

#[test]
fn epoch_arithmetic_matches_the_documented_timeline() {
	new_test_ext().execute_with(|| {
		assert_eq!(Delivery::claim_window(0), (20, 25));
		assert_eq!(Delivery::seed_block(0), 25);
		assert_eq!(Delivery::proof_window(0), (26, 31));
		assert_eq!(Delivery::epoch_sealed_at(31), Some(0));
		assert_eq!(Delivery::epoch_sealed_at(51), Some(1));
		assert_eq!(Delivery::epoch_sealed_at(30), None);
		assert_eq!(Delivery::epoch_sealed_at(11), None);
		assert_eq!(Delivery::epoch_of(19), 0);
		assert_eq!(Delivery::epoch_of(20), 1);
	});
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
				match BoundedVec::<Leaf, MaxProofLeaves<Test>>::decode(&mut &tampered[..]) {
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
		use frame_support::traits::Hooks;
		<Delivery as Hooks<u64>>::integrity_test();
	});
}
