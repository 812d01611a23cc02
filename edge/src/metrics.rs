//! Prometheus metrics of the edge, served in the text format on a local port.

use prometheus::{IntCounter, Registry, TextEncoder};

/// The edge's counters.
pub struct Metrics {
	/// Where they are registered.
	pub registry: Registry,
	/// Bytes of chunk bodies sent.
	pub bytes_served: IntCounter,
	/// Chunk answers sent (200 and 206).
	pub chunks_served: IntCounter,
	/// Receipts accepted and stored.
	pub receipts: IntCounter,
	/// Receipts refused.
	pub receipts_refused: IntCounter,
	/// Claims sent.
	pub claims: IntCounter,
	/// Proofs sent.
	pub proofs: IntCounter,
	/// Server-side failures (unreadable or damaged chunk files).
	pub failures: IntCounter,
	/// Requests for exclusive content refused (no token, a bad one, or no license).
	pub access_refused: IntCounter,
	/// Stored receipts left out of a claim because the chain would refuse them by then (their
	/// content retired or re-registered before the claim was built).
	pub receipts_dropped: IntCounter,
	/// Claims or proofs the chain refused with an error that sending them again would repeat
	/// (they are not sent again).
	pub dispatch_errors: IntCounter,
	/// Connections refused because the edge, or their client address, had as many open as it
	/// takes.
	pub connections_refused: IntCounter,
	/// Requests answered 429 because their client address was over its rate ([`crate::fair`]).
	pub over_rate: IntCounter,
}

impl Metrics {
	/// Fresh counters in a fresh registry.
	pub fn new() -> Metrics {
		let registry = Registry::new_custom(Some("vidchain_edge".into()), None).expect("a valid prefix");
		let counter = |name: &str, help: &str| {
			let c = IntCounter::new(name, help).expect("a valid metric name");
			registry.register(Box::new(c.clone())).expect("registered once");
			c
		};
		Metrics {
			bytes_served: counter("bytes_served_total", "Bytes of chunk bodies sent."),
			chunks_served: counter("chunks_served_total", "Chunk answers sent."),
			receipts: counter("receipts_total", "Receipts accepted and stored."),
			receipts_refused: counter("receipts_refused_total", "Receipts refused."),
			claims: counter("claims_total", "Claims sent."),
			proofs: counter("proofs_total", "Proofs sent."),
			failures: counter("failures_total", "Server-side failures."),
			access_refused: counter("access_refused_total", "Requests for exclusive content refused."),
			receipts_dropped: counter("receipts_dropped_total", "Stored receipts left out of a claim: the chain would refuse them."),
			dispatch_errors: counter("dispatch_errors_total", "Claims or proofs refused by the chain for good (not sent again)."),
			connections_refused: counter("connections_refused_total", "Connections refused at the connection limit (the edge's or one address's)."),
			over_rate: counter("over_rate_total", "Requests answered 429: their client address was over its rate."),
			registry,
		}
	}

	/// The metrics in Prometheus' text format.
	pub fn render(&self) -> String {
		TextEncoder::new().encode_to_string(&self.registry.gather()).unwrap_or_default()
	}
}

impl Default for Metrics {
	fn default() -> Self {
		Self::new()
	}
}
