//! The edge's one application state, [`Edge`], shared by the HTTP handlers ([`crate::server`])
//! and the claimer ([`crate::claimer`]), which import it and not each other.

use crate::{
	access::Licenses,
	cache::{ChunkCache, TtlCache},
	fair::Fair,
	ledger::{ContentOnChain, Ledger},
	metrics::Metrics,
	receipts::ReceiptStore,
	store::Store,
};
use std::{
	sync::{
		atomic::{AtomicBool, AtomicU32, Ordering},
		Arc,
	},
	time::Duration,
};
use vidchain_primitives::delivery::{ContentId, EpochIndex, ProbeAnswer};

/// Faults the edge can be told to commit (tests and demonstrations only).
#[derive(Debug, Default)]
pub struct Faults {
	/// The share of chunks (0.0–1.0) served with one byte flipped.
	pub corrupt_fraction: f64,
	/// Take requests and never answer them.
	pub stalled: AtomicBool,
}

impl Faults {
	/// Serve `fraction` of chunks corrupted.
	pub fn corrupting(fraction: f64) -> Faults {
		Faults { corrupt_fraction: fraction, ..Faults::default() }
	}
}

/// What the claimer shares with the HTTP side: the current epoch, which receipts must name.
#[derive(Default)]
pub struct Clock {
	epoch: AtomicU32,
	known: AtomicBool,
}

impl Clock {
	/// The current epoch, once the chain has been read.
	pub fn epoch(&self) -> Option<EpochIndex> {
		self.known.load(Ordering::Acquire).then(|| self.epoch.load(Ordering::Acquire))
	}

	/// Set the current epoch.
	pub fn set(&self, epoch: EpochIndex) {
		self.epoch.store(epoch, Ordering::Release);
		self.known.store(true, Ordering::Release);
	}
}

/// How long answers about contents are kept (a content's registration changes rarely: it is
/// retired, or pruned).
pub const CONTENT_CACHE: Duration = Duration::from_secs(6);
/// How long a payer's funds are kept: a flood of receipts from one payer reads them once.
pub const FUNDS_CACHE: Duration = Duration::from_secs(2);

/// What the edge needs to take receipts: a chain (its operator, its facts) and a store.
pub struct Intake {
	/// Where receipts go.
	pub receipts: Arc<ReceiptStore>,
	/// The chain.
	pub ledger: Arc<dyn Ledger>,
	/// The current epoch, as the claimer last read it.
	pub clock: Arc<Clock>,
	/// The lowest price per MiB the edge takes.
	pub min_price_per_mib: u128,
	/// Contents as the chain (finalized) last showed them.
	pub(crate) contents: TtlCache<ContentId, Option<ContentOnChain>>,
	/// Payers' funds (by SCALE of the payer) as the chain last showed them.
	pub(crate) funds: TtlCache<Vec<u8>, u128>,
	/// Turns to check signatures ([`crate::intake::signature_threads`] at once).
	pub(crate) signatures: tokio::sync::Semaphore,
}

impl Intake {
	/// An intake storing into `receipts`, reading `ledger`, for the epoch of `clock`.
	pub fn new(receipts: Arc<ReceiptStore>, ledger: Arc<dyn Ledger>, clock: Arc<Clock>, min_price_per_mib: u128) -> Intake {
		Intake {
			receipts,
			ledger,
			clock,
			min_price_per_mib,
			contents: TtlCache::new(CONTENT_CACHE, 100_000),
			funds: TtlCache::new(FUNDS_CACHE, 100_000),
			signatures: tokio::sync::Semaphore::new(crate::intake::signature_threads()),
		}
	}
}

/// The bounds the edge holds its clients to.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
	/// Open connections at most; one more is closed at once.
	pub max_connections: usize,
	/// Time a client has to send a request's headers (also the longest idle keep-alive).
	pub header_timeout: Duration,
	/// Time without a byte either way after which a connection is closed.
	pub idle_timeout: Duration,
	/// Time a request has to be read and answered (its headers; not a streamed body's sending).
	pub request_timeout: Duration,
	/// Chunk files read from disk at once (reads of chunks not in memory wait for a turn).
	pub disk_reads: usize,
	/// Open connections of one client ([`crate::fair::Client`]) at most.
	pub connections_per_client: usize,
	/// Receipts one client may post a second (bursts of [`crate::fair::RECEIPT_BURST`]).
	pub receipts_per_second: u32,
	/// Chunk reads from disk one client may cause a second (bursts of as many).
	pub disk_reads_per_second: u32,
}

impl Default for Limits {
	fn default() -> Self {
		Limits {
			max_connections: 4_096,
			header_timeout: Duration::from_secs(10),
			idle_timeout: Duration::from_secs(30),
			request_timeout: Duration::from_secs(30),
			disk_reads: 32,
			connections_per_client: 256,
			receipts_per_second: 256,
			disk_reads_per_second: 64,
		}
	}
}

/// What every handler shares.
pub struct Edge {
	/// The contents served.
	pub store: Arc<Store>,
	/// Counters.
	pub metrics: Metrics,
	/// Faults to commit.
	pub faults: Faults,
	/// Receipt intake (`None`: serve only, `POST /receipts` answers 503).
	pub intake: Option<Intake>,
	/// License checks (`None`: exclusive content is refused).
	pub licenses: Option<Licenses>,
	/// Chunks in memory.
	pub cache: ChunkCache,
	/// Client bounds.
	pub limits: Limits,
	/// Turns to read chunk files.
	pub disk: tokio::sync::Semaphore,
	/// Each client's share.
	pub fair: Arc<Fair>,
	/// Answers to validators' probes (`None`: no operator key; probes are served unsigned and
	/// the validators report this edge `Unavailable`).
	pub prober: Option<ProbeSigner>,
}

/// The edge's answers to validators' probes: the operator's key signs each probed chunk with the
/// validator's nonce ([`ProbeAnswer`]), so a probe proves that *this* edge served it, not a
/// server its endpoint forwards to.
pub struct ProbeSigner {
	/// The operator's key: the edge's account.
	pub key: subxt_signer::sr25519::Keypair,
	/// The chain's genesis hash, which the answers sign.
	pub genesis: vidchain_primitives::Hash,
}

impl ProbeSigner {
	/// The value of the probe signature header for chunk `chunk_index` of `content` asked for
	/// with the probe header `nonce_hex`: hex of the SCALE signature; `None` if the nonce is
	/// not 32 bytes of hex.
	pub fn answer(&self, nonce_hex: &str, content: ContentId, chunk_index: u32) -> Option<String> {
		use codec::Encode;
		let nonce: [u8; 32] = hex::decode(nonce_hex.trim()).ok()?.try_into().ok()?;
		let answer = ProbeAnswer { nonce, content, chunk_index };
		Some(hex::encode(crate::chain::sign(&self.key, &answer.signing_payload(&self.genesis)).encode()))
	}
}

/// The default budget of the chunk cache: 512 MiB.
pub const DEFAULT_CACHE_BYTES: u64 = 512 << 20;

impl Edge {
	/// An edge serving `store`, with fresh counters, no license checks, the default cache and
	/// limits.
	pub fn new(store: Store, faults: Faults, intake: Option<Intake>) -> Edge {
		Edge::with_limits(store, faults, intake, Limits::default())
	}

	/// [`Edge::new`] with `limits`.
	pub fn with_limits(store: Store, faults: Faults, intake: Option<Intake>, limits: Limits) -> Edge {
		Edge {
			store: Arc::new(store),
			metrics: Metrics::new(),
			faults,
			intake,
			licenses: None,
			cache: ChunkCache::new(DEFAULT_CACHE_BYTES),
			disk: tokio::sync::Semaphore::new(limits.disk_reads.max(1)),
			fair: Arc::new(Fair::new(&limits)),
			limits,
			prober: None,
		}
	}
}
