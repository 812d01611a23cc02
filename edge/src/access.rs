//! Exclusive content: who may watch it, read from the chain, and how many streams one viewer
//! may hold open.
//!
//! Every request for exclusive content carries a signed [`AccessToken`] naming this edge, the
//! content and an expiry at most ten minutes ahead. The edge checks the token's signature
//! first (no chain read for a forged token), then asks the chain whether the viewer holds a
//! license (`licenses_hasAccess`), keeping answers for [`ACCESS_CACHE`] in a bounded
//! [`TtlCache`]; many questions at once (a post of receipts) are asked concurrently, each at
//! most once. A viewer holds at most [`MAX_STREAMS_PER_VIEWER`] responses of exclusive content
//! open at once on one edge, so one license cannot feed a public re-stream from it.

use crate::{cache::TtlCache, error::Error};
use codec::Decode;
use futures::{future::BoxFuture, StreamExt};
use sp_runtime::traits::Verify;
use std::{
	collections::{BTreeSet, HashMap},
	sync::{Arc, Mutex},
	time::Duration,
};
use vidchain_primitives::{
	delivery::ContentId,
	licenses::{AccessToken, MAX_ACCESS_TOKEN_LIFETIME_MS},
	AccountId, Hash, Signature as MultiSignature,
};

/// How long the edge trusts the chain's answer about a viewer's license.
pub const ACCESS_CACHE: Duration = Duration::from_secs(6);
/// The most answers kept.
pub const ACCESS_CACHE_ENTRIES: usize = 100_000;
/// Responses of exclusive content one viewer may have open at once on one edge: enough for a
/// player's parallel segment fetches and a second device, too few to re-stream to an audience.
pub const MAX_STREAMS_PER_VIEWER: u32 = 4;
/// Questions to the chain in flight at once.
const CONCURRENT_QUESTIONS: usize = 32;

/// Reads from the chain whether a viewer may watch a content (`licenses_hasAccess`).
pub type AccessCheck = Arc<dyn Fn(AccountId, ContentId) -> BoxFuture<'static, anyhow::Result<bool>> + Send + Sync>;

/// What the edge needs to serve exclusive content: who it is, which chain, how to read licenses.
pub struct Licenses {
	/// The operator's account: tokens must name it.
	pub edge: AccountId,
	/// The chain's genesis hash: tokens sign it.
	pub genesis: Hash,
	/// Reads a viewer's access from the chain.
	pub check: AccessCheck,
	answers: TtlCache<(AccountId, ContentId), bool>,
	streams: Arc<Mutex<HashMap<AccountId, u32>>>,
}

/// One open stream of exclusive content: the viewer's count goes down when it is dropped.
pub struct StreamSlot {
	viewer: AccountId,
	streams: Arc<Mutex<HashMap<AccountId, u32>>>,
}

impl Drop for StreamSlot {
	fn drop(&mut self) {
		let mut streams = self.streams.lock().expect("not poisoned");
		if let Some(n) = streams.get_mut(&self.viewer) {
			*n -= 1;
			if *n == 0 {
				streams.remove(&self.viewer);
			}
		}
	}
}

impl Licenses {
	/// Licenses read through `check` for the edge `edge` of the chain `genesis`.
	pub fn new(edge: AccountId, genesis: Hash, check: AccessCheck) -> Licenses {
		Licenses {
			edge,
			genesis,
			check,
			answers: TtlCache::new(ACCESS_CACHE, ACCESS_CACHE_ENTRIES),
			streams: Arc::default(),
		}
	}

	/// Whether `viewer` may watch `content`: the chain's answer, kept for [`ACCESS_CACHE`].
	pub async fn has_access(&self, viewer: &AccountId, content: &ContentId) -> anyhow::Result<bool> {
		let key = (viewer.clone(), *content);
		Ok(self.has_access_many([key.clone()].into()).await?[&key])
	}

	/// [`Licenses::has_access`] for many pairs: those not cached are asked concurrently, each
	/// once.
	pub async fn has_access_many(
		&self,
		pairs: BTreeSet<(AccountId, ContentId)>,
	) -> anyhow::Result<HashMap<(AccountId, ContentId), bool>> {
		let (mut out, ask) = self.answers.split(pairs);
		let answers: Vec<anyhow::Result<((AccountId, ContentId), bool)>> = futures::stream::iter(ask)
			.map(|(v, c)| {
				let check = self.check.clone();
				async move { Ok(((v.clone(), c), check(v, c).await?)) }
			})
			.buffer_unordered(CONCURRENT_QUESTIONS)
			.collect()
			.await;
		for answer in answers {
			let (key, yes) = answer?;
			self.answers.insert(key.clone(), yes);
			out.insert(key, yes);
		}
		Ok(out)
	}

	/// The viewer a token admits to `content`, or why not (the license is not read here).
	pub fn admit(&self, token: &str, content: &ContentId, now_ms: u64) -> Result<AccountId, Error> {
		let bytes = hex::decode(token.trim().trim_start_matches("0x"))
			.map_err(|_| Error::BadRequest("the access token is not hex".into()))?;
		let mut input = &bytes[..];
		let (token, signature) = match <(AccessToken<AccountId>, MultiSignature)>::decode(&mut input) {
			Ok(t) if input.is_empty() => t,
			_ => return Err(Error::BadRequest("the access token is not SCALE (AccessToken, MultiSignature)".into())),
		};
		let forbid = |why: &str| Err(Error::Forbidden(why.into()));
		if &token.content != content {
			return forbid("the access token is for another content");
		}
		if token.edge != self.edge {
			return forbid("the access token is for another edge");
		}
		if token.expires_at_ms <= now_ms {
			return forbid("the access token has expired");
		}
		if token.expires_at_ms > now_ms.saturating_add(MAX_ACCESS_TOKEN_LIFETIME_MS) {
			return forbid("the access token lives longer than ten minutes");
		}
		if !signature.verify(&token.signing_payload(&self.genesis)[..], &token.viewer) {
			return forbid("the access token is not signed by its viewer for this chain");
		}
		Ok(token.viewer)
	}

	/// One more open stream for `viewer`, unless it has [`MAX_STREAMS_PER_VIEWER`] already.
	pub fn open_stream(&self, viewer: &AccountId) -> Result<StreamSlot, Error> {
		let mut streams = self.streams.lock().expect("not poisoned");
		let n = streams.entry(viewer.clone()).or_insert(0);
		if *n >= MAX_STREAMS_PER_VIEWER {
			return Err(Error::TooManyStreams);
		}
		*n += 1;
		Ok(StreamSlot { viewer: viewer.clone(), streams: self.streams.clone() })
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use std::sync::atomic::{AtomicU32, Ordering};

	#[tokio::test]
	async fn many_questions_are_asked_once_each_and_cached() {
		let asked = Arc::new(AtomicU32::new(0));
		let a = asked.clone();
		let licenses = Licenses::new(
			AccountId::from([1; 32]),
			Hash::zero(),
			Arc::new(move |v: AccountId, _| {
				a.fetch_add(1, Ordering::Relaxed);
				Box::pin(async move { Ok(AsRef::<[u8]>::as_ref(&v)[0] % 2 == 0) })
			}),
		);
		let pairs: BTreeSet<_> = (0..100u8).map(|i| (AccountId::from([i; 32]), ContentId::zero())).collect();
		let answers = licenses.has_access_many(pairs.clone()).await.unwrap();
		assert_eq!(answers.len(), 100);
		assert_eq!(answers.values().filter(|y| **y).count(), 50);
		licenses.has_access_many(pairs).await.unwrap();
		assert_eq!(asked.load(Ordering::Relaxed), 100, "the second time, every answer is cached");
	}

	#[test]
	fn a_viewer_holds_a_bounded_number_of_streams() {
		let licenses = Licenses::new(AccountId::from([1; 32]), Hash::zero(), Arc::new(|_, _| Box::pin(async { Ok(true) })));
		let viewer = AccountId::from([2; 32]);
		let slots: Vec<_> = (0..MAX_STREAMS_PER_VIEWER).map(|_| licenses.open_stream(&viewer).unwrap()).collect();
		assert!(matches!(licenses.open_stream(&viewer), Err(Error::TooManyStreams)));
		assert!(licenses.open_stream(&AccountId::from([3; 32])).is_ok(), "another viewer is not affected");
		drop(slots);
		assert!(licenses.open_stream(&viewer).is_ok(), "closed streams free their slots");
	}
}
