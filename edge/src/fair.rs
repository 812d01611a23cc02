//! Fair shares: what one client may take of an edge, so that strangers asking as fast as they
//! can leave honest viewers and validators' probes their share.
//!
//! A client is its address ([`Client`]: an IPv4 address, or an IPv6 /64, what one machine gets).
//! Per client the edge bounds ([`crate::state::Limits`]):
//!
//! - **open connections** (`connections_per_client`): one more is closed at once;
//! - **receipts checked per second** (`receipts_per_second`, with bursts of
//!   [`RECEIPT_BURST`]): each costs a signature check and chain reads;
//! - **chunk reads from disk per second** (`disk_reads_per_second`, bursts of as many): a read of
//!   a chunk not in memory costs a disk access (chunks in memory cost only their sending).
//!
//! A request over its client's rate waits for its turn up to [`MAX_WAIT`]; when its turn is
//! further away it is answered `429 Too Many Requests` with `Retry-After`, after that same wait,
//! so that a client asking again at once is still held to one request per connection per
//! [`MAX_WAIT`]. Across clients, signature checks use at most half the cores at once
//! ([`crate::intake::signature_threads`]: on a 2-core edge, receipts from many addresses cannot
//! take both cores from serving).

use crate::error::Error;
use governor::{clock::Clock, clock::DefaultClock, DefaultKeyedRateLimiter, Quota};
use std::{
	collections::HashMap,
	net::IpAddr,
	num::NonZeroU32,
	sync::{Arc, Mutex},
	time::Duration,
};

/// The longest a request waits for its client's turn before it is answered 429.
pub const MAX_WAIT: Duration = Duration::from_secs(1);
/// Receipts one client may post at once above its rate: four full posts.
pub const RECEIPT_BURST: u32 = 4 * crate::server::MAX_RECEIPTS_PER_POST as u32;

/// One client as the edge counts it: an IPv4 address, or the /64 of an IPv6 address (an
/// IPv4-mapped IPv6 address is its IPv4 address).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Client(IpAddr);

impl Client {
	/// The client at `ip`.
	pub fn of(ip: IpAddr) -> Client {
		match ip {
			IpAddr::V4(v4) => Client(IpAddr::V4(v4)),
			IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
				Some(v4) => Client(IpAddr::V4(v4)),
				None => Client(IpAddr::V6((u128::from(v6) & !((1u128 << 64) - 1)).into())),
			},
		}
	}
}

impl std::fmt::Display for Client {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		match self.0 {
			IpAddr::V4(a) => write!(f, "{a}"),
			IpAddr::V6(a) => write!(f, "{a}/64"),
		}
	}
}

/// What a client's rate bounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Work {
	/// Receipts checked (one per receipt posted).
	Receipts,
	/// Chunk files read from disk.
	DiskReads,
}

impl Work {
	fn name(self) -> &'static str {
		match self {
			Work::Receipts => "receipts",
			Work::DiskReads => "reads of chunks not in memory",
		}
	}
}

/// The shares of every client of one edge.
pub struct Fair {
	per_client: usize,
	connections: Mutex<HashMap<Client, usize>>,
	receipts: DefaultKeyedRateLimiter<Client>,
	disk_reads: DefaultKeyedRateLimiter<Client>,
	clock: DefaultClock,
}

/// An open connection, counted against its client until dropped.
pub struct Connection {
	fair: Arc<Fair>,
	client: Client,
}

impl Drop for Connection {
	fn drop(&mut self) {
		let mut open = self.fair.connections.lock().unwrap_or_else(|p| p.into_inner());
		if let Some(n) = open.get_mut(&self.client) {
			*n -= 1;
			if *n == 0 {
				open.remove(&self.client);
			}
		}
	}
}

fn rate(per_second: u32, burst: u32) -> Quota {
	let per_second = NonZeroU32::new(per_second.max(1)).expect("at least 1");
	Quota::per_second(per_second).allow_burst(NonZeroU32::new(burst.max(1)).expect("at least 1"))
}

impl Fair {
	/// Shares of `limits`.
	pub fn new(limits: &crate::state::Limits) -> Fair {
		Fair {
			per_client: limits.connections_per_client.max(1),
			connections: Mutex::new(HashMap::new()),
			receipts: DefaultKeyedRateLimiter::keyed(rate(limits.receipts_per_second, RECEIPT_BURST.max(limits.receipts_per_second))),
			disk_reads: DefaultKeyedRateLimiter::keyed(rate(limits.disk_reads_per_second, limits.disk_reads_per_second)),
			clock: DefaultClock::default(),
		}
	}

	/// A connection of `client`, or `None` when it has as many open as one client may.
	pub fn connect(self: &Arc<Self>, client: Client) -> Option<Connection> {
		let mut open = self.connections.lock().unwrap_or_else(|p| p.into_inner());
		let n = open.entry(client).or_insert(0);
		if *n >= self.per_client {
			return None;
		}
		*n += 1;
		Some(Connection { fair: self.clone(), client })
	}

	/// Connections `client` has open.
	pub fn open(&self, client: Client) -> usize {
		self.connections.lock().unwrap_or_else(|p| p.into_inner()).get(&client).copied().unwrap_or(0)
	}

	/// Take `n` units of `work` from `client`'s share: at once, or after waiting for its turn
	/// (up to [`MAX_WAIT`]); [`Error::TooManyRequests`] (after [`MAX_WAIT`]) when the turn is
	/// further away, or `n` is more than the client may ever take at once.
	pub async fn take(&self, work: Work, client: Client, n: u32) -> Result<(), Error> {
		let limiter = match work {
			Work::Receipts => &self.receipts,
			Work::DiskReads => &self.disk_reads,
		};
		let Some(n) = NonZeroU32::new(n) else { return Ok(()) };
		let mut waited = Duration::ZERO;
		loop {
			let wait = match limiter.check_key_n(&client, n) {
				Ok(Ok(())) => return Ok(()),
				Ok(Err(not_until)) => not_until.wait_time_from(self.clock.now()),
				Err(_) => Duration::MAX,
			};
			if waited.saturating_add(wait) > MAX_WAIT {
				tokio::time::sleep(MAX_WAIT.saturating_sub(waited)).await;
				let retry_after = if wait == Duration::MAX { None } else { Some(wait.saturating_sub(MAX_WAIT - waited)) };
				tracing::debug!(%client, what = work.name(), "over its rate");
				return Err(Error::TooManyRequests { what: work.name(), retry_after });
			}
			// Others of this client may take the turn meanwhile: check again after it.
			let wait = wait.max(Duration::from_millis(1));
			tokio::time::sleep(wait).await;
			waited += wait;
		}
	}

	/// Forget the rates of clients not seen for a while (call now and then: memory stays
	/// bounded by the clients of the last few seconds).
	pub fn forget_idle(&self) {
		for limiter in [&self.receipts, &self.disk_reads] {
			limiter.retain_recent();
			limiter.shrink_to_fit();
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::state::Limits;

	fn fair(receipts: u32, reads: u32, connections: usize) -> Arc<Fair> {
		Arc::new(Fair::new(&Limits {
			receipts_per_second: receipts,
			disk_reads_per_second: reads,
			connections_per_client: connections,
			..Limits::default()
		}))
	}

	fn client(ip: &str) -> Client {
		Client::of(ip.parse().unwrap())
	}

	#[test]
	fn a_client_is_an_ipv4_address_or_an_ipv6_64() {
		assert_eq!(client("2001:db8:1:2:3:4:5:6"), client("2001:db8:1:2:ffff::1"));
		assert_ne!(client("2001:db8:1:2::1"), client("2001:db8:1:3::1"));
		assert_eq!(client("::ffff:10.0.0.1"), client("10.0.0.1"));
		assert_ne!(client("127.0.0.1"), client("127.0.0.2"));
		assert_eq!(client("2001:db8:1:2::9").to_string(), "2001:db8:1:2::/64");
	}

	#[test]
	fn connections_per_client_are_bounded_and_given_back() {
		let f = fair(1, 1, 2);
		let (a, b) = (client("10.0.0.1"), client("10.0.0.2"));
		let one = f.connect(a).expect("first");
		let two = f.connect(a).expect("second");
		assert!(f.connect(a).is_none(), "a third of one client is refused");
		let other = f.connect(b).expect("another client has its own share");
		drop(one);
		assert_eq!(f.open(a), 1);
		let _three = f.connect(a).expect("a connection closed is given back");
		drop((two, other));
		assert_eq!(f.open(b), 0);
		assert!(f.connections.lock().unwrap().len() == 1, "clients with nothing open are forgotten");
	}

	#[tokio::test]
	async fn a_client_over_its_rate_waits_then_is_refused_and_others_are_not_held() {
		// 10 reads a second, bursts of 10.
		let f = fair(1, 10, 1);
		let (a, b) = (client("10.0.0.1"), client("10.0.0.2"));
		for _ in 0..10 {
			f.take(Work::DiskReads, a, 1).await.expect("within the burst");
		}
		// The next waits about 100 ms for its turn.
		f.take(Work::DiskReads, a, 1).await.expect("its turn comes within MAX_WAIT");
		f.take(Work::DiskReads, b, 10).await.expect("another client's burst is its own");
		// More than a client may ever take at once: refused, and told no time to retry at.
		match f.take(Work::DiskReads, a, 11).await {
			Err(Error::TooManyRequests { retry_after: None, .. }) => {},
			other => panic!("expected a refusal, got {other:?}"),
		}
	}

	#[tokio::test]
	async fn receipts_past_a_burst_are_refused_with_a_time_to_retry() {
		let f = fair(1_024, 1, 1);
		let a = client("10.0.0.1");
		for _ in 0..4 {
			f.take(Work::Receipts, a, 1_024).await.expect("four full posts at once");
		}
		let started = std::time::Instant::now();
		match f.take(Work::Receipts, a, 1_024).await {
			// At 1 024 a second, the fifth post's turn is a second away: within MAX_WAIT.
			Ok(()) => assert!(started.elapsed() >= Duration::from_millis(900), "it waited its turn"),
			Err(e) => panic!("a turn within a second is waited for, got {e:?}"),
		}
		match f.take(Work::Receipts, a, 1_024 * 3).await {
			Err(Error::TooManyRequests { retry_after: Some(after), .. }) => assert!(after >= Duration::from_secs(1)),
			other => panic!("a turn seconds away is refused, got {other:?}"),
		}
		assert!(started.elapsed() >= Duration::from_millis(1_900), "the refusal came after MAX_WAIT");
		f.take(Work::Receipts, client("10.0.0.2"), 1_024).await.expect("another client is not held");
	}
}
