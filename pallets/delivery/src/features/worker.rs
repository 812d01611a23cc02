//! The validators' sampling worker: the pallet's off-chain worker.
//!
//! On every block it imports, a node whose keystore holds a current validator's `vocw` key
//! samples up to `MaxSamplesPerBlock` edges and reports each with [`Pallet::report_sample`]:
//!
//! 1. **Which edges.** From a seed of the parent block's hash, the validator's key and the block
//!    number, it walks `Edges` from a pseudo-random key onward (wrapping) and takes the first
//!    edges that are active or unbonding, past their grace (`NewEdgeGraceEpochs`), that it has
//!    not reported in this epoch (on chain) and not sampled in this epoch (its own off-chain
//!    record). Validators spread over the edges; nobody picks which edges a validator samples.
//!    An edge whose endpoint the chain would not register today (a DNS name, or a private
//!    address, on a chain without local endpoints) is not fetched at all: it is `Unavailable`.
//! 2. **Which chunks.** It asks the edge which contents it serves (`GET /content`, SCALE, at most
//!    `MAX_LISTED_CONTENTS`), keeps live, non-exclusive registered ones, and picks one and
//!    `ChunksPerSample` chunks of it with the node's *local* randomness, so an edge cannot
//!    predict the chunks and keep only those. An edge that lists only live *exclusive* content
//!    is skipped (its chunks need a license); one that gives no list, or lists nothing live, is
//!    `Unavailable`.
//! 3. **The check.** For each chunk in turn it fetches the chunk and its Merkle path
//!    (`GET …/chunks/{i}` and `…/chunks/{i}/proof`), each with one deadline for its headers
//!    *and* body (`SampleDeadlineMs`) and a size bound (the content's chunk size; a proof's
//!    bound), and checks them against the manifest root and chunk
//!    count *registered on chain*: `Served`; `BadChunk` if the bytes, their length or the proof
//!    do not match; `Unavailable` if the edge does not answer 200 in time or serves no proof. The
//!    first chunk that fails is the one reported; if all pass, the first is named as `Served`.
//!    Each chunk is asked for with a fresh nonce (`x-vidchain-probe`, from the node's local
//!    randomness) and the answer must carry the edge's own account signature of the nonce and
//!    the chunk (`x-vidchain-probe-signature`, [`ProbeAnswer`]): an answer signed by another key,
//!    or not signed — an endpoint that forwards to another edge's server — is `Unavailable`,
//!    because this edge did not serve it. The availability emission follows these reports.
//! 4. **The report.** Signed with the validator's `vocw` key over the tagged payload, submitted
//!    as an authorized (fee-less) transaction.
//!
//! **Bounded in time.** Every request of a run also ends at the run's own deadline (the lock's:
//! `SampleDeadlineMs` per request the run may make), so an edge that sends headers and then
//! nothing, or trickles its body, costs a run at most its deadline and is reported
//! `Unavailable`; the other edges of the run are still sampled, and the next run starts on
//! time.
//!
//! Never two reports for one (validator, edge, epoch): the chain refuses a second one, the worker
//! skips edges already reported on chain, and it records each edge it samples in its persistent
//! off-chain storage (compare-and-set) before it fetches, so runs on two forks of one height,
//! or two runs that overlap, do not sample an edge twice; a lock keeps one run at a time.

use crate::*;
use alloc::{string::String, vec::Vec};
use codec::{Decode, Encode};
use frame_support::{pallet_prelude::ConstU32, storage::StoragePrefixedMap, traits::Get};
use frame_system::{offchain::SubmitTransaction, pallet_prelude::BlockNumberFor};
use sp_runtime::{
	offchain::{
		http,
		storage::{MutateStorageError, StorageRetrievalError, StorageValueRef},
		storage_lock::{StorageLock, Time},
		Duration,
	},
	traits::{Saturating, Zero},
	BoundedVec, RuntimeAppPublic, SaturatedConversion,
};
use sp_runtime::traits::Verify;
use vidchain_primitives::{
	delivery::{chunk_range_bytes, ProbeAnswer},
	manifest::{http as edge_http, ChunkProof, MAX_PROOF_DEPTH},
};

/// The most contents an edge's list may name (a longer list is not read).
pub const MAX_LISTED_CONTENTS: u32 = 1024;

/// Off-chain storage key of the worker's lock.
const LOCK_KEY: &[u8] = b"vidchain/delivery/sampler/lock";
/// Off-chain storage key of the edges sampled in the current epoch.
const SAMPLED_KEY: &[u8] = b"vidchain/delivery/sampler/sampled";
/// Domain tag of the worker's choice of edges.
const CHOICE_CONTEXT: &[u8] = b"vidchain/sampler/edges/v1";

/// The edges one validator key has sampled in one epoch (by `blake2_128` of the account).
#[derive(Encode, Decode, Default, Debug)]
struct Sampled {
	epoch: EpochIndex,
	validator: Vec<u8>,
	edges: Vec<[u8; 16]>,
}

/// The sample the worker took of one edge, before it is signed.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Probe {
	/// The content sampled.
	pub content: ContentId,
	/// The chunk sampled.
	pub chunk_index: u32,
	/// What the edge did.
	pub outcome: SampleOutcome,
	/// How long the chunk took, in milliseconds.
	pub latency_ms: u32,
}

/// Why a fetch gave nothing usable.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum FetchError {
	/// No answer, an I/O error, the deadline, or a status other than 200.
	Unavailable,
	/// A body longer than the bound.
	TooLarge,
}

impl<T: Config> Pallet<T> {
	/// The off-chain worker's run for block `now`: sample and report (see the module docs).
	pub(crate) fn run_sampler(now: BlockNumberFor<T>) {
		let Some(validator) = Self::local_validator_key() else { return };
		let epoch = Self::epoch_of(now);
		// A report is valid only in its epoch: one taken in the epoch's last block would reach
		// a block of the next epoch and be refused.
		if Self::epoch_of(now.saturating_add(1u32.into())) != epoch {
			return;
		}
		let deadline_ms = T::SampleDeadlineMs::get();
		let per_block = T::MaxSamplesPerBlock::get();
		// Fetches of at most `per_block` edges (a list, then a chunk and its proof for each of
		// `ChunksPerSample` chunks), plus some slack.
		let requests = 1 + 2 * T::ChunksPerSample::get().max(1) as u64;
		let lock_ms = deadline_ms.saturating_mul(requests.saturating_mul(per_block as u64).saturating_add(1));
		let mut lock = StorageLock::<Time>::with_deadline(LOCK_KEY, Duration::from_millis(lock_ms));
		let Ok(_guard) = lock.try_lock() else {
			log::debug!(target: LOG_TARGET, "sampler: another run holds the lock");
			return;
		};
		// No request of this run outlives the lock.
		let run_deadline = sp_io::offchain::timestamp().add(Duration::from_millis(lock_ms));
		let parent = frame_system::Pallet::<T>::parent_hash();
		let seed = sp_io::hashing::blake2_256(&(CHOICE_CONTEXT, parent, &validator, now).encode());
		let done = Self::sampled_in(&validator, epoch);
		let candidates = Self::sample_candidates(&seed, &validator, epoch, per_block, &done);
		let picked = match Self::record_sampled(&validator, epoch, &candidates) {
			Ok(picked) => picked,
			Err(()) => return,
		};
		for who in picked {
			let Some(edge) = Edges::<T>::get(&who) else { continue };
			let Some(probe) = Self::probe_edge(&who, &edge, Deadline { per_request_ms: deadline_ms, run: run_deadline })
			else {
				continue
			};
			let report = SampleReport {
				edge: who.clone(),
				content: probe.content,
				chunk_index: probe.chunk_index,
				outcome: probe.outcome,
				latency_ms: probe.latency_ms,
				epoch,
				validator: validator.clone(),
			};
			let Some(signature) = validator.sign(&report.signing_payload(&Self::genesis_hash())) else {
				log::warn!(target: LOG_TARGET, "sampler: the keystore would not sign with its vocw key");
				return;
			};
			let call = Call::<T>::report_sample { report, signature };
			let xt = T::create_authorized_transaction(call.into());
			match SubmitTransaction::<T, Call<T>>::submit_transaction(xt) {
				Ok(()) => log::info!(
					target: LOG_TARGET,
					"sampler: reported {:?} of edge {:?} (content {:?}, chunk {}, {} ms)",
					probe.outcome, who, probe.content, probe.chunk_index, probe.latency_ms,
				),
				Err(()) => log::warn!(target: LOG_TARGET, "sampler: the pool refused a report of {:?}", who),
			}
		}
	}

	/// The first current validator key in the node's keystore.
	pub(crate) fn local_validator_key() -> Option<T::AuthorityId> {
		T::AuthorityId::all().into_iter().find(|k| T::Validators::is_validator(k))
	}

	/// The edges (by `blake2_128` of the account) `validator` has recorded as sampled in `epoch`.
	fn sampled_in(validator: &T::AuthorityId, epoch: EpochIndex) -> Vec<[u8; 16]> {
		match StorageValueRef::persistent(SAMPLED_KEY).get::<Sampled>() {
			Ok(Some(s)) if s.epoch == epoch && s.validator == validator.encode() => s.edges,
			_ => Vec::new(),
		}
	}

	/// Up to `count` edges to sample, walking `Edges` from the key `seed` points at (wrapping
	/// once): active or unbonding, not yet reported by `validator` in `epoch` on chain, and not in
	/// `done` (the worker's own record).
	pub(crate) fn sample_candidates(
		seed: &[u8; 32],
		validator: &T::AuthorityId,
		epoch: EpochIndex,
		count: u32,
		done: &[[u8; 16]],
	) -> Vec<T::AccountId> {
		let mut start = Edges::<T>::final_prefix().to_vec();
		// `Blake2_128Concat` keys: the first 16 bytes after the prefix are a hash of the account.
		start.extend_from_slice(&seed[..16]);
		let eligible = |who: &T::AccountId, e: &EdgeInfo<T>| {
			!matches!(e.state, EdgeState::Suspended { .. }) &&
				Self::judged_in(e, epoch) &&
				!done.contains(&sp_io::hashing::blake2_128(&who.encode())) &&
				!SampleReports::<T>::contains_key((epoch, who, validator))
		};
		let mut out = Vec::new();
		// Look at a bounded number of edges: a few times what is wanted, plus those already done.
		let mut budget = count.saturating_mul(8).max(8).saturating_add(done.len() as u32);
		for (who, e) in Edges::<T>::iter_from(start).chain(Edges::<T>::iter()) {
			if out.len() as u32 >= count || budget == 0 {
				break;
			}
			budget -= 1;
			if eligible(&who, &e) && !out.contains(&who) {
				out.push(who);
			}
		}
		out
	}

	/// Record `candidates` as sampled by `validator` in `epoch` (compare-and-set) and return
	/// those not recorded before. `Err` if the record changed under us (another run).
	fn record_sampled(
		validator: &T::AuthorityId,
		epoch: EpochIndex,
		candidates: &[T::AccountId],
	) -> Result<Vec<T::AccountId>, ()> {
		let record = StorageValueRef::persistent(SAMPLED_KEY);
		let key = validator.encode();
		let mut picked = Vec::new();
		let result = record.mutate(|old: Result<Option<Sampled>, StorageRetrievalError>| {
			let mut s = match old {
				Ok(Some(s)) if s.epoch == epoch && s.validator == key => s,
				_ => Sampled { epoch, validator: key.clone(), edges: Vec::new() },
			};
			picked.clear();
			for who in candidates {
				let tag = sp_io::hashing::blake2_128(&who.encode());
				if !s.edges.contains(&tag) {
					s.edges.push(tag);
					picked.push(who.clone());
				}
			}
			Ok::<_, ()>(s)
		});
		match result {
			Ok(_) => Ok(picked),
			Err(MutateStorageError::ConcurrentModification(_)) | Err(MutateStorageError::ValueFunctionFailed(_)) =>
				Err(()),
		}
	}

	/// Sample one edge: pick a content it lists and a chunk of it, fetch and check them. `None`
	/// if there is nothing to report: the edge lists no content that can be sampled, or (when it
	/// gives no list) no live content exists to name in the report.
	pub(crate) fn probe_edge(who: &T::AccountId, edge: &EdgeInfo<T>, deadline: Deadline) -> Option<Probe> {
		let base = Self::endpoint_base(&edge.endpoint)?;
		let mut random = Randomness(sp_io::offchain::random_seed(), 0);
		// An endpoint the chain would refuse today (registered under older rules) is never
		// fetched: no answer is the edge's fault, as if it were down.
		let fetchable = Self::check_endpoint(&edge.endpoint).is_ok();
		let listed = fetchable
			.then(|| {
				Self::fetch(
					&(base.clone() + &edge_http::contents_path()),
					Some(edge_http::SCALE_MEDIA_TYPE),
					4 + 32 * MAX_LISTED_CONTENTS as usize,
					deadline,
				)
				.ok()
			})
			.flatten()
			.and_then(|body| BoundedVec::<ContentId, ConstU32<MAX_LISTED_CONTENTS>>::decode(&mut &body[..]).ok());
		// No list (or one that is not a SCALE list): the edge is unavailable. A report names a
		// live content; any one will do.
		let listed = listed.unwrap_or_default();
		// A content the edge serves that can be sampled: live and not exclusive. An edge that
		// lists only live exclusive content is not sampled this time (exclusive chunks need a
		// license to fetch); one that lists nothing live serves nothing: it is unavailable.
		let mut listed = listed.into_inner();
		let mut target = None;
		let mut exclusive = false;
		while !listed.is_empty() {
			let i = random.below(listed.len() as u64) as usize;
			let id = listed.swap_remove(i);
			match Contents::<T>::get(id) {
				Some(c) if c.retired_at.is_none() && !c.exclusive => {
					target = Some((id, c));
					break;
				},
				Some(c) if c.retired_at.is_none() => exclusive = true,
				_ => {},
			}
		}
		let Some((content, info)) = target else {
			if exclusive {
				return None;
			}
			let (content, _) = Contents::<T>::iter().find(|(_, c)| c.retired_at.is_none())?;
			return Some(Probe { content, chunk_index: 0, outcome: SampleOutcome::Unavailable, latency_ms: 0 });
		};
		// `ChunksPerSample` chunks, each drawn anew (with replacement): the first that fails
		// decides the report; if all pass, the first chunk is named.
		let mut served: Option<Probe> = None;
		for _ in 0..T::ChunksPerSample::get().max(1) {
			let chunk_index = random.below(info.chunk_count as u64) as u32;
			let nonce = random.bytes();
			let (outcome, latency_ms) = Self::check_chunk(who, &base, &content, &info, chunk_index, &nonce, deadline)?;
			let probe = Probe { content, chunk_index, outcome, latency_ms };
			if outcome != SampleOutcome::Served {
				return Some(probe);
			}
			match served.as_mut() {
				None => served = Some(probe),
				Some(first) => first.latency_ms = first.latency_ms.max(latency_ms),
			}
		}
		served
	}

	/// Fetch chunk `chunk_index` of `content` and its Merkle path from edge `who` at `base`,
	/// and check them against the manifest registered on chain and the edge's key: the outcome
	/// and how long the chunk took (the slowest, when several are checked). `None` if the chunk
	/// is outside the content.
	///
	/// The chunk is asked for with a fresh `nonce` ([`edge_http::PROBE_HEADER`]); the edge must
	/// answer with its own key's signature of the nonce and the chunk
	/// ([`edge_http::PROBE_SIGNATURE_HEADER`], [`ProbeAnswer`]). An answer without it, or signed
	/// by another key — an endpoint that forwards to someone else's server — is `Unavailable`:
	/// that edge did not serve.
	fn check_chunk(
		who: &T::AccountId,
		base: &str,
		content: &ContentId,
		info: &ContentInfo<T>,
		chunk_index: u32,
		nonce: &[u8; 32],
		deadline: Deadline,
	) -> Option<(SampleOutcome, u32)> {
		let expected_len = chunk_range_bytes(info.chunk_size, info.total_bytes, chunk_index, 1)?;
		let started = sp_io::offchain::timestamp();
		let nonce_hex = hex::encode(nonce);
		let chunk = Self::request(
			&(String::from(base) + &edge_http::chunk_path(content, chunk_index)),
			&[(edge_http::PROBE_HEADER, &nonce_hex)],
			Some(edge_http::PROBE_SIGNATURE_HEADER),
			info.chunk_size as usize,
			deadline,
		);
		let latency_ms = sp_io::offchain::timestamp().diff(&started).millis().saturated_into::<u32>();
		let answer = ProbeAnswer { nonce: *nonce, content: *content, chunk_index };
		let signed_by_edge = |signature: &Option<String>| {
			signature
				.as_deref()
				.and_then(|h| hex::decode(h.trim()).ok())
				.and_then(|bytes| T::ReceiptSignature::decode(&mut &bytes[..]).ok())
				.is_some_and(|sig| sig.verify(&answer.signing_payload(&Self::genesis_hash())[..], who))
		};
		let outcome = match chunk {
			Err(FetchError::Unavailable) => SampleOutcome::Unavailable,
			Err(FetchError::TooLarge) => SampleOutcome::BadChunk,
			Ok((_, signature)) if !signed_by_edge(&signature) => SampleOutcome::Unavailable,
			Ok((bytes, _)) if bytes.len() as u64 != expected_len => SampleOutcome::BadChunk,
			Ok((bytes, _)) => {
				let proof = Self::fetch(
					&(String::from(base) + &edge_http::chunk_proof_path(content, chunk_index)),
					Some(edge_http::SCALE_MEDIA_TYPE),
					8 + 1 + 32 * MAX_PROOF_DEPTH as usize,
					deadline,
				);
				match proof {
					Err(FetchError::Unavailable) => SampleOutcome::Unavailable,
					Err(FetchError::TooLarge) => SampleOutcome::BadChunk,
					Ok(proof) => match ChunkProof::decode(&mut &proof[..]) {
						Ok(p) if p.index == chunk_index && p.verify(&info.manifest_root, info.chunk_count, &bytes) =>
							SampleOutcome::Served,
						_ => SampleOutcome::BadChunk,
					},
				}
			},
		};
		Some((outcome, latency_ms))
	}

	/// The edge's endpoint as a URL prefix (no trailing `/`); `None` if it is not UTF-8.
	fn endpoint_base(endpoint: &[u8]) -> Option<String> {
		let s = core::str::from_utf8(endpoint).ok()?;
		Some(String::from(s.trim_end_matches('/')))
	}

	/// GET `url` (with `Accept: accept` if given), reading at most `max` bytes of a 200 answer's
	/// body; the headers and the whole body must arrive before `deadline`.
	fn fetch(url: &str, accept: Option<&str>, max: usize, deadline: Deadline) -> Result<Vec<u8>, FetchError> {
		let headers: &[(&str, &str)] = match accept {
			Some(accept) => &[("Accept", accept)],
			None => &[],
		};
		Self::request(url, headers, None, max, deadline).map(|(body, _)| body)
	}

	/// GET `url` with `headers`, reading at most `max` bytes of a 200 answer's body and the
	/// answer's header `want` (if named and sent); the headers and the whole body must arrive
	/// before `deadline`.
	fn request(
		url: &str,
		headers: &[(&str, &str)],
		want: Option<&str>,
		max: usize,
		deadline: Deadline,
	) -> Result<(Vec<u8>, Option<String>), FetchError> {
		let deadline = deadline.for_request();
		let mut request = http::Request::get(url).deadline(deadline);
		for (name, value) in headers {
			request = request.add_header(name, value);
		}
		let pending = request.send().map_err(|_| FetchError::Unavailable)?;
		let mut response = pending
			.try_wait(deadline)
			.map_err(|_| FetchError::Unavailable)?
			.map_err(|_| FetchError::Unavailable)?;
		if response.code != 200 {
			return Err(FetchError::Unavailable);
		}
		let wanted = want.and_then(|name| response.headers().find(name)).map(String::from);
		let mut body = Vec::new();
		let mut reader = response.body();
		// Without this the body is read with no deadline at all: an edge that sends headers and
		// a `Content-Length` and then nothing would hold the worker for ever.
		reader.deadline(deadline);
		for byte in reader.by_ref() {
			if body.len() == max {
				return Err(FetchError::TooLarge);
			}
			body.push(byte);
		}
		if reader.error().is_some() {
			return Err(FetchError::Unavailable);
		}
		Ok((body, wanted))
	}
}

/// When the requests of a probe must end: `per_request_ms` after each starts, and never after
/// the run's deadline.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Deadline {
	/// Each request's own budget, headers and body.
	pub per_request_ms: u64,
	/// The end of the worker's run.
	pub run: sp_runtime::offchain::Timestamp,
}

impl Deadline {
	/// The deadline of a request starting now.
	fn for_request(&self) -> sp_runtime::offchain::Timestamp {
		let own = sp_io::offchain::timestamp().add(Duration::from_millis(self.per_request_ms));
		if own.unix_millis() < self.run.unix_millis() {
			own
		} else {
			self.run
		}
	}
}

/// A stream of numbers from a 32-byte seed (`blake2(seed ‖ counter)`).
struct Randomness([u8; 32], u32);

impl Randomness {
	/// A number in `[0, n)` (`n > 0`; 0 if `n` is 0).
	fn below(&mut self, n: u64) -> u64 {
		if n.is_zero() {
			return 0;
		}
		let h = sp_io::hashing::blake2_256(&(&self.0, self.1).encode());
		self.1 = self.1.saturating_add(1);
		let x = u64::from_le_bytes(h[..8].try_into().expect("32 bytes hold 8"));
		((x as u128 * n as u128) >> 64) as u64
	}

	/// 32 bytes for a probe's nonce, in their own domain of the seed; they leave the stream of
	/// numbers as it is (the chunks drawn do not depend on them), and differ at every draw.
	fn bytes(&self) -> [u8; 32] {
		sp_io::hashing::blake2_256(&(b"vidchain/probe-nonce", &self.0, self.1).encode())
	}
}

/// Public for the tests: the chunk index the worker will pick as its `picks`-th draw from the
/// local seed `seed` for a content of `chunk_count` chunks, after `picks` earlier draws.
#[cfg(test)]
pub(crate) fn nth_below(seed: [u8; 32], picks: u32, n: u64) -> u64 {
	Randomness(seed, picks).below(n)
}

/// Public for the tests: the nonce the worker sends with the chunk of its `picks`-th draw from
/// the local seed `seed` (the draws before it included).
#[cfg(test)]
pub(crate) fn nth_nonce(seed: [u8; 32], picks: u32) -> [u8; 32] {
	Randomness(seed, picks + 1).bytes()
}
