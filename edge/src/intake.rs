//! Taking receipts: what `POST /receipts` accepts, and why.
//!
//! A receipt costs its edge nothing to take and can cost it its bond later: a claim that holds
//! one receipt the chain will not accept cannot be proven (its draw may land on it), and a
//! rejected claim is slashed. And a receipt nobody pays for dilutes every draw of the claim
//! away from the receipts that do pay. So a receipt is stored only if, in this order:
//!
//! 1. **It is well formed and signed** ([`crate::receipts::check_batch`]): this edge, the current
//!    epoch, a content served here, the exact byte length of its chunk range, at least the
//!    edge's price, and its viewer's signature for this chain. No chain is read for a receipt
//!    that fails here, so a flood of junk costs signature checks only — and those are bounded:
//!    a client address checks at most `Limits::receipts_per_second` receipts a second
//!    ([`crate::fair`]), and all clients together use at most [`signature_threads`] threads.
//! 2. **The chain would accept it in a proof** (read at the finalized block): its content is
//!    registered with this edge's manifest (root and sizes), and live in the receipt's epoch
//!    (registered by then, not retired before it began).
//! 3. **Its viewer may watch it**: for content exclusive *on chain* (or in the local manifest),
//!    the viewer holds a license (`licenses_hasAccess`).
//! 4. **Its payer can pay** what the chain would charge for it: the payer the viewer signed —
//!    its escrow, or one sponsor's pool of the content, which must pay this edge in the
//!    receipt's epoch (the chain charges no one else). A receipt costs its bytes at its
//!    price (the pool's, for a pool; never less than the chain's `MinPricePerMib`, and at least
//!    one base unit), and is taken only if the payer's funds cover it *on top of* what the
//!    receipts this edge already holds from that payer in this epoch cost (its exposure,
//!    recorded with the receipts). Funds that can be withdrawn before the epoch's proofs are in
//!    (an escrow or pool unlocking earlier) count as nothing.
//!
//! A refused receipt changes nothing: a batch is stored whole or not at all. Before the edge
//! claims an epoch it checks its receipts against the chain again ([`Intake::still_provable`])
//! and leaves out those the chain would refuse by then.
//!
//! What this does not cover: one escrow can fund receipts at many edges at once, and each edge
//! sees only its own exposure; the chain pays what the escrow holds when the claims are proven,
//! and what it cannot cover is the edge's loss (counted as `unpaid`).

use crate::{
	access::Licenses,
	error::Error,
	ledger::{escrow_funds, pool_funds, ContentOnChain, Questions},
	receipts::{check_batch, Charge, Refusal, SignedReceipt, Terms},
	state::Intake,
	store::Store,
};
use codec::Encode;
use std::{
	collections::{BTreeSet, HashMap},
	sync::Arc,
};
use vidchain_primitives::{
	delivery::{chunk_range_bytes, ContentId, DeliveryReceipt, EpochIndex, EpochWindows, Payer, MIB},
	AccountId, BlockNumber,
};

/// The key a payer's funds and exposure are kept under: a viewer's escrow, or one sponsor's pool
/// of one content.
pub fn payer_key(r: &DeliveryReceipt<AccountId>) -> Vec<u8> {
	match &r.payer {
		Payer::Escrow => escrow_key(&r.viewer),
		Payer::Pool(sponsor) => (1u8, r.content, sponsor).encode(),
	}
}

/// [`payer_key`] of `viewer`'s escrow.
fn escrow_key(viewer: &AccountId) -> Vec<u8> {
	(0u8, viewer).encode()
}

/// Whether the chain, as `content` shows it, would accept `r` (epoch `windows`) in a proof:
/// registered, live in the receipt's epoch, with the local manifest's root and sizes, and the
/// receipt's range inside them.
pub fn provable(
	r: &DeliveryReceipt<AccountId>,
	content: Option<&ContentOnChain>,
	local: Option<&crate::store::Manifest>,
	windows: &EpochWindows<BlockNumber>,
) -> Result<(), Refusal> {
	let c = content.ok_or(Refusal::NotOnChain)?;
	let live = c.registered_at < windows.claims_from && c.retired_at.is_none_or(|at| at >= windows.starts_at);
	if !live {
		return Err(Refusal::NotLive);
	}
	if let Some(m) = local {
		if (m.manifest_root, m.chunk_size, m.chunk_count, m.total_bytes) !=
			(c.manifest_root, c.chunk_size, c.chunk_count, c.total_bytes)
		{
			return Err(Refusal::SizesDiffer);
		}
	}
	if chunk_range_bytes(c.chunk_size, c.total_bytes, r.first_chunk, r.chunk_count) != Some(r.bytes) {
		return Err(Refusal::SizesDiffer);
	}
	Ok(())
}

/// What `bytes` cost at `price_per_mib` (at least `min_price_per_mib`), rounded up, and at
/// least 1 base unit.
pub fn cost(bytes: u64, price_per_mib: u128, min_price_per_mib: u128) -> u128 {
	let price = price_per_mib.max(min_price_per_mib);
	(bytes as u128).saturating_mul(price).div_ceil(MIB as u128).max(1)
}

/// Threads that check receipts' signatures at once: half the cores, at least one (the other
/// half serve chunks whatever is posted).
pub fn signature_threads() -> usize {
	std::thread::available_parallelism().map_or(1, |n| n.get() / 2).max(1)
}

impl Intake {
	/// Contents as the chain (finalized) shows them, cached for [`crate::state::CONTENT_CACHE`].
	pub async fn contents(&self, ids: BTreeSet<ContentId>) -> anyhow::Result<HashMap<ContentId, Option<ContentOnChain>>> {
		let (mut out, missing) = self.contents.split(ids);
		if !missing.is_empty() {
			let ask = Questions { contents: missing.into_iter().collect(), ..Default::default() };
			let facts = self.ledger.read(ask).await?;
			for (id, c) in facts.contents {
				self.contents.insert(id, c.clone());
				out.insert(id, c);
			}
		}
		Ok(out)
	}

	/// Take `batch` (see the module docs): the number stored, or why not.
	pub async fn take(&self, store: Arc<Store>, licenses: Option<&Licenses>, batch: Vec<SignedReceipt>) -> Result<usize, Error> {
		let epoch = self.clock.epoch().ok_or(Error::Unavailable("not yet synchronised with the chain"))?;
		let unreadable = |e: anyhow::Error| {
			tracing::warn!(error = %format!("{e:#}"), "reading the chain for receipts failed");
			Error::Unavailable("cannot read the chain now")
		};
		// 1. Fields and signatures, before anything is read from the chain (blocking work).
		let (me, genesis, min) = (self.ledger.me().clone(), self.ledger.genesis(), self.min_price_per_mib);
		let (batch, refused) = {
			let store = store.clone();
			let _turn = self.signatures.acquire().await.map_err(|_| Error::Unavailable("shutting down"))?;
			tokio::task::spawn_blocking(move || {
				let terms = Terms { edge: &me, genesis: &genesis, epoch, min_price_per_mib: min };
				let sizes = |c: &vidchain_primitives::Hash| store.get(c).map(|c| (c.manifest.chunk_size, c.manifest.total_bytes));
				let refused = check_batch(&batch, &terms, sizes);
				(batch, refused)
			})
			.await
			.map_err(|_| Error::Internal { public: "receipts not checked" })?
		};
		if !refused.is_empty() {
			return Err(Error::Refused(refused));
		}
		// 2. The chain's view of each content.
		let windows = self.ledger.windows(epoch).await.map_err(unreadable)?;
		let chain_min = self.ledger.min_price_per_mib().await.map_err(unreadable)?;
		let ids: BTreeSet<ContentId> = batch.iter().map(|(r, _)| r.content).collect();
		let contents = self.contents(ids).await.map_err(unreadable)?;
		let mut refused = Vec::new();
		let mut access = BTreeSet::new();
		for (i, (r, _)) in batch.iter().enumerate() {
			let local = store.get(&r.content);
			let chain = contents.get(&r.content).and_then(Option::as_ref);
			if let Err(why) = provable(r, chain, local.as_ref().map(|c| &c.manifest), &windows) {
				refused.push((i, why));
				continue;
			}
			if chain.is_some_and(|c| c.exclusive) || local.is_some_and(|c| c.manifest.exclusive) {
				access.insert((r.viewer.clone(), r.content));
			}
		}
		if !refused.is_empty() {
			return Err(Error::Refused(refused));
		}
		// 3. Licenses, for exclusive content.
		if !access.is_empty() {
			let answers = match licenses {
				Some(l) => l.has_access_many(access.clone()).await.map_err(unreadable)?,
				None => HashMap::new(),
			};
			for (i, (r, _)) in batch.iter().enumerate() {
				let key = (r.viewer.clone(), r.content);
				if access.contains(&key) && !answers.get(&key).copied().unwrap_or(false) {
					refused.push((i, Refusal::NoAccess));
				}
			}
			if !refused.is_empty() {
				return Err(Error::Refused(refused));
			}
		}
		// 4. Payers and what each receipt costs them.
		let funds = self.funds(&batch, &windows).await.map_err(unreadable)?;
		let charges: Vec<Charge> = batch
			.iter()
			.zip(&funds)
			.map(|((r, _), (payer, price, funds))| Charge {
				payer: payer.clone(),
				cost: cost(r.bytes, *price, chain_min),
				funds: *funds,
			})
			.collect();
		let receipts = self.receipts.clone();
		let n = batch.len();
		let stored = tokio::task::spawn_blocking(move || receipts.insert_charged(&batch, &charges))
			.await
			.map_err(|_| Error::Internal { public: "receipts not stored" })?;
		match stored {
			Ok(Ok(())) => Ok(n),
			Ok(Err(refused)) => Err(Error::Refused(refused)),
			Err(e) => {
				tracing::error!(error = %format!("{e:#}"), "storing receipts failed");
				Err(Error::Internal { public: "receipts not stored" })
			},
		}
	}

	/// For each receipt of `batch`: its payer (SCALE), the price it pays at, and the payer's
	/// funds for the epoch of `windows`.
	async fn funds(
		&self,
		batch: &[SignedReceipt],
		windows: &EpochWindows<BlockNumber>,
	) -> anyhow::Result<Vec<(Vec<u8>, u128, u128)>> {
		let me = self.ledger.me().clone();
		// The pools the receipts name (one question per (content, sponsor) of the batch).
		let mut ask = Questions::default();
		ask.pools = batch
			.iter()
			.filter_map(|(r, _)| match &r.payer {
				Payer::Pool(sponsor) => Some((r.content, sponsor.clone())),
				Payer::Escrow => None,
			})
			.collect();
		let pools = if ask.is_empty() { Default::default() } else { self.ledger.read(ask).await?.pools };
		let mut payers = Vec::with_capacity(batch.len());
		let mut ask = Questions::default();
		for (r, _) in batch {
			let key = payer_key(r);
			let price = match &r.payer {
				Payer::Pool(sponsor) => {
					// A pool that does not pay this edge for this epoch pays nothing: its
					// receipts are refused as unfunded.
					let pool = pools.get(&(r.content, sponsor.clone())).and_then(Option::as_ref);
					let price = pool.and_then(|p| p.pays(&me, r.epoch));
					let funds = match (pool, price) {
						(Some(p), Some(_)) => pool_funds(p, windows.proofs_until),
						_ => 0,
					};
					self.funds.insert(key.clone(), funds);
					price.unwrap_or(r.price_per_mib)
				},
				Payer::Escrow => {
					if self.funds.get(&key).is_none() {
						ask.escrows.insert(r.viewer.clone());
					}
					r.price_per_mib
				},
			};
			payers.push((key, price));
		}
		let escrows = self.ledger.read(ask).await?.escrows;
		for (viewer, escrow) in &escrows {
			self.funds.insert(escrow_key(viewer), escrow_funds(escrow.as_ref(), windows.proofs_until));
		}
		Ok(payers
			.into_iter()
			.map(|(payer, price)| {
				let funds = self.funds.get(&payer).unwrap_or(0);
				(payer, price, funds)
			})
			.collect())
	}

	/// Which of `receipts` (of `epoch`) the chain would still accept in a proof, read now at the
	/// finalized block: the claimer leaves the others out of its claim.
	pub async fn still_provable(
		&self,
		store: &Store,
		epoch: EpochIndex,
		receipts: &[SignedReceipt],
	) -> anyhow::Result<Vec<bool>> {
		let windows = self.ledger.windows(epoch).await?;
		let mut ask = Questions::default();
		ask.contents = receipts.iter().map(|(r, _)| r.content).collect();
		// Not from the cache: this is the last look before the claim is fixed.
		let contents = self.ledger.read(ask).await?.contents;
		Ok(receipts
			.iter()
			.map(|(r, _)| {
				let local = store.get(&r.content);
				let chain = contents.get(&r.content).and_then(Option::as_ref);
				provable(r, chain, local.as_ref().map(|c| &c.manifest), &windows).is_ok()
			})
			.collect())
	}
}
