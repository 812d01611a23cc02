//! The edge's epochs, on their own: for every epoch with receipts, claim it in its claim window
//! (the sum tree over its receipts), wait for the draw, prove it in its proof window.
//!
//! The claim is recorded in the receipt store *before* it is sent, and an epoch with a record is
//! never claimed with another root: a restarted edge resends the same claim if the chain does
//! not have it yet and the window is still open, and otherwise goes on to the proof. Transient
//! RPC errors are retried on the next tick; every step is decided from what the chain says.
//!
//! Before it builds a claim, the claimer checks every stored receipt against the chain again
//! ([`crate::state::Intake::still_provable`]) and leaves out those the chain would refuse by
//! now (their content retired or re-registered since): it never sends a claim it cannot prove.
//! A claim or proof the chain refuses with a dispatch error that would repeat is not sent again
//! (logged, counted in `dispatch_errors_total`); only `ProofWindowNotOpen`, which passes, is
//! retried.

use crate::{
	ledger::Ledger,
	metrics::Metrics,
	receipts::{ClaimRecord, ClaimStage, ReceiptStore, SignedReceipt},
	state::{Clock, Edge, Intake},
};
use anyhow::{bail, Result};
use std::{collections::HashMap, sync::Arc, time::Duration};
use vidchain_primitives::{
	delivery::{ClaimStatus, EpochIndex, ProofLeaf},
	sum_tree::SumTree,
	AccountId, Hash, Signature,
};

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
pub async fn run(edge: Arc<Edge>) {
	let Some(intake) = edge.intake.as_ref() else { return };
	let mut trees = Trees::default();
	loop {
		if let Err(e) = tick(&edge, intake, &mut trees).await {
			tracing::warn!(error = %format!("{e:#}"), "epoch step failed; retrying");
		}
		tokio::time::sleep(Duration::from_secs(1)).await;
	}
}

/// Whether a dispatch error of `submit_proof` passes with time (the proof window opens).
fn transient(dispatch_error: &str) -> bool {
	dispatch_error.ends_with("ProofWindowNotOpen")
}

/// One look at the chain: claim, prove or close every epoch that is due.
pub async fn tick(edge: &Edge, intake: &Intake, trees: &mut Trees) -> Result<()> {
	let (ledger, store, clock, metrics): (&dyn Ledger, &ReceiptStore, &Clock, &Metrics) =
		(&*intake.ledger, &intake.receipts, &intake.clock, &edge.metrics);
	let info = ledger.epoch().await?;
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
		let w = ledger.windows(epoch).await?;
		let on_chain = ledger.claim(epoch).await?;
		match (record, on_chain) {
			(_, Some(c)) if c.status == ClaimStatus::Verified => {
				let t = trees.get(store, epoch, true)?;
				mark(store, epoch, &t.1, ClaimStage::Proven)?;
				tracing::info!(epoch, bytes = c.total_bytes, "claim verified");
			},
			(_, Some(c)) if c.status == ClaimStatus::Rejected => {
				let t = trees.get(store, epoch, true)?;
				mark(store, epoch, &t.1, ClaimStage::Closed)?;
				tracing::error!(epoch, "claim rejected: no valid proof in its window");
			},
			(None, None) if info.now >= w.claims_from && info.now < w.seed_block => {
				// The last look at the chain before the claim is fixed: receipts it would refuse
				// by now are left out (and deleted), so the claim can be proven whatever is drawn.
				let receipts = store.epoch(epoch)?;
				let keep = intake.still_provable(&edge.store, epoch, &receipts).await?;
				let keep: std::collections::HashSet<u32> =
					receipts.iter().zip(keep).filter(|(_, k)| *k).map(|((r, _), _)| r.position()).collect();
				// Seal first: whatever happens next, this epoch has this claim and no other, and no
				// receipt is stored beside it.
				let sealed = store.seal(epoch, |(r, _)| keep.contains(&r.position()), |receipts| {
					if receipts.is_empty() {
						return Ok(ClaimRecord { root: Hash::zero(), total_bytes: 0, receipt_count: 0, stage: ClaimStage::Closed });
					}
					record_of(receipts, ClaimStage::Claimed)
				})?;
				let Some((r, dropped)) = sealed else { continue };
				if dropped > 0 {
					metrics.receipts_dropped.inc_by(dropped as u64);
					tracing::warn!(epoch, dropped, "left receipts out of the claim: the chain would refuse them now");
				}
				if r.receipt_count == 0 {
					tracing::warn!(epoch, "nothing left to claim");
					continue;
				}
				tracing::info!(epoch, receipts = r.receipt_count, bytes = r.total_bytes, "claiming");
				metrics.claims.inc();
				send_claim(ledger, store, metrics, epoch, r).await?;
			},
			(Some(r), None) if info.now >= w.claims_from && info.now < w.seed_block => {
				let t = trees.get(store, epoch, true)?;
				let root = t.1.root();
				if r.root != root.hash {
					bail!("epoch {epoch}: the stored receipts no longer give the recorded claim");
				}
				tracing::info!(epoch, "resending the recorded claim");
				metrics.claims.inc();
				send_claim(ledger, store, metrics, epoch, r).await?;
			},
			(None, None) if info.now >= w.seed_block => {
				let n = store.epoch(epoch)?.len();
				store.seal(epoch, |_| true, |receipts| record_of(receipts, ClaimStage::Closed))?;
				tracing::error!(epoch, receipts = n, "claim window missed");
			},
			(Some(_), None) if info.now >= w.seed_block => {
				let t = trees.get(store, epoch, true)?;
				mark(store, epoch, &t.1, ClaimStage::Closed)?;
				tracing::error!(epoch, receipts = t.0.len(), "the claim never made it into a block in its window");
			},
			(_, None) => {},
			(_, Some(c)) => {
				// Pending: prove once the draw is known, within the proof window.
				let t = trees.get(store, epoch, true)?;
				let (receipts, tree) = (&t.0, &t.1);
				let root = tree.root();
				if c.root != root.hash || c.total_bytes != root.sum {
					mark(store, epoch, tree, ClaimStage::Closed)?;
					bail!("epoch {epoch}: the claim on chain is not the one these receipts give");
				}
				if info.now >= w.proofs_until {
					continue;
				}
				let Some(draw) = ledger.draw(epoch).await? else { continue };
				if info.now < draw.proofs_from {
					continue;
				}
				let leaves: Vec<ProofLeaf<AccountId, Signature>> = proof_for(receipts, tree, &draw.offsets)?;
				tracing::info!(epoch, leaves = leaves.len(), "proving");
				metrics.proofs.inc();
				if let Err(e) = ledger.submit_proof(epoch, leaves).await {
					match e.dispatch_error() {
						Some(name) if !transient(name) => {
							metrics.dispatch_errors.inc();
							mark(store, epoch, tree, ClaimStage::Closed)?;
							tracing::error!(epoch, error = name, "the chain refused the proof; not sending it again");
						},
						_ => bail!("epoch {epoch}: submit_proof {e}"),
					}
				}
			},
		}
	}
	Ok(())
}

/// Send the recorded claim `r` of `epoch`. A dispatch error closes the epoch unless the chain
/// has the claim after all (a resent claim that was already in: it is proven next).
async fn send_claim(ledger: &dyn Ledger, store: &ReceiptStore, metrics: &Metrics, epoch: EpochIndex, r: ClaimRecord) -> Result<()> {
	let Err(e) = ledger.submit_claim(epoch, r.root, r.total_bytes, r.receipt_count).await else { return Ok(()) };
	match e.dispatch_error() {
		Some(name) if ledger.claim(epoch).await?.is_none() => {
			metrics.dispatch_errors.inc();
			store.set_claim(epoch, ClaimRecord { stage: ClaimStage::Closed, ..r })?;
			tracing::error!(epoch, error = name, "the chain refused the claim; not sending it again");
			Ok(())
		},
		Some(_) => Ok(()),
		None => bail!("epoch {epoch}: submit_claim {e}"),
	}
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
