//! What the edge reads from the chain and sends to it, as one trait: [`Ledger`].
//!
//! The receipt intake ([`crate::intake`]) and the claimer ([`crate::claimer`]) see the chain only
//! through it, so their state machines are unit-tested against a fake chain (`ledger::fake`, in
//! the crate's tests) — content retired between intake and claim, a payer that runs dry, a
//! dispatch error, a restart — and run against the real node through [`ChainLedger`].
//!
//! Facts that decide whether a receipt is taken (contents, escrows, pools, licenses) are read
//! at the node's **finalized** block: a fork cannot make the edge take a receipt the canonical
//! chain would refuse. The epoch clock and the edge's own claims are read at the best block,
//! where transactions land first.

use crate::chain::{Chain, SubmitError};
use anyhow::Result;
use futures::future::BoxFuture;
use std::collections::{BTreeSet, HashMap};
use subxt_signer::sr25519::Keypair;
use vidchain_primitives::{
	delivery::{ClaimView, ContentId, ContentView, DrawView, EpochIndex, EpochInfo, EpochWindows, ProofLeaf},
	rewards::{Escrow, PoolView},
	AccountId, Balance, BlockNumber, Hash, Signature,
};

/// A content as the chain shows it.
pub type ContentOnChain = ContentView<AccountId, BlockNumber>;
/// A pool as the chain shows it.
pub type PoolOnChain = PoolView<AccountId, BlockNumber>;
/// An escrow as the chain shows it.
pub type EscrowOnChain = Escrow<BlockNumber>;

/// What to read from the chain in one go (at one finalized block).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Questions {
	/// Contents.
	pub contents: BTreeSet<ContentId>,
	/// Sponsor pools, by (content, sponsor).
	pub pools: BTreeSet<(ContentId, AccountId)>,
	/// Viewers' escrows.
	pub escrows: BTreeSet<AccountId>,
	/// Whether a viewer may watch a content (`licenses_hasAccess`).
	pub access: BTreeSet<(AccountId, ContentId)>,
}

impl Questions {
	/// Whether there is nothing to ask.
	pub fn is_empty(&self) -> bool {
		self.contents.is_empty() && self.pools.is_empty() && self.escrows.is_empty() && self.access.is_empty()
	}
}

/// The chain's answers to [`Questions`]: one entry per question (`None`: not there).
#[derive(Clone, Debug, Default)]
pub struct Facts {
	/// Contents.
	pub contents: HashMap<ContentId, Option<ContentOnChain>>,
	/// Pools, by (content, sponsor).
	pub pools: HashMap<(ContentId, AccountId), Option<PoolOnChain>>,
	/// Escrows.
	pub escrows: HashMap<AccountId, Option<EscrowOnChain>>,
	/// Access answers.
	pub access: HashMap<(AccountId, ContentId), bool>,
}

/// The chain, as the intake and the claimer need it (see the module docs).
pub trait Ledger: Send + Sync {
	/// The edge's own account.
	fn me(&self) -> &AccountId;
	/// The chain's genesis hash (what receipts and tokens sign).
	fn genesis(&self) -> Hash;
	/// The epochs at the best block.
	fn epoch(&self) -> BoxFuture<'_, Result<EpochInfo<BlockNumber>>>;
	/// `epoch`'s timeline.
	fn windows(&self, epoch: EpochIndex) -> BoxFuture<'_, Result<EpochWindows<BlockNumber>>>;
	/// The lowest price payments are charged at (`MinPricePerMib`).
	fn min_price_per_mib(&self) -> BoxFuture<'_, Result<u128>>;
	/// Answers to `questions`, read at the finalized block.
	fn read(&self, questions: Questions) -> BoxFuture<'_, Result<Facts>>;
	/// The edge's claim of `epoch`, at the best block.
	fn claim(&self, epoch: EpochIndex) -> BoxFuture<'_, Result<Option<ClaimView<AccountId, BlockNumber>>>>;
	/// What the edge's claim of `epoch` must prove.
	fn draw(&self, epoch: EpochIndex) -> BoxFuture<'_, Result<Option<DrawView<BlockNumber>>>>;
	/// Send `delivery.submit_claim` and wait for its block.
	fn submit_claim(
		&self,
		epoch: EpochIndex,
		root: Hash,
		total_bytes: u64,
		receipt_count: u32,
	) -> BoxFuture<'_, Result<(), SubmitError>>;
	/// Send `delivery.submit_proof` and wait for its block.
	fn submit_proof(
		&self,
		epoch: EpochIndex,
		leaves: Vec<ProofLeaf<AccountId, Signature>>,
	) -> BoxFuture<'_, Result<(), SubmitError>>;
}

/// The real chain: a node's JSON-RPC (reads) and subxt (transactions signed by the operator).
pub struct ChainLedger {
	/// The node.
	pub chain: Chain,
	operator: Keypair,
	me: AccountId,
}

impl ChainLedger {
	/// The ledger of the edge run by `operator`, through `chain`.
	pub fn new(chain: Chain, operator: Keypair) -> ChainLedger {
		let me = crate::chain::account_id(&operator);
		ChainLedger { chain, operator, me }
	}
}

/// At most this many questions are in flight to the node at once.
const CONCURRENT_READS: usize = 32;

impl Ledger for ChainLedger {
	fn me(&self) -> &AccountId {
		&self.me
	}

	fn genesis(&self) -> Hash {
		self.chain.genesis
	}

	fn epoch(&self) -> BoxFuture<'_, Result<EpochInfo<BlockNumber>>> {
		Box::pin(self.chain.epoch())
	}

	fn windows(&self, epoch: EpochIndex) -> BoxFuture<'_, Result<EpochWindows<BlockNumber>>> {
		Box::pin(self.chain.windows(epoch))
	}

	fn min_price_per_mib(&self) -> BoxFuture<'_, Result<u128>> {
		Box::pin(async move { Ok(self.chain.schedule().await?.min_price_per_mib) })
	}

	fn read(&self, q: Questions) -> BoxFuture<'_, Result<Facts>> {
		Box::pin(async move {
			let mut facts = Facts::default();
			if q.is_empty() {
				return Ok(facts);
			}
			let (chain, at) = (&self.chain, Some(self.chain.finalized_head().await?));
			facts.contents.extend(ask_all(q.contents, |c| async move { chain.content_at(&c, at).await }).await?);
			facts.pools.extend(ask_all(q.pools, |(c, s)| async move { chain.pool(&c, &s, at).await }).await?);
			facts.escrows.extend(ask_all(q.escrows, |v| async move { chain.escrow(&v, at).await }).await?);
			facts.access.extend(ask_all(q.access, |(v, c)| async move { chain.has_access_at(&v, &c, at).await }).await?);
			Ok(facts)
		})
	}

	fn claim(&self, epoch: EpochIndex) -> BoxFuture<'_, Result<Option<ClaimView<AccountId, BlockNumber>>>> {
		Box::pin(self.chain.claim(&self.me, epoch))
	}

	fn draw(&self, epoch: EpochIndex) -> BoxFuture<'_, Result<Option<DrawView<BlockNumber>>>> {
		Box::pin(self.chain.draw(&self.me, epoch))
	}

	fn submit_claim(
		&self,
		epoch: EpochIndex,
		root: Hash,
		total_bytes: u64,
		receipt_count: u32,
	) -> BoxFuture<'_, Result<(), SubmitError>> {
		Box::pin(self.chain.submit("Delivery", "submit_claim", (epoch, root, total_bytes, receipt_count), &self.operator))
	}

	fn submit_proof(
		&self,
		epoch: EpochIndex,
		leaves: Vec<ProofLeaf<AccountId, Signature>>,
	) -> BoxFuture<'_, Result<(), SubmitError>> {
		Box::pin(self.chain.submit("Delivery", "submit_proof", (epoch, leaves), &self.operator))
	}
}

/// `ask` for every key, at most [`CONCURRENT_READS`] at once: the keys with their answers.
async fn ask_all<K, V, Fut>(keys: impl IntoIterator<Item = K>, ask: impl Fn(K) -> Fut) -> Result<Vec<(K, V)>>
where
	K: Clone,
	Fut: std::future::Future<Output = Result<V>>,
{
	use futures::{StreamExt, TryStreamExt};
	futures::stream::iter(keys)
		.map(|k| {
			let answer = ask(k.clone());
			async move { Ok::<_, anyhow::Error>((k, answer.await?)) }
		})
		.buffer_unordered(CONCURRENT_READS)
		.try_collect()
		.await
}

/// FUEL a payer holds for the receipts of an epoch whose proofs end at `proofs_until`: an
/// escrow's balance and reserve, or a pool's balance — nothing if it can be withdrawn before
/// the epoch's proofs are in (it is unlocking and its unlock block comes earlier).
pub fn escrow_funds(escrow: Option<&EscrowOnChain>, proofs_until: BlockNumber) -> Balance {
	match escrow {
		Some(e) if e.unlock_at.is_none_or(|at| at >= proofs_until) => e.balance.saturating_add(e.reserve),
		_ => 0,
	}
}

/// See [`escrow_funds`].
pub fn pool_funds(pool: &PoolOnChain, proofs_until: BlockNumber) -> Balance {
	if pool.unlock_at.is_none_or(|at| at >= proofs_until) {
		pool.balance
	} else {
		0
	}
}

/// A chain in memory, for tests: the intake's and the claimer's unit tests, and the HTTP
/// tests of `edge/tests`.
pub mod fake {
	use super::*;
	use std::sync::Mutex;
	use vidchain_primitives::delivery::ClaimStatus;

	/// The fake chain's state; tests change it between steps.
	#[derive(Default)]
	pub struct State {
		/// The current block.
		pub now: BlockNumber,
		/// Contents.
		pub contents: HashMap<ContentId, ContentOnChain>,
		/// Pools, by (content, sponsor).
		pub pools: HashMap<(ContentId, AccountId), PoolOnChain>,
		/// Escrows.
		pub escrows: HashMap<AccountId, EscrowOnChain>,
		/// Licenses held.
		pub access: BTreeSet<(AccountId, ContentId)>,
		/// The edge's claims.
		pub claims: HashMap<EpochIndex, ClaimView<AccountId, BlockNumber>>,
		/// Claims and proofs sent, in order: `("claim" | "proof", epoch)`.
		pub sent: Vec<(&'static str, EpochIndex)>,
		/// Proofs sent, with their leaves.
		pub proofs: Vec<(EpochIndex, Vec<ProofLeaf<AccountId, Signature>>)>,
		/// The dispatch error the next proof fails with, if any.
		pub fail_proofs_with: Option<&'static str>,
		/// Reads fail (the node is down).
		pub down: bool,
	}

	/// Epochs of this many blocks; claim window 2, proof window 2 after the seed block.
	pub const EPOCH: BlockNumber = 10;

	/// The fake chain.
	pub struct FakeLedger {
		/// Its state.
		pub state: Mutex<State>,
		/// The edge's account.
		pub me: AccountId,
		/// Its genesis hash.
		pub genesis: Hash,
	}

	/// `m` as the chain shows it once registered at block `at` (live, public unless `m` is
	/// exclusive).
	pub fn registered(m: &crate::store::Manifest, at: BlockNumber) -> ContentOnChain {
		ContentView {
			content: m.content,
			manifest_root: m.manifest_root,
			creator: m.creator.clone(),
			chunk_size: m.chunk_size,
			chunk_count: m.chunk_count,
			total_bytes: m.total_bytes,
			exclusive: m.exclusive,
			title: m.title.clone().into_bytes(),
			uri: Vec::new(),
			registered_at: at,
			retired_at: None,
		}
	}

	/// An escrow of `balance` that is not unlocking.
	pub fn escrow(balance: Balance) -> EscrowOnChain {
		Escrow { balance, reserve: 0, unlock_at: None }
	}

	impl FakeLedger {
		/// A chain at block 1 for the edge `me`, with genesis `genesis`.
		pub fn new(me: AccountId, genesis: Hash) -> FakeLedger {
			FakeLedger { state: Mutex::new(State { now: 1, ..Default::default() }), me, genesis }
		}

		/// Register `m` at block `at`.
		pub fn register(&self, m: &crate::store::Manifest, at: BlockNumber) {
			self.with(|s| s.contents.insert(m.content, registered(m, at)));
		}

		/// Change the state.
		pub fn with<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
			f(&mut self.state.lock().unwrap())
		}

		fn windows_of(epoch: EpochIndex) -> EpochWindows<BlockNumber> {
			let starts_at = epoch * EPOCH;
			EpochWindows {
				epoch,
				starts_at,
				claims_from: starts_at + EPOCH,
				seed_block: starts_at + EPOCH + 2,
				proofs_from: starts_at + EPOCH + 3,
				proofs_until: starts_at + EPOCH + 5,
			}
		}
	}

	fn ready<'a, T: Send + 'a>(v: T) -> BoxFuture<'a, T> {
		Box::pin(async move { v })
	}

	impl Ledger for FakeLedger {
		fn me(&self) -> &AccountId {
			&self.me
		}

		fn genesis(&self) -> Hash {
			self.genesis
		}

		fn epoch(&self) -> BoxFuture<'_, Result<EpochInfo<BlockNumber>>> {
			let s = self.state.lock().unwrap();
			let info = EpochInfo {
				now: s.now,
				current: s.now / EPOCH,
				epoch_length: EPOCH,
				claim_window: 2,
				proof_window: 2,
				last_sealed: None,
			};
			ready(if s.down { Err(anyhow::anyhow!("node down")) } else { Ok(info) })
		}

		fn windows(&self, epoch: EpochIndex) -> BoxFuture<'_, Result<EpochWindows<BlockNumber>>> {
			ready(Ok(Self::windows_of(epoch)))
		}

		fn min_price_per_mib(&self) -> BoxFuture<'_, Result<u128>> {
			ready(Ok(1_000))
		}

		fn read(&self, q: Questions) -> BoxFuture<'_, Result<Facts>> {
			let s = self.state.lock().unwrap();
			if s.down {
				return ready(Err(anyhow::anyhow!("node down")));
			}
			let facts = Facts {
				contents: q.contents.iter().map(|c| (*c, s.contents.get(c).cloned())).collect(),
				pools: q.pools.iter().map(|k| (k.clone(), s.pools.get(k).cloned())).collect(),
				escrows: q.escrows.iter().map(|v| (v.clone(), s.escrows.get(v).cloned())).collect(),
				access: q.access.iter().map(|k| (k.clone(), s.access.contains(k))).collect(),
			};
			ready(Ok(facts))
		}

		fn claim(&self, epoch: EpochIndex) -> BoxFuture<'_, Result<Option<ClaimView<AccountId, BlockNumber>>>> {
			ready(Ok(self.state.lock().unwrap().claims.get(&epoch).cloned()))
		}

		fn draw(&self, epoch: EpochIndex) -> BoxFuture<'_, Result<Option<DrawView<BlockNumber>>>> {
			let s = self.state.lock().unwrap();
			let w = Self::windows_of(epoch);
			let draw = s.claims.get(&epoch).filter(|_| s.now > w.seed_block).map(|c| DrawView {
				epoch,
				seed: Hash::zero(),
				// Every receipt's first byte and the last byte: each receipt is drawn.
				offsets: vec![0, c.total_bytes - 1],
				proofs_from: w.proofs_from,
				proofs_until: w.proofs_until,
			});
			ready(Ok(draw))
		}

		fn submit_claim(
			&self,
			epoch: EpochIndex,
			root: Hash,
			total_bytes: u64,
			receipt_count: u32,
		) -> BoxFuture<'_, Result<(), SubmitError>> {
			let mut s = self.state.lock().unwrap();
			s.sent.push(("claim", epoch));
			let now = s.now;
			s.claims.insert(
				epoch,
				ClaimView {
					edge: self.me.clone(),
					epoch,
					root,
					total_bytes,
					receipt_count,
					submitted_at: now,
					status: ClaimStatus::Pending,
				},
			);
			ready(Ok(()))
		}

		fn submit_proof(
			&self,
			epoch: EpochIndex,
			leaves: Vec<ProofLeaf<AccountId, Signature>>,
		) -> BoxFuture<'_, Result<(), SubmitError>> {
			let mut s = self.state.lock().unwrap();
			s.sent.push(("proof", epoch));
			s.proofs.push((epoch, leaves));
			if let Some(e) = s.fail_proofs_with {
				return ready(Err(SubmitError::Dispatch(format!("Delivery::{e}"))));
			}
			if let Some(c) = s.claims.get_mut(&epoch) {
				c.status = ClaimStatus::Verified;
			}
			ready(Ok(()))
		}
	}
}
