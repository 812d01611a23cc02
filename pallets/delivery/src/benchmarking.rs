//! FRAME v2 benchmarks of pallet-delivery: every call, the authorization of `report_sample`,
//! and sealing an epoch. Proof verification is measured over the number of leaves (`s`) and the
//! depth of the sum tree (`d`).

use super::*;
use crate::Pallet as Delivery;
use alloc::vec::Vec;
use codec::Encode;
use frame_benchmarking::v2::*;
use frame_support::{
	pallet_prelude::*,
	traits::{fungible::Mutate, Authorize, Get},
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use sp_core::{sr25519, H256};
use sp_runtime::{
	traits::{IdentifyAccount, One, Saturating},
	RuntimeAppPublic,
};
use vidchain_primitives::{
	delivery::{DeliveryReceipt, ProofLeaf, SampleOutcome},
	sum_tree::{SumNode, SumTree},
};

/// Raw storage key through which benchmark builds lower the number of drawn leaves (see
/// `Pallet::samples_per_claim`).
pub const SAMPLES_OVERRIDE_KEY: &[u8] = b":vidchain:bench:samples";

/// Key type of the viewer keys benchmarks sign receipts with.
const VIEWER_KEY: sp_core::crypto::KeyTypeId = sp_core::crypto::KeyTypeId(*b"bvwr");

/// What a runtime does for the benchmarks that it alone knows how to do.
pub trait BenchmarkHelper<AuthorityId> {
	/// Make `key` one of the current validators.
	fn make_validator(key: &AuthorityId);
}

const CHUNK: u32 = 1 << 20;
const CHUNKS: u32 = 1 << 16;

fn funded<T: Config>(name: &'static str, i: u32) -> T::AccountId
where
	T::Currency: Mutate<T::AccountId>,
{
	let who: T::AccountId = account(name, i, 0);
	let amount = T::MinEdgeBond::get().saturating_mul(10u32.into()) +
		T::ContentDeposit::get().saturating_mul(100u32.into());
	let _ = T::Currency::mint_into(&who, amount);
	who
}

fn content_id(i: u32) -> H256 {
	H256(sp_io::hashing::blake2_256(&(b"bench-content", i).encode()))
}

fn add_content<T: Config>(creator: &T::AccountId, i: u32) -> ContentId {
	let id = content_id(i);
	Delivery::<T>::do_register_content(
		creator.clone(),
		id,
		CHUNK,
		CHUNKS,
		CHUNK as u64 * CHUNKS as u64,
		false,
		Vec::new(),
		Vec::new(),
	)
	.expect("content registers");
	id
}

fn add_edge<T: Config>(who: &T::AccountId) {
	Delivery::<T>::do_register_edge(who.clone(), max_url::<T>(), Vec::new(), T::MinEdgeBond::get())
		.expect("edge registers");
}

fn max_url<T: Config>() -> Vec<u8> {
	let mut url = b"https://".to_vec();
	url.resize(T::MaxEndpointLen::get() as usize, b'x');
	url
}

fn set_block<T: Config>(n: BlockNumberFor<T>) {
	frame_system::Pallet::<T>::set_block_number(n);
}

/// A report of a failed or served sample of a fresh edge, signed by a fresh validator key.
fn signed_report<T: Config>(outcome: SampleOutcome) -> (SampleReportOf<T>, AuthoritySignatureOf<T>)
where
	T::Currency: Mutate<T::AccountId>,
{
	let edge = funded::<T>("edge", 0);
	add_edge::<T>(&edge);
	let creator = funded::<T>("creator", 0);
	let content = add_content::<T>(&creator, 0);
	let key = T::AuthorityId::generate_pair(None);
	T::BenchmarkHelper::make_validator(&key);
	let report = SampleReport {
		edge,
		content,
		chunk_index: 0,
		outcome,
		latency_ms: 100,
		epoch: Delivery::<T>::current_epoch(),
		validator: key.clone(),
	};
	let signature = key.sign(&report.encode()).expect("the key was just generated");
	(report, signature)
}

#[benchmarks(
	where
		T::ReceiptSignature: From<sr25519::Signature>,
		T::ReceiptSigner: From<sr25519::Public>,
		T::Currency: Mutate<T::AccountId>,
)]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register_content() {
		let creator = funded::<T>("creator", 0);
		let title = alloc::vec![b't'; T::MaxTitleLen::get() as usize];
		let uri = alloc::vec![b'u'; T::MaxUriLen::get() as usize];
		let id = content_id(0);

		#[extrinsic_call]
		_(RawOrigin::Signed(creator), id, CHUNK, CHUNKS, CHUNK as u64 * CHUNKS as u64, true, title, uri);

		assert!(Contents::<T>::contains_key(id));
	}

	#[benchmark]
	fn retire_content() {
		let creator = funded::<T>("creator", 0);
		let id = add_content::<T>(&creator, 0);

		#[extrinsic_call]
		_(RawOrigin::Signed(creator), id);

		assert!(Contents::<T>::get(id).unwrap().retired_at.is_some());
	}

	#[benchmark]
	fn register_edge() {
		let who = funded::<T>("edge", 0);
		let region = alloc::vec![b'r'; T::MaxRegionLen::get() as usize];

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), max_url::<T>(), region, T::MinEdgeBond::get());

		assert!(Edges::<T>::contains_key(&who));
	}

	#[benchmark]
	fn update_edge() {
		let who = funded::<T>("edge", 0);
		add_edge::<T>(&who);
		let region = alloc::vec![b'r'; T::MaxRegionLen::get() as usize];

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), max_url::<T>(), region);

		assert_eq!(Edges::<T>::get(&who).unwrap().endpoint.to_vec(), max_url::<T>());
	}

	#[benchmark]
	fn unbond() {
		let who = funded::<T>("edge", 0);
		add_edge::<T>(&who);

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));

		assert!(matches!(Edges::<T>::get(&who).unwrap().state, EdgeState::Unbonding { .. }));
	}

	#[benchmark]
	fn withdraw_unbonded() {
		let who = funded::<T>("edge", 0);
		add_edge::<T>(&who);
		Delivery::<T>::do_unbond(who.clone()).unwrap();
		set_block::<T>(T::UnbondingPeriod::get() + One::one() + One::one());

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));

		assert!(!Edges::<T>::contains_key(&who));
	}

	#[benchmark]
	fn submit_claim() {
		let who = funded::<T>("edge", 0);
		add_edge::<T>(&who);
		// Worst case: the epoch's claim list is one short of full.
		let others: Vec<T::AccountId> =
			(1..T::MaxClaimsPerEpoch::get()).map(|i| account("other", i, 0)).collect();
		EpochClaims::<T>::insert(0, BoundedVec::try_from(others).expect("fits the bound"));
		set_block::<T>(Delivery::<T>::claim_window(0).0);

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), 0, H256::repeat_byte(1), 1_000_000u64, 1_000u32);

		assert!(Claims::<T>::contains_key(0, &who));
	}

	/// `s` leaves proven, in a sum tree of `2^d` receipts; each receipt of another content and
	/// signed by the viewer.
	#[benchmark]
	fn submit_proof(s: Linear<1, { T::SamplesPerClaim::get() + 1 }>, d: Linear<6, 16>) {
		let edge = funded::<T>("edge", 0);
		add_edge::<T>(&edge);
		let creator = funded::<T>("creator", 0);
		let contents: Vec<ContentId> = (0..s).map(|i| add_content::<T>(&creator, i)).collect();
		let viewer_key = sp_io::crypto::sr25519_generate(VIEWER_KEY, None);
		let viewer: T::AccountId = T::ReceiptSigner::from(viewer_key).into_account();
		let count: u32 = 1 << d;

		// The claim (its root is filled in below: the draw depends on its count only).
		set_block::<T>(Delivery::<T>::claim_window(0).0);
		Delivery::<T>::do_submit_claim(edge.clone(), 0, H256::zero(), 1, count).unwrap();
		frame_support::storage::unhashed::put(SAMPLES_OVERRIDE_KEY, &(s - 1));
		let seed_block = Delivery::<T>::seed_block(0);
		frame_system::BlockHash::<T>::insert(seed_block, T::Hash::default());
		set_block::<T>(Delivery::<T>::proof_window(0).0);
		let drawn = Delivery::<T>::sampled_leaves(&edge, 0).unwrap();
		assert_eq!(drawn.len() as u32, s);

		// Real, signed receipts at the drawn leaves; filler leaves elsewhere.
		let mut receipts = alloc::collections::BTreeMap::new();
		for (k, index) in drawn.iter().enumerate() {
			let receipt = DeliveryReceipt {
				edge: edge.clone(),
				content: contents[k],
				viewer: viewer.clone(),
				session_nonce: *index as u64,
				first_chunk: 0,
				chunk_count: 1,
				bytes: CHUNK as u64,
				epoch: 0,
				ttfb_ms: 30,
				throughput_kbps: 10_000,
			};
			let signature =
				sp_io::crypto::sr25519_sign(VIEWER_KEY, &viewer_key, &receipt.signing_payload())
					.expect("the key was just generated");
			receipts.insert(*index, (receipt, signature));
		}
		let leaves: Vec<SumNode> = (0..count)
			.map(|i| match receipts.get(&i) {
				Some((r, _)) => r.leaf(),
				None => SumNode::leaf(&H256(sp_io::hashing::blake2_256(&i.to_le_bytes())), 1),
			})
			.collect();
		let tree = SumTree::build(leaves).expect("tree builds");
		let root = tree.root();
		Claims::<T>::mutate(0, &edge, |c| {
			let c = c.as_mut().unwrap();
			c.root = root.hash;
			c.total_bytes = root.sum;
		});
		let proof: Vec<ProofLeaf<T::AccountId, T::ReceiptSignature>> = drawn
			.iter()
			.map(|i| {
				let (receipt, signature) = receipts.remove(i).unwrap();
				ProofLeaf {
					index: *i,
					receipt,
					signature: signature.into(),
					path: tree.path(*i).unwrap().try_into().expect("depth ≤ 32"),
				}
			})
			.collect();
		let proof: BoundedVec<_, MaxProofLeaves<T>> = proof.try_into().expect("s ≤ S + 1");

		#[extrinsic_call]
		_(RawOrigin::Signed(edge.clone()), 0, proof);

		assert_eq!(Claims::<T>::get(0, &edge).unwrap().status, ClaimStatus::Verified);
	}

	/// The worst case: the failure that suspends and slashes the edge.
	#[benchmark]
	fn report_sample() {
		let (report, signature) = signed_report::<T>(SampleOutcome::Unavailable);
		SampleFailures::<T>::insert(report.epoch, &report.edge, T::MaxFailures::get() - 1);
		let edge = report.edge.clone();

		#[extrinsic_call]
		_(RawOrigin::Authorized, report, signature);

		assert!(matches!(Edges::<T>::get(&edge).unwrap().state, EdgeState::Suspended { .. }));
	}

	#[benchmark]
	fn authorize_report_sample() -> Result<(), BenchmarkError> {
		let (report, signature) = signed_report::<T>(SampleOutcome::Served);
		let call = Call::<T>::report_sample { report, signature };

		#[block]
		{
			call.authorize(TransactionSource::External)
				.ok_or("report_sample has an authorize fn")?
				.map_err(|_| "the report is authorized")?;
		}
		Ok(())
	}

	/// Sealing an epoch with `n` claims, all unproven: each is rejected and its edge slashed.
	#[benchmark]
	fn seal_epoch(n: Linear<0, { T::MaxClaimsPerEpoch::get() }>) {
		set_block::<T>(Delivery::<T>::claim_window(0).0);
		for i in 0..n {
			let who = funded::<T>("edge", i);
			add_edge::<T>(&who);
			Delivery::<T>::do_submit_claim(who, 0, H256::repeat_byte(1), 1_000, 10).unwrap();
		}
		let at = Delivery::<T>::proof_window(0).1;
		set_block::<T>(at);
		assert_eq!(Delivery::<T>::epoch_sealed_at(at), Some(0));

		#[block]
		{
			Delivery::<T>::seal_epoch(0);
		}

		assert_eq!(LastSealedEpoch::<T>::get(), Some(0));
	}

	impl_benchmark_test_suite!(Delivery, crate::mock::new_bench_ext(), crate::mock::Test);
}
