//! FRAME v2 benchmarks of pallet-delivery: every call, the authorization of `report_sample`, one
//! block's sealing step and one pruning step. Proof verification is measured over the number of
//! drawn leaves (`s`, up to `SamplesPerClaim`) and the siblings on each path (`d`, up to 32),
//! with every leaf of another content, once for each `MultiSignature` scheme the viewer may sign
//! with (sr25519, ed25519, ECDSA); the call is charged the costliest ([`Pallet::proof_weight`]).

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
use sp_core::{ecdsa, ed25519, sr25519, H256};
use sp_runtime::{
	traits::{IdentifyAccount, One, Saturating},
	RuntimeAppPublic,
};
use vidchain_primitives::{
	delivery::{content_id, DeliveryReceipt, ProofLeaf, SampleOutcome},
	sampling,
	sum_tree::{SumNode, SumTree},
};

/// Key type of the viewer keys benchmarks sign receipts with.
const VIEWER_KEY: sp_core::crypto::KeyTypeId = sp_core::crypto::KeyTypeId(*b"bvwr");

/// What a runtime does for the benchmarks that it alone knows how to do.
pub trait BenchmarkHelper<AuthorityId> {
	/// Make `key` one of the current validators.
	fn make_validator(key: &AuthorityId);
}

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

fn manifest_root(i: u32) -> H256 {
	H256(sp_io::hashing::blake2_256(&(b"bench-content", i).encode()))
}

/// The largest content: `MaxChunks` chunks of `chunk_size` bytes.
fn add_content<T: Config>(creator: &T::AccountId, i: u32, chunk_size: u32) -> ContentId {
	let chunks = T::MaxChunks::get();
	Delivery::<T>::do_register_content(
		creator.clone(),
		manifest_root(i),
		ContentSizes { chunk_size, chunk_count: chunks, total_bytes: chunk_size as u64 * chunks as u64 },
		false,
		Default::default(),
		Default::default(),
	)
	.expect("content registers");
	content_id(creator, &manifest_root(i))
}

fn add_edge<T: Config>(who: &T::AccountId) {
	Delivery::<T>::do_register_edge(who.clone(), max_url::<T>(), Default::default(), T::MinEdgeBond::get())
		.expect("edge registers");
}

/// The longest public endpoint: a public IP literal (what a chain without local endpoints
/// takes) and a path up to the bound.
fn max_url<T: Config>() -> BoundedVec<u8, T::MaxEndpointLen> {
	let mut url = b"https://[2001:db8::1]/".to_vec();
	url.resize(T::MaxEndpointLen::get() as usize, b'x');
	url.try_into().expect("exactly the bound")
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
	let content = add_content::<T>(&creator, 0, 1);
	// Past the new edge's grace: the first epoch it can be reported in.
	set_block::<T>(Delivery::<T>::epoch_start(T::NewEdgeGraceEpochs::get()));
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
	let signature = key
		.sign(&report.signing_payload(&Delivery::<T>::genesis_hash()))
		.expect("the key was just generated");
	(report, signature)
}

/// `n` edges with a claim in epoch 0, the block set to the claim window.
fn claims<T: Config>(n: u32, from: u32) -> Vec<T::AccountId>
where
	T::Currency: Mutate<T::AccountId>,
{
	set_block::<T>(Delivery::<T>::claim_window(0).0);
	(from..from + n)
		.map(|i| {
			let who = funded::<T>("edge", i);
			add_edge::<T>(&who);
			Delivery::<T>::do_submit_claim(who.clone(), 0, H256::repeat_byte(1), 1_000, 10).unwrap();
			who
		})
		.collect()
}

/// The proof of a claim of `viewer`'s receipts, `s` of them opened (each of its own content),
/// each path with `d` non-empty siblings (zero-byte filler leaves next to each receipt's slot),
/// and each receipt signed by `sign`; the block is set to the proof window. The tree is shaped
/// after the draw: the draw depends only on the seed and the claimed total, so the receipts'
/// byte counts are chosen to put exactly one group of drawn offsets in each.
fn proof_of<T: Config>(
	s: u32,
	d: u32,
	viewer: T::AccountId,
	sign: impl Fn(&[u8]) -> T::ReceiptSignature,
) -> Result<(T::AccountId, BoundedVec<ProofLeafOf<T>, T::SamplesPerClaim>), BenchmarkError>
where
	T::Currency: Mutate<T::AccountId>,
{
	let samples = T::SamplesPerClaim::get();
	let creator = funded::<T>("creator", 0);
	let contents: Vec<ContentId> = (0..s).map(|i| add_content::<T>(&creator, i, 1)).collect();
	let seed_block = Delivery::<T>::seed_block(0);
	frame_system::BlockHash::<T>::insert(seed_block, H256::default());
	// Every interval below `total` fits one receipt of a content of `MaxChunks` 1-byte chunks.
	let total = (T::MaxChunks::get() / (samples + 1)) as u64 * s as u64;
	// An edge whose draw has at least `s` distinct offsets.
	let (edge, offsets) = (0..1_000u32)
		.find_map(|i| {
			let edge: T::AccountId = account("edge", i, 0);
			let seed = sampling::claim_seed(&H256::default(), &edge, 0);
			let mut offsets = sampling::draw_offsets(&seed, total, samples);
			offsets.dedup();
			(offsets.len() as u32 >= s).then_some((edge, offsets))
		})
		.ok_or(BenchmarkError::Stop("no draw with enough distinct offsets"))?;
	let _ = T::Currency::mint_into(&edge, T::MinEdgeBond::get().saturating_mul(10u32.into()));
	add_edge::<T>(&edge);

	// Receipt k (in slot order) covers [b_k, b_k+1): b_0 = 0, b_k = k-th distinct offset.
	let mut bounds: Vec<u64> = offsets.iter().take(s as usize).copied().collect();
	bounds[0] = 0;
	bounds.push(total);
	let mut receipts: Vec<DeliveryReceipt<T::AccountId>> = (0..s)
		.map(|k| DeliveryReceipt {
			edge: edge.clone(),
			content: contents[k as usize],
			viewer: viewer.clone(),
			session_nonce: k as u64,
			first_chunk: 0,
			chunk_count: 0,
			bytes: 0,
			price_per_mib: 1_000,
			payer: vidchain_primitives::delivery::Payer::Escrow,
			epoch: 0,
			ttfb_ms: 30,
			throughput_kbps: 10_000,
		})
		.collect();
	receipts.sort_by_key(|r| r.position());
	for (k, r) in receipts.iter_mut().enumerate() {
		r.bytes = bounds[k + 1] - bounds[k];
		r.chunk_count = r.bytes as u32;
	}
	let mut leaves: Vec<(u32, SumNode)> = receipts.iter().map(|r| (r.position(), r.leaf())).collect();
	for r in &receipts {
		for level in 0..d {
			let slot = r.position() ^ (1 << level);
			if !leaves.iter().any(|(p, _)| *p == slot) {
				leaves.push((slot, SumNode::leaf(&H256(sp_io::hashing::blake2_256(&slot.encode())), 0)));
			}
		}
	}
	let tree = SumTree::build(leaves).map_err(|_| BenchmarkError::Stop("tree builds"))?;
	let root = tree.root();
	set_block::<T>(Delivery::<T>::claim_window(0).0);
	Delivery::<T>::do_submit_claim(edge.clone(), 0, root.hash, root.sum, s)
		.map_err(|_| BenchmarkError::Stop("the claim is accepted"))?;
	set_block::<T>(Delivery::<T>::proof_window(0).0);

	let genesis = Delivery::<T>::genesis_hash();
	let proof: Vec<ProofLeaf<T::AccountId, T::ReceiptSignature>> = receipts
		.into_iter()
		.map(|receipt| {
			let signature = sign(&receipt.signing_payload(&genesis));
			let path = tree.path(receipt.position()).expect("a leaf of the tree");
			ProofLeaf { receipt, signature, path }
		})
		.collect();
	let proof = proof.try_into().map_err(|_| BenchmarkError::Stop("s ≤ SamplesPerClaim"))?;
	Ok((edge, proof))
}

/// The `MultiSignature` schemes a viewer may sign receipts with.
enum Scheme {
	Sr25519,
	Ed25519,
	Ecdsa,
}

/// [`proof_of`] a fresh viewer key of `scheme`, its receipts signed with it.
fn signed_proof<T: Config>(
	s: u32,
	d: u32,
	scheme: Scheme,
) -> Result<(T::AccountId, BoundedVec<ProofLeafOf<T>, T::SamplesPerClaim>), BenchmarkError>
where
	T::ReceiptSignature: From<sr25519::Signature> + From<ed25519::Signature> + From<ecdsa::Signature>,
	T::ReceiptSigner: From<sr25519::Public> + From<ed25519::Public> + From<ecdsa::Public>,
	T::Currency: Mutate<T::AccountId>,
{
	use sp_io::crypto::*;
	const SIGNS: &str = "the key was just generated";
	match scheme {
		Scheme::Sr25519 => {
			let key = sr25519_generate(VIEWER_KEY, None);
			proof_of::<T>(s, d, T::ReceiptSigner::from(key).into_account(), |m| {
				sr25519_sign(VIEWER_KEY, &key, m).expect(SIGNS).into()
			})
		},
		Scheme::Ed25519 => {
			let key = ed25519_generate(VIEWER_KEY, None);
			proof_of::<T>(s, d, T::ReceiptSigner::from(key).into_account(), |m| {
				ed25519_sign(VIEWER_KEY, &key, m).expect(SIGNS).into()
			})
		},
		Scheme::Ecdsa => {
			let key = ecdsa_generate(VIEWER_KEY, None);
			proof_of::<T>(s, d, T::ReceiptSigner::from(key).into_account(), |m| {
				ecdsa_sign(VIEWER_KEY, &key, m).expect(SIGNS).into()
			})
		},
	}
}

/// `edge`'s claim of epoch 0 is verified.
fn verified<T: Config>(edge: &T::AccountId) -> Result<(), BenchmarkError> {
	match Claims::<T>::get(0, edge).map(|c| c.status) {
		Some(ClaimStatus::Verified) => Ok(()),
		_ => Err(BenchmarkError::Stop("the proof verifies the claim")),
	}
}

#[benchmarks(
	where
		T::ReceiptSignature: From<sr25519::Signature> + From<ed25519::Signature> + From<ecdsa::Signature>,
		T::ReceiptSigner: From<sr25519::Public> + From<ed25519::Public> + From<ecdsa::Public>,
		T::Currency: Mutate<T::AccountId>,
)]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register_content() {
		let creator = funded::<T>("creator", 0);
		let title: BoundedVec<u8, T::MaxTitleLen> =
			alloc::vec![b't'; T::MaxTitleLen::get() as usize].try_into().unwrap();
		let uri: BoundedVec<u8, T::MaxUriLen> = alloc::vec![b'u'; T::MaxUriLen::get() as usize].try_into().unwrap();
		let (size, count) = (T::MaxChunkSize::get(), T::MaxChunks::get());

		#[extrinsic_call]
		_(RawOrigin::Signed(creator.clone()), manifest_root(0), size, count, size as u64 * count as u64, true, title, uri);

		assert!(Contents::<T>::contains_key(content_id(&creator, &manifest_root(0))));
	}

	#[benchmark]
	fn retire_content() {
		let creator = funded::<T>("creator", 0);
		let id = add_content::<T>(&creator, 0, 1);

		#[extrinsic_call]
		_(RawOrigin::Signed(creator), id);

		assert!(Contents::<T>::get(id).unwrap().retired_at.is_some());
	}

	#[benchmark]
	fn register_edge() {
		let who = funded::<T>("edge", 0);
		let region: BoundedVec<u8, T::MaxRegionLen> =
			alloc::vec![b'r'; T::MaxRegionLen::get() as usize].try_into().unwrap();

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), max_url::<T>(), region, T::MinEdgeBond::get());

		assert!(Edges::<T>::contains_key(&who));
	}

	#[benchmark]
	fn update_edge() {
		let who = funded::<T>("edge", 0);
		add_edge::<T>(&who);
		let region: BoundedVec<u8, T::MaxRegionLen> =
			alloc::vec![b'r'; T::MaxRegionLen::get() as usize].try_into().unwrap();

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), max_url::<T>(), region);

		assert_eq!(Edges::<T>::get(&who).unwrap().endpoint, max_url::<T>());
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
	fn bond_more() {
		let who = funded::<T>("edge", 0);
		add_edge::<T>(&who);
		let amount = T::MinEdgeBond::get();

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), amount);

		assert_eq!(Edges::<T>::get(&who).unwrap().bond, amount.saturating_add(amount));
	}

	#[benchmark]
	fn resume() {
		let who = funded::<T>("edge", 0);
		add_edge::<T>(&who);
		Edges::<T>::mutate(&who, |e| e.as_mut().unwrap().state = EdgeState::Suspended { epoch: 0, until: One::one() });
		set_block::<T>(One::one());

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));

		assert_eq!(Edges::<T>::get(&who).unwrap().state, EdgeState::Active);
	}

	#[benchmark]
	fn submit_claim() {
		let who = funded::<T>("edge", 0);
		add_edge::<T>(&who);
		set_block::<T>(Delivery::<T>::claim_window(0).0);

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), 0, H256::repeat_byte(1), 1_000_000u64, 1_000u32);

		assert!(Claims::<T>::contains_key(0, &who));
	}

	/// `submit_proof` with receipts signed with sr25519: see [`signed_proof`].
	#[benchmark]
	fn submit_proof_sr25519(
		s: Linear<1, { T::SamplesPerClaim::get() }>,
		d: Linear<0, 32>,
	) -> Result<(), BenchmarkError> {
		let (edge, proof) = signed_proof::<T>(s, d, Scheme::Sr25519)?;

		#[extrinsic_call]
		submit_proof(RawOrigin::Signed(edge.clone()), 0, proof);

		verified::<T>(&edge)
	}

	/// `submit_proof` with receipts signed with ed25519: see [`signed_proof`].
	#[benchmark]
	fn submit_proof_ed25519(
		s: Linear<1, { T::SamplesPerClaim::get() }>,
		d: Linear<0, 32>,
	) -> Result<(), BenchmarkError> {
		let (edge, proof) = signed_proof::<T>(s, d, Scheme::Ed25519)?;

		#[extrinsic_call]
		submit_proof(RawOrigin::Signed(edge.clone()), 0, proof);

		verified::<T>(&edge)
	}

	/// `submit_proof` with receipts signed with ECDSA (secp256k1): the viewer's key is recovered
	/// from each signature and hashed to its account. See [`signed_proof`].
	#[benchmark]
	fn submit_proof_ecdsa(
		s: Linear<1, { T::SamplesPerClaim::get() }>,
		d: Linear<0, 32>,
	) -> Result<(), BenchmarkError> {
		let (edge, proof) = signed_proof::<T>(s, d, Scheme::Ecdsa)?;

		#[extrinsic_call]
		submit_proof(RawOrigin::Signed(edge.clone()), 0, proof);

		verified::<T>(&edge)
	}

	/// The worst case: the failure that suspends and slashes the edge.
	#[benchmark]
	fn report_sample() {
		let (report, signature) = signed_report::<T>(SampleOutcome::Unavailable);
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

	/// One block's sealing step over `v` verified claims (each only counted), which also
	/// finishes the epoch. With [`seal_rejected`] it prices a step: see `Pallet::seal_weight`.
	#[benchmark]
	fn seal_verified(v: Linear<0, { T::MaxSealPerBlock::get() - 1 }>) {
		let verified = claims::<T>(v, 0);
		for who in &verified {
			Claims::<T>::mutate(0, who, |c| c.as_mut().unwrap().status = ClaimStatus::Verified);
			Edges::<T>::mutate(who, |e| e.as_mut().unwrap().pending_claims = 0);
		}
		let at = Delivery::<T>::proof_window(0).1;
		set_block::<T>(at);

		#[block]
		{
			Delivery::<T>::seal_step(at);
		}

		assert_eq!(LastSealedEpoch::<T>::get(), Some(0));
	}

	/// One block's sealing step over `r` unproven claims, each rejected and its edge slashed,
	/// which also finishes the epoch.
	#[benchmark]
	fn seal_rejected(r: Linear<0, { T::MaxSealPerBlock::get() - 1 }>) {
		let unproven = claims::<T>(r, 0);
		let at = Delivery::<T>::proof_window(0).1;
		set_block::<T>(at);

		#[block]
		{
			Delivery::<T>::seal_step(at);
		}

		assert_eq!(LastSealedEpoch::<T>::get(), Some(0));
		for who in &unproven {
			assert_eq!(Claims::<T>::get(0, who).unwrap().status, ClaimStatus::Rejected);
		}
	}

	/// One pruning step over `n` retired contents of a sealed epoch, each removed with its
	/// record: the costliest item pruning removes (two keys and an iteration), charged for
	/// every kind of item (see `Pallet::prune`).
	#[benchmark]
	fn prune(n: Linear<0, 1_000>) {
		let creator = funded::<T>("creator", 0);
		let _ = T::Currency::mint_into(&creator, T::ContentDeposit::get().saturating_mul(n.into()));
		set_block::<T>(One::one());
		for i in 0..n {
			let id = add_content::<T>(&creator, i, 1);
			Delivery::<T>::do_retire_content(creator.clone(), id).expect("the creator retires it");
		}
		LastSealedEpoch::<T>::put(Delivery::<T>::current_epoch());

		#[block]
		{
			Delivery::<T>::prune(Weight::MAX);
		}

		assert_eq!(RetiredContents::<T>::iter().count(), 0);
		assert_eq!(Contents::<T>::iter().count(), 0);
	}

	impl_benchmark_test_suite!(Delivery, crate::mock::new_bench_ext(), crate::mock::Test);
}
