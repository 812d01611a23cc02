//! The intake and the claimer as games against a chain in memory ([`FakeLedger`]): strangers
//! post what they like, payers run dry, the chain changes between intake and claim, refuses a
//! proof, and the edge restarts. Each test states the bound: what an honest edge keeps.

use crate::{
	claimer::{self, Trees},
	ledger::fake::{self, FakeLedger, EPOCH},
	receipts::{Refusal, ReceiptStore, SignedReceipt},
	state::{Clock, Edge, Faults, Intake},
	store::{self, Manifest, Store},
	error::Error,
};
use sp_core::{sr25519, Pair};
use std::{path::PathBuf, sync::Arc};
use vidchain_primitives::{
	delivery::{ClaimStatus, DeliveryReceipt, Payer, MIB},
	AccountId, Hash, Signature,
};

/// Bytes per chunk of the test contents.
const CHUNK: u32 = 4_096;
/// Price per MiB the viewers sign: a 4 KiB chunk costs 256 units.
const PRICE: u128 = 65_536;

struct World {
	dir: PathBuf,
	ledger: Arc<FakeLedger>,
	edge: Arc<Edge>,
	contents: Vec<Manifest>,
}

impl Drop for World {
	fn drop(&mut self) {
		let _ = std::fs::remove_dir_all(&self.dir);
	}
}

fn operator() -> AccountId {
	AccountId::from([5u8; 32])
}

fn key(i: u32) -> sr25519::Pair {
	let mut seed = [0u8; 32];
	seed[..4].copy_from_slice(&i.to_le_bytes());
	seed[31] = 1;
	sr25519::Pair::from_seed(&seed)
}

fn account(p: &sr25519::Pair) -> AccountId {
	AccountId::from(p.public())
}

/// Two contents of 4 chunks, registered on the fake chain at block 1; the edge's store holds
/// both; the clock at epoch 0.
fn world(name: &str) -> World {
	let dir = std::env::temp_dir().join(format!("vidchain-games-{name}-{}", std::process::id()));
	let _ = std::fs::remove_dir_all(&dir);
	std::fs::create_dir_all(&dir).unwrap();
	let ledger = Arc::new(FakeLedger::new(operator(), Hash::repeat_byte(3)));
	let mut contents = Vec::new();
	for tag in [1u8, 2] {
		let film = dir.join(format!("film{tag}"));
		std::fs::write(&film, vec![tag; 4 * CHUNK as usize]).unwrap();
		let m = store::ingest(&film, &dir.join("content"), CHUNK, AccountId::from([7u8; 32]), String::new(), false).unwrap();
		ledger.register(&m, 1);
		contents.push(m);
	}
	let edge = Arc::new(edge_of(&dir, ledger.clone()));
	World { dir, ledger, edge, contents }
}

/// An edge over `dir` (as after a restart: the store and the receipts database reopened).
fn edge_of(dir: &std::path::Path, ledger: Arc<FakeLedger>) -> Edge {
	let clock = Arc::new(Clock::default());
	clock.set(ledger.with(|s| s.now) / EPOCH);
	let intake = Intake::new(Arc::new(ReceiptStore::open(&dir.join("receipts.redb")).unwrap()), ledger, clock, 0);
	Edge::new(Store::open(&dir.join("content")).unwrap(), Faults::default(), Some(intake))
}

impl World {
	fn fund(&self, viewer: &sr25519::Pair, balance: u128) {
		self.ledger.with(|s| s.escrows.insert(account(viewer), fake::escrow(balance)));
	}

	/// A receipt of `viewer` for chunk `chunk` of content `c`, in the clock's epoch, paid by its
	/// escrow.
	fn receipt(&self, viewer: &sr25519::Pair, c: usize, chunk: u32, nonce: u64) -> SignedReceipt {
		self.receipt_paid_by(viewer, c, chunk, nonce, Payer::Escrow)
	}

	/// [`World::receipt`] naming `payer`.
	fn receipt_paid_by(&self, viewer: &sr25519::Pair, c: usize, chunk: u32, nonce: u64, payer: Payer<AccountId>) -> SignedReceipt {
		let intake = self.edge.intake.as_ref().unwrap();
		let r = DeliveryReceipt {
			edge: operator(),
			content: self.contents[c].content,
			viewer: account(viewer),
			session_nonce: nonce,
			first_chunk: chunk,
			chunk_count: 1,
			bytes: CHUNK as u64,
			price_per_mib: PRICE,
			payer,
			epoch: intake.clock.epoch().unwrap(),
			ttfb_ms: 1,
			throughput_kbps: 1,
		};
		let s = Signature::Sr25519(viewer.sign(&r.signing_payload(&self.ledger.genesis)));
		(r, s)
	}

	async fn post(&self, batch: Vec<SignedReceipt>) -> Result<usize, Error> {
		let edge = &self.edge;
		edge.intake.as_ref().unwrap().take(edge.store.clone(), edge.licenses.as_ref(), batch).await
	}

	fn stored(&self, epoch: u32) -> usize {
		self.edge.intake.as_ref().unwrap().receipts.epoch(epoch).unwrap().len()
	}

	/// One claimer tick at block `now` (a tick that fails is retried by the claimer's loop).
	async fn tick_at(&self, now: u32, trees: &mut Trees) -> anyhow::Result<()> {
		self.ledger.with(|s| s.now = now);
		claimer::tick(&self.edge, self.edge.intake.as_ref().unwrap(), trees).await
	}
}

fn refusals(e: Error) -> Vec<(usize, Refusal)> {
	match e {
		Error::Refused(r) => r,
		other => panic!("expected refusals, got {other:?}"),
	}
}

/// What one receipt of one chunk costs its payer.
fn chunk_cost() -> u128 {
	(CHUNK as u128 * PRICE).div_ceil(MIB as u128)
}

/// Game: strangers with fresh keys and no FUEL flood the edge. Bound: every one of their
/// receipts is refused `Unfunded`, nothing is stored, and the honest viewer's receipt is the
/// edge's whole claim.
#[tokio::test]
async fn a_flood_of_unfunded_receipts_is_refused_and_changes_nothing() {
	let w = world("flood");
	let honest = key(0);
	w.fund(&honest, 1_000_000);
	assert_eq!(w.post(vec![w.receipt(&honest, 0, 0, 1)]).await.unwrap(), 1);
	for round in 0..4u32 {
		let flood: Vec<_> = (0..256u32).map(|i| w.receipt(&key(1_000 + round * 256 + i), 0, i % 4, i as u64)).collect();
		let refused = refusals(w.post(flood).await.unwrap_err());
		assert_eq!(refused.len(), 256);
		assert!(refused.iter().all(|(_, why)| *why == Refusal::Unfunded));
	}
	assert_eq!(w.stored(0), 1, "the database holds the honest receipt only");
	let mut trees = Trees::default();
	w.tick_at(EPOCH, &mut trees).await.unwrap();
	let claim = w.ledger.with(|s| s.claims.get(&0).cloned()).expect("claimed");
	assert_eq!((claim.receipt_count, claim.total_bytes), (1, CHUNK as u64));
}

/// Game: a viewer's escrow pays for fewer receipts than it signs. Bound: the edge holds at most
/// the escrow's funds from it in an epoch, batch by batch and across a restart; a receipt past
/// that is refused and the batch it came in is stored whole or not at all.
#[tokio::test]
async fn a_payer_is_taken_up_to_its_funds_and_a_restart_remembers() {
	let mut w = world("funds");
	let viewer = key(1);
	w.fund(&viewer, 2 * chunk_cost() + chunk_cost() / 2);
	assert_eq!(w.post(vec![w.receipt(&viewer, 0, 0, 1), w.receipt(&viewer, 0, 1, 2)]).await.unwrap(), 2);
	let refused = refusals(w.post(vec![w.receipt(&viewer, 0, 2, 3)]).await.unwrap_err());
	assert_eq!(refused, vec![(0, Refusal::Unfunded)]);
	// One batch that would pass the funds is refused whole: the affordable receipt in it too.
	let other = key(2);
	w.fund(&other, chunk_cost());
	let refused = refusals(w.post(vec![w.receipt(&other, 0, 0, 1), w.receipt(&other, 1, 0, 2)]).await.unwrap_err());
	assert_eq!(refused, vec![(1, Refusal::Unfunded)]);
	assert_eq!(w.stored(0), 2);
	// Restart: the exposure is on disk with the receipts.
	w.edge = Arc::new(Edge::new(Store::default(), Faults::default(), None));
	w.edge = Arc::new(edge_of(&w.dir, w.ledger.clone()));
	let refused = refusals(w.post(vec![w.receipt(&viewer, 1, 2, 4)]).await.unwrap_err());
	assert_eq!(refused, vec![(0, Refusal::Unfunded)]);
	// An escrow that unlocks before the epoch's proofs are in counts as nothing.
	let leaving = key(3);
	w.ledger.with(|s| {
		s.escrows.insert(account(&leaving), vidchain_primitives::rewards::Escrow { balance: u128::MAX / 4, reserve: 0, unlock_at: Some(EPOCH) })
	});
	assert_eq!(refusals(w.post(vec![w.receipt(&leaving, 0, 0, 1)]).await.unwrap_err()), vec![(0, Refusal::Unfunded)]);
	// A receipt that names a sponsor's pool is paid by that pool (an unfunded viewer is fine)
	// if it pays this edge in the receipt's epoch; a pool for other edges, a pool whose terms
	// start later, another sponsor's pool or none pays nothing, and the receipt is refused.
	let sponsor = AccountId::from([8u8; 32]);
	let pool = |edges: Vec<AccountId>, from: u32| vidchain_primitives::rewards::PoolView {
		sponsor: sponsor.clone(),
		balance: 10 * chunk_cost(),
		terms: vec![vidchain_primitives::rewards::PoolTermsView { from, price_per_mib: PRICE, edges }],
		unlock_at: None,
	};
	let c1 = w.contents[1].content;
	let by_pool = |nonce: u64, who: &AccountId| w.receipt_paid_by(&key(4), 1, 0, nonce, Payer::Pool(who.clone()));
	assert!(w.post(vec![by_pool(1, &sponsor)]).await.is_err(), "no pool at all");
	w.ledger.with(|s| s.pools.insert((c1, sponsor.clone()), pool(vec![AccountId::from([9u8; 32])], 0)));
	assert!(w.post(vec![by_pool(1, &sponsor)]).await.is_err(), "a pool for other edges pays nothing here");
	w.ledger.with(|s| s.pools.insert((c1, sponsor.clone()), pool(vec![], 5)));
	assert!(w.post(vec![by_pool(1, &sponsor)]).await.is_err(), "terms from a later epoch");
	w.ledger.with(|s| s.pools.insert((c1, sponsor.clone()), pool(vec![], 0)));
	assert!(w.post(vec![by_pool(1, &AccountId::from([7u8; 32]))]).await.is_err(), "another sponsor's pool");
	assert_eq!(w.post(vec![by_pool(1, &sponsor)]).await.unwrap(), 1);
	// The pool's funds bound what the edge takes from it, as an escrow's do.
	let many: Vec<_> = (2..14).map(|n| by_pool(n, &sponsor)).collect();
	assert_eq!(refusals(w.post(many).await.unwrap_err()).len(), 3, "10 chunks of funds, 1 taken, 12 asked");
}

/// Game: receipts for content the chain would refuse — unregistered, retired before the
/// epoch, registered with other sizes — are posted by anyone. Bound: none is taken.
#[tokio::test]
async fn receipts_the_chain_would_refuse_are_not_taken() {
	let w = world("chain");
	let viewer = key(1);
	w.fund(&viewer, u128::MAX / 2);
	let (c0, c1) = (w.contents[0].clone(), w.contents[1].clone());
	// Epoch 2; content 0 retired in epoch 1, content 1 registered with other sizes.
	w.ledger.with(|s| {
		s.now = 2 * EPOCH + 1;
		s.contents.get_mut(&c0.content).unwrap().retired_at = Some(EPOCH + 3);
		s.contents.get_mut(&c1.content).unwrap().total_bytes -= 1;
	});
	w.edge.intake.as_ref().unwrap().clock.set(2);
	let refused = refusals(w.post(vec![w.receipt(&viewer, 0, 0, 1), w.receipt(&viewer, 1, 0, 2)]).await.unwrap_err());
	assert_eq!(refused, vec![(0, Refusal::NotLive), (1, Refusal::SizesDiffer)]);
	w.ledger.with(|s| s.contents.remove(&c1.content));
	let intake = w.edge.intake.as_ref().unwrap();
	intake.contents.insert(c1.content, None);
	let refused = refusals(w.post(vec![w.receipt(&viewer, 1, 0, 3)]).await.unwrap_err());
	assert_eq!(refused, vec![(0, Refusal::NotOnChain)]);
	assert_eq!(w.stored(2), 0);
}

/// Game: the chain changes between intake and claim (a content pruned). Bound: the claim holds
/// only receipts the chain still accepts, so every draw can be proven: the claim is verified.
#[tokio::test]
async fn receipts_the_chain_refuses_by_claim_time_are_left_out_and_the_claim_is_proven() {
	let w = world("recheck");
	let viewer = key(1);
	w.fund(&viewer, u128::MAX / 2);
	let batch: Vec<_> = (0..4).map(|i| w.receipt(&viewer, (i % 2) as usize, i, i as u64)).collect();
	assert_eq!(w.post(batch).await.unwrap(), 4);
	let gone = w.contents[1].content;
	w.ledger.with(|s| s.contents.remove(&gone));
	let mut trees = Trees::default();
	w.tick_at(EPOCH, &mut trees).await.unwrap();
	let claim = w.ledger.with(|s| s.claims.get(&0).cloned()).expect("claimed");
	assert_eq!(claim.receipt_count, 2, "the two receipts of the pruned content are left out");
	assert_eq!(w.edge.metrics.receipts_dropped.get(), 2);
	w.tick_at(EPOCH + 3, &mut trees).await.unwrap();
	let proofs = w.ledger.with(|s| s.proofs.clone());
	assert_eq!(proofs.len(), 1);
	assert!(proofs[0].1.iter().all(|l| l.receipt.content != gone));
	w.tick_at(EPOCH + 4, &mut trees).await.unwrap();
	assert_eq!(w.ledger.with(|s| s.claims[&0].status), ClaimStatus::Verified);
}

/// Game: the chain refuses a proof for good. Bound: the edge pays for that transaction once,
/// not on every tick; a proof refused only because its window has not opened is sent again.
#[tokio::test]
async fn a_proof_refused_for_good_is_not_sent_again() {
	let w = world("dispatch");
	let viewer = key(1);
	w.fund(&viewer, u128::MAX / 2);
	assert_eq!(w.post(vec![w.receipt(&viewer, 0, 0, 1)]).await.unwrap(), 1);
	let mut trees = Trees::default();
	w.tick_at(EPOCH, &mut trees).await.unwrap();
	w.ledger.with(|s| s.fail_proofs_with = Some("ProofWindowNotOpen"));
	let _ = w.tick_at(EPOCH + 3, &mut trees).await;
	w.ledger.with(|s| s.fail_proofs_with = Some("UnknownContent"));
	for now in [EPOCH + 3, EPOCH + 4, EPOCH + 4] {
		let _ = w.tick_at(now, &mut trees).await;
	}
	let proofs = w.ledger.with(|s| s.sent.iter().filter(|(what, _)| *what == "proof").count());
	assert_eq!(proofs, 2, "one retry after ProofWindowNotOpen, then one refusal, then nothing");
	assert_eq!(w.edge.metrics.dispatch_errors.get(), 1);
}


/// Game: a stranger floods the edge with receipts whose signatures are forged while the edge's
/// node is slow or down. Bound: a forged receipt costs the edge a signature check and no chain
/// read at all — it is refused for its signature even when the chain cannot be read.
#[tokio::test]
async fn signatures_are_checked_before_anything_is_read_from_the_chain() {
	let w = world("forged");
	let viewer = key(1);
	w.fund(&viewer, u128::MAX / 2);
	w.ledger.with(|s| s.down = true);
	let mut forged = w.receipt(&viewer, 0, 0, 1);
	forged.1 = w.receipt(&viewer, 0, 1, 2).1;
	assert_eq!(refusals(w.post(vec![forged]).await.unwrap_err()), vec![(0, Refusal::BadSignature)]);
	// A good one needs the chain: 503, nothing stored.
	assert!(matches!(w.post(vec![w.receipt(&viewer, 0, 0, 1)]).await, Err(Error::Unavailable(_))));
	assert_eq!(w.stored(0), 0);
}

/// Game: an edge's manifest says a content is public, the chain says it is exclusive (the
/// creator registered it so). Bound: receipts for it are taken only from license holders, as
/// the chain's flag says.
#[tokio::test]
async fn the_chains_exclusive_flag_gates_receipts_whatever_the_manifest_says() {
	let w = world("exclusive");
	let (holder, stranger) = (key(1), key(2));
	w.fund(&holder, u128::MAX / 4);
	w.fund(&stranger, u128::MAX / 4);
	let c = w.contents[0].content;
	w.ledger.with(|s| {
		s.contents.get_mut(&c).unwrap().exclusive = true;
		s.access.insert((account(&holder), c));
	});
	// No license checks at all (an edge without them): nobody's receipt counts.
	assert_eq!(refusals(w.post(vec![w.receipt(&holder, 0, 0, 1)]).await.unwrap_err()), vec![(0, Refusal::NoAccess)]);
	// With the chain's licenses: the holder's counts, the stranger's does not.
	let ledger = w.ledger.clone();
	let mut edge = edge_of_with_licenses(&w, ledger);
	let r = vec![w.receipt(&holder, 0, 0, 1), w.receipt(&stranger, 0, 1, 2)];
	let intake = edge.intake.take().unwrap();
	let refused = refusals(intake.take(edge.store.clone(), edge.licenses.as_ref(), r).await.unwrap_err());
	assert_eq!(refused, vec![(1, Refusal::NoAccess)]);
	assert_eq!(intake.take(edge.store.clone(), edge.licenses.as_ref(), vec![w.receipt(&holder, 0, 0, 1)]).await.unwrap(), 1);
}

/// An edge over `w`'s directory whose licenses are read from `ledger`'s access set (`w`'s own
/// edge has none). It opens its own receipt database.
fn edge_of_with_licenses(w: &World, ledger: Arc<FakeLedger>) -> Edge {
	let clock = Arc::new(Clock::default());
	clock.set(0);
	let db = w.dir.join("licensed.redb");
	let intake = Intake::new(Arc::new(ReceiptStore::open(&db).unwrap()), ledger.clone(), clock, 0);
	let mut edge = Edge::new(Store::open(&w.dir.join("content")).unwrap(), Faults::default(), Some(intake));
	edge.licenses = Some(crate::access::Licenses::new(
		operator(),
		ledger.genesis,
		Arc::new(move |v, c| {
			let yes = ledger.with(|s| s.access.contains(&(v, c)));
			Box::pin(async move { Ok(yes) })
		}),
	));
	edge
}
