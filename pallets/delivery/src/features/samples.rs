//! Validators' samples of edges.

use crate::*;
use frame_support::{pallet_prelude::*, traits::Contains};
use sp_runtime::RuntimeAppPublic;

impl<T: Config> Pallet<T> {
	/// Everything that makes a sample report acceptable: a current validator's key, its
	/// signature over the report, the current epoch, the first report of this validator for this
	/// edge in this epoch, an active edge and a chunk inside a registered content.
	pub(crate) fn check_report(
		report: &SampleReportOf<T>,
		signature: &AuthoritySignatureOf<T>,
	) -> Result<(), Error<T>> {
		ensure!(T::Validators::contains(&report.validator), Error::<T>::NotValidator);
		ensure!(
			report.validator.verify(&report.encode(), signature),
			Error::<T>::BadReportSignature
		);
		ensure!(report.epoch == Self::current_epoch(), Error::<T>::WrongEpoch);
		ensure!(
			!SampleReports::<T>::contains_key((report.epoch, &report.edge, &report.validator)),
			Error::<T>::AlreadyReported
		);
		let edge = Edges::<T>::get(&report.edge).ok_or(Error::<T>::NotAnEdge)?;
		ensure!(edge.state == EdgeState::Active, Error::<T>::EdgeNotActive);
		let content = Contents::<T>::get(report.content).ok_or(Error::<T>::UnknownContent)?;
		ensure!(report.chunk_index < content.chunk_count, Error::<T>::ChunkOutOfRange);
		Ok(())
	}

	/// Apply a checked report to the edge's score, failures and state.
	pub(crate) fn do_report_sample(report: SampleReportOf<T>) -> DispatchResult {
		let SampleReport { edge: who, content, chunk_index, outcome, latency_ms, epoch, validator } =
			report;
		SampleReports::<T>::insert((epoch, &who, &validator), outcome);
		let mut edge = Edges::<T>::get(&who).ok_or(Error::<T>::NotAnEdge)?;
		if outcome.is_success() {
			edge.score = edge.score.saturating_add(T::ScoreOnSampleSuccess::get()).min(MAX_SCORE);
		} else {
			edge.score = edge.score.saturating_sub(T::ScoreOnSampleFailure::get());
			let failures = SampleFailures::<T>::mutate(epoch, &who, |f| {
				*f = f.saturating_add(1);
				*f
			});
			if failures >= T::MaxFailures::get() {
				edge.state = EdgeState::Suspended { epoch };
				Self::deposit_event(Event::EdgeSuspended { edge: who.clone(), epoch });
				Self::slash_edge(&who, &mut edge, SlashReason::FailedSamples);
			}
		}
		let score = edge.score;
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
}
