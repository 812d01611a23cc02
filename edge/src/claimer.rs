//! The edge's epochs, on their own: for every epoch with receipts, claim it in its claim window
//! (the sum tree over its receipts), wait for the draw, prove it in its proof window.
//!
//! The claim is recorded in the receipt store *before* it is sent, and an epoch with a record is
//! never claimed with another root: a restarted edge resends the same claim if the chain does
//! not have it yet and the window is still open, and otherwise goes on to the proof. Transient
//! RPC errors are retried on the next tick; every step is decided from what the chain says.

use crate::{
	chain::Chain,
	receipts::{ClaimRecord, ClaimStage, ReceiptStore, SignedReceipt},
};
use anyhow::{bail, Result};
use std::{collections::HashMap, sync::Arc, time::Duration};
use subxt_signer::sr25519::Keypair;
use vidchain_primitives::{
	delivery::{ClaimStatus, EpochIndex, ProofLeaf},
	sum_tree::SumTree,
	AccountId, Signature,
};

/// What the claimer shares with the HTTP side: the current epoch, which receipts must name.
#[derive(Default)]
pub struct Clock {
	epoch: std::sync::atomic::AtomicU32,
	known: std::sync::atomic::AtomicBool,
}

impl Clock {
	/// The current epoch, once the chain has been read.
	pub fn epoch(&self) -> Option<EpochIndex> {
		use std::sync::atomic::Ordering::Acquire;
		self.known.load(Acquire).then(|| self.epoch.load(Acquire))
	}

	/// Set the current epoch.
	pub fn set(&self, epoch: EpochIndex) {
		use std::sync::atomic::Ordering::Release;
		self.epoch.store(epoch, Release);
		self.known.store(true, Release);
	}
}

/// The sum tree over `receipts`.
pub fn tree_of(receipts: &[SignedReceipt]) -> Result<SumTree> {
	match SumTree::build(receipts.iter().map(|(r, _)| (r.position(), r.leaf())).collect()) {
		Ok(t) => Ok(t),
		Err(e) => bail!("building the sum tree: {e:?}"),
	}
}

/// The proof leaves for `offsets`: the receipts whose byte intervals hold them, in slot order.
pub fn proof_for(receipts: &[SignedReceipt], tree: &SumTree, offsets: &[u64]) -> Result<Vec<ProofLeaf<AccountId, Signature>>> {
	let mut slots = Vec::new();
	for o in offsets {
		let Some(slot) = tree.leaf_at_offset(*o) else { bail!("offset {o} is outside the tree") };
		slots.push(slot);
	}
	slots.sort_unstable();
	slots.dedup();
	slots
		.into_iter()
		.map(|slot| {
			let (r, s) = receipts
				.binary_search_by_key(&slot, |(r, _)| r.position())
				.map(|i| receipts[i].clone())
				.map_err(|_| anyhow::anyhow!("no receipt at slot {slot}"))?;
			let path = tree.path(slot).ok_or_else(|| anyhow::anyhow!("no path to slot {slot}"))?;
			Ok(ProofLeaf { receipt: r, signature: s, path })
		})
		.collect()
}

/// The receipts and sum tree of an epoch.
pub type EpochTree = Arc<(Vec<SignedReceipt>, SumTree)>;

/// Sum trees of sealed epochs, built once: a sealed epoch's receipts never change, and a tree
/// of 10⁶ receipts takes seconds, so the claimer does not rebuild it on every tick while it
/// waits for its draw.
#[derive(Default)]
pub struct Trees(HashMap<EpochIndex, EpochTree>);

impl Trees {
	/// The receipts and tree of `epoch`: kept if the epoch is `sealed`, built afresh otherwise.
	pub fn get(&mut self, store: &ReceiptStore, epoch: EpochIndex, sealed: bool) -> Result<EpochTree> {
		if let Some(t) = self.0.get(&epoch) {
			return Ok(t.clone());
		}
		let receipts = store.epoch(epoch)?;
		let tree = tree_of(&receipts)?;
		let t = Arc::new((receipts, tree));
		if sealed {
			self.0.insert(epoch, t.clone());
		}
		Ok(t)
	}

	/// Drop `epoch`'s tree (it is done with).
	pub fn forget(&mut self, epoch: EpochIndex) {
		self.0.remove(&epoch);
	}
}

/// Run the epoch loop of `edge` (which must have an intake) until the process stops.
pub async fn run(chain: Chain, operator: Keypair, edge: Arc<crate::server::Edge>) {
	let me = crate::chain::account_id(&operator);
	let intake = edge.intake.as_ref().expect("an edge that claims takes receipts");
	let mut trees = Trees::default();
	loop {
		if let Err(e) = tick(&chain, &operator, &me, &intake.receipts, &intake.clock, &edge.metrics, &mut trees).await {
			tracing::warn!(error = %format!("{e:#}"), "epoch step failed; retrying");
		}
		tokio::time::sleep(Duration::from_secs(1)).await;
	}
}

/// One look at the chain: claim, prove or close every epoch that is due.
async fn tick(
	chain: &Chain,
	operator: &Keypair,
	me: &AccountId,
	store: &ReceiptStore,
	clock: &Clock,
	metrics: &crate::metrics::Metrics,
	trees: &mut Trees,
) -> Result<()> {
	let info = chain.epoch().await?;
	clock.set(info.current);
	for epoch in store.epochs()? {
		if epoch >= info.current {
			continue;
		}
		let record = store.claim(epoch)?;
		if matches!(record, Some(ClaimRecord { stage: ClaimStage::Proven | ClaimStage::Closed, .. })) {
			trees.forget(epoch);
			continue;
		}
		let w = chain.windows(epoch).await?;
		let t = trees.get(store, epoch, record.is_some())?;
		let (receipts, tree) = (&t.0, &t.1);
		let root = tree.root();
		let on_chain = chain.claim(me, epoch).await?;
		match (record, on_chain) {
			(_, Some(c)) if c.status == ClaimStatus::Verified => {
				mark(store, epoch, tree, ClaimStage::Proven)?;
				tracing::info!(epoch, bytes = c.total_bytes, "claim verified");
			},
			(_, Some(c)) if c.status == ClaimStatus::Rejected => {
				mark(store, epoch, tree, ClaimStage::Closed)?;
				tracing::error!(epoch, "claim rejected: no valid proof in its window");
			},
			(None, None) if info.now >= w.claims_from && info.now < w.seed_block => {
				// Seal first: whatever happens next, this epoch has this claim and no other, and no
				// receipt is stored beside it.
				let Some(r) = store.seal(epoch, |receipts| record_of(receipts, ClaimStage::Claimed))? else { continue };
				tracing::info!(epoch, receipts = r.receipt_count, bytes = r.total_bytes, "claiming");
				metrics.claims.inc();
				chain.submit("Delivery", "submit_claim", (epoch, r.root, r.total_bytes, r.receipt_count), operator).await?;
			},
			(Some(r), None) if info.now >= w.claims_from && info.now < w.seed_block => {
				if r.root != root.hash {
					bail!("epoch {epoch}: the stored receipts no longer give the recorded claim");
				}
				tracing::info!(epoch, "resending the recorded claim");
				metrics.claims.inc();
				chain.submit("Delivery", "submit_claim", (epoch, root.hash, root.sum, tree.len()), operator).await?;
			},
			(None, None) if info.now >= w.seed_block => {
				store.seal(epoch, |receipts| record_of(receipts, ClaimStage::Closed))?;
				tracing::error!(epoch, receipts = receipts.len(), "claim window missed");
			},
			(Some(_), None) if info.now >= w.seed_block => {
				mark(store, epoch, tree, ClaimStage::Closed)?;
				tracing::error!(epoch, receipts = receipts.len(), "the claim never made it into a block in its window");
			},
			(_, None) => {},
			(_, Some(c)) => {
				// Pending: prove once the draw is known, within the proof window.
				if c.root != root.hash || c.total_bytes != root.sum {
					mark(store, epoch, tree, ClaimStage::Closed)?;
					bail!("epoch {epoch}: the claim on chain is not the one these receipts give");
				}
				if info.now >= w.proofs_until {
					continue;
				}
				let Some(draw) = chain.draw(me, epoch).await? else { continue };
				if info.now < draw.proofs_from {
					continue;
				}
				let leaves = proof_for(receipts, tree, &draw.offsets)?;
				tracing::info!(epoch, leaves = leaves.len(), "proving");
				metrics.proofs.inc();
				chain.submit("Delivery", "submit_proof", (epoch, leaves), operator).await?;
			},
		}
	}
	Ok(())
}

fn record_of(receipts: &[SignedReceipt], stage: ClaimStage) -> Result<ClaimRecord> {
	let tree = tree_of(receipts)?;
	let root = tree.root();
	Ok(ClaimRecord { root: root.hash, total_bytes: root.sum, receipt_count: tree.len(), stage })
}

fn mark(store: &ReceiptStore, epoch: EpochIndex, tree: &SumTree, stage: ClaimStage) -> Result<()> {
	let root = tree.root();
	store.set_claim(epoch, ClaimRecord { root: root.hash, total_bytes: root.sum, receipt_count: tree.len(), stage })
}

#[cfg(test)]
mod tests {
	use super::*;
	use vidchain_primitives::Hash;

	#[test]
	fn a_sealed_epochs_tree_is_built_once_and_an_open_one_each_time() {
		let dir = std::env::temp_dir().join(format!("vidchain-trees-{}", std::process::id()));
		let _ = std::fs::remove_dir_all(&dir);
		let store = ReceiptStore::open(&dir.join("receipts.redb")).unwrap();
		let (edge, g) = (AccountId::from([1u8; 32]), Hash::zero());
		let signed = crate::receipts::tests::signed;
		store.insert(&[signed(&edge, 4, 1, &g), signed(&edge, 4, 2, &g)]).unwrap().unwrap();
		let mut trees = Trees::default();
		// Not sealed: built afresh, so a receipt stored since is in it.
		let open = trees.get(&store, 4, false).unwrap();
		store.insert(&[signed(&edge, 4, 3, &g)]).unwrap().unwrap();
		let again = trees.get(&store, 4, false).unwrap();
		assert_eq!((open.1.len(), again.1.len()), (2, 3));
		// Sealed: built once, then the same tree every time, until forgotten.
		let sealed = trees.get(&store, 4, true).unwrap();
		assert!(Arc::ptr_eq(&sealed, &trees.get(&store, 4, true).unwrap()));
		trees.forget(4);
		assert!(!Arc::ptr_eq(&sealed, &trees.get(&store, 4, true).unwrap()));
		// The proof of offsets in any order names each receipt once, in slot order.
		let (receipts, tree) = (&sealed.0, &sealed.1);
		let leaves = proof_for(receipts, tree, &[4_000, 0, 1, 2_000, 0]).unwrap();
		let slots: Vec<u32> = leaves.iter().map(|l| l.receipt.position()).collect();
		let mut sorted = slots.clone();
		sorted.sort_unstable();
		sorted.dedup();
		assert_eq!(slots, sorted);
		assert_eq!(slots.len(), 3, "three receipts of 1 500 bytes hold offsets 0, 1, 2 000 and 4 000");
		let _ = std::fs::remove_dir_all(&dir);
	}
}
