//! Paying for a verified claim's drawn receipts: from escrows or sponsor pools, split between the
//! edge, the creator and the treasury.

use crate::*;
use frame_support::pallet_prelude::*;
use sp_runtime::{
	helpers_128bit::multiply_by_rational_with_rounding, traits::Saturating, Perbill, Rounding,
};

impl<T: Config> Pallet<T> {
	/// What `hits` of a claim's `samples` drawn offsets owe at `price_per_mib` (at least
	/// `MinPricePerMib`), for a claim of `total_bytes`: `hits × total_bytes / samples` bytes at
	/// the price, rounded down. A receipt of `b` bytes is hit `samples × b / total_bytes` times in
	/// expectation, so it pays `b × price` in expectation.
	pub fn amount_due(total_bytes: u64, hits: u32, samples: u32, price_per_mib: u128) -> Balance {
		if samples == 0 {
			return 0;
		}
		let price_per_mib = price_per_mib.max(T::MinPricePerMib::get());
		let bytes = (hits as u128).saturating_mul(total_bytes as u128);
		let per = (samples as u128).saturating_mul(MIB as u128);
		multiply_by_rational_with_rounding(bytes, price_per_mib, per, Rounding::Down).unwrap_or(Balance::MAX)
	}

	/// `amount` split into the edge's, the creator's and the treasury's parts, which add up to
	/// `amount`: the creator gets `CreatorShare` and the edge `1 − CreatorShare − ProtocolFee`,
	/// each rounded down; the treasury gets the fee and the rounding remainder.
	pub fn split(amount: Balance) -> (Balance, Balance, Balance) {
		let creator = T::CreatorShare::get().mul_floor(amount);
		let edge = Perbill::one()
			.saturating_sub(T::CreatorShare::get())
			.saturating_sub(T::ProtocolFee::get())
			.mul_floor(amount);
		(edge, creator, amount.saturating_sub(edge).saturating_sub(creator))
	}

	/// Take up to `due` from `viewer`'s escrow: its balance first, then its reserve. Returns
	/// what was taken; an emptied escrow is removed.
	fn charge_escrow(viewer: &T::AccountId, due: Balance) -> Balance {
		Escrows::<T>::mutate_exists(viewer, |maybe| {
			let Some(escrow) = maybe else { return 0 };
			let from_balance = due.min(escrow.balance);
			escrow.balance -= from_balance;
			let from_reserve = (due - from_balance).min(escrow.reserve);
			escrow.reserve -= from_reserve;
			if escrow.balance == 0 && escrow.reserve == 0 {
				*maybe = None;
			}
			from_balance + from_reserve
		})
	}

	/// Take up to what `edge`'s hits on a receipt of `content` served in `epoch` owe from
	/// `sponsor`'s pool of that content, at the terms the pool had for `epoch`: `(taken, due)`;
	/// `None` if there is no such pool or its terms for `epoch` do not pay `edge` (the edge took
	/// a receipt it should not have). A pool emptied while unlocking is removed.
	fn charge_pool(
		content: &ContentId,
		sponsor: &T::AccountId,
		edge: &T::AccountId,
		epoch: EpochIndex,
		total_bytes: u64,
		hits: u32,
		samples: u32,
	) -> Option<(Balance, Balance)> {
		let charged = Pools::<T>::mutate_exists(content, sponsor, |maybe| {
			let pool = maybe.as_mut()?;
			let price = pool.pays(edge, epoch)?;
			let due = Self::amount_due(total_bytes, hits, samples, price);
			let taken = due.min(pool.balance);
			pool.balance -= taken;
			let closed = pool.balance == 0 && pool.unlock_at.is_some();
			if closed {
				*maybe = None;
			}
			Some((taken, due, closed))
		});
		let (taken, due, closed) = charged?;
		if closed {
			Self::deposit_event(Event::PoolClosed { content: *content, sponsor: sponsor.clone() });
		}
		Some((taken, due))
	}

	/// Pay `to` from the pallet's account; what cannot be paid to it (say, below FUEL's minimum
	/// balance for a new account) goes to the treasury. Returns what `to` received.
	fn pay_out(to: &T::AccountId, amount: Balance) -> Balance {
		if amount == 0 {
			return 0;
		}
		if Self::give_fuel(to, amount).is_ok() {
			return amount;
		}
		if Self::give_fuel(&T::Treasury::get(), amount).is_err() {
			log::error!(target: LOG_TARGET, "{amount} FUEL stays in the pallet's account: no payee can take it");
		}
		0
	}

	/// Settle a verified claim of `edge` for `epoch`: each drawn receipt pays its hits from the
	/// payer it names — its viewer's escrow, or one sponsor's pool of its content — split three
	/// ways.
	pub(crate) fn pay_claim(
		edge: &T::AccountId,
		epoch: EpochIndex,
		total_bytes: u64,
		samples: u32,
		drawn: &[DrawnReceipt<T::AccountId>],
	) {
		let (mut to_edge, mut to_treasury, mut paid, mut unpaid) = (0u128, 0u128, 0u128, 0u128);
		// The protocol fee of the split: the edge's weight in the delivery emission.
		let mut fee = 0u128;
		for receipt in drawn {
			// The payer the viewer signed, and nobody else: a pool that does not pay this edge
			// pays nothing, and the viewer's escrow is not charged in its place.
			let at_receipt_price = || Self::amount_due(total_bytes, receipt.hits, samples, receipt.price_per_mib);
			let (taken, due) = match &receipt.payer {
				Payer::Escrow => {
					let due = at_receipt_price();
					(Self::charge_escrow(&receipt.viewer, due), due)
				},
				Payer::Pool(sponsor) =>
					Self::charge_pool(&receipt.content, sponsor, edge, epoch, total_bytes, receipt.hits, samples)
						.unwrap_or_else(|| (0, at_receipt_price())),
			};
			let (edge_part, creator_part, mut treasury_part) = Self::split(taken);
			fee = fee.saturating_add(treasury_part);
			let mut creator_paid = 0;
			match T::Contents::creator_of(&receipt.content) {
				Some(creator) => {
					creator_paid = Self::pay_out(&creator, creator_part);
					if creator_paid > 0 {
						CreatorRewards::<T>::mutate(epoch, &creator, |sum| *sum = sum.saturating_add(creator_paid));
					}
				},
				None => (),
			}
			treasury_part = treasury_part.saturating_add(creator_part - creator_paid);
			to_edge = to_edge.saturating_add(edge_part);
			to_treasury = to_treasury.saturating_add(treasury_part);
			paid = paid.saturating_add(taken);
			unpaid = unpaid.saturating_add(due - taken);
			Self::deposit_event(Event::Paid {
				edge: edge.clone(),
				epoch,
				viewer: receipt.viewer.clone(),
				content: receipt.content,
				payer: receipt.payer.clone(),
				amount: taken,
				to_edge: edge_part,
				to_creator: creator_paid,
				to_treasury: treasury_part,
				unpaid: due - taken,
			});
		}
		let edge_paid = Self::pay_out(edge, to_edge);
		to_treasury = to_treasury.saturating_add(to_edge - edge_paid);
		if Self::give_fuel(&T::Treasury::get(), to_treasury).is_err() {
			log::error!(target: LOG_TARGET, "{to_treasury} FUEL for the treasury stays in the pallet's account");
		}
		EdgeRewards::<T>::mutate(epoch, edge, |payout| {
			let payout = payout.get_or_insert_with(Default::default);
			payout.verified_bytes = total_bytes;
			payout.paid = payout.paid.saturating_add(edge_paid);
			payout.unpaid = payout.unpaid.saturating_add(unpaid);
			payout.fee = payout.fee.saturating_add(fee);
		});
		EpochRewards::<T>::mutate(epoch, |totals| {
			let totals = totals.get_or_insert_with(Default::default);
			totals.paid = totals.paid.saturating_add(paid);
			totals.fees = totals.fees.saturating_add(to_treasury);
			totals.delivery_fees = totals.delivery_fees.saturating_add(fee);
		});
	}
}
