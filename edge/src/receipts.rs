//! Receipts: checked before they are stored, stored durably, one per slot.
//!
//! A receipt is kept at `(epoch, slot)`, its slot being `DeliveryReceipt::position` (a hash of
//! viewer and session nonce: the place it takes in the claim's sum tree). The store is an
//! embedded transactional database ([redb](https://docs.rs/redb)); a batch is committed
//! (fsync'ed) before `POST /receipts` answers, so after a crash — `kill -9` included — every
//! acknowledged receipt is still there, and a second receipt for a taken slot is refused, so no
//! receipt is counted twice. The store also keeps, per epoch, the claim the edge made of it, so
//! that a restarted edge never claims an epoch twice, and per epoch and payer the FUEL its
//! stored receipts could cost that payer (its *exposure*, see [`Charge`]), written in the same
//! transaction as the receipts, so a restart forgets nothing.

use anyhow::{Context, Result};
use codec::{Decode, Encode};
use redb::{Database, ReadableTable, TableDefinition};
use sp_runtime::traits::Verify;
use std::path::Path;
use vidchain_primitives::{
	delivery::{chunk_range_bytes, DeliveryReceipt, EpochIndex},
	AccountId, Hash, Signature,
};

/// A receipt and its viewer's signature, as viewers post them and proofs carry them.
pub type SignedReceipt = (DeliveryReceipt<AccountId>, Signature);

/// Receipts by `(epoch, slot)`: SCALE of [`SignedReceipt`].
const RECEIPTS: TableDefinition<(u32, u32), &[u8]> = TableDefinition::new("receipts");
/// The edge's claim of each epoch: SCALE of [`ClaimRecord`].
const CLAIMS: TableDefinition<u32, &[u8]> = TableDefinition::new("claims");
/// FUEL the stored receipts of an epoch could cost each payer: `(epoch, SCALE(payer))`.
const EXPOSURES: TableDefinition<(u32, &[u8]), u128> = TableDefinition::new("exposures");

/// What taking one receipt commits its payer to, as the intake priced it: the receipt is
/// stored only if the payer's `funds` cover `cost` on top of what the edge already holds from
/// that payer in the receipt's epoch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Charge {
	/// The payer (SCALE of `Payer<AccountId>`: the viewer's escrow or the content's pool).
	pub payer: Vec<u8>,
	/// What the receipt costs it: its bytes at its price (at least 1 base unit).
	pub cost: u128,
	/// What the payer holds for the epoch, as read from the chain.
	pub funds: u128,
}

/// What the edge did with an epoch's receipts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub enum ClaimStage {
	/// The claim was built and sent (maybe not yet included).
	Claimed,
	/// The proof was accepted: the claim is verified.
	Proven,
	/// The epoch's windows passed without a verified claim (logged; nothing more to do).
	Closed,
}

/// The claim of one epoch: fixed once built, so a restart sends the same one or none.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub struct ClaimRecord {
	/// The sum tree's root hash.
	pub root: Hash,
	/// Its total bytes.
	pub total_bytes: u64,
	/// Its receipts.
	pub receipt_count: u32,
	/// Where it is.
	pub stage: ClaimStage,
}

/// Why a receipt is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
	/// It names another edge.
	WrongEdge,
	/// It is not for the current epoch.
	WrongEpoch,
	/// This edge does not serve its content.
	UnknownContent,
	/// Its chunk range is not inside the content, or its bytes are not the range's length.
	OutOfRange,
	/// Its price is under the edge's minimum.
	PriceTooLow,
	/// The signature is not its viewer's for this chain.
	BadSignature,
	/// Its slot (viewer and session nonce) is taken in this epoch.
	Duplicate,
	/// The epoch is already claimed: a receipt can no longer count.
	EpochClaimed,
	/// Its content is exclusive and its viewer holds no license for it (read from the chain).
	NoAccess,
	/// Its content is not registered on chain (finalized).
	NotOnChain,
	/// Its content was not live in the receipt's epoch (registered later, or retired before).
	NotLive,
	/// The content is registered on chain with other sizes or another root than this edge's
	/// manifest, or the receipt's range does not fit the registered sizes.
	SizesDiffer,
	/// Its payer (the viewer's escrow, or the content's sponsor pool) cannot cover it on top of
	/// what this edge already holds from that payer in this epoch.
	Unfunded,
}

impl Refusal {
	/// A short reason for the answer.
	pub fn reason(&self) -> &'static str {
		match self {
			Refusal::WrongEdge => "names another edge",
			Refusal::WrongEpoch => "not for the current epoch",
			Refusal::UnknownContent => "content not served here",
			Refusal::OutOfRange => "chunk range outside the content or bytes not its length",
			Refusal::PriceTooLow => "price under this edge's minimum",
			Refusal::BadSignature => "signature is not the viewer's for this chain",
			Refusal::Duplicate => "slot already taken (viewer and session nonce) in this epoch",
			Refusal::EpochClaimed => "epoch already claimed",
			Refusal::NoAccess => "exclusive content and the viewer holds no license for it",
			Refusal::NotOnChain => "content not registered on chain",
			Refusal::NotLive => "content not live on chain in the receipt's epoch",
			Refusal::SizesDiffer => "content registered on chain with other sizes, or the range does not fit them",
			Refusal::Unfunded =>
				"its payer (escrow or sponsor pool) cannot cover it on top of what this edge already holds from it this epoch",
		}
	}
}

/// What a receipt is checked against.
#[derive(Clone, Copy)]
pub struct Terms<'a> {
	/// The edge's operator account.
	pub edge: &'a AccountId,
	/// The chain's genesis hash (receipts sign it).
	pub genesis: &'a Hash,
	/// The current epoch.
	pub epoch: EpochIndex,
	/// The edge's minimum price per MiB.
	pub min_price_per_mib: u128,
}

/// Check everything about a receipt that does not need the store: edge, epoch, content and
/// range (`sizes` gives a served content's `(chunk_size, total_bytes)`), price, signature.
pub fn check(
	(receipt, signature): &SignedReceipt,
	terms: &Terms,
	sizes: impl Fn(&Hash) -> Option<(u32, u64)>,
) -> Result<(), Refusal> {
	check_fields(receipt, terms, &sizes)?;
	if !signature.verify(&receipt.signing_payload(terms.genesis)[..], &receipt.viewer) {
		return Err(Refusal::BadSignature);
	}
	Ok(())
}

/// [`check`] without the signature.
fn check_fields(
	receipt: &DeliveryReceipt<AccountId>,
	terms: &Terms,
	sizes: &impl Fn(&Hash) -> Option<(u32, u64)>,
) -> Result<(), Refusal> {
	if &receipt.edge != terms.edge {
		return Err(Refusal::WrongEdge);
	}
	if receipt.epoch != terms.epoch {
		return Err(Refusal::WrongEpoch);
	}
	let (chunk_size, total) = sizes(&receipt.content).ok_or(Refusal::UnknownContent)?;
	if chunk_range_bytes(chunk_size, total, receipt.first_chunk, receipt.chunk_count) != Some(receipt.bytes) {
		return Err(Refusal::OutOfRange);
	}
	if receipt.price_per_mib < terms.min_price_per_mib {
		return Err(Refusal::PriceTooLow);
	}
	Ok(())
}

/// Check a batch: [`check`] on each receipt, with the sr25519 signatures (what wallets sign
/// with) verified together in one batch verification, which costs about half of verifying them
/// one by one; if the batch fails, each is verified alone to name the bad ones. Returns the
/// refusals by index (empty: all good).
pub fn check_batch(
	batch: &[SignedReceipt],
	terms: &Terms,
	sizes: impl Fn(&Hash) -> Option<(u32, u64)>,
) -> Vec<(usize, Refusal)> {
	let mut refused = Vec::new();
	let mut sr = Vec::new();
	for (i, (r, s)) in batch.iter().enumerate() {
		let fields = check_fields(r, terms, &sizes);
		match (fields, s) {
			(Err(e), _) => refused.push((i, e)),
			(Ok(()), Signature::Sr25519(_)) => sr.push(i),
			(Ok(()), _) => {
				if !s.verify(&r.signing_payload(terms.genesis)[..], &r.viewer) {
					refused.push((i, Refusal::BadSignature));
				}
			},
		}
	}
	if !sr.is_empty() && !sr25519_batch_ok(batch, &sr, terms.genesis) {
		for i in sr {
			let (r, s) = &batch[i];
			if !s.verify(&r.signing_payload(terms.genesis)[..], &r.viewer) {
				refused.push((i, Refusal::BadSignature));
			}
		}
	}
	refused.sort_by_key(|(i, _)| *i);
	refused
}

/// Whether the sr25519 signatures of `batch[indices]` all verify (one batch verification).
fn sr25519_batch_ok(batch: &[SignedReceipt], indices: &[usize], genesis: &Hash) -> bool {
	let mut keys = Vec::with_capacity(indices.len());
	let mut sigs = Vec::with_capacity(indices.len());
	let mut transcripts = Vec::with_capacity(indices.len());
	for &i in indices {
		let (r, s) = &batch[i];
		let Signature::Sr25519(sig) = s else { return false };
		let (Ok(key), Ok(sig)) = (
			schnorrkel::PublicKey::from_bytes(AsRef::<[u8]>::as_ref(&r.viewer)),
			schnorrkel::Signature::from_bytes(&sig.0),
		) else {
			return false;
		};
		keys.push(key);
		sigs.push(sig);
		transcripts.push(schnorrkel::signing_context(b"substrate").bytes(&r.signing_payload(genesis)));
	}
	schnorrkel::verify_batch(transcripts, &sigs, &keys, false).is_ok()
}

/// The receipt database.
pub struct ReceiptStore {
	db: Database,
}

impl ReceiptStore {
	/// Open (or create) the database at `path`.
	pub fn open(path: &Path) -> Result<ReceiptStore> {
		if let Some(dir) = path.parent() {
			std::fs::create_dir_all(dir)?;
		}
		let db = Database::create(path).with_context(|| format!("opening {}", path.display()))?;
		let tx = db.begin_write()?;
		tx.open_table(RECEIPTS)?;
		tx.open_table(CLAIMS)?;
		tx.open_table(EXPOSURES)?;
		tx.commit()?;
		Ok(ReceiptStore { db })
	}

	/// Store checked receipts in one durable transaction, all or none: if any slot is taken (by
	/// a stored receipt or an earlier one of the batch) or any epoch already claimed, nothing is
	/// stored and the refusals are returned by index. Returns when the batch is on disk.
	pub fn insert(&self, receipts: &[SignedReceipt]) -> Result<Result<(), Vec<(usize, Refusal)>>> {
		self.insert_charged(receipts, &[])
	}

	/// [`ReceiptStore::insert`], each receipt with its [`Charge`] (`charges[i]` for
	/// `receipts[i]`; none if `charges` is empty): a receipt whose payer's exposure in its
	/// epoch would pass the payer's funds is refused (`Unfunded`), and the exposures of the
	/// stored batch are recorded in the same transaction.
	pub fn insert_charged(
		&self,
		receipts: &[SignedReceipt],
		charges: &[Charge],
	) -> Result<Result<(), Vec<(usize, Refusal)>>> {
		anyhow::ensure!(charges.is_empty() || charges.len() == receipts.len(), "one charge per receipt");
		let tx = self.db.begin_write()?;
		let mut refused = Vec::new();
		{
			let mut table = tx.open_table(RECEIPTS)?;
			let claims = tx.open_table(CLAIMS)?;
			let mut exposures = tx.open_table(EXPOSURES)?;
			let mut batch: std::collections::HashMap<(u32, &[u8]), u128> = std::collections::HashMap::new();
			for (i, (r, charge)) in receipts.iter().zip(charges).enumerate() {
				let key = (r.0.epoch, charge.payer.as_slice());
				let held = match batch.get(&key) {
					Some(v) => *v,
					None => exposures.get(key)?.map_or(0, |v| v.value()),
				};
				let after = held.saturating_add(charge.cost);
				if after > charge.funds {
					refused.push((i, Refusal::Unfunded));
				}
				batch.insert(key, after);
			}
			for ((epoch, payer), v) in &batch {
				exposures.insert((*epoch, *payer), *v)?;
			}
			for (i, item) in receipts.iter().enumerate() {
				let (r, _) = item;
				if claims.get(r.epoch)?.is_some() {
					refused.push((i, Refusal::EpochClaimed));
					continue;
				}
				let key = (r.epoch, r.position());
				if table.get(key)?.is_some() {
					refused.push((i, Refusal::Duplicate));
					continue;
				}
				table.insert(key, item.encode().as_slice())?;
			}
		}
		if !refused.is_empty() {
			tx.abort()?;
			refused.sort_by_key(|(i, _)| *i);
			refused.dedup_by_key(|(i, _)| *i);
			return Ok(Err(refused));
		}
		tx.commit()?;
		Ok(Ok(()))
	}

	/// What the stored receipts of `epoch` could cost `payer` (SCALE of `Payer`).
	pub fn exposure(&self, epoch: EpochIndex, payer: &[u8]) -> Result<u128> {
		let tx = self.db.begin_read()?;
		Ok(tx.open_table(EXPOSURES)?.get((epoch, payer))?.map_or(0, |v| v.value()))
	}

	/// The receipts of `epoch`, in slot order.
	pub fn epoch(&self, epoch: EpochIndex) -> Result<Vec<SignedReceipt>> {
		let tx = self.db.begin_read()?;
		read_epoch(&tx.open_table(RECEIPTS)?, epoch)
	}

	/// The epochs that hold receipts, in order.
	pub fn epochs(&self) -> Result<Vec<EpochIndex>> {
		let tx = self.db.begin_read()?;
		let table = tx.open_table(RECEIPTS)?;
		let mut out: Vec<EpochIndex> = Vec::new();
		let mut next = Some(0u32);
		// Skip from epoch to epoch rather than walking every receipt.
		while let Some(from) = next {
			let Some(entry) = table.range((from, 0)..)?.next() else { break };
			let ((epoch, _), _) = { let (k, v) = entry?; (k.value(), v) };
			out.push(epoch);
			next = epoch.checked_add(1);
		}
		Ok(out)
	}

	/// The claim recorded for `epoch`.
	pub fn claim(&self, epoch: EpochIndex) -> Result<Option<ClaimRecord>> {
		let tx = self.db.begin_read()?;
		let table = tx.open_table(CLAIMS)?;
		Ok(match table.get(epoch)? {
			Some(v) => Some(ClaimRecord::decode(&mut v.value()).context("a stored claim does not decode")?),
			None => None,
		})
	}

	/// Seal `epoch`: in one write transaction, drop its receipts that `keep` refuses (the chain
	/// would refuse them by now), read the rest, build the claim with `build` and record it.
	/// Receipts posted concurrently are either in the claim or refused (`EpochClaimed`), never
	/// stored beside it. `None` if the epoch was sealed before; otherwise the record and how
	/// many receipts were dropped.
	pub fn seal(
		&self,
		epoch: EpochIndex,
		keep: impl Fn(&SignedReceipt) -> bool,
		build: impl FnOnce(&[SignedReceipt]) -> Result<ClaimRecord>,
	) -> Result<Option<(ClaimRecord, usize)>> {
		let tx = self.db.begin_write()?;
		let record = {
			let mut claims = tx.open_table(CLAIMS)?;
			if claims.get(epoch)?.is_some() {
				None
			} else {
				let mut table = tx.open_table(RECEIPTS)?;
				let all = read_epoch(&table, epoch)?;
				let (receipts, dropped): (Vec<_>, Vec<_>) = all.into_iter().partition(|r| keep(r));
				for (r, _) in &dropped {
					table.remove((epoch, r.position()))?;
				}
				let record = (build(&receipts)?, dropped.len());
				claims.insert(epoch, record.0.encode().as_slice())?;
				Some(record)
			}
		};
		tx.commit()?;
		Ok(record)
	}

	/// Record the claim of `epoch` (durably, before it is sent).
	pub fn set_claim(&self, epoch: EpochIndex, record: ClaimRecord) -> Result<()> {
		let tx = self.db.begin_write()?;
		tx.open_table(CLAIMS)?.insert(epoch, record.encode().as_slice())?;
		tx.commit()?;
		Ok(())
	}
}

/// Every receipt of `epoch` in `table`, in slot order.
fn read_epoch(table: &impl ReadableTable<(u32, u32), &'static [u8]>, epoch: EpochIndex) -> Result<Vec<SignedReceipt>> {
	let mut out = Vec::new();
	for entry in table.range((epoch, 0)..=(epoch, u32::MAX))? {
		let (_, value) = entry?;
		out.push(SignedReceipt::decode(&mut value.value()).context("a stored receipt does not decode")?);
	}
	Ok(out)
}

#[cfg(test)]
pub(crate) mod tests {
	use super::*;
	use sp_core::{sr25519, Pair};

	fn viewer() -> sr25519::Pair {
		sr25519::Pair::from_string("//viewer", None).unwrap()
	}

	pub(crate) fn signed(edge: &AccountId, epoch: u32, nonce: u64, genesis: &Hash) -> SignedReceipt {
		let v = viewer();
		let r = DeliveryReceipt {
			edge: edge.clone(),
			content: Hash::repeat_byte(1),
			viewer: AccountId::from(v.public()),
			session_nonce: nonce,
			first_chunk: 0,
			chunk_count: 2,
			bytes: 1_500,
			price_per_mib: 10,
			payer: vidchain_primitives::delivery::Payer::Escrow,
			epoch,
			ttfb_ms: 5,
			throughput_kbps: 1_000,
		};
		let s = Signature::Sr25519(v.sign(&r.signing_payload(genesis)));
		(r, s)
	}

	fn sizes(c: &Hash) -> Option<(u32, u64)> {
		(*c == Hash::repeat_byte(1)).then_some((1_000, 1_500))
	}

	#[test]
	fn every_field_of_a_receipt_is_checked() {
		let edge = AccountId::from([1u8; 32]);
		let genesis = Hash::repeat_byte(9);
		let terms = Terms { edge: &edge, genesis: &genesis, epoch: 4, min_price_per_mib: 10 };
		let good = signed(&edge, 4, 1, &genesis);
		assert_eq!(check(&good, &terms, sizes), Ok(()));
		let other_edge = AccountId::from([2u8; 32]);
		assert_eq!(check(&signed(&other_edge, 4, 1, &genesis), &terms, sizes), Err(Refusal::WrongEdge));
		assert_eq!(check(&signed(&edge, 3, 1, &genesis), &terms, sizes), Err(Refusal::WrongEpoch));
		assert_eq!(check(&signed(&edge, 4, 1, &Hash::repeat_byte(8)), &terms, sizes), Err(Refusal::BadSignature));
		let mutate = |f: &dyn Fn(&mut DeliveryReceipt<AccountId>)| {
			let mut r = good.clone();
			f(&mut r.0);
			check(&r, &terms, sizes)
		};
		assert_eq!(mutate(&|r| r.content = Hash::repeat_byte(2)), Err(Refusal::UnknownContent));
		assert_eq!(mutate(&|r| r.bytes = 2_000), Err(Refusal::OutOfRange));
		assert_eq!(mutate(&|r| r.first_chunk = 1), Err(Refusal::OutOfRange));
		assert_eq!(mutate(&|r| r.price_per_mib = 9), Err(Refusal::PriceTooLow));
		assert_eq!(mutate(&|r| r.ttfb_ms = 6), Err(Refusal::BadSignature), "a changed field breaks the signature");
	}

	#[test]
	fn a_batch_names_exactly_its_bad_receipts() {
		let edge = AccountId::from([1u8; 32]);
		let genesis = Hash::repeat_byte(9);
		let terms = Terms { edge: &edge, genesis: &genesis, epoch: 4, min_price_per_mib: 10 };
		let mut batch: Vec<SignedReceipt> = (0..64).map(|n| signed(&edge, 4, n, &genesis)).collect();
		assert!(check_batch(&batch, &terms, sizes).is_empty());
		// A signature of another receipt, a field changed under its signature, a bad range.
		batch[5].1 = batch[6].1.clone();
		batch[40].0.throughput_kbps += 1;
		batch[63].0.bytes = 1;
		let refused = check_batch(&batch, &terms, sizes);
		assert_eq!(
			refused,
			vec![(5, Refusal::BadSignature), (40, Refusal::BadSignature), (63, Refusal::OutOfRange)]
		);
		// The same verdicts as one by one.
		for (i, r) in batch.iter().enumerate() {
			assert_eq!(check(r, &terms, sizes).err(), refused.iter().find(|(j, _)| *j == i).map(|(_, e)| e.clone()));
		}
	}

	#[test]
	fn slots_are_taken_once_and_survive_reopening() {
		let dir = std::env::temp_dir().join(format!("vidchain-receipts-{}-{:?}", std::process::id(), std::thread::current().id()));
		let _ = std::fs::remove_dir_all(&dir);
		let path = dir.join("receipts.redb");
		let edge = AccountId::from([1u8; 32]);
		let g = Hash::zero();
		{
			let store = ReceiptStore::open(&path).unwrap();
			// A batch with a repeated slot is refused whole.
			let batch = vec![signed(&edge, 4, 1, &g), signed(&edge, 4, 2, &g), signed(&edge, 4, 1, &g), signed(&edge, 5, 1, &g)];
			assert_eq!(store.insert(&batch).unwrap(), Err(vec![(2, Refusal::Duplicate)]));
			assert!(store.epochs().unwrap().is_empty(), "nothing stored");
			let batch = vec![signed(&edge, 4, 1, &g), signed(&edge, 4, 2, &g), signed(&edge, 5, 1, &g)];
			assert_eq!(store.insert(&batch).unwrap(), Ok(()));
			store.set_claim(5, ClaimRecord { root: g, total_bytes: 1, receipt_count: 1, stage: ClaimStage::Claimed }).unwrap();
		}
		let store = ReceiptStore::open(&path).unwrap();
		assert_eq!(store.epochs().unwrap(), vec![4, 5]);
		assert_eq!(store.epoch(4).unwrap().len(), 2);
		assert_eq!(store.insert(&[signed(&edge, 4, 2, &g)]).unwrap(), Err(vec![(0, Refusal::Duplicate)]));
		assert_eq!(store.insert(&[signed(&edge, 5, 9, &g)]).unwrap(), Err(vec![(0, Refusal::EpochClaimed)]));
		assert_eq!(store.claim(5).unwrap().unwrap().stage, ClaimStage::Claimed);
		assert!(store.claim(4).unwrap().is_none());
		let _ = std::fs::remove_dir_all(&dir);
	}
}
