//! Validators' samples of edges.

use crate::*;
use frame_support::pallet_prelude::*;
use sp_runtime::{traits::Saturating, RuntimeAppPublic, SaturatedConversion};

impl<T: Config> Pallet<T> {
	/// Everything that makes a sample report acceptable: a current validator's key, its
	/// signature over the report's tagged payload for this chain, the current epoch, the first
	/// report of this validator for this edge in this epoch, an edge that is active or unbonding
	/// (still liable) and past its grace ([`Pallet::judged_in`]), and a chunk inside a
	/// registered content.
	pub(crate) fn check_report(
		report: &SampleReportOf<T>,
		signature: &AuthoritySignatureOf<T>,
	) -> Result<(), Error<T>> {
		ensure!(T::Validators::is_validator(&report.validator), Error::<T>::NotValidator);
		ensure!(
			report.validator.verify(&report.signing_payload(&Self::genesis_hash()), signature),
			Error::<T>::BadReportSignature
		);
		ensure!(report.epoch == Self::current_epoch(), Error::<T>::WrongEpoch);
		ensure!(
			!SampleReports::<T>::contains_key((report.epoch, &report.edge, &report.validator)),
			Error::<T>::AlreadyReported
		);
		let edge = Edges::<T>::get(&report.edge).ok_or(Error::<T>::NotAnEdge)?;
		ensure!(!matches!(edge.state, EdgeState::Suspended { .. }), Error::<T>::EdgeNotActive);
		ensure!(Self::judged_in(&edge, report.epoch), Error::<T>::EdgeInGrace);
		let content = Contents::<T>::get(report.content).ok_or(Error::<T>::UnknownContent)?;
		ensure!(report.chunk_index < content.chunk_count, Error::<T>::ChunkOutOfRange);
		Ok(())
	}

	/// Apply a checked report: the score moves by the validator's share of the step, and the
	/// edge is suspended and slashed once more than a third of the validators have reported a
	/// failure of it in this epoch.
	pub(crate) fn do_report_sample(report: SampleReportOf<T>) -> DispatchResult {
		let SampleReport { edge: who, content, chunk_index, outcome, latency_ms, epoch, validator } =
			report;
		SampleReports::<T>::insert((epoch, &who, &validator), outcome);
		let mut edge = Edges::<T>::get(&who).ok_or(Error::<T>::NotAnEdge)?;
		let validators = T::Validators::validator_count().max(1);
		if outcome.is_success() {
			let step = T::ScoreOnSampleSuccess::get() / validators;
			edge.score = edge.score.saturating_add(step).min(MAX_SCORE);
		} else {
			let step = T::ScoreOnSampleFailure::get() / validators;
			edge.score = edge.score.saturating_sub(step);
			let failures = SampleFailures::<T>::mutate(epoch, &who, |f| {
				*f = f.saturating_add(1);
				*f
			});
			if Self::failures_suspend(failures, validators) {
				let until = frame_system::Pallet::<T>::block_number()
					.saturating_add(T::SuspensionPeriod::get());
				edge.state = EdgeState::Suspended { epoch, until };
				Self::deposit_event(Event::EdgeSuspended { edge: who.clone(), epoch, until });
				Self::slash_edge(&who, &mut edge, SlashReason::FailedSamples);
			}
		}
		let score = edge.score;
		// The payments pallet weighs the edge's availability by what the samples found.
		let suspended = matches!(edge.state, EdgeState::Suspended { .. });
		T::Payments::on_sampled(&who, epoch, outcome.is_success(), suspended, edge.bond.saturated_into(), score);
		Edges::<T>::insert(&who, edge);
		Self::deposit_event(Event::SampleReported {
			validator,
			edge: who,
			content,
			chunk_index,
			outcome,
			latency_ms,
			score,
		});
		Ok(())
	}

	/// Whether `edge` can be sampled and reported in `epoch`: it registered at least
	/// `NewEdgeGraceEpochs` epochs before.
	pub fn judged_in(edge: &EdgeInfo<T>, epoch: EpochIndex) -> bool {
		Self::epoch_of(edge.registered_at).saturating_add(T::NewEdgeGraceEpochs::get()) <= epoch
	}

	/// Whether `failures` distinct validators out of `validators` are more than a third.
	pub(crate) fn failures_suspend(failures: u32, validators: u32) -> bool {
		(failures as u64) * 3 > validators as u64
	}
}
