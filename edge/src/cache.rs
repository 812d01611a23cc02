//! The edge's two caches: chunks in memory up to a byte budget ([`ChunkCache`]), and answers
//! read from the chain kept for a short time ([`TtlCache`]), both bounded and both evicting in
//! O(1) per entry.

use axum::body::Bytes;
use std::{
	collections::{HashMap, VecDeque},
	hash::Hash,
	sync::{Mutex, RwLock},
	time::{Duration, Instant},
};
use vidchain_primitives::delivery::ContentId;

/// Chunks kept in memory, up to a byte budget (chunks never change: nothing goes stale). When
/// a new chunk does not fit, arbitrary ones are dropped until it does.
pub struct ChunkCache {
	budget: u64,
	inner: RwLock<(HashMap<(ContentId, u32), Bytes>, u64)>,
}

impl ChunkCache {
	/// A cache of at most `budget` bytes (0: none).
	pub fn new(budget: u64) -> ChunkCache {
		ChunkCache { budget, inner: RwLock::new((HashMap::new(), 0)) }
	}

	/// Chunk `key`, if it is in memory.
	pub fn get(&self, key: &(ContentId, u32)) -> Option<Bytes> {
		self.inner.read().expect("not poisoned").0.get(key).cloned()
	}

	/// Keep chunk `key` (dropping others if the budget needs it).
	pub fn insert(&self, key: (ContentId, u32), bytes: Bytes) {
		let len = bytes.len() as u64;
		if len > self.budget {
			return;
		}
		let mut inner = self.inner.write().expect("not poisoned");
		let (map, used) = &mut *inner;
		while *used + len > self.budget {
			let Some(k) = map.keys().next().copied() else { break };
			*used -= map.remove(&k).map_or(0, |b| b.len() as u64);
		}
		if let Some(old) = map.insert(key, bytes) {
			*used -= old.len() as u64;
		}
		*used += len;
	}
}

/// Answers kept for `ttl` after they were read, at most `capacity` of them. Entries are
/// evicted oldest first from a queue in insertion order (every entry lives equally long, so
/// that is also expiry order): each insertion evicts at most what it must, in O(1) per entry.
pub struct TtlCache<K, V> {
	ttl: Duration,
	capacity: usize,
	inner: Mutex<(HashMap<K, (V, Instant)>, VecDeque<(K, Instant)>)>,
}

impl<K: Hash + Eq + Clone, V: Clone> TtlCache<K, V> {
	/// A cache keeping answers for `ttl`, at most `capacity` (at least 1).
	pub fn new(ttl: Duration, capacity: usize) -> Self {
		TtlCache { ttl, capacity: capacity.max(1), inner: Mutex::new((HashMap::new(), VecDeque::new())) }
	}

	/// The answer for `key`, if it was read less than `ttl` ago.
	pub fn get(&self, key: &K) -> Option<V> {
		let inner = self.inner.lock().expect("not poisoned");
		inner.0.get(key).filter(|(_, at)| at.elapsed() < self.ttl).map(|(v, _)| v.clone())
	}

	/// `keys` split into the answers kept for them and the keys to ask again.
	pub fn split(&self, keys: impl IntoIterator<Item = K>) -> (HashMap<K, V>, Vec<K>) {
		let (mut kept, mut ask) = (HashMap::new(), Vec::new());
		for key in keys {
			match self.get(&key) {
				Some(v) => {
					kept.insert(key, v);
				},
				None => ask.push(key),
			}
		}
		(kept, ask)
	}

	/// Keep `value` for `key` from now on.
	pub fn insert(&self, key: K, value: V) {
		let now = Instant::now();
		let mut guard = self.inner.lock().expect("not poisoned");
		let (map, order) = &mut *guard;
		// Expired entries first, then the oldest while over capacity. A queued key whose map
		// entry is newer (it was inserted again) only leaves the queue.
		while let Some((k, at)) = order.front() {
			let expired = now.duration_since(*at) >= self.ttl;
			if !expired && map.len() < self.capacity {
				break;
			}
			if map.get(k).is_some_and(|(_, t)| t == at) {
				map.remove(k);
			}
			order.pop_front();
		}
		map.insert(key.clone(), (value, now));
		order.push_back((key, now));
	}

	/// How many answers are kept.
	pub fn len(&self) -> usize {
		self.inner.lock().expect("not poisoned").0.len()
	}

	/// Whether none is.
	pub fn is_empty(&self) -> bool {
		self.len() == 0
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn answers_expire_and_the_cache_stays_bounded() {
		let cache = TtlCache::new(Duration::from_millis(50), 3);
		for i in 0..10u32 {
			cache.insert(i, i * 2);
		}
		assert_eq!(cache.len(), 3, "the capacity bounds it");
		assert_eq!((cache.get(&9), cache.get(&8), cache.get(&7), cache.get(&6)), (Some(18), Some(16), Some(14), None));
		// Inserting a key again keeps one entry and the newest answer.
		cache.insert(9, 1);
		assert_eq!(cache.get(&9), Some(1));
		assert!(cache.len() <= 3);
		std::thread::sleep(Duration::from_millis(60));
		assert_eq!(cache.get(&9), None, "expired");
		cache.insert(100, 0);
		assert_eq!(cache.len(), 1, "expired answers leave on the next insertion");
	}
}
